/** A unified diff, line by line, with + and − told apart by text as well as colour. */
export function DiffView({ diff, label }: { diff: string; label: string }) {
  const lines = diff.replace(/\n$/, '').split('\n');
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to scroll it.
    <section className="diff" aria-label={label} tabIndex={0}>
      <pre>
        <code>
          {lines.map((line, i) => {
            const kind =
              line.startsWith('+++') || line.startsWith('---')
                ? 'file'
                : line.startsWith('@@')
                  ? 'hunk'
                  : line.startsWith('+')
                    ? 'add'
                    : line.startsWith('-')
                      ? 'del'
                      : 'ctx';
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: diff lines have no identity beyond their position.
              <span key={i} className={`diff-line diff-${kind}`}>
                {kind === 'add' && <span className="sr-only">added: </span>}
                {kind === 'del' && <span className="sr-only">removed: </span>}
                {line}
                {'\n'}
              </span>
            );
          })}
        </code>
      </pre>
    </section>
  );
}
