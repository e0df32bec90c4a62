import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  parseDocument,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { UserError } from '../errors.ts';
import { oneLine, shown } from '../message-text.ts';
import { aliasProblem, deref, indexKubeconfigDocument } from './doc-index.ts';
import {
  BASE64,
  CONFIG,
  defaultFileIndex,
  ENTRY_KINDS,
  type EntryKind,
  KUBEZT_EXTENSION,
  type KubeconfigSource,
  LIST_KEY,
  type Shape,
} from './types.ts';
import { linePos } from './yaml-text.ts';

export { deref, toData } from './doc-index.ts';
export { defaultFileIndex, ENTRY_KINDS, type EntryKind, KUBEZT_EXTENSION, type KubeconfigSource, LIST_KEY };

/**
 * Reads kubeconfig bytes the way kubectl does (go-yaml v2, i.e. YAML 1.1, into typed structs)
 * and keeps the yaml Document with its source offsets, so edits can be spliced into the original
 * text. Anything kubectl would refuse to load is a `kubeconfig-invalid` UserError naming the file,
 * the line and the reason: kubezt never writes a file it cannot read the way kubectl does.
 */

export interface ParsedEntry {
  kind: EntryKind;
  name: string;
  fileIndex: number;
  /** Index in its list (the YAMLSeq), which is also the index of its CST item. */
  index: number;
  item: YAMLMap;
  /** The `cluster:` / `context:` / `user:` mapping; null when absent. */
  inner: YAMLMap | null;
  /** Carries `extensions: [{name: kubezt, extension: {managed: true}}]`. */
  owned: boolean;
  /** `extension.cluster` of the kubezt extension: the ClusterEntry name it was written for. */
  ownerCluster?: string;
  /**
   * `extension.sources`: the cluster sources that listed it when kubezt wrote it; absent when
   * the extension records none (its source is then unknown).
   */
  ownerSources?: string[];
  /** `extension.virtualNetwork`: the Cloudflare virtual network the entry's IP belongs to. */
  ownerVirtualNetwork?: { id: string; name?: string };
}

export interface ParsedList {
  pair: Pair | null;
  /** null when the key is missing or its value is null / empty. */
  seq: YAMLSeq | null;
  entries: ParsedEntry[];
}

export interface ParsedKubeconfigFile {
  path: string;
  bytes: string | null;
  fileIndex: number;
  doc: Document.Parsed | null;
  /** The top-level mapping; null for a missing or empty file (kubectl reads those as empty). */
  root: YAMLMap | null;
  lists: Record<EntryKind, ParsedList>;
  /** '' when unset. */
  currentContext: string;
  currentContextPair: Pair | null;
}

interface Problem {
  offset: number | undefined;
  reason: string;
  fix: string;
}

class InvalidKubeconfig extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.reason);
    this.problem = problem;
  }
}

export function invalidKubeconfig(path: string, src: string, problem: Problem): UserError {
  const where =
    problem.offset === undefined
      ? ''
      : (() => {
          const { line, col } = linePos(src, problem.offset);
          return ` at line ${line}, column ${col}`;
        })();
  return new UserError(
    'kubeconfig-invalid',
    oneLine(
      `Cannot use the kubeconfig ${path}: ${problem.reason}${where}; ${problem.fix} (kubezt did not change the file).`,
    ),
  );
}

/**
 * What kubectl's decoder reads as a string: YAML 1.1 timestamps and base-60 numbers stay strings
 * in go-yaml's JSON conversion; booleans and numbers do not. undefined: not a string.
 */
export function scalarString(node: Scalar): string | null | undefined {
  const v = node.value;
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (v instanceof Date) return node.source ?? null;
  if (typeof v === 'number' && (node.source ?? '').includes(':')) return node.source ?? null;
  return undefined;
}

function describe(node: unknown, showValue = true): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'boolean') return `read as ${showValue ? `the boolean ${v}` : 'a boolean'} by kubectl (YAML 1.1)`;
    if (typeof v === 'number' || typeof v === 'bigint') {
      return showValue ? `read as the number ${String(v)} by kubectl` : 'read as a number by kubectl';
    }
  }
  return 'not a string';
}

/** Aliased nodes already found to fit a shape: each is checked once per shape, however often it is aliased. */
type Checked = Map<Shape, Set<unknown>>;

function checkShape(doc: Document.Parsed, node: unknown, shape: Shape, path: string, checked: Checked): void {
  if (node === null || node === undefined) return;
  if (isAlias(node)) {
    const target = deref(doc, node);
    let fits = checked.get(shape);
    if (!fits) {
      fits = new Set();
      checked.set(shape, fits);
    }
    if (fits.has(target)) return;
    checkShape(doc, target, shape, path, checked);
    fits.add(target);
    return;
  }
  const n = node as Node;
  const offset = n.range?.[0];
  const fail = (reason: string, fix = 'fix it') => new InvalidKubeconfig({ offset, reason: `${path} ${reason}`, fix });
  if (shape === 'any') return;
  if (isScalar(n) && n.value === null) return; // JSON null: kubectl leaves the field empty
  if (shape === 'string' || shape === 'bytes') {
    if (!isScalar(n)) throw fail(`must be a string but is ${describe(n)}`);
    const s = scalarString(n);
    if (s === undefined) {
      // A user's field may be a credential (a numeric token): name its type, never its value.
      if (/^users\[\d+\]\.user[.[]/.test(path)) throw fail(`must be a string but is ${describe(n, false)}`, 'quote it');
      throw fail(`must be a string but is ${describe(n)}`, `quote it ("${shown(String(n.source ?? n.value))}")`);
    }
    if (shape === 'bytes' && s !== null && !BASE64.test(s.replace(/[\r\n]/g, ''))) {
      throw fail('is not valid base64', 'replace it with the base64 of the PEM data');
    }
    return;
  }
  if (shape === 'bool') {
    if (!isScalar(n) || typeof n.value !== 'boolean') throw fail('must be true or false');
    return;
  }
  if ('list' in shape) {
    if (!isSeq(n)) throw fail(`must be a list but is ${describe(n)}`);
    n.items.forEach((item, i) => {
      checkShape(doc, item, shape.list, `${path}[${i}]`, checked);
    });
    return;
  }
  if (!isMap(n)) throw fail(`must be a mapping but is ${describe(n)}`);
  for (const pair of n.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined) continue;
    const child = 'map' in shape ? shape.map : shape.fields[key];
    if (child) checkShape(doc, pair.value, child, path === '' ? key : `${path}.${shown(key, 60)}`, checked);
  }
}

function mapGet(map: YAMLMap, key: string): { pair: Pair; value: unknown } | undefined {
  for (const pair of map.items) {
    if (isScalar(pair.key) && pair.key.value === key) return { pair, value: pair.value };
  }
  return undefined;
}

/**
 * The value under `key` as kubectl reads it, following aliases and `<<` merge keys; undefined
 * when absent. go-yaml v2 applies a mapping's pairs in order, a merge writing the merged keys
 * over the mapping (a merged list from its last mapping to its first): the last to set it wins.
 * Bounded: merges nest no deeper than the document (yaml-guard.ts caps it).
 */
export function getNode(doc: Document.Parsed, map: YAMLMap, key: string): unknown {
  for (let i = map.items.length - 1; i >= 0; i--) {
    const pair = map.items[i] as Pair;
    if (!isScalar(pair.key)) continue;
    if (pair.key.value === key) return deref(doc, pair.value);
    if (typeof pair.key.value !== 'symbol') continue;
    const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const source of sources) {
      const merged = deref(doc, source);
      const found = isMap(merged) ? getNode(doc, merged, key) : undefined;
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

export function getString(doc: Document.Parsed, map: YAMLMap, key: string): string {
  const v = getNode(doc, map, key);
  return isScalar(v) ? (scalarString(v) ?? '') : '';
}

type Ownership = Pick<ParsedEntry, 'owned' | 'ownerCluster' | 'ownerSources' | 'ownerVirtualNetwork'>;

function ownership(doc: Document.Parsed, inner: YAMLMap | null): Ownership {
  if (!inner) return { owned: false };
  const exts = getNode(doc, inner, 'extensions');
  if (!isSeq(exts)) return { owned: false };
  for (const ext of exts.items) {
    if (!isMap(ext) || getString(doc, ext, 'name') !== KUBEZT_EXTENSION) continue;
    const body = getNode(doc, ext, 'extension');
    if (!isMap(body)) continue;
    const managed = getNode(doc, body, 'managed');
    if (isScalar(managed) && managed.value === true) {
      const found: Ownership = { owned: true };
      const owner = getString(doc, body, 'cluster');
      if (owner) found.ownerCluster = owner;
      const sources = getNode(doc, body, 'sources');
      if (isSeq(sources)) {
        found.ownerSources = sources.items.flatMap((item) => {
          const value = isAlias(item) ? item.resolve(doc) : item;
          const text = isScalar(value) ? scalarString(value) : undefined;
          return text ? [text] : [];
        });
      }
      const vnet = getNode(doc, body, 'virtualNetwork');
      const vnetId = isMap(vnet) ? getString(doc, vnet, 'id') : '';
      if (isMap(vnet) && vnetId) {
        const vnetName = getString(doc, vnet, 'name');
        found.ownerVirtualNetwork = vnetName ? { id: vnetId, name: vnetName } : { id: vnetId };
      }
      return found;
    }
  }
  return { owned: false };
}

function emptyLists(): Record<EntryKind, ParsedList> {
  return {
    cluster: { pair: null, seq: null, entries: [] },
    context: { pair: null, seq: null, entries: [] },
    user: { pair: null, seq: null, entries: [] },
  };
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?\s*$/, '').replace(/[.:]\s*$/, '');
}

/**
 * Parses one kubeconfig file. Throws `kubeconfig-invalid` for anything kubectl would refuse to
 * load, and also for duplicate mapping keys and several YAML documents in one file (kubectl
 * silently takes one of them; kubezt will not guess which one the user means).
 */
export function parseKubeconfigFile(source: KubeconfigSource, fileIndex: number): ParsedKubeconfigFile {
  const { path, bytes } = source;
  const base: ParsedKubeconfigFile = {
    path,
    bytes,
    fileIndex,
    doc: null,
    root: null,
    lists: emptyLists(),
    currentContext: '',
    currentContextPair: null,
  };
  if (bytes === null) return base;
  const src = bytes;
  const fail = (problem: Problem) => invalidKubeconfig(path, src, problem);
  if (src.includes('\0'))
    throw fail({ offset: src.indexOf('\0'), reason: 'it contains a NUL byte', fix: 'restore it from a backup' });
  // uniqueKeys and pretty errors are off: both cost quadratic time on hostile input (every key
  // compared with every other; each error copying its whole line). indexYamlDocument finds the
  // duplicate keys; invalidKubeconfig places the error.
  let doc: Document.Parsed;
  try {
    doc = parseDocument(src, { version: '1.1', keepSourceTokens: true, uniqueKeys: false, prettyErrors: false });
  } catch (e) {
    // The library's parser recurses per level of nesting (`a: a: a: ...` on one line) and can
    // run out of stack before its composer, which reports that as RESOURCE_EXHAUSTION.
    if (!(e instanceof RangeError)) throw e;
    throw fail({ offset: undefined, reason: 'its lists and mappings nest too deeply to read', fix: 'fix the YAML' });
  }
  const index = indexKubeconfigDocument(doc);
  const error = doc.errors[0];
  const duplicate = index.duplicateKeyOffset;
  if (duplicate !== undefined && (!error || duplicate < error.pos[0])) {
    throw fail({ offset: duplicate, reason: 'a key appears twice in the same mapping', fix: 'fix the YAML' });
  }
  if (error) {
    if (error.code === 'MULTIPLE_DOCS') {
      throw fail({
        offset: error.pos[0],
        reason: 'it holds more than one YAML document',
        fix: 'keep one document (kubectl reads only one)',
      });
    }
    const reason =
      error.code === 'RESOURCE_EXHAUSTION'
        ? 'its lists and mappings nest too deeply to read'
        : `${firstLine(error.message)}`;
    throw fail({ offset: error.pos[0], reason, fix: 'fix the YAML' });
  }
  if (index.aliasProblem) throw fail(aliasProblem(index.aliasProblem));
  base.doc = doc;
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) return base;
  if (!isMap(contents)) {
    throw fail({
      offset: (contents as Node).range?.[0],
      reason: `its top level is ${describe(contents)}, not a kubeconfig mapping`,
      fix: 'restore a valid kubeconfig',
    });
  }
  const root = contents as YAMLMap;
  base.root = root;
  try {
    checkShape(doc, root, CONFIG, '', new Map());
  } catch (e) {
    if (e instanceof InvalidKubeconfig) throw fail(e.problem);
    throw e;
  }
  const kind = getString(doc, root, 'kind');
  if (kind !== '' && kind !== 'Config') {
    throw fail({
      offset: (getNode(doc, root, 'kind') as Node).range?.[0],
      reason: `it is of kind "${shown(kind)}", not a kubeconfig (kind: Config)`,
      fix: 'point kubezt at a kubeconfig file',
    });
  }
  const apiVersion = getString(doc, root, 'apiVersion');
  if (apiVersion !== '' && apiVersion !== 'v1') {
    throw fail({
      offset: (getNode(doc, root, 'apiVersion') as Node).range?.[0],
      reason: `its apiVersion is "${shown(apiVersion)}" and kubectl only reads v1`,
      fix: 'set apiVersion: v1',
    });
  }
  for (const kind of ENTRY_KINDS) {
    const found = mapGet(root, LIST_KEY[kind]);
    if (!found) continue;
    const list: ParsedList = base.lists[kind];
    list.pair = found.pair;
    const value = deref(doc, found.value);
    if (!isSeq(value)) continue;
    list.seq = value;
    const seen = new Map<string, number>();
    value.items.forEach((raw, index) => {
      const item = deref(doc, raw);
      if (!isMap(item)) return;
      const name = getString(doc, item, 'name');
      const innerNode = getNode(doc, item, kind);
      const inner = isMap(innerNode) ? innerNode : null;
      const offset = item.range?.[0] ?? 0;
      const previous = seen.get(name);
      if (previous !== undefined) {
        throw fail({
          offset,
          reason: `the ${kind} "${shown(name)}" is defined twice (also at line ${linePos(src, previous).line}) and kubectl refuses that`,
          fix: 'remove one of them',
        });
      }
      seen.set(name, offset);
      list.entries.push({ kind, name, fileIndex, index, item, inner, ...ownership(doc, inner) });
    });
  }
  const cc = mapGet(root, 'current-context');
  if (cc) {
    base.currentContextPair = cc.pair;
    base.currentContext = getString(doc, root, 'current-context');
  }
  return base;
}

/** The merged view kubectl builds from several files: the first file that defines a name wins. */
export interface KubeconfigSet {
  readonly files: readonly ParsedKubeconfigFile[];
  readonly merged: Readonly<Record<EntryKind, ReadonlyMap<string, ParsedEntry>>>;
  /** The first non-empty current-context in file order ('' when none). */
  readonly currentContext: string;
  /** Index of the file kubectl writes new entries and current-context to. */
  readonly defaultFileIndex: number;
}

export function isKubeconfigSet(v: unknown): v is KubeconfigSet {
  return typeof v === 'object' && v !== null && 'merged' in v && 'files' in v;
}

export function buildKubeconfigSet(files: readonly ParsedKubeconfigFile[]): KubeconfigSet {
  const merged: Record<EntryKind, Map<string, ParsedEntry>> = {
    cluster: new Map(),
    context: new Map(),
    user: new Map(),
  };
  let currentContext = '';
  for (const file of files) {
    for (const kind of ENTRY_KINDS) {
      for (const entry of file.lists[kind].entries) {
        if (!merged[kind].has(entry.name)) merged[kind].set(entry.name, entry);
      }
    }
    if (currentContext === '' && file.currentContext !== '') currentContext = file.currentContext;
  }
  return { files, merged, currentContext, defaultFileIndex: defaultFileIndex(files) };
}

export function parseKubeconfigSet(sources: readonly KubeconfigSource[]): KubeconfigSet {
  if (sources.length === 0) throw new UserError('bad-input', 'No kubeconfig file was given; pass --kubeconfig PATH.');
  return buildKubeconfigSet(sources.map((s, i) => parseKubeconfigFile(s, i)));
}

/** Accepts raw sources or an already parsed set (parsing a 2 MB kubeconfig is the slow part). */
export function toKubeconfigSet(files: readonly KubeconfigSource[] | KubeconfigSet): KubeconfigSet {
  return isKubeconfigSet(files) ? files : parseKubeconfigSet(files);
}

export function sourcesOf(set: KubeconfigSet): KubeconfigSource[] {
  return set.files.map((f) => ({ path: f.path, bytes: f.bytes }));
}
