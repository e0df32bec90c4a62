import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type ParsedNode,
  parseAllDocuments,
  visit,
} from 'yaml';
import { child, isPublicUserField, SECRET, type Where } from './user-fields.ts';

/**
 * The setup diff's view of a kubeconfig: the source ranges of every credential (by the rule of
 * user-fields.ts) and of every comment among the users, so that each line can be shown with
 * them masked whatever the YAML style. It needs node ranges, hence the yaml Document API.
 */

type Range = [number, number];

/**
 * The source ranges of one parsed document's credentials and of the comments among its users;
 * null when the document has errors or is not a mapping (a list at the top, say), where kubezt
 * cannot tell which part is the users list.
 */
function scanDocument(doc: Document.Parsed, text: string): Range[] | null {
  if (doc.errors.length > 0) return null;
  const root = doc.contents;
  const ranges: Range[] = [];
  if (root === null || isScalar(root)) return ranges;
  if (!isMap(root)) return null;
  const scanned = new Set<Node>();
  let unresolved = false;
  const walk = (node: unknown, where: Where): void => {
    if (!node) return;
    if (isAlias(node)) {
      // An anchored value may sit anywhere in the file; hide it there, once (aliases may repeat).
      const target = node.resolve(doc);
      // An anchor defined outside the part parsed: only the whole text can tell where it is.
      if (!target) unresolved = true;
      if (target && !scanned.has(target)) {
        scanned.add(target);
        walk(target, SECRET);
      }
      return;
    }
    if (isScalar(node)) {
      if (where !== SECRET && isPublicUserField(where)) return;
      if (node.range) ranges.push([node.range[0], node.range[1]]);
      return;
    }
    if (isPair(node)) {
      walk(node.key, SECRET);
      walk(node.value, SECRET);
      return;
    }
    if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) walk(item, child(where, i));
      return;
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key)) walk(pair.value, child(where, String(pair.key.value)));
        else walk(pair, SECRET);
      }
    }
  };
  const walkUsers = (node: unknown): void => {
    const list = isAlias(node) ? node.resolve(doc) : node;
    if (!isSeq(list)) {
      walk(node, SECRET);
      return;
    }
    for (const raw of list.items) {
      const item = isAlias(raw) ? raw.resolve(doc) : raw;
      if (!isMap(item)) {
        walk(raw, SECRET);
        continue;
      }
      for (const pair of item.items) {
        const key = isScalar(pair.key) ? pair.key.value : undefined;
        if (key === undefined) walk(pair, SECRET);
        else if (key === 'user') walk(pair.value, []);
        else if (key !== 'name' || !isScalar(pair.value)) walk(pair.value, SECRET);
      }
    }
  };
  const keys = root.items.map((p) => (p.key as ParsedNode | null)?.range?.[0] ?? 0);
  for (const [i, pair] of root.items.entries()) {
    if (!isScalar(pair.key)) {
      walk(pair, SECRET);
      continue;
    }
    if (pair.key.value !== 'users') continue;
    walkUsers(pair.value);
    // Comments among the users may hold a credential commented out: hide their text as well.
    const start = keys[i] ?? 0;
    const end = keys.reduce((min, k) => (k > start && k < min ? k : min), doc.range?.[2] ?? text.length);
    for (const r of commentRanges(doc, text, start, end)) ranges.push(r);
  }
  return unresolved ? null : ranges;
}

/** The text of each `# comment` between `start` and `end` (after the `#`). */
function commentRanges(doc: Document.Parsed, text: string, start: number, end: number): Range[] {
  const scalars: Range[] = [];
  visit(doc, {
    Scalar(_key, node) {
      if (node.range && node.range[1] > start && node.range[0] < end) scalars.push([node.range[0], node.range[1]]);
    },
  });
  const inScalar = insideAny(mergeRanges(scalars));
  const out: Range[] = [];
  for (let at = text.indexOf('#', start); at !== -1 && at < end; at = text.indexOf('#', at + 1)) {
    const before = at === 0 ? '\n' : text[at - 1];
    if (!/[\s]/.test(before as string) || inScalar(at)) continue;
    const eol = text.indexOf('\n', at);
    const stop = eol === -1 ? text.length : eol;
    out.push([at + 1, stop]);
    at = stop;
  }
  return out;
}

/** The mark that stands for a hidden value in a diff line. */
export const MASK = '<redacted>';

/**
 * `text` split at '\n', each line with every credential (and every comment among the users)
 * replaced by MASK, keys and indentation kept: `    token: <redacted>`, `{command: aws, args:
 * [<redacted>, <redacted>]}`, and each content line of a block scalar as `      <redacted>`.
 *
 * Text that does not parse as YAML is masked from its `users` key to the end, or whole when no
 * such key is found: it is never shown in clear on the chance that it holds no credential.
 */
export function maskKubeconfigLines(text: string): string[] {
  const lines = text.split('\n');
  const sections = usersSections(text);
  // No users section found by lines: the whole text decides (it may not even be YAML).
  const quick = sections && sections.length > 0 ? rangesIn(text, sections) : null;
  const ranges = quick ?? rangesIn(text, [[0, text.length]]);
  if (!ranges) return maskUsersByLine(lines);
  if (ranges.length === 0) return lines;
  const merged = mergeRanges(ranges);
  const out: string[] = [];
  let offset = 0;
  let r = 0;
  for (const line of lines) {
    const content = line.endsWith('\r') ? line.length - 1 : line.length;
    const lineEnd = offset + content;
    while (r < merged.length && (merged[r] as Range)[1] <= offset) r++;
    let shown = '';
    let at = offset;
    for (let i = r; i < merged.length && (merged[i] as Range)[0] < lineEnd; i++) {
      const [s, e] = merged[i] as Range;
      const from = Math.max(s, offset);
      const to = Math.min(e, lineEnd);
      if (to <= from) continue;
      const hidden = text.slice(from, to);
      shown += text.slice(at, from);
      shown += hidden.trim() === '' ? hidden : `${/^\s*/.exec(hidden)?.[0] ?? ''}${MASK}`;
      at = to;
    }
    out.push(at === offset ? line : shown + text.slice(at, offset + line.length));
    offset += line.length + 1;
  }
  return out;
}

/** The credential ranges of these parts of `text`, each parsed on its own; null when one does not parse. */
function rangesIn(text: string, parts: readonly Range[]): Range[] | null {
  const ranges: Range[] = [];
  for (const [start, end] of parts) {
    const part = start === 0 && end === text.length ? text : text.slice(start, end);
    for (const doc of parseAllDocuments(part, { version: '1.1' })) {
      const found = scanDocument(doc, part);
      if (!found) return null;
      for (const [s, e] of found) ranges.push([s + start, e + start]);
    }
  }
  return ranges;
}

/**
 * Where the `users` key and its value sit in a file whose top level is a block mapping (as
 * kubectl writes it): from its line to the next line that starts at column 0 with anything but
 * a list item, a comment or a blank. In such a mapping every other line of a value is indented
 * (YAML requires it), so the section parses the same on its own, and a large file's clusters
 * need not be parsed. Null when the top level is anything else (flow style, several documents,
 * directives, complex keys): the caller parses the whole text.
 */
function usersSections(text: string): Range[] | null {
  const sections: Range[] = [];
  let open = -1;
  let offset = 0;
  for (const line of text.split('\n')) {
    const first = line.replace(/^\ufeff/, '')[0];
    const topLevel = first !== undefined && !/[\s#-]/.test(first);
    if (topLevel) {
      if (/^[{[?%&*!|>]/.test(line.replace(/^\ufeff/, '')) || /^(?:---|\.\.\.)(?:\s|$)/.test(line)) return null;
      if (open !== -1) sections.push([open, offset]);
      open = /^\ufeff?["']?users["']?[ \t]*:/.test(line) ? offset : -1;
    } else if (/^(?:---|\.\.\.)(?:\s|$)/.test(line)) {
      return null;
    }
    offset += line.length + 1;
  }
  if (open !== -1) sections.push([open, text.length]);
  return sections;
}

/** A lookup in sorted, disjoint ranges (binary search: a file may hold many of both). */
function insideAny(sorted: readonly Range[]): (at: number) => boolean {
  return (at) => {
    let lo = 0;
    let hi = sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [s, e] = sorted[mid] as Range;
      if (at < s) hi = mid - 1;
      else if (at >= e) lo = mid + 1;
      else return true;
    }
    return false;
  };
}

function mergeRanges(ranges: Range[]): Range[] {
  const sorted = ranges.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** What a top-level key of a block mapping looks like, quoted or not. */
const TOP_LEVEL_KEY = /^(["']?)([A-Za-z][\w-]*)\1[ \t]*:(?:[ \t]|$)/;
const OTHER_TOP_LEVEL = new Set([
  'apiVersion',
  'kind',
  'clusters',
  'contexts',
  'current-context',
  'preferences',
  'extensions',
]);
/** The key of a `key: value` line (a list item's too), with the space after the colon. */
const BLOCK_KEY = /^\s*(?:-\s+)?(["']?)[A-Za-z][\w.-]*\1[ \t]*:[ \t]+(?=\S)/;
/** A `users:` or `user:` key anywhere in a line, in any quoting, with what follows it. */
const USERS_KEY = /^(.*?(?:^|[\s{,])["']?users?["']?[ \t]*:)(.*)$/;

/**
 * The fallback for text that does not parse: from the first line with a `users:` (or `user:`) key
 * every line is masked, up to a line that starts another known top-level key at column 0, and
 * again from the next such key; with no such key at all, every line is masked.
 */
function maskUsersByLine(lines: string[]): string[] {
  const split = (line: string) =>
    line.endsWith('\r') ? { body: line.slice(0, -1), cr: '\r' } : { body: line, cr: '' };
  const hide = (line: string) => {
    const { body, cr } = split(line);
    if (body.trim() === '') return line;
    // A `key: value` line keeps its key, as in a parsed file; anything else keeps its indentation.
    return `${(BLOCK_KEY.exec(body) ?? /^\s*/.exec(body))?.[0] ?? ''}${MASK}${cr}`;
  };
  if (!lines.some((l) => USERS_KEY.test(split(l).body))) return lines.map(hide);
  let hiding = false;
  return lines.map((line) => {
    const { body, cr } = split(line);
    const users = USERS_KEY.exec(body);
    if (users) {
      hiding = true;
      return (users[2] as string).trim() === '' ? line : `${users[1]} ${MASK}${cr}`;
    }
    const key = TOP_LEVEL_KEY.exec(body)?.[2];
    if (key && OTHER_TOP_LEVEL.has(key)) hiding = false;
    return hiding ? hide(line) : line;
  });
}
