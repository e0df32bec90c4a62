import { checkNamespaceName, spliceContextNamespace } from './namespace.ts';
import { getString } from './parse.ts';
import { resolveContextName, setCurrentContext } from './plan.ts';
import { loadKubeconfig } from './read.ts';
import type { KubeconfigPlan, KubeconfigWrite } from './types.ts';

/**
 * `kubezt use NAME -n NS`: the current-context switch and the context's namespace in one plan,
 * applied under one set of locks and renamed into place once per file. When both edits land in
 * the same file, the namespace is spliced into the bytes the current-context edit produced, and
 * the write drops its `currentContextSplice`: that shortcut proves a one-token edit only, so the
 * writer parses the whole result back instead (apply.ts).
 */

export interface NamespaceChange {
  /** The namespace set. */
  name: string;
  /** The context's namespace before ('' when unset). */
  previous: string;
  changed: boolean;
}

export async function planSwitchWithNamespace(
  paths: readonly string[],
  name: string,
  namespace: string,
): Promise<{ plan: KubeconfigPlan; namespace: NamespaceChange }> {
  checkNamespaceName(namespace);
  // The full reader: the namespace splice needs the parsed documents, and which file defines the
  // context (it may not be the file current-context is written to).
  const set = await loadKubeconfig(paths);
  const context = resolveContextName(set, name);
  const plan = setCurrentContext(set, context);
  const entry = set.merged.context.get(context);
  const file = entry ? set.files[entry.fileIndex] : undefined;
  if (!entry || !file || file.bytes === null) throw new Error(`kubezt lost the context "${context}" while planning`);
  const doc = file.doc;
  const previous = doc && entry.inner ? getString(doc, entry.inner, 'namespace') : '';
  const switched = plan.writes.find((w) => w.path === file.path);
  const before = switched ? switched.after : file.bytes;
  const after = spliceContextNamespace(before, context, namespace, file.path);
  const changed = after !== before;
  if (changed) {
    const write: KubeconfigWrite = { path: file.path, before: file.bytes, after };
    plan.writes = switched ? plan.writes.map((w) => (w === switched ? write : w)) : [...plan.writes, write];
  }
  return { plan, namespace: { name: namespace, previous, changed } };
}
