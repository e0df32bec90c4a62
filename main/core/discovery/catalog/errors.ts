import { UserError } from '../../errors.ts';

export interface CatalogIssue {
  /** 1-based line in the catalog file. */
  line: number;
  /** The key the problem is about, when there is one. */
  key?: string;
  /** One sentence, prefixed with the file and line. */
  message: string;
}

/**
 * `catalog-invalid` with every problem found, so the CLI and the app can list them all; the
 * message itself is the first one (plus a count), keeping the one-sentence rule.
 */
export class CatalogError extends UserError {
  readonly file: string;
  readonly issues: CatalogIssue[];
  constructor(file: string, issues: CatalogIssue[]) {
    const [first] = issues;
    const more =
      issues.length > 1 ? ` (${issues.length - 1} more problem${issues.length > 2 ? 's' : ''} in this file)` : '';
    super('catalog-invalid', first ? withMore(first.message, more) : `${file}: the catalog is invalid.`);
    this.file = file;
    this.issues = issues;
  }
}

function withMore(message: string, more: string): string {
  if (!more) return message;
  const end = message.at(-1);
  return `${message.slice(0, -1)}${more}${end}`;
}

/** The closest allowed key for a typo, kubeconfig-style spelling (`tls-server-name`) included. */
export function suggest(key: string, allowed: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const exact = allowed.find((a) => norm(a) === norm(key));
  if (exact) return exact;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of allowed) {
    const d = levenshtein(norm(key), norm(candidate));
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  const limit = Math.max(2, Math.floor(norm(key).length / 3));
  return bestDistance <= limit ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
