import {
  CORE_SCHEMA,
  constructFromEvents,
  EVENT_ID,
  type Event,
  getScalarValue,
  load,
  parseEvents,
  type ScalarEvent,
  YAML11_SCHEMA,
} from 'js-yaml';
import { type ContextRef, resolveContextIn } from './contexts.ts';
import {
  BASE64,
  CONFIG,
  defaultFileIndex,
  KUBEZT_EXTENSION,
  type KubeconfigPlan,
  type KubeconfigSource,
  type KubeconfigWrite,
  type Shape,
} from './types.ts';

/**
 * The fast path of `kubezt use`. kubectl re-parses and re-writes the whole kubeconfig to switch
 * context; kubezt fully parses it too (js-yaml's event parser with the YAML 1.1 schema, about 4x
 * faster than the yaml Document API on a 2 MB file), checks it against kubectl's types, and then
 * replaces only the bytes of the top-level current-context value, at offsets the parser reported.
 *
 * It never reports a problem itself: anything unusual (a parse error, a type kubectl would refuse,
 * a current-context that is missing, empty, tagged, anchored or a block scalar, a JSON file...)
 * returns null and the caller takes the full path (yaml Document API), which gives the precise
 * error or handles the case.
 */

export interface QuickKubeconfigFile {
  path: string;
  bytes: string | null;
  /** Missing, empty or `null`: kubectl reads it as an empty config. */
  empty: boolean;
  contexts: ContextRef[];
  currentContext: string;
  /** The source range of the current-context value scalar token (quotes included). */
  currentContextToken: { start: number; end: number } | null;
  /** The document is a flow mapping (a JSON kubeconfig). */
  flowRoot: boolean;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** Whether kubectl would decode `v` into `shape` (null is fine everywhere, as in JSON). */
function fits(v: unknown, shape: Shape): boolean {
  if (v === null || v === undefined || shape === 'any') return true;
  // A timestamp-looking plain scalar is a string for kubectl; its exact text is the full parser's job.
  if (shape === 'string') return typeof v === 'string';
  if (shape === 'bytes') return typeof v === 'string' && BASE64.test(v.replace(/[\r\n]/g, ''));
  if (shape === 'bool') return typeof v === 'boolean';
  if ('list' in shape) return Array.isArray(v) && v.every((x) => fits(x, shape.list));
  if (!isObj(v)) return false;
  if ('map' in shape) return Object.values(v).every((x) => fits(x, shape.map));
  return Object.entries(shape.fields).every(([key, child]) => fits(v[key], child));
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function ownerOf(inner: unknown): { owned: boolean; ownerCluster?: string } {
  if (!isObj(inner) || !Array.isArray(inner.extensions)) return { owned: false };
  for (const ext of inner.extensions) {
    if (!isObj(ext) || ext.name !== KUBEZT_EXTENSION || !isObj(ext.extension)) continue;
    if (ext.extension.managed !== true) continue;
    const owner = str(ext.extension.cluster);
    return owner ? { owned: true, ownerCluster: owner } : { owned: true };
  }
  return { owned: false };
}

/** The top-level current-context value token, from the event stream; undefined: not usable. */
function currentContextToken(src: string, events: Event[]): { start: number; end: number } | null | undefined {
  // events: DOCUMENT, MAPPING (root), then key/value items at depth 2, POP closes.
  let depth = 0;
  let item = 0;
  let wantValue = false;
  for (const ev of events) {
    if (ev.type === EVENT_ID.POP) {
      depth--;
      if (depth === 2) item++;
      continue;
    }
    const atRoot = depth === 2;
    if (ev.type === EVENT_ID.DOCUMENT || ev.type === EVENT_ID.MAPPING || ev.type === EVENT_ID.SEQUENCE) {
      if (atRoot && wantValue) return undefined;
      depth++;
      continue;
    }
    if (!atRoot) continue;
    if (ev.type === EVENT_ID.ALIAS) {
      if (wantValue) return undefined;
      item++;
      continue;
    }
    const scalar = ev as ScalarEvent;
    if (wantValue) return scalarToken(src, scalar);
    if (item % 2 === 0 && scalar.valueStart >= 0 && getScalarValue(src, scalar) === 'current-context') wantValue = true;
    item++;
  }
  return null;
}

function scalarToken(src: string, s: ScalarEvent): { start: number; end: number } | undefined {
  if (s.valueStart < 0 || s.anchorStart >= 0 || s.tagStart >= 0) return undefined;
  const quote = s.style === 2 ? "'" : s.style === 3 ? '"' : s.style === 1 ? '' : undefined;
  if (quote === undefined) return undefined;
  const start = s.valueStart - quote.length;
  const end = s.valueEnd + quote.length;
  if (quote && (src[start] !== quote || src[end - 1] !== quote)) return undefined;
  if (/[\r\n]/.test(src.slice(start, end))) return undefined;
  return { start, end };
}

/** Reads one file the fast way; null when the full parser must decide. */
export function quickReadKubeconfig(source: KubeconfigSource): QuickKubeconfigFile | null {
  const { path, bytes } = source;
  const base: QuickKubeconfigFile = {
    path,
    bytes,
    empty: true,
    contexts: [],
    currentContext: '',
    currentContextToken: null,
    flowRoot: false,
  };
  if (bytes === null) return base;
  // Merge keys, NULs and a BOM are rare enough to leave to the full parser.
  if (bytes.includes('<<') || bytes.includes('\0') || bytes.charCodeAt(0) === 0xfeff) return null;
  let events: Event[];
  let data: unknown;
  try {
    events = parseEvents(bytes, {});
    if (events.filter((e) => e.type === EVENT_ID.DOCUMENT).length > 1) return null;
    const docs = constructFromEvents(events, { source: bytes, schema: YAML11_SCHEMA });
    data = docs[0];
  } catch {
    return null;
  }
  if (data === null || data === undefined) return base;
  if (!isObj(data) || !fits(data, CONFIG)) return null;
  const kind = str(data.kind);
  const apiVersion = str(data.apiVersion);
  if ((kind !== '' && kind !== 'Config') || (apiVersion !== '' && apiVersion !== 'v1')) return null;
  for (const list of ['clusters', 'contexts', 'users'] as const) {
    const items = Array.isArray(data[list]) ? (data[list] as unknown[]) : [];
    const names = items.map((x) => (isObj(x) ? str(x.name) : ''));
    if (new Set(names).size !== names.length) return null; // kubectl refuses duplicates
  }
  const token = currentContextToken(bytes, events);
  if (token === undefined) return null;
  const root = events.find((e) => e.type === EVENT_ID.MAPPING);
  const contexts: ContextRef[] = [];
  for (const raw of Array.isArray(data.contexts) ? data.contexts : []) {
    if (!isObj(raw)) continue;
    const inner = isObj(raw.context) ? raw.context : {};
    contexts.push({ name: str(raw.name), cluster: str(inner.cluster), ...ownerOf(inner) });
  }
  return {
    ...base,
    empty: false,
    contexts,
    currentContext: str(data['current-context']),
    currentContextToken: token,
    flowRoot: root !== undefined && 'style' in root && root.style === 2,
  };
}

// Letters first (no number, no indicator), no `: `, ` #` or trailing `:`; checked by parsing too.
const PLAIN_SAFE = /^[A-Za-z_][A-Za-z0-9_./@:-]*$/;
const NOT_PLAIN = /^(?:y|n|yes|no|on|off|true|false|null|nan|inf|infinity)$/i;

/**
 * A YAML scalar for `value` in a block mapping value: plain (as kubectl writes it) when it reads
 * back as this very string under YAML 1.1 and 1.2, else JSON, which YAML reads as a quoted string.
 */
export function renderScalarQuick(value: string): string {
  if (PLAIN_SAFE.test(value) && !NOT_PLAIN.test(value) && !value.endsWith(':') && readsAs(value, value)) return value;
  return JSON.stringify(value);
}

function readsAs(text: string, value: string): boolean {
  try {
    for (const schema of [YAML11_SCHEMA, CORE_SCHEMA]) {
      const data = load(`x: ${text}`, { schema });
      if (!isObj(data) || data.x !== value) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * The proof behind a current-context-only write: `after` is `before` with one single-line scalar
 * token replaced by another, and the new one reads back (YAML 1.1 and 1.2) as the intended name.
 */
export function checkCurrentContextSplice(write: KubeconfigWrite): void {
  const s = write.currentContextSplice;
  const before = write.before;
  if (!s || before === null) throw new Error('not a current-context splice');
  const ok =
    before.slice(0, s.start) + s.text + before.slice(s.end) === write.after &&
    !/[\n\r]/.test(s.text) &&
    !/[\n\r]/.test(before.slice(s.start, s.end)) &&
    readsAs(s.text, s.value);
  if (!ok) throw new Error(`kubezt planned a wrong current-context edit for ${write.path}`);
}

/**
 * `kubezt use NAME` on already read files: resolves NAME (UserError when unknown) and plans the
 * one-token edit in kubectl's default file. null: take the full path (setCurrentContext).
 */
export function planSwitchQuick(sources: readonly KubeconfigSource[], name: string): KubeconfigPlan | null {
  const files: QuickKubeconfigFile[] = [];
  for (const source of sources) {
    const f = quickReadKubeconfig(source);
    if (!f) return null;
    files.push(f);
  }
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
  const plan: KubeconfigPlan = {
    files: sources.map((s) => ({ path: s.path, bytes: s.bytes })),
    writes: [],
    changes: [],
    warnings: [],
    currentContext: { from: current, to: target, file: dest.path },
  };
  if (current === target) return plan;
  const token = dest.currentContextToken;
  if (dest.empty || dest.bytes === null || !token) return null;
  const text = dest.flowRoot ? JSON.stringify(target) : renderScalarQuick(target);
  const before = dest.bytes;
  const write: KubeconfigWrite = {
    path: dest.path,
    before,
    after: before.slice(0, token.start) + text + before.slice(token.end),
    currentContextSplice: { start: token.start, end: token.end, text, value: target },
  };
  checkCurrentContextSplice(write);
  plan.writes = [write];
  return plan;
}
