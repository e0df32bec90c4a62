import { blockScalarReadsAs, readBlockYaml } from './block-yaml.ts';
import { type ContextRef, resolveContextIn } from './contexts.ts';
import {
  CONFIG,
  type ContextNetwork,
  defaultFileIndex,
  isBase64,
  KUBEZT_EXTENSION,
  type KubeconfigPlan,
  type KubeconfigSource,
  type KubeconfigWrite,
  type Shape,
} from './types.ts';

/**
 * The fast path of `kubezt use`, from already parsed data to the one-token edit, with no YAML
 * library: the block reader (block-yaml.ts) answers for the kubeconfigs kubectl writes, and
 * quick.ts brings js-yaml for the rest. Keeping this module free of js-yaml is what lets a
 * `kubezt use` on a plain kubeconfig start as fast as kubectl.
 */

export interface QuickKubeconfigFile {
  path: string;
  bytes: string | null;
  /** Missing, empty or `null`: kubectl reads it as an empty config. */
  empty: boolean;
  contexts: ContextRef[];
  /** The document's `contexts` list as parsed, for what only the target context needs. */
  contextEntries: readonly unknown[];
  currentContext: string;
  /** The source range of the current-context value scalar token (quotes included). */
  currentContextToken: { start: number; end: number } | null;
  /** The document is a flow mapping (a JSON kubeconfig). */
  flowRoot: boolean;
}

type Obj = Record<string, unknown>;

/** A parsed YAML mapping: not a list, and not a timestamp js-yaml turned into a Date. */
export function isMapping(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/**
 * Whether kubectl would decode `v` into `shape` (null is fine everywhere, as in JSON). Loops
 * rather than Object.entries/every: this visits every value of a kubeconfig on each `kubezt use`,
 * and on a 10,000-context file the arrays those allocate cost more than the checks.
 */
function fits(v: unknown, shape: Shape): boolean {
  if (v === null || v === undefined || shape === 'any') return true;
  // A timestamp-looking plain scalar is a string for kubectl; its exact text is the full parser's job.
  if (shape === 'string') return typeof v === 'string';
  if (shape === 'bytes') return typeof v === 'string' && isBase64(v);
  if (shape === 'bool') return typeof v === 'boolean';
  if ('list' in shape) {
    if (!Array.isArray(v)) return false;
    for (const x of v) if (!fits(x, shape.list)) return false;
    return true;
  }
  if (!isMapping(v)) return false;
  if ('map' in shape) {
    for (const key of Object.keys(v)) if (!fits(v[key], shape.map)) return false;
    return true;
  }
  const fields = shape.fields;
  for (const key in fields) if (!fits(v[key], fields[key] as Shape)) return false;
  return true;
}

/** The string itself, or '' for anything else (kubectl reads a missing string field as ''). */
export function stringOrEmpty(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The body of an `extensions` item when it is kubezt's (named KUBEZT_EXTENSION), else null. */
function kubeztExtensionBody(ext: unknown): Obj | null {
  return isMapping(ext) && ext.name === KUBEZT_EXTENSION && isMapping(ext.extension) ? ext.extension : null;
}

/** The `virtualNetwork` a kubezt extension body records (`id` required, `name` when given), or null. */
function recordedVirtualNetwork(body: Obj): { id: string; name?: string } | null {
  const vnet = body.virtualNetwork;
  const id = isMapping(vnet) ? stringOrEmpty(vnet.id) : '';
  if (!id) return null;
  const name = stringOrEmpty((vnet as Obj).name);
  return name ? { id, name } : { id };
}

export function ownerOf(inner: unknown): {
  owned: boolean;
  ownerCluster?: string;
  ownerVirtualNetwork?: { id: string; name?: string };
} {
  if (!isMapping(inner) || !Array.isArray(inner.extensions)) return { owned: false };
  for (const ext of inner.extensions) {
    const body = kubeztExtensionBody(ext);
    if (body?.managed !== true) continue;
    const owner = stringOrEmpty(body.cluster);
    const network = recordedVirtualNetwork(body);
    return {
      owned: true,
      ...(owner ? { ownerCluster: owner } : {}),
      ...(network ? { ownerVirtualNetwork: network } : {}),
    };
  }
  return { owned: false };
}

/**
 * The network recorded on one parsed `contexts` entry by kubezt's extension (its name falls back
 * to its id), or null.
 */
export function networkOfContextEntry(raw: unknown): ContextNetwork | null {
  const inner = isMapping(raw) && isMapping(raw.context) ? raw.context : null;
  const exts = inner && Array.isArray(inner.extensions) ? inner.extensions : [];
  for (const ext of exts) {
    const body = kubeztExtensionBody(ext);
    const network = body ? recordedVirtualNetwork(body) : null;
    if (network) return { id: network.id, name: network.name ?? network.id };
  }
  return null;
}

/**
 * Whether kubectl would load this document root: its types, kind, apiVersion and unique names.
 * (null and undefined, an empty document, are the caller's case.)
 */
export function acceptedByKubectl(data: unknown): data is Record<string, unknown> {
  if (!isMapping(data) || !fits(data, CONFIG)) return false;
  const kind = stringOrEmpty(data.kind);
  const apiVersion = stringOrEmpty(data.apiVersion);
  if ((kind !== '' && kind !== 'Config') || (apiVersion !== '' && apiVersion !== 'v1')) return false;
  for (const list of ['clusters', 'contexts', 'users'] as const) {
    const items = Array.isArray(data[list]) ? (data[list] as unknown[]) : [];
    const names = items.map((x) => (isMapping(x) ? stringOrEmpty(x.name) : ''));
    if (new Set(names).size !== names.length) return false; // kubectl refuses duplicates
  }
  return true;
}

/**
 * A file as the fast path sees it, from its constructed data (null: the full parser decides).
 * `token` is the current-context value's source range: null when the key is absent, undefined
 * when its value is not a single-line scalar token.
 */
export function quickFileFromData(
  base: QuickKubeconfigFile,
  data: unknown,
  token: { start: number; end: number } | null | undefined,
  flowRoot: boolean,
): QuickKubeconfigFile | null {
  if (data === null || data === undefined) return base;
  if (!acceptedByKubectl(data)) return null;
  if (token === undefined) return null;
  const contexts: ContextRef[] = [];
  const contextEntries: unknown[] = Array.isArray(data.contexts) ? data.contexts : [];
  for (const raw of contextEntries) {
    if (!isMapping(raw)) continue;
    const inner = isMapping(raw.context) ? raw.context : {};
    contexts.push({ name: stringOrEmpty(raw.name), cluster: stringOrEmpty(inner.cluster), ...ownerOf(inner) });
  }
  return {
    ...base,
    empty: false,
    contexts,
    contextEntries,
    currentContext: stringOrEmpty(data['current-context']),
    currentContextToken: token,
    flowRoot,
  };
}

export function emptyQuickFile(source: KubeconfigSource): QuickKubeconfigFile {
  return {
    path: source.path,
    bytes: source.bytes,
    empty: true,
    contexts: [],
    contextEntries: [],
    currentContext: '',
    currentContextToken: null,
    flowRoot: false,
  };
}

/** One file through the block reader alone; null when it is not simple block YAML. */
export function readKubeconfigWithoutYamlLibrary(source: KubeconfigSource): QuickKubeconfigFile | null {
  const base = emptyQuickFile(source);
  if (source.bytes === null) return base;
  const doc = readBlockYaml(source.bytes);
  if (!doc) return null;
  const token = doc.rootValueTokens.get('current-context');
  // `current-context:` with no value: the full parser knows what kubectl does with it.
  if (Object.hasOwn(doc.data, 'current-context') && !token) return null;
  return quickFileFromData(base, doc.data, token ?? null, false);
}

// Letters first (no number, no indicator), no `: `, ` #` or trailing `:`; checked by parsing too.
export const PLAIN_SAFE = /^[A-Za-z_][A-Za-z0-9_./@:-]*$/;
export const NOT_PLAIN = /^(?:y|n|yes|no|on|off|true|false|null|nan|inf|infinity)$/i;

/** The scalar text for a current-context value; null when only js-yaml can vouch for it. */
export type RenderScalar = (value: string) => string | null;

/** renderScalarQuick without js-yaml: plain when the block reader vouches for it, else JSON. */
export const renderScalarWithoutYamlLibrary: RenderScalar = (value) => {
  if (PLAIN_SAFE.test(value) && !NOT_PLAIN.test(value) && !value.endsWith(':')) {
    if (blockScalarReadsAs(value, value) === true) return value;
  }
  const json = JSON.stringify(value);
  return blockScalarReadsAs(json, value) === true ? json : null;
};

/** The network recorded on `name` in the first file that defines it (kubectl's merge); null when none. */
function recordedNetwork(files: readonly QuickKubeconfigFile[], name: string): ContextNetwork | null {
  for (const f of files) {
    const entry = f.contextEntries.find((c) => isMapping(c) && c.name === name);
    if (entry !== undefined) return networkOfContextEntry(entry);
  }
  return null;
}

/**
 * Resolves NAME over already read files (UserError when unknown) and plans the one-token edit in
 * kubectl's default file. null: take a slower path.
 */
export function planSwitchFromFiles(
  sources: readonly KubeconfigSource[],
  files: readonly QuickKubeconfigFile[],
  name: string,
  render: RenderScalar,
): KubeconfigPlan | null {
  const merged = new Map<string, ContextRef>();
  let current = '';
  for (const f of files) {
    for (const c of f.contexts) if (!merged.has(c.name)) merged.set(c.name, c);
    if (current === '' && f.currentContext !== '') current = f.currentContext;
  }
  const target = resolveContextIn([...merged.values()], name, sources.map((s) => s.path).join(', '));
  const destIndex = defaultFileIndex(sources);
  const dest = files[destIndex];
  if (!dest) return null;
  const virtualNetwork = recordedNetwork(files, target);
  const plan: KubeconfigPlan = {
    files: sources.map((s) => ({ path: s.path, bytes: s.bytes })),
    writes: [],
    changes: [],
    warnings: [],
    currentContext: { from: current, to: target, file: dest.path, ...(virtualNetwork ? { virtualNetwork } : {}) },
  };
  if (current === target) return plan;
  const token = dest.currentContextToken;
  if (dest.empty || dest.bytes === null || !token) return null;
  const text = dest.flowRoot ? JSON.stringify(target) : render(target);
  if (text === null) return null;
  const before = dest.bytes;
  const write: KubeconfigWrite = {
    path: dest.path,
    before,
    after: before.slice(0, token.start) + text + before.slice(token.end),
    currentContextSplice: { start: token.start, end: token.end, text, value: target },
  };
  if (!spliceIsExact(write)) throw new Error(`kubezt planned a wrong current-context edit for ${write.path}`);
  plan.writes = [write];
  return plan;
}

/**
 * The string half of the splice proof: `after` is `before` with one single-line token replaced.
 * Compared in place (prefix, token, suffix) rather than by building the spliced copy: on a 10 MB
 * kubeconfig that copy and its flattening were a measurable part of `kubezt use`.
 */
export function spliceIsExact(write: KubeconfigWrite): boolean {
  const s = write.currentContextSplice;
  const before = write.before;
  if (!s || before === null) return false;
  const after = write.after;
  const tail = before.length - s.end;
  return (
    after.length === s.start + s.text.length + tail &&
    after.startsWith(before.slice(0, s.start)) &&
    after.startsWith(s.text, s.start) &&
    after.endsWith(before.slice(s.end)) &&
    !/[\n\r]/.test(s.text) &&
    !/[\n\r]/.test(before.slice(s.start, s.end))
  );
}

/** `kubezt use` on files the block reader can read; null when any file needs js-yaml. */
export function planSwitchWithoutYamlLibrary(
  sources: readonly KubeconfigSource[],
  name: string,
): KubeconfigPlan | null {
  const files: QuickKubeconfigFile[] = [];
  for (const source of sources) {
    const f = readKubeconfigWithoutYamlLibrary(source);
    if (!f) return null;
    files.push(f);
  }
  return planSwitchFromFiles(sources, files, name, renderScalarWithoutYamlLibrary);
}

/**
 * The splice proof without js-yaml: true when proven, false when js-yaml must judge the new
 * token (checkCurrentContextSplice); throws when the edit is not a one-token splice at all.
 */
export function spliceProvenWithoutYamlLibrary(write: KubeconfigWrite): boolean {
  const s = write.currentContextSplice;
  if (!s || !spliceIsExact(write)) throw new Error(`kubezt planned a wrong current-context edit for ${write.path}`);
  return blockScalarReadsAs(s.text, s.value) === true;
}
