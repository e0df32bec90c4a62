import { Document, isScalar, parse, visit } from 'yaml';
import type { Splice } from './types.ts';

export type { Splice };

/**
 * Text-level helpers for writing YAML that kubectl reads back exactly. kubectl decodes kubeconfig
 * with go-yaml v2 (YAML 1.1) into JSON and then into typed Go structs, so a plain `on`, `y`, `no`,
 * `~` or `0o17` in a string field makes it reject the WHOLE file. Everything kubezt writes goes
 * through here and is checked by parsing it back under both YAML 1.1 and 1.2.
 */

/** Strings go-yaml v2 resolves to something other than a string, beyond what the yaml-1.1 schema knows. */
const GO_YAML_RISKY = /^(?:[-+.]?\d|(?:y|n|yes|no|on|off|true|false|null|~|nan|inf|infinity|\.inf|\.nan|<<)$)/i;

const TO_STRING = { lineWidth: 0, minContentWidth: 0, indentSeq: false } as const;

function renderWith(value: unknown, forceQuotes: boolean): string {
  // 1.2 core plus the 1.1 tags as `compat`: the stringifier quotes any plain string that either
  // schema would read as a bool/number/null/timestamp.
  const doc = new Document(value, { version: '1.2', compat: 'yaml-1.1', aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      if (forceQuotes || GO_YAML_RISKY.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
    Pair(_key, pair) {
      if (isScalar(pair.key)) pair.key.type = 'PLAIN';
    },
  });
  return doc.toString(TO_STRING);
}

function sameData(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Block YAML for `value` (kubectl's layout: sequences not indented under their key), every line
 * prefixed by `indent` spaces, ending in a newline. Throws if the text would not read back as
 * `value` under YAML 1.1 or 1.2 (a bug, never a user error).
 */
export function renderBlock(value: unknown, indent: number): string {
  let text = renderWith(value, false);
  if (!roundTrips(text, value)) text = renderWith(value, true);
  if (!roundTrips(text, value)) throw new Error(`kubezt could not render ${JSON.stringify(value)} as YAML safely`);
  if (indent === 0) return text;
  const pad = ' '.repeat(indent);
  return text
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n');
}

function roundTrips(text: string, value: unknown): boolean {
  try {
    return sameData(parse(text, { version: '1.1' }), value) && sameData(parse(text, { version: '1.2' }), value);
  } catch {
    return false;
  }
}

/**
 * JSON is valid flow YAML and quotes every string, so it is what kubezt writes inside flow
 * collections (`[...]`, `{...}`, and kubeconfig files stored as JSON). `indent` is the column
 * continuation lines start at when `pretty`.
 */
export function renderJson(value: unknown, pretty: boolean, indent: number): string {
  if (!pretty) return JSON.stringify(value);
  const pad = ' '.repeat(indent);
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${pad}`);
}

/** Offset of the first character of the line containing `offset`. */
export function lineStart(src: string, offset: number): number {
  return src.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just past the newline ending the line containing `offset` (or the end of the text). */
export function lineEnd(src: string, offset: number): number {
  if (offset > 0 && src[offset - 1] === '\n') return offset;
  const nl = src.indexOf('\n', offset);
  return nl === -1 ? src.length : nl + 1;
}

/** 1-based line and column of `offset`. */
export function linePos(src: string, offset: number): { line: number; col: number } {
  let line = 1;
  let idx = src.indexOf('\n');
  while (idx !== -1 && idx < offset) {
    line++;
    idx = src.indexOf('\n', idx + 1);
  }
  return { line, col: offset - lineStart(src, offset) + 1 };
}

/**
 * Applies non-overlapping edits given in offsets of the ORIGINAL text, so every byte outside an
 * edit is copied verbatim. Insertions (start === end) at an offset go before a deletion starting there.
 */
export function applySplices(src: string, splices: readonly Splice[]): string {
  const sorted = [...splices].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let cursor = 0;
  for (const s of sorted) {
    if (s.start < cursor || s.end < s.start) {
      throw new Error(`kubezt produced overlapping kubeconfig edits at offset ${s.start}`);
    }
    out += src.slice(cursor, s.start) + s.text;
    cursor = s.end;
  }
  return out + src.slice(cursor);
}
