import { type CST, isAlias, isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import { NAMESPACE_PATTERN } from '../../../ipc/namespace.ts';
import { isUserError, UserError } from '../errors.ts';
import { applyKubeconfigPlan } from './apply.ts';
import type { WriteCleanup } from './cleanup.ts';
import { getString, type KubeconfigSet, parseKubeconfigFile, sourcesOf } from './parse.ts';
import { renderScalarQuick } from './quick.ts';
import { loadKubeconfig } from './read.ts';
import { DEFAULT_LOCK_TIMEOUT_MS } from './switch.ts';
import type { KubeconfigPlan } from './types.ts';
import { applySplices, lineEnd, lineStart, type Splice } from './yaml-text.ts';

/**
 * Sets one context's namespace by splicing the file's bytes, like the current-context edit of
 * `kubezt use`: the `namespace:` value is replaced in place, or one `namespace:` line (one
 * `"namespace": "…"` item in a flow mapping) is added to the context's mapping. Every other byte
 * (comments, order, quoting, the other entries) is kept, and the result is parsed back to prove it.
 */

/** Refuses what is not a namespace name (ipc/namespace.ts: the dashboard checks the same pattern). */
export function checkNamespaceName(namespace: string): void {
  if (NAMESPACE_PATTERN.test(namespace)) return;
  throw new UserError(
    'bad-usage',
    `"${namespace}" is not a namespace name; use lowercase letters, digits and "-" (at most 63, starting and ending with a letter or digit).`,
  );
}

function unsupported(path: string, context: string, what: string): never {
  throw new UserError(
    'kubeconfig-invalid',
    `kubezt cannot safely set the namespace of the context "${context}" in ${path} because ${what}; set it with "kubectl config set-context ${context} --namespace NS" instead (the file was not changed).`,
  );
}

function isFlow(node: Node): boolean {
  return (node as { srcToken?: CST.Token }).srcToken?.type === 'flow-collection';
}

function keyIs(pair: Pair, key: string): boolean {
  return isScalar(pair.key) && pair.key.value === key;
}

function valueIndicatorEnd(pair: Pair, src: string): number {
  const token = (pair as { srcToken?: { sep?: CST.SourceToken[] } }).srcToken;
  const ind = token?.sep?.find((t) => t.type === 'map-value-ind');
  if (ind) return ind.offset + 1;
  return src.indexOf(':', (pair.key as Node).range?.[1] ?? 0) + 1;
}

/** The splice that sets `namespace` in the context's own mapping. */
function namespaceSplice(src: string, inner: YAMLMap, namespace: string, fail: (what: string) => never): Splice {
  const flow = isFlow(inner);
  const text = flow ? JSON.stringify(namespace) : renderScalarQuick(namespace);
  const pairs = inner.items as Pair[];
  if (pairs.some((p) => !isScalar(p.key) || typeof p.key.value === 'symbol')) fail('its mapping uses a merge key');
  const existing = pairs.find((p) => keyIs(p, 'namespace'));
  if (existing) {
    const v = existing.value as Node | null;
    if (v && (isAlias(v) || !isScalar(v) || v.anchor || v.tag)) fail('its namespace is not a plain value');
    const r = v?.range;
    if (r && r[1] > r[0]) {
      if (/[\r\n]/.test(src.slice(r[0], r[1]))) fail('its namespace spans several lines');
      return { start: r[0], end: r[1], text };
    }
    const at = valueIndicatorEnd(existing, src);
    return { start: at, end: at, text: ` ${text}` };
  }
  const range = inner.range;
  if (!range) return fail('its mapping has no source position');
  if (flow) {
    if (pairs.length === 0) return { start: range[0] + 1, end: range[0] + 1, text: `"namespace": ${text}` };
    const last = pairs[pairs.length - 1] as Pair;
    const end = ((last.value as Node | null)?.range ?? (last.key as Node).range)?.[1];
    if (end === undefined) return fail('its mapping has no source position');
    return { start: end, end, text: `, "namespace": ${text}` };
  }
  const firstKey = (pairs[0]?.key as Node | undefined)?.range?.[0];
  const last = pairs[pairs.length - 1];
  const lastEnd = last ? ((last.value as Node | null)?.range ?? (last.key as Node).range)?.[1] : undefined;
  if (firstKey === undefined || lastEnd === undefined) return fail('its mapping is empty');
  const at = lineEnd(src, lastEnd);
  const prefix = at > 0 && src[at - 1] !== '\n' ? '\n' : '';
  const pad = ' '.repeat(firstKey - lineStart(src, firstKey));
  return { start: at, end: at, text: `${prefix}${pad}namespace: ${text}\n` };
}

/**
 * `bytes` (one kubeconfig file) with the namespace of `context` set to `namespace`. Pure: the
 * same input always gives the same bytes. Throws `not-found` when the file has no such context,
 * `kubeconfig-invalid` when the file (or that context) cannot be edited safely.
 */
export function spliceContextNamespace(bytes: string, context: string, namespace: string, path = 'kubeconfig'): string {
  const file = parseKubeconfigFile({ path, bytes }, 0);
  const entry = file.lists.context.entries.find((e) => e.name === context);
  if (!entry) {
    throw new UserError(
      'not-found',
      `The kubeconfig ${path} has no context "${context}"; "kubezt clusters" lists them.`,
    );
  }
  const fail = (what: string): never => unsupported(path, context, what);
  const inner = entry.inner;
  if (!inner || !isMap(inner)) return fail('it has no "context:" mapping');
  if (inner.anchor) fail('its mapping carries a YAML anchor');
  const doc = file.doc;
  if (doc && getString(doc, inner, 'namespace') === namespace) return bytes;
  const splice = namespaceSplice(bytes, inner, namespace, fail);
  const crlf = bytes.includes('\r\n');
  const after = applySplices(bytes, [crlf ? { ...splice, text: splice.text.replace(/\n/g, '\r\n') } : splice]);
  // The proof: the new file reads back with this context's namespace set, and nothing else moved.
  const check = parseKubeconfigFile({ path, bytes: after }, 0);
  const changed = check.lists.context.entries.find((e) => e.name === context);
  if (!check.doc || !changed?.inner || getString(check.doc, changed.inner, 'namespace') !== namespace) {
    throw new Error(`kubezt planned a wrong namespace edit for ${path}`);
  }
  return after;
}

/**
 * The plan that sets `context`'s namespace in the file that defines it (the first one, as kubectl
 * merges them). No write when it already is that namespace.
 */
export function planContextNamespace(set: KubeconfigSet, context: string, namespace: string): KubeconfigPlan {
  const entry = set.merged.context.get(context);
  const file = entry ? set.files[entry.fileIndex] : undefined;
  if (!entry || !file || file.bytes === null) {
    throw new UserError(
      'not-found',
      `No kubeconfig file defines the context "${context}"; "kubezt clusters" lists them.`,
    );
  }
  const after = spliceContextNamespace(file.bytes, context, namespace, file.path);
  return {
    files: sourcesOf(set),
    writes: after === file.bytes ? [] : [{ path: file.path, before: file.bytes, after }],
    changes: [],
    warnings: [],
  };
}

export interface SetNamespaceInput {
  paths: readonly string[];
  namespace: string;
  /** Default: the merged current-context. */
  context?: string;
  lockTimeoutMs?: number;
  attempts?: number;
  now?: () => number;
  cleanup?: WriteCleanup;
}

export interface SetNamespaceResult {
  context: string;
  namespace: string;
  /** The namespace before ('' when unset). */
  previous: string;
  file: string;
  changed: boolean;
}

function contextOf(set: KubeconfigSet, wanted: string | undefined): string {
  if (wanted) return wanted;
  if (set.currentContext) return set.currentContext;
  throw new UserError('not-found', 'No current context is set; run "kubezt use NAME" first, then set its namespace.');
}

/** `kubezt ns NS`: kubectl's lock, a re-read under it and an atomic rename, as `kubezt use` writes. */
export async function setKubeconfigNamespace(input: SetNamespaceInput): Promise<SetNamespaceResult> {
  checkNamespaceName(input.namespace);
  const attempts = input.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      const set = await loadKubeconfig(input.paths);
      const context = contextOf(set, input.context);
      const entry = set.merged.context.get(context);
      const doc = entry ? set.files[entry.fileIndex]?.doc : undefined;
      const previous = doc && entry?.inner ? getString(doc, entry.inner, 'namespace') : '';
      const plan = planContextNamespace(set, context, input.namespace);
      await applyKubeconfigPlan(plan, {
        lockTimeoutMs: input.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
        holdLockMs: 0,
        ...(input.now ? { now: input.now } : {}),
        ...(input.cleanup ? { cleanup: input.cleanup } : {}),
      });
      const file = set.files[entry?.fileIndex ?? 0]?.path ?? '';
      return { context, namespace: input.namespace, previous, file, changed: plan.writes.length > 0 };
    } catch (e) {
      if (attempt >= attempts || !isUserError(e) || e.code !== 'kubeconfig-changed') throw e;
    }
  }
}
