import { type KeyboardEvent as ReactKeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { type ClusterView, fuzzyFilter } from '../../../../ipc/contract.ts';

/** What the list shows at most; typing narrows it. */
const SHOWN = 50;

/** The text a cluster is found by, in the search box and in the switcher. */
export function searchFields(c: ClusterView): string[] {
  return [c.name, c.context ?? '', c.group ?? '', ...c.ips];
}

/** Opens on Ctrl+K (Cmd+K on macOS) anywhere in the window. */
export function useQuickSwitcherKey(open: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        open();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
}

/**
 * A modal dialog: a combobox over the clusters, filtered fuzzily as the user types. Arrows move,
 * Enter switches kubectl to the highlighted cluster, Escape closes; focus stays inside while it
 * is open and returns where it was when it closes.
 */
export function QuickSwitcher(props: {
  clusters: readonly ClusterView[];
  onUse: (cluster: ClusterView) => void;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const id = useId();
  // Each cluster's searchable texts, built once per list rather than once per keystroke.
  const fieldsOf = useMemo(() => new Map(props.clusters.map((c) => [c, searchFields(c)])), [props.clusters]);
  const matches = useMemo(
    () => fuzzyFilter(props.clusters, query, (c) => fieldsOf.get(c) ?? searchFields(c)),
    [props.clusters, query, fieldsOf],
  );
  const shown = matches.slice(0, SHOWN);
  const current = shown[Math.min(active, shown.length - 1)];
  const { onClose } = props;

  useEffect(() => {
    const d = dialog.current;
    const opener = document.activeElement as HTMLElement | null;
    d?.showModal();
    input.current?.focus();
    return () => {
      d?.close();
      opener?.focus?.();
    };
  }, []);

  const choose = (c: ClusterView | undefined) => {
    if (!c || c.context === null || c.current) return;
    props.onUse(c);
    onClose();
  };

  const onKeyDown = (e: ReactKeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((a) => (shown.length === 0 ? 0 : (Math.min(a, shown.length - 1) + step + shown.length) % shown.length));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(current);
    } else if (e.key === 'Tab') {
      // The trap: Tab and Shift+Tab move between the box and the close button only.
      e.preventDefault();
      (document.activeElement === input.current ? closeButton.current : input.current)?.focus();
    }
  };

  const optionId = (i: number) => `${id}-opt-${i}`;
  return (
    <dialog
      ref={dialog}
      className="switcher"
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onKeyDown={onKeyDown}
    >
      <div className="switcher-head">
        <h2 id={`${id}-title`}>Switch kubectl to…</h2>
        <button type="button" className="button button-small" ref={closeButton} onClick={onClose}>
          Close
        </button>
      </div>
      <input
        ref={input}
        className="switcher-input"
        type="text"
        role="combobox"
        aria-label="Cluster name, context, group or IP"
        aria-expanded="true"
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={current ? optionId(shown.indexOf(current)) : undefined}
        placeholder="Type to filter: name, context, group or IP"
        autoComplete="off"
        spellCheck={false}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
      />
      <div id={`${id}-list`} role="listbox" aria-label="Clusters" className="switcher-list">
        {shown.map((c, i) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox handles the keyboard for its options.
          <div
            key={c.name}
            id={optionId(i)}
            role="option"
            tabIndex={-1}
            aria-selected={c === current}
            aria-disabled={c.context === null || c.current ? true : undefined}
            className={c === current ? 'switcher-option active' : 'switcher-option'}
            onMouseMove={() => setActive(i)}
            onClick={() => choose(c)}
          >
            <span className="name">{c.name}</span>
            <span className="muted small mono">{c.context ?? 'not in kubeconfig'}</span>
            {c.group && <span className="muted small">{c.group}</span>}
            {c.current && <span className="badge badge-current">current</span>}
          </div>
        ))}
      </div>
      <p className="muted small switcher-foot" aria-live="polite">
        {matches.length === 0
          ? 'No cluster matches.'
          : `${matches.length} match${matches.length === 1 ? '' : 'es'}${matches.length > SHOWN ? `, first ${SHOWN} shown` : ''} · ↑↓ to move, Enter to switch, Esc to close`}
      </p>
    </dialog>
  );
}
