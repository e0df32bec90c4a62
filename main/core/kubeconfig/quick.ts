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
import { readBlockYaml } from './block-yaml.ts';
import {
  emptyQuickFile,
  isMapping,
  NOT_PLAIN,
  PLAIN_SAFE,
  planSwitchFromFiles,
  type QuickKubeconfigFile,
  quickFileFromData,
  readKubeconfigWithoutYamlLibrary,
  spliceIsExact,
} from './quick-file.ts';
import type { KubeconfigPlan, KubeconfigSource, KubeconfigWrite } from './types.ts';

export type { QuickKubeconfigFile } from './quick-file.ts';

/**
 * The fast path of `kubezt use`. kubectl re-parses and re-writes the whole kubeconfig to switch
 * context; kubezt fully parses it too (the block reader of block-yaml.ts for the plain files
 * kubectl writes, else js-yaml's event parser with the YAML 1.1 schema, about 4x
 * faster than the yaml Document API on a 2 MB file), checks it against kubectl's types, and then
 * replaces only the bytes of the top-level current-context value, at offsets the parser reported.
 *
 * It never reports a problem itself: anything unusual (a parse error, a type kubectl would refuse,
 * a current-context that is missing, empty, tagged, anchored or a block scalar, a JSON file...)
 * returns null and the caller takes the full path (yaml Document API), which gives the precise
 * error or handles the case.
 */

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

/**
 * One file's document as kubectl reads it (YAML 1.1), for readers that need no source offsets:
 * the block reader, else js-yaml. null: unusual (merge keys, a parse error...); the full parser
 * decides.
 */
export function loadKubeconfigData(source: KubeconfigSource): { data: unknown } | null {
  const { bytes } = source;
  if (bytes === null) return { data: null };
  const simple = readBlockYaml(bytes);
  if (simple) return { data: simple.data };
  const events = plainEvents(bytes);
  if (!events) return null;
  try {
    return { data: constructFromEvents(events, { source: bytes, schema: YAML11_SCHEMA })[0] ?? null };
  } catch {
    return null;
  }
}

/**
 * js-yaml's events for one document without aliases; null for anything else. Aliases go to the
 * full parser, which bounds their expansion as kubectl does: js-yaml would share the aliased
 * object, and walking the data would visit it once per alias, without bound.
 */
function plainEvents(bytes: string): Event[] | null {
  // Merge keys, NULs and a BOM are rare enough to leave to the full parser.
  if (bytes.includes('<<') || bytes.includes('\0') || bytes.charCodeAt(0) === 0xfeff) return null;
  let events: Event[];
  try {
    events = parseEvents(bytes, {});
  } catch {
    return null;
  }
  let documents = 0;
  // Open collections: whether each is a mapping, and how many items (keys and values) it holds.
  const open: { mapping: boolean; items: number }[] = [];
  for (const e of events) {
    if (e.type === EVENT_ID.ALIAS) return null;
    if (e.type === EVENT_ID.POP) {
      open.pop();
      const parent = open.at(-1);
      if (parent) parent.items++;
      continue;
    }
    if (e.type === EVENT_ID.DOCUMENT) {
      if (++documents > 1) return null;
      open.push({ mapping: false, items: 0 });
      continue;
    }
    const parent = open.at(-1);
    if (parent?.mapping && parent.items % 2 === 0 && !isShortKey(bytes, e)) return null;
    if (e.type === EVENT_ID.SCALAR) {
      if (parent) parent.items++;
    } else {
      open.push({ mapping: e.type === EVENT_ID.MAPPING, items: 0 });
    }
  }
  return events;
}

/**
 * A key kubectl reads as js-yaml does: a scalar whose ':' comes well within YAML's 1,024-character
 * limit on implicit keys, which js-yaml does not enforce and go-yaml (kubectl) does.
 */
function isShortKey(src: string, e: Event): boolean {
  if (e.type !== EVENT_ID.SCALAR || e.valueStart < 0) return false;
  const starts = [e.valueStart, e.anchorStart, e.tagStart].filter((n) => n >= 0);
  let end = e.valueEnd + (e.style === 2 || e.style === 3 ? 1 : 0);
  while (end < src.length && end - e.valueStart < 1000 && (src[end] === ' ' || src[end] === '\t')) end++;
  return end - Math.min(...starts) < 1000;
}

/** Reads one file the fast way; null when the full parser must decide. */
export function quickReadKubeconfig(source: KubeconfigSource): QuickKubeconfigFile | null {
  const { bytes } = source;
  const base = emptyQuickFile(source);
  if (bytes === null) return base;
  const simple = readKubeconfigWithoutYamlLibrary(source);
  if (simple) return simple;
  const events = plainEvents(bytes);
  if (!events) return null;
  let data: unknown;
  try {
    data = constructFromEvents(events, { source: bytes, schema: YAML11_SCHEMA })[0];
  } catch {
    return null;
  }
  const token = currentContextToken(bytes, events);
  const root = events.find((e) => e.type === EVENT_ID.MAPPING);
  return quickFileFromData(base, data, token, root !== undefined && 'style' in root && root.style === 2);
}

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
      if (!isMapping(data) || data.x !== value) return false;
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
  if (!spliceIsExact(write) || !readsAs(s.text, s.value))
    throw new Error(`kubezt planned a wrong current-context edit for ${write.path}`);
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
  const plan = planSwitchFromFiles(sources, files, name, renderScalarQuick);
  for (const write of plan?.writes ?? []) checkCurrentContextSplice(write);
  return plan;
}
