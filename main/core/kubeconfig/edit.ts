import { type CST, isAlias, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { UserError } from '../errors.ts';
import { ENTRY_KINDS, type EntryKind, LIST_KEY, type ParsedKubeconfigFile } from './parse.ts';
import { renderScalarQuick } from './quick.ts';
import { applySplices, lineEnd, lineStart, renderBlock, renderJson, type Splice } from './yaml-text.ts';

/**
 * Edits a kubeconfig as TEXT: every change is a splice at offsets the yaml Document reports for
 * the original bytes, so whatever is not changed (comments, order, quoting, indentation, unknown
 * fields, foreign entries) is copied byte for byte. New entries are rendered in the style of the
 * collection they join: block YAML in block lists, JSON in flow lists (`[...]`, JSON files).
 */

/** What to do to one file; indices refer to the file's parsed lists. */
export interface FileEdits {
  remove: Record<EntryKind, Set<number>>;
  replace: Record<EntryKind, Map<number, unknown>>;
  append: Record<EntryKind, unknown[]>;
  /** Set top-level current-context to this value. */
  currentContext?: string;
}

export function emptyEdits(): FileEdits {
  return {
    remove: { cluster: new Set(), context: new Set(), user: new Set() },
    replace: { cluster: new Map(), context: new Map(), user: new Map() },
    append: { cluster: [], context: [], user: [] },
  };
}

export function hasEdits(e: FileEdits): boolean {
  return (
    e.currentContext !== undefined ||
    ENTRY_KINDS.some((k) => e.remove[k].size > 0 || e.replace[k].size > 0 || e.append[k].length > 0)
  );
}

function unsupported(path: string, what: string): never {
  throw new UserError(
    'kubeconfig-invalid',
    `kubezt cannot safely edit the kubeconfig ${path} because ${what}; rewrite that part without YAML anchors or tags and try again (the file was not changed).`,
  );
}

function isFlow(node: Node | null | undefined): boolean {
  const token = (node as { srcToken?: CST.Token } | null | undefined)?.srcToken;
  return token?.type === 'flow-collection';
}

function range(node: Node, path: string): [number, number, number] {
  const r = node.range;
  if (!r) return unsupported(path, 'a node has no source position');
  return r;
}

function column(src: string, offset: number): number {
  return offset - lineStart(src, offset);
}

/** Offsets of the `-` of each item of a block sequence, in item order. */
function dashOffsets(seq: YAMLSeq, path: string): number[] {
  const token = (seq as { srcToken?: CST.Token }).srcToken;
  if (token?.type !== 'block-seq') return unsupported(path, 'a list has an unexpected layout');
  const dashes: number[] = [];
  for (const item of token.items) {
    const dash = item.start.find((t) => t.type === 'seq-item-ind');
    if (dash && 'offset' in dash) dashes.push(dash.offset);
  }
  if (dashes.length !== seq.items.length) return unsupported(path, 'a list has an unexpected layout');
  return dashes;
}

/** Where a new line may start after `offset`, and the prefix needed if the text has no final newline. */
function insertionAfter(src: string, offset: number): { at: number; prefix: string } {
  const at = lineEnd(src, offset);
  return { at, prefix: at > 0 && src[at - 1] !== '\n' ? '\n' : '' };
}

function valueIndicatorEnd(pair: Pair, src: string): number {
  const token = (pair as { srcToken?: { sep?: CST.SourceToken[] } }).srcToken;
  const ind = token?.sep?.find((t) => t.type === 'map-value-ind');
  if (ind) return ind.offset + 1;
  const keyEnd = (pair.key as Node | null)?.range?.[1] ?? 0;
  return src.indexOf(':', keyEnd) + 1;
}

function isMultiline(src: string, node: Node, path: string): boolean {
  const [s, e] = range(node, path);
  return src.slice(s, e).includes('\n');
}

/** Splices for one list (remove / replace / append), in the style of that list. */
function listSplices(
  file: ParsedKubeconfigFile,
  src: string,
  kind: EntryKind,
  edits: FileEdits,
  rootIsFlow: boolean,
): { splices: Splice[]; newKey?: unknown[] } {
  const path = file.path;
  const list = file.lists[kind];
  const removed = edits.remove[kind];
  const replaced = edits.replace[kind];
  const added = edits.append[kind];
  const splices: Splice[] = [];
  if (removed.size === 0 && replaced.size === 0 && added.length === 0) return { splices };
  const pair = list.pair;
  if (pair && isAlias(pair.value)) unsupported(path, `"${LIST_KEY[kind]}" is a YAML alias`);
  const seq = list.seq;
  if (!seq || seq.items.length === 0) {
    if (added.length === 0) return { splices };
    if (!pair) return { splices, newKey: added };
    const value = pair.value as Node | null;
    if (rootIsFlow) {
      // JSON-style file: `"clusters": null` or `[]` becomes a JSON array.
      if (value && isSeq(value)) {
        const [s] = range(value, path);
        const text = added.map((v) => renderJson(v, false, 0)).join(', ');
        splices.push({ start: s + 1, end: s + 1, text });
      } else if (value && (value.range?.[1] ?? 0) > (value.range?.[0] ?? 0)) {
        const [s, e] = range(value, path);
        splices.push({ start: s, end: e, text: renderJson(added, false, 0) });
      } else {
        const at = valueIndicatorEnd(pair, src);
        splices.push({ start: at, end: at, text: ` ${renderJson(added, false, 0)}` });
      }
      return { splices };
    }
    // Block file: drop an explicit `null`, `~` or `[]` (and the spaces before it), keep any
    // comment on the line, then add the items on the following lines.
    let lineAnchor = valueIndicatorEnd(pair, src);
    if (value?.range && value.range[1] > value.range[0]) {
      let s = value.range[0];
      while (s > 0 && (src[s - 1] === ' ' || src[s - 1] === '\t')) s--;
      splices.push({ start: s, end: value.range[1], text: '' });
      lineAnchor = value.range[1];
    }
    const keyStart = (pair.key as Node).range?.[0] ?? 0;
    const { at, prefix } = insertionAfter(src, lineAnchor);
    const indent = column(src, keyStart);
    splices.push({ start: at, end: at, text: prefix + added.map((v) => renderBlock([v], indent)).join('') });
    return { splices };
  }
  const items = seq.items as Node[];
  if (isFlow(seq)) {
    const pretty = isMultiline(src, seq, path);
    const render = (v: unknown, at: number) => renderJson(v, pretty, column(src, at));
    for (const [index, value] of replaced) {
      const item = items[index] as Node;
      const [s, e] = range(item, path);
      splices.push({ start: s, end: e, text: render(value, s) });
    }
    let lastKept = -1;
    items.forEach((_, i) => {
      if (!removed.has(i)) lastKept = i;
    });
    for (const index of [...removed].sort((a, b) => a - b)) {
      if (index < lastKept) {
        const next = items[index + 1] as Node;
        splices.push({ start: range(items[index] as Node, path)[0], end: range(next, path)[0], text: '' });
      }
    }
    const lastIndex = items.length - 1;
    const last = items[lastIndex] as Node;
    if (lastKept < lastIndex) {
      const from = lastKept === -1 ? range(items[0] as Node, path)[0] : range(items[lastKept] as Node, path)[1];
      splices.push({ start: from, end: range(last, path)[1], text: '' });
    }
    if (added.length > 0) {
      const at = range(last, path)[1];
      const col = column(src, range(last, path)[0]);
      const sep = pretty ? `,\n${' '.repeat(col)}` : ', ';
      const body = added.map((v) => renderJson(v, pretty, col)).join(sep);
      splices.push({ start: at, end: at, text: (lastKept === -1 ? '' : sep) + body });
    }
    return { splices };
  }
  const dashes = dashOffsets(seq, path);
  const span = (i: number): [number, number] => {
    const dash = dashes[i] as number;
    const start = lineStart(src, dash);
    // Only whitespace before the dash: the item owns whole lines.
    const s = /^[ \t]*$/.test(src.slice(start, dash)) ? start : dash;
    return [s, lineEnd(src, range(items[i] as Node, path)[1])];
  };
  for (const index of removed) {
    const [s, e] = span(index);
    splices.push({ start: s, end: e, text: '' });
  }
  for (const [index, value] of replaced) {
    const [s, e] = span(index);
    const indent = column(src, dashes[index] as number);
    splices.push({ start: s, end: e, text: renderBlock([value], indent) });
  }
  if (added.length > 0) {
    const lastIndex = items.length - 1;
    const [, end] = span(lastIndex);
    const prefix = end > 0 && src[end - 1] !== '\n' ? '\n' : '';
    const indent = column(src, dashes[lastIndex] as number);
    splices.push({ start: end, end, text: prefix + added.map((v) => renderBlock([v], indent)).join('') });
  }
  return { splices };
}

function currentContextSplice(
  file: ParsedKubeconfigFile,
  src: string,
  value: string,
  rootIsFlow: boolean,
): (Splice & { multiline?: boolean }) | { newKey: string } {
  const pair = file.currentContextPair;
  // The same rendering as the fast `use` path, so both write the same bytes.
  const text = rootIsFlow ? JSON.stringify(value) : renderScalarQuick(value);
  if (!pair) return { newKey: value };
  const v = pair.value as Node | null;
  if (v && !isScalar(v)) unsupported(file.path, 'current-context is not a plain value');
  if (v?.range && v.range[1] > v.range[0]) {
    const old = src.slice(v.range[0], v.range[1]);
    // A block scalar (`|-`) spans lines and owns its line break: keep one.
    if (/[\r\n]/.test(old))
      return { start: v.range[0], end: v.range[1], text: `${text}${/\n$/.test(old) ? '\n' : ''}`, multiline: true };
    return { start: v.range[0], end: v.range[1], text };
  }
  const at = valueIndicatorEnd(pair, src);
  return { start: at, end: at, text: ` ${text}` };
}

export interface EditResult {
  bytes: string;
  /** Set when the only change is the current-context value: the splice that made it. */
  currentContextSplice?: Splice;
}

/** The file's new bytes after `edits`. */
export function applyFileEdits(file: ParsedKubeconfigFile, edits: FileEdits): EditResult {
  const src = file.bytes ?? '';
  const root = file.root;
  const emptyFlowRoot = root !== null && isFlow(root) && root.items.length === 0;
  if (root === null || emptyFlowRoot) return { bytes: newDocument(file, src, edits, emptyFlowRoot ? root : null) };
  const rootIsFlow = isFlow(root);
  const splices: Splice[] = [];
  const newKeys: { key: string; value: unknown }[] = [];
  for (const kind of ENTRY_KINDS) {
    const r = listSplices(file, src, kind, edits, rootIsFlow);
    splices.push(...r.splices);
    if (r.newKey) newKeys.push({ key: LIST_KEY[kind], value: r.newKey });
  }
  let ccSplice: Splice | undefined;
  if (edits.currentContext !== undefined) {
    const r = currentContextSplice(file, src, edits.currentContext, rootIsFlow);
    if ('newKey' in r) newKeys.push({ key: 'current-context', value: r.newKey });
    else {
      const { multiline, ...splice } = r;
      splices.push(splice);
      // Only a one-line value swapped for another is proven by its splice; the rest is re-parsed.
      if (!multiline && splice.start < splice.end) ccSplice = splice;
    }
  }
  if (newKeys.length > 0) splices.push(newKeysSplice(file, src, root, rootIsFlow, newKeys));
  const bytes = applySplices(
    src,
    splices.map((s) => withLineEndings(src, s)),
  );
  const onlyCurrentContext = ccSplice && splices.length === 1 ? { currentContextSplice: ccSplice } : {};
  return { bytes, ...onlyCurrentContext };
}

function newKeysSplice(
  file: ParsedKubeconfigFile,
  src: string,
  root: YAMLMap,
  rootIsFlow: boolean,
  keys: { key: string; value: unknown }[],
): Splice {
  const lastPair = root.items[root.items.length - 1] as Pair;
  const lastNode = ((lastPair.value as Node | null)?.range ? lastPair.value : lastPair.key) as Node;
  const firstKey = (root.items[0] as Pair).key as Node;
  const col = column(src, range(firstKey, file.path)[0]);
  if (rootIsFlow) {
    const pretty = isMultiline(src, root, file.path);
    const at = range(lastNode, file.path)[1];
    const sep = pretty ? `,\n${' '.repeat(col)}` : ', ';
    const text = keys
      .map(({ key, value }) => `${sep}${JSON.stringify(key)}: ${renderJson(value, pretty, col)}`)
      .join('');
    return { start: at, end: at, text };
  }
  const { at, prefix } = insertionAfter(src, range(lastNode, file.path)[1]);
  return {
    start: at,
    end: at,
    text: prefix + keys.map(({ key, value }) => renderBlock({ [key]: value }, col)).join(''),
  };
}

/** New text follows the file's line endings (CRLF files stay CRLF). */
function withLineEndings(src: string, splice: Splice): Splice {
  return src.includes('\r\n') ? { ...splice, text: splice.text.replace(/\r?\n/g, '\r\n') } : splice;
}

/** A file that is missing, empty, only comments, `null` or `{}`: write a whole new document. */
function newDocument(file: ParsedKubeconfigFile, src: string, edits: FileEdits, emptyRoot: YAMLMap | null): string {
  const body: Record<string, unknown> = { apiVersion: 'v1', kind: 'Config' };
  for (const kind of ENTRY_KINDS) {
    if (edits.append[kind].length > 0) body[LIST_KEY[kind]] = edits.append[kind];
  }
  if (edits.currentContext !== undefined) body['current-context'] = edits.currentContext;
  const text = renderBlock(body, 0);
  if (src === '') return text;
  const doc = file.doc;
  const contents = (emptyRoot ?? doc?.contents ?? null) as Node | null;
  if (contents?.range && contents.range[1] > contents.range[0]) {
    // `null`, `~` or `{}`: replace it.
    const splice = { start: contents.range[0], end: contents.range[1], text: text.slice(0, -1) };
    return applySplices(src, [withLineEndings(src, splice)]);
  }
  const end = doc?.range?.[1] ?? src.length;
  const { at, prefix } = insertionAfter(src, end);
  return applySplices(src, [withLineEndings(src, { start: at, end: at, text: prefix + text })]);
}
