/**
 * Fuzzy matching for cluster pickers: the dashboard's search box and quick switcher, and the
 * CLI's picker. Pure and dependency-free, so the renderer (through ipc/contract.ts) and main
 * both import this one module and rank the same way.
 *
 * A query term matches a text when its characters appear in the text in order, ignoring case
 * ("pus" matches "prod-us"). Consecutive characters and characters at the start of a word
 * (after `-`, `_`, `.`, `/`, `:`, `@` or a space) score higher, so "pu" ranks "prod-us" above
 * "help-us-nope" only by where the letters sit, never by list order.
 */

export interface FuzzyMatch {
  score: number;
  /** Indices (UTF-16 code units) of the text's matched characters, increasing. */
  positions: number[];
}

const WORD_BREAK = /[-_./:@\s]/;

function fold(ch: string): string {
  const lower = ch.toLowerCase();
  // A character whose lower case is longer (İ → i̇) is compared as itself, so indices stay 1:1.
  return lower.length === 1 ? lower : ch;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * The text with every character folded, index for index (fold keeps one code unit per code unit).
 * ASCII text folds in one native call; a picker over thousands of fields calls this per keystroke.
 */
function foldAll(text: string): string {
  if (isAscii(text)) return text.toLowerCase();
  let out = '';
  for (let i = 0; i < text.length; i++) out += fold(text[i] as string);
  return out;
}

function isWordStart(text: string, i: number): boolean {
  return i === 0 || WORD_BREAK.test(text[i - 1] as string);
}

/** Matches the folded query's characters in the folded text in order from `start`, greedily; null when they run out. */
function matchFrom(query: string, text: string, start: number): number[] | null {
  const positions: number[] = [];
  let t = start;
  for (let q = 0; q < query.length; q++) {
    const want = query[q];
    while (t < text.length && text[t] !== want) t++;
    if (t >= text.length) return null;
    positions.push(t);
    t++;
  }
  return positions;
}

function scoreOf(text: string, positions: readonly number[]): number {
  let score = 0;
  let prev = -2;
  for (const p of positions) {
    score += 1;
    if (p === prev + 1) score += 9;
    else if (prev >= 0) score -= Math.min(3, (p - prev - 1) * 0.2);
    if (isWordStart(text, p)) score += 6;
    prev = p;
  }
  if (positions[0] === 0) score += 10;
  if (positions.length === text.length) score += 50;
  return score;
}

/**
 * The best match of one query term in `text`, or null. An empty query matches with score 0.
 * Every start of the first character is tried, so "us" in "prod-us" lands on the word start.
 */
export function fuzzyMatch(query: string, text: string): FuzzyMatch | null {
  return matchFolded(foldAll(query), text);
}

/** fuzzyMatch for a query already folded. */
function matchFolded(q: string, text: string): FuzzyMatch | null {
  if (q.length === 0) return { score: 0, positions: [] };
  const t = foldAll(text);
  const first = q[0];
  let best: FuzzyMatch | null = null;
  for (let start = t.indexOf(first as string); start !== -1; start = t.indexOf(first as string, start + 1)) {
    const positions = matchFrom(q, t, start);
    if (!positions) break;
    const score = scoreOf(text, positions);
    if (!best || score > best.score) best = { score, positions };
  }
  return best;
}

/** The query's terms: split on whitespace, empty ones dropped. */
export function queryTerms(query: string): string[] {
  return query.split(/\s+/).filter((t) => t.length > 0);
}

/**
 * The score of an item whose searchable texts are `fields`: every term must match some field
 * (the best field counts), and the sum is the item's score. null when a term matches nowhere.
 */
export function fuzzyScore(query: string, fields: readonly string[]): number | null {
  return scoreTerms(queryTerms(query).map(foldAll), fields);
}

/** fuzzyScore for terms already split and folded: a filter does that once, not once per item. */
function scoreTerms(terms: readonly string[], fields: readonly string[]): number | null {
  let total = 0;
  for (const term of terms) {
    let best: number | null = null;
    for (const field of fields) {
      const m = matchFolded(term, field);
      if (m && (best === null || m.score > best)) best = m.score;
    }
    if (best === null) return null;
    total += best;
  }
  return total;
}

/**
 * The items that match, best first; ties keep their input order. A query with no terms returns
 * every item in input order.
 */
export function fuzzyFilter<T>(items: readonly T[], query: string, fields: (item: T) => readonly string[]): T[] {
  const terms = queryTerms(query).map(foldAll);
  if (terms.length === 0) return [...items];
  const scored: { item: T; score: number; index: number }[] = [];
  items.forEach((item, index) => {
    const score = scoreTerms(terms, fields(item));
    if (score !== null) scored.push({ item, score, index });
  });
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  return scored.map((s) => s.item);
}
