import { InlineError } from '../components/common.tsx';
import { failure, loaded, useAsync } from '../useAsync.ts';

/** "29 Jan 2026, 10:15:00" in the user's locale; the raw text when it is not a date. */
function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** Settings' list of kubezt's kubeconfig backups. Read-only: `kubezt restore ID` puts one back. */
export function BackupsCard() {
  const backups = useAsync((api) => api.listBackups());
  const list = loaded(backups.state);
  const error = failure(backups.state);

  return (
    <section className="card" aria-labelledby="backups-title">
      <h2 id="backups-title">Kubeconfig backups</h2>
      <InlineError error={error} />
      {!list && !error && <p className="muted">Reading…</p>}
      {list && list.backups.length === 0 && (
        <p className="muted">
          None yet. Before each change that adds, updates or removes contexts, kubezt keeps a copy of the kubeconfig as
          it was (a context switch keeps none).
        </p>
      )}
      {list && list.backups.length > 0 && (
        <>
          <p className="muted small">
            The versions kubezt replaced, newest first (the last 10 are kept)
            {list.folder && (
              <>
                , in <code>{list.folder}</code>
              </>
            )}
            . To put one back, run <code>kubezt restore ID</code>.
          </p>
          <div className="table-wrap">
            <table className="backups">
              <caption className="sr-only">kubezt's backups of the kubeconfig, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">ID</th>
                  <th scope="col">Taken</th>
                  <th scope="col">Kubeconfig</th>
                  <th scope="col">Change that followed</th>
                </tr>
              </thead>
              <tbody>
                {list.backups.map((b) => (
                  <tr key={b.id}>
                    <td>
                      <code>{b.id}</code>
                    </td>
                    <td>
                      <time dateTime={b.time}>{when(b.time)}</time>
                    </td>
                    <td>
                      <code>{b.path}</code>
                    </td>
                    <td>{b.what}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
