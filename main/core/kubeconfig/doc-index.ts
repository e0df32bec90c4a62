/**
 * The alias index of each kubeconfig document (yaml-guard.ts), kept beside the document, and the
 * readers built on it: alias lookups in constant time, toData, and the alias problems worded for
 * a kubeconfig.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { shown } from '../message-text.ts';
import { formatBytes, LIMITS } from '../read-capped.ts';
import { indexYamlDocument, type YamlDocIndex, type YamlDocProblem } from '../yaml-guard.ts';

/**
 * Alias targets of every document parsed here. The yaml library's Alias.resolve walks the whole
 * document on each call; readers look aliases up here instead, in constant time. A WeakMap, so
 * an index lives exactly as long as its document.
 */
const INDEXES = new WeakMap<Document, YamlDocIndex>();

/** Nesting kubezt follows, aliases expanded; real kubeconfigs nest fewer than ten levels. */
export const MAX_YAML_DEPTH = 1000;
const GUARD = { kubectlAliasRule: true, maxAliasedSize: LIMITS.kubeconfig, maxDepth: MAX_YAML_DEPTH };

/** Indexes a document just parsed (see yaml-guard.ts); readers then resolve aliases through it. */
export function indexKubeconfigDocument(doc: Document): YamlDocIndex {
  const index = indexYamlDocument(doc, GUARD);
  INDEXES.set(doc, index);
  return index;
}

/** The index of a document (made now if it has none): its work counters are what tests check. */
export function documentIndex(doc: Document): YamlDocIndex {
  return indexOf(doc);
}

function indexOf(doc: Document): YamlDocIndex {
  let index = INDEXES.get(doc);
  if (!index) {
    index = indexYamlDocument(doc, GUARD);
    INDEXES.set(doc, index);
  }
  return index;
}

/** The node itself, or what an alias refers to (undefined when nothing). */
export function deref(doc: Document, node: unknown): unknown {
  return isAlias(node) ? indexOf(doc).target(node) : node;
}

export function aliasProblem(p: YamlDocProblem): { offset: number; reason: string; fix: string } {
  const name = 'anchor' in p ? shown(p.anchor, 40) : '';
  switch (p.kind) {
    case 'unknown-anchor':
      return {
        offset: p.offset,
        reason: `the alias *${name} refers to no anchor defined before it, and kubectl refuses that`,
        fix: `define &${name} before the alias or remove it`,
      };
    case 'self-alias':
      return {
        offset: p.offset,
        reason: `the alias *${name} is inside the node it refers to, so it never ends, and kubectl refuses that`,
        fix: 'remove the alias',
      };
    case 'excessive-aliasing':
      return {
        offset: p.offset,
        reason:
          'its YAML aliases expand it far beyond its own size, which kubectl refuses ("document contains excessive aliasing")',
        fix: 'use fewer aliases',
      };
    case 'alias-budget':
      return {
        offset: p.offset,
        reason: `its YAML aliases repeat more than ${formatBytes(p.limit)} of content, kubezt's limit`,
        fix: 'use fewer aliases',
      };
    case 'too-deep':
      return {
        offset: p.offset,
        reason: `its lists and mappings nest more than ${p.limit} levels deep (aliases expanded)`,
        fix: 'flatten them',
      };
    case 'bad-merge':
      return {
        offset: p.offset,
        reason:
          'a "<<" merge key is given something other than a mapping or a list of mappings, and kubectl refuses that',
        fix: 'merge mappings only',
      };
  }
}

/**
 * `node.toJS(doc)`, in time linear in what it returns. The library's toJS walks the whole document
 * once per call as soon as the node holds an alias, so converting each of n entries cost n times
 * the document; here aliases are followed through the index. Nodes without aliases still go
 * through the library, so the result is the same.
 */
export function toData(doc: Document.Parsed, node: Node): unknown {
  const index = indexOf(doc);
  if (!index.holdsAlias(node)) return node.toJS(doc);
  if (isAlias(node)) {
    const target = index.target(node);
    return target ? toData(doc, target) : undefined;
  }
  if (isSeq(node)) return (node.items as (Node | null)[]).map((item) => (item ? toData(doc, item) : null));
  if (!isMap(node)) return node.toJS(doc);
  const out: Record<string, unknown> = {};
  const put = (key: string, value: unknown) =>
    Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
  for (const pair of node.items as Pair<Node | null, Node | null>[]) {
    if (isScalar(pair.key) && typeof pair.key.value === 'symbol') {
      // `<<`: keys of the merged mappings that the mapping does not set itself, first source first.
      const merged = deref(doc, pair.value);
      const sources = isSeq(merged) ? (merged.items as Node[]) : [pair.value as Node];
      for (const source of sources) {
        const data = toData(doc, source) as Record<string, unknown>;
        for (const [k, v] of Object.entries(data ?? {})) if (!Object.hasOwn(out, k)) put(k, v);
      }
      continue;
    }
    const key = pair.key ? toData(doc, pair.key) : null;
    put(
      key === null || key === undefined ? '' : typeof key === 'object' ? JSON.stringify(key) : String(key),
      pair.value ? toData(doc, pair.value) : null,
    );
  }
  return out;
}
