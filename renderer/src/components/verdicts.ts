import type { ProbeResultView, WarpStateView } from '../../../ipc/contract.ts';

/**
 * The short label of a result that is not plainly fine, as main words it (the core's table, so
 * the CLI, the report and the dashboard agree); the verdict's code when main gave none. null for `ok`.
 */
export function verdictLabel(result: ProbeResultView): string | null {
  if (result.verdict === 'ok') return null;
  return result.verdictLabel ?? result.verdict;
}

const WARP_DOWN: ReadonlySet<WarpStateView['status']> = new Set(['disconnected', 'connecting', 'unavailable']);

/**
 * A result is stale when WARP is down now but was up when the result was taken: whatever it
 * says about reachability no longer holds. A result taken since the drop says so itself.
 */
export function isStale(result: ProbeResultView, warp: WarpStateView | null): boolean {
  if (!warp || !WARP_DOWN.has(warp.status)) return false;
  return result.steps.some((s) => s.name === 'warp' && s.status === 'ok');
}
