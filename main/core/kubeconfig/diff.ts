import type { KubeconfigPlan } from './plan.ts';

/**
 * Unified diffs of a plan, for `kubezt setup` (shown before asking) and `--dry-run`. Credentials
 * in changed lines are masked unless asked otherwise: the diff lands in terminals and screenshots.
 */

type Op = { kind: ' ' | '-' | '+'; line: string };

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Myers' O(ND) diff on the lines between the common prefix and suffix. */
function diffLines(a: string[], b: string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const A = a.slice(pre, a.length - suf);
  const B = b.slice(pre, b.length - suf);
  const n = A.length;
  const m = B.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = n === 0 && m === 0;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number))
          ? (v[offset + k + 1] as number)
          : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && A[x] === B[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  const middle: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0 && (x > 0 || y > 0); d--) {
    const vd = trace[d] as Int32Array;
    const k = x - y;
    const prevK =
      k === -d || (k !== d && (vd[offset + k - 1] as number) < (vd[offset + k + 1] as number)) ? k + 1 : k - 1;
    const prevX = vd[offset + prevK] as number;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      middle.push({ kind: ' ', line: A[--x] as string });
      y--;
    }
    if (d > 0) {
      if (x === prevX) middle.push({ kind: '+', line: B[--y] as string });
      else middle.push({ kind: '-', line: A[--x] as string });
    }
  }
  middle.reverse();
  return [
    ...a.slice(0, pre).map((line) => ({ kind: ' ' as const, line })),
    ...middle,
    ...a.slice(a.length - suf).map((line) => ({ kind: ' ' as const, line })),
  ];
}

const SECRET_LINE =
  /^(\s*(?:-\s+)?"?(?:token|password|client-key-data|client-certificate-data|id-token|refresh-token|access-token)"?\s*:\s*)(?!$)(.*?)(,?)$/;

function mask(line: string): string {
  return line.replace(SECRET_LINE, (_m, head: string, _v: string, comma: string) => `${head}<redacted>${comma}`);
}

export interface DiffOptions {
  context?: number;
  /** Mask credential values in the diff. Default true. */
  redact?: boolean;
}

export function unifiedDiff(path: string, before: string | null, after: string, options: DiffOptions = {}): string {
  const context = options.context ?? 3;
  const show = options.redact === false ? (l: string) => l : mask;
  const ops = diffLines(splitLines(before ?? ''), splitLines(after));
  const out: string[] = [`--- ${before === null ? '/dev/null' : path}`, `+++ ${path}`];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]?.kind === ' ') {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    let end = i;
    // Extend the hunk while the next change is within 2*context lines.
    for (;;) {
      while (end < ops.length && ops[end]?.kind !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next]?.kind === ' ') next++;
      if (next < ops.length && next - end <= 2 * context) end = next;
      else break;
    }
    end = Math.min(ops.length, end + context);
    let aLine = 1;
    let bLine = 1;
    for (let j = 0; j < start; j++) {
      if (ops[j]?.kind !== '+') aLine++;
      if (ops[j]?.kind !== '-') bLine++;
    }
    const hunk = ops.slice(start, end);
    const aCount = hunk.filter((o) => o.kind !== '+').length;
    const bCount = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${aCount === 0 ? aLine - 1 : aLine},${aCount} +${bCount === 0 ? bLine - 1 : bLine},${bCount} @@`);
    // Context lines too: the user's own entries around a change hold tokens just as well.
    for (const op of hunk) out.push(`${op.kind}${show(op.line)}`);
    i = end;
  }
  return `${out.join('\n')}\n`;
}

/** The diff of every file a plan writes, in plan order; '' when the plan writes nothing. */
export function planDiff(plan: KubeconfigPlan, options: DiffOptions = {}): string {
  return plan.writes.map((w) => unifiedDiff(w.path, w.before, w.after, options)).join('');
}
