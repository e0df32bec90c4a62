import { maskKubeconfigLines } from '../secrets/kubeconfig-mask.ts';
import { foldMarkers, summarizeDiffLine } from './diff-summary.ts';
import type { KubeconfigPlan } from './plan.ts';

/**
 * Unified diffs of a plan, for `kubezt setup` (shown before asking), `--dry-run` and the app's
 * setup preview. Credentials are masked unless asked otherwise, on every line shown (context lines
 * too): the diff lands in terminals, screenshots and support tickets. Which bytes are credentials
 * comes from the parsed YAML of each side (core/secrets/kubeconfig-mask.ts), never from how a line
 * looks; the lines are compared in clear, so a changed credential still shows as a changed line.
 */

/** `index` is the line's position in the text it is shown from: `before` for ' ' and '-', `after` for '+'. */
type Op = { kind: ' ' | '-' | '+'; line: string; index: number };

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
      x--;
      middle.push({ kind: ' ', line: A[x] as string, index: pre + x });
      y--;
    }
    if (d > 0) {
      if (x === prevX) {
        y--;
        middle.push({ kind: '+', line: B[y] as string, index: pre + y });
      } else {
        x--;
        middle.push({ kind: '-', line: A[x] as string, index: pre + x });
      }
    }
  }
  middle.reverse();
  const same = (from: number) => (line: string, i: number) => ({ kind: ' ' as const, line, index: from + i });
  return [...a.slice(0, pre).map(same(0)), ...middle, ...a.slice(a.length - suf).map(same(a.length - suf))];
}

export interface DiffOptions {
  context?: number;
  /** Mask credential values in the diff. Default true. */
  redact?: boolean;
  /**
   * Show certificate data and other long base64 values as one summary line (fingerprint, CN,
   * expiry), and each kubezt marker block as one line (diff-summary.ts). Default true: the base64
   * is unreadable and fills the screen, and the marker is the same eleven lines on every entry.
   */
  summarize?: boolean;
}

export function unifiedDiff(path: string, before: string | null, after: string, options: DiffOptions = {}): string {
  const context = options.context ?? 3;
  const a = splitLines(before ?? '');
  const b = splitLines(after);
  const shownA = options.redact === false ? a : maskKubeconfigLines(before ?? '');
  const shownB = options.redact === false ? b : maskKubeconfigLines(after);
  const summarize = options.summarize !== false;
  const show = (op: Op) => {
    const shown = (op.kind === '+' ? shownB : shownA)[op.index] as string;
    return summarize ? summarizeDiffLine(op.line, shown) : shown;
  };
  const ops = diffLines(a, b);
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
    const shown = hunk.map((op) => ({ kind: op.kind, line: op.line, shown: show(op) }));
    if (summarize) out.push(...foldMarkers(shown));
    else for (const op of shown) out.push(`${op.kind}${op.shown}`);
    i = end;
  }
  return `${out.join('\n')}\n`;
}

/** The diff of every file a plan writes, in plan order; '' when the plan writes nothing. */
export function planDiff(plan: KubeconfigPlan, options: DiffOptions = {}): string {
  return plan.writes.map((w) => unifiedDiff(w.path, w.before, w.after, options)).join('');
}
