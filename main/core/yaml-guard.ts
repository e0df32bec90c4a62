import { type Alias, type Document, isAlias, isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';

/**
 * One linear pass over a parsed yaml Document that makes reading it safe for hostile input:
 *
 * - Alias targets, found once. The yaml library's `Alias.resolve(doc)` walks the whole document on
 *   every call, so a reader that follows n aliases costs n times the document (a catalog of 80 KB
 *   took 14 s), and more when aliased content holds aliases itself.
 * - Duplicate mapping keys, with a Map per mapping. The library's `uniqueKeys` check compares each
 *   key with every earlier one, which is quadratic in the size of a mapping.
 * - What the aliases expand to, counted without expanding them (each node's expanded size is
 *   computed once from its children's), so readers that follow aliases do bounded work:
 *   - kubectl's own rule (go-yaml v2's decoder, "document contains excessive aliasing"), optional;
 *   - a cap on the content aliases repeat: nodes plus scalar characters, each alias counting as
 *     a copy of its target (a short alias to a long certificate costs the certificate).
 * - Aliases that refer to no earlier anchor, or to a node that contains them (endless expansion).
 */

export type YamlDocProblem =
  | { kind: 'unknown-anchor'; offset: number; anchor: string }
  | { kind: 'self-alias'; offset: number; anchor: string }
  | { kind: 'excessive-aliasing'; offset: number; anchor: string }
  | { kind: 'alias-budget'; offset: number; anchor: string; limit: number }
  | { kind: 'too-deep'; offset: number; limit: number }
  | { kind: 'bad-merge'; offset: number };

export interface YamlGuardOptions {
  /** Refuse what kubectl refuses as "document contains excessive aliasing". */
  kubectlAliasRule: boolean;
  /** The most content (nodes + scalar characters) all aliases together may repeat. */
  maxAliasedSize: number;
  /** The deepest nesting of lists and mappings, aliases expanded, that readers may recurse into. */
  maxDepth: number;
}

export interface YamlDocIndex {
  /** What the alias refers to (the last node before it with its anchor), as `Alias.resolve` answers. */
  target(alias: Alias): Node | undefined;
  /** Whether the node or anything under it (aliases not followed) is an alias. */
  holdsAlias(node: Node): boolean;
  /** Offset of the first key that repeats an earlier key of its mapping. */
  duplicateKeyOffset: number | undefined;
  /** Offsets of every such key, in document order. */
  duplicateKeyOffsets: readonly number[];
  /** The first alias problem, in document order; readers must not follow aliases when set. */
  aliasProblem: YamlDocProblem | undefined;
  /** Work done: nodes entered. Linear in the document; tests assert on it. */
  visited: number;
  /** Content the aliases repeat (see YamlGuardOptions.maxAliasedSize). */
  aliasedSize: number;
}

// go-yaml v2 (decode.go), which kubectl's YAML-to-JSON step runs.
const ALIAS_RATIO_RANGE_LOW = 400_000;
const ALIAS_RATIO_RANGE_HIGH = 4_000_000;

function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= ALIAS_RATIO_RANGE_LOW) return 0.99;
  if (decodeCount >= ALIAS_RATIO_RANGE_HIGH) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - ALIAS_RATIO_RANGE_LOW) / (ALIAS_RATIO_RANGE_HIGH - ALIAS_RATIO_RANGE_LOW));
}

function excessive(aliasCount: number, decodeCount: number): boolean {
  return aliasCount > 100 && decodeCount > 1000 && aliasCount / decodeCount > allowedAliasRatio(decodeCount);
}

/** A plain `<<` key under YAML 1.1: the library gives it a Symbol value. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}

function scalarLength(node: Node): number {
  if (!isScalar(node)) return 0;
  const v = node.value;
  return typeof v === 'string' ? v.length : (node.source?.length ?? 0);
}

function offsetOf(node: Node): number {
  return node.range?.[0] ?? 0;
}

/** Children in document order: keys before their values. Null keys/values count as empty scalars. */
function childrenOf(node: Node): (Node | null)[] {
  if (isMap(node)) {
    const out: (Node | null)[] = [];
    for (const pair of node.items as Pair<Node | null, Node | null>[]) out.push(pair.key, pair.value);
    return out;
  }
  if (isSeq(node)) return node.items as (Node | null)[];
  return [];
}

interface Sizes {
  /** go-yaml's decode count for the node, aliases expanded. */
  decodes: number;
  /** Nodes plus scalar characters, aliases expanded. */
  size: number;
  /** Levels of lists and mappings, aliases expanded (a scalar is 1). */
  depth: number;
}

const EMPTY: Sizes = { decodes: 1, size: 1, depth: 1 };

class Indexer {
  readonly targets = new Map<Alias, Node | undefined>();
  readonly anchors = new Map<string, Node>();
  readonly withAlias = new Set<Node>();
  readonly sizes = new Map<Node, Sizes>();
  readonly open = new Set<Node>();
  /** Merge keys and the sequences of a `<<: [*a, *b]`: go-yaml does not decode these nodes themselves. */
  readonly uncounted = new Set<Node>();
  readonly duplicateKeyOffsets: number[] = [];
  aliasProblem: YamlDocProblem | undefined;
  visited = 0;
  decodeCount = 1; // the document node
  aliasCount = 0;
  aliasedSize = 0;
  readonly opts: YamlGuardOptions;

  constructor(opts: YamlGuardOptions) {
    this.opts = opts;
  }

  run(root: Node): void {
    const stack: { node: Node; exit: boolean }[] = [{ node: root, exit: false }];
    for (let top = stack.pop(); top; top = stack.pop()) {
      const { node, exit } = top;
      if (exit) {
        this.leave(node);
        continue;
      }
      this.enter(node);
      stack.push({ node, exit: true });
      const children = childrenOf(node);
      for (let i = children.length - 1; i >= 0; i--) {
        const child = children[i];
        if (child) stack.push({ node: child, exit: false });
      }
    }
  }

  enter(node: Node): void {
    this.visited++;
    if (isAlias(node)) {
      this.enterAlias(node);
      return;
    }
    this.open.add(node);
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) this.anchors.set(anchor, node);
    if (isMap(node)) this.checkKeys(node);
    if (!this.uncounted.has(node)) this.count(node, 1, 0);
  }

  enterAlias(alias: Alias): void {
    const target = this.anchors.get(alias.source);
    this.targets.set(alias, target);
    const anchor = alias.source;
    const offset = offsetOf(alias);
    if (!target) {
      this.fail({ kind: 'unknown-anchor', offset, anchor });
      return;
    }
    if (this.open.has(target)) {
      this.fail({ kind: 'self-alias', offset, anchor });
      return;
    }
    const t = this.sizes.get(target) ?? EMPTY;
    this.count(alias, 1, 0);
    this.count(alias, t.decodes, t.decodes);
    this.aliasedSize += t.size;
    if (this.aliasedSize > this.opts.maxAliasedSize) {
      this.fail({ kind: 'alias-budget', offset, anchor, limit: this.opts.maxAliasedSize });
    }
  }

  /** Adds decodes as go-yaml makes them, checking its rule after each step (see below). */
  count(node: Node, decodes: number, aliased: number): void {
    this.decodeCount += decodes;
    this.aliasCount += aliased;
    // Within one alias expansion every step raises the ratio and lowers what go-yaml allows, so
    // the check at its end says whether any step of it failed.
    if (this.opts.kubectlAliasRule && excessive(this.aliasCount, this.decodeCount)) {
      const anchor = isAlias(node) ? node.source : '';
      this.fail({ kind: 'excessive-aliasing', offset: offsetOf(node), anchor });
    }
  }

  fail(problem: YamlDocProblem): void {
    this.aliasProblem ??= problem;
  }

  checkKeys(map: Node): void {
    if (!isMap(map)) return;
    const seen = new Set<unknown>();
    for (const pair of map.items as Pair<Node | null, Node | null>[]) {
      const key = pair.key;
      if (isMergeKey(key)) {
        this.uncounted.add(key as Node);
        if (isSeq(pair.value)) this.uncounted.add(pair.value);
        continue;
      }
      if (!isScalar(key)) continue;
      const v = key.value;
      // The library compares keys with ===, under which NaN equals nothing; a Set says it equals NaN.
      if (typeof v === 'number' && Number.isNaN(v)) continue;
      if (seen.has(v)) this.duplicateKeyOffsets.push(offsetOf(key));
      seen.add(v);
    }
  }

  /** A `<<` value kubectl accepts: a mapping, or a list of them, directly or through aliases. */
  mergeable(value: Node | null): boolean {
    const isMapping = (n: Node | null) => isMap(n) || (isAlias(n) && isMap(this.targets.get(n)));
    if (isSeq(value)) return (value.items as (Node | null)[]).every(isMapping);
    return isMapping(value);
  }

  leave(node: Node): void {
    if (isAlias(node)) {
      this.withAlias.add(node);
      return;
    }
    this.open.delete(node);
    let decodes = this.uncounted.has(node) ? 0 : 1;
    let size = 1 + scalarLength(node);
    let below = 0;
    let holds = false;
    const add = (child: Node | null, counted: boolean) => {
      const s = this.sizeOf(child);
      if (counted) decodes += s.decodes;
      size += s.size;
      below = Math.max(below, s.depth);
      if (child && this.withAlias.has(child)) holds = true;
    };
    if (isMap(node)) {
      for (const pair of node.items as Pair<Node | null, Node | null>[]) {
        const merge = isMergeKey(pair.key);
        if (merge && !this.mergeable(pair.value)) this.fail({ kind: 'bad-merge', offset: offsetOf(pair.key as Node) });
        add(pair.key, !merge);
        add(pair.value, true);
      }
    } else if (isSeq(node)) {
      for (const item of node.items as (Node | null)[]) add(item, true);
    }
    const depth = 1 + below;
    this.sizes.set(node, { decodes, size, depth });
    if (holds) this.withAlias.add(node);
    if (depth > this.opts.maxDepth) this.fail({ kind: 'too-deep', offset: offsetOf(node), limit: this.opts.maxDepth });
  }

  sizeOf(node: Node | null): Sizes {
    if (!node) return EMPTY;
    if (isAlias(node)) {
      const target = this.targets.get(node);
      const t = target ? this.sizes.get(target) : undefined;
      // An unknown or self-referring alias has been reported; it counts as itself.
      return t ? { decodes: 1 + t.decodes, size: 1 + t.size, depth: t.depth } : EMPTY;
    }
    return this.sizes.get(node) ?? EMPTY;
  }
}

/** Indexes `doc` in one pass; see the module comment. */
export function indexYamlDocument(doc: Document, opts: YamlGuardOptions): YamlDocIndex {
  const indexer = new Indexer(opts);
  const root = doc.contents as Node | null;
  if (root) indexer.run(root);
  const { targets, withAlias } = indexer;
  return {
    target: (alias) => targets.get(alias),
    holdsAlias: (node) => withAlias.has(node),
    // Not Math.min(...offsets): a spread of a million arguments overflows the stack.
    duplicateKeyOffset: indexer.duplicateKeyOffsets.reduce<number | undefined>(
      (a, b) => (a === undefined || b < a ? b : a),
      undefined,
    ),
    duplicateKeyOffsets: indexer.duplicateKeyOffsets,
    aliasProblem: indexer.aliasProblem,
    visited: indexer.visited,
    aliasedSize: indexer.aliasedSize,
  };
}
