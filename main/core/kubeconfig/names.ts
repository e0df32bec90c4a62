import { UserError } from '../errors.ts';

export const DEFAULT_NAME_TEMPLATE = 'zt-{name}';

/**
 * Checks a name template: it must contain `{name}` (otherwise every cluster gets the same name)
 * and no other placeholder, and produce names kubectl accepts on a command line.
 */
export function checkNameTemplate(template: string): void {
  const placeholders: string[] = template.match(/\{[^}]*\}/g) ?? [];
  const unknown = placeholders.find((p) => p !== '{name}');
  if (!placeholders.includes('{name}') || unknown !== undefined) {
    throw new UserError(
      'bad-input',
      `The kubeconfig name template "${template}" must contain {name} and no other placeholder${unknown ? ` (found ${unknown})` : ''}; use something like "zt-{name}".`,
    );
  }
  if (/\s/.test(template)) {
    throw new UserError(
      'bad-input',
      `The kubeconfig name template "${template}" contains white space, which makes awkward kubectl context names; use something like "zt-{name}".`,
    );
  }
}

export function applyNameTemplate(template: string, clusterName: string): string {
  return template.replaceAll('{name}', clusterName);
}

/** Optimal string alignment distance (Levenshtein plus adjacent swaps), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    const row = d[i] as number[];
    const prev = d[i - 1] as number[];
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = v;
    }
  }
  return (d[rows - 1] as number[])[cols - 1] as number;
}

/** Up to `limit` candidates close to `query`: small edit distance, or containing it. */
export function closeMatches(query: string, candidates: Iterable<string>, limit = 5): string[] {
  const q = query.toLowerCase();
  const scored: { name: string; score: number }[] = [];
  for (const name of new Set(candidates)) {
    if (name === '') continue;
    const n = name.toLowerCase();
    const distance = editDistance(q, n);
    const threshold = Math.max(2, Math.floor(q.length / 3));
    if (distance <= threshold) scored.push({ name, score: distance });
    else if (q.length >= 2 && (n.includes(q) || q.includes(n))) scored.push({ name, score: threshold + 1 });
  }
  scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
  return scored.slice(0, limit).map((s) => s.name);
}
