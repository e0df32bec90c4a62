import { useState } from 'react';
import { type ClusterView, NAMESPACE_PATTERN } from '../../../../ipc/contract.ts';
import { errorOf, useApi } from '../../api.ts';

/** The sentence main/core/kubeconfig/namespace.ts (checkNamespaceName) says for a bad name. */
export function namespaceProblem(value: string): string | null {
  if (NAMESPACE_PATTERN.test(value)) return null;
  return `"${value}" is not a namespace name; use lowercase letters, digits and "-" (at most 63, starting and ending with a letter or digit).`;
}

/**
 * The context's namespace, and an inline edit of it: Enter writes it through main (the same
 * splice, lock and atomic write as `kubezt ns`), Esc cancels. One line, like the rest of the row.
 */
export function NamespaceCell({ cluster }: { cluster: ClusterView }) {
  const api = useApi();
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const shown = cluster.namespace ?? 'default';
  if (cluster.context === null) return <span className="muted">—</span>;
  if (draft === null) {
    return (
      <button
        type="button"
        className="ns-button mono"
        aria-label={`Namespace of ${cluster.name}: ${shown}. Change it`}
        title={error ?? (cluster.namespace ? 'Change the namespace' : 'No namespace set (kubectl uses "default")')}
        onClick={() => {
          setError(null);
          setDraft(cluster.namespace ?? '');
        }}
      >
        <span className={cluster.namespace ? undefined : 'muted'}>{shown}</span>
      </button>
    );
  }
  const save = async () => {
    const value = draft.trim();
    const problem = namespaceProblem(value);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    try {
      await api.setNamespace({ cluster: cluster.name, namespace: value });
      setDraft(null);
      setError(null);
    } catch (e) {
      setError(errorOf(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="ns-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <input
        className="ns-input mono"
        value={draft}
        // biome-ignore lint/a11y/noAutofocus: the user just asked to edit this very field.
        autoFocus
        disabled={busy}
        aria-label={`Namespace of ${cluster.name}`}
        aria-invalid={error ? 'true' : undefined}
        title={error ?? 'Enter to save, Esc to cancel'}
        spellCheck={false}
        maxLength={63}
        onChange={(e) => {
          setDraft(e.target.value);
          setError(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            setDraft(null);
            setError(null);
          }
        }}
      />
      {error && (
        <span role="alert" className="sr-only">
          {error}
        </span>
      )}
    </form>
  );
}
