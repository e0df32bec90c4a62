import type { ProbeResultView, WarpStateView } from '../../../ipc/contract.ts';

/** A verdict in a few words, for a table cell; the diagnosis has the whole sentence and the remedy. */
export const VERDICT_LABEL: Record<string, string> = {
  'warp-disconnected': 'WARP disconnected',
  'not-routed': 'Not routed through WARP',
  'split-tunnel-excluded': 'Excluded from the tunnel',
  'tunnel-down': 'Tunnel down',
  'tcp-refused': 'Connection refused',
  'tcp-timeout': 'Connection timed out',
  'tls-timeout': 'TLS timed out',
  'tls-intercepted': 'Intercepted by Gateway',
  'tls-untrusted': 'Certificate not trusted',
  'tls-name-mismatch': 'Certificate name mismatch',
  unauthorized: 'Credentials rejected',
  forbidden: 'Access forbidden',
  'version-skew': 'Version skew',
  'http-error': 'API server error',
  'credentials-expired': 'Credentials expired',
  'credentials-expiring': 'Credentials expiring',
  'wrong-virtual-network': 'Wrong virtual network',
  'warp-mode-unsupported': 'WARP mode routes no private IPs',
};

/** The short label of a result that is not plainly fine; null for `ok`. */
export function verdictLabel(result: ProbeResultView): string | null {
  if (result.verdict === 'ok') return null;
  return VERDICT_LABEL[result.verdict] ?? result.verdict.replaceAll('-', ' ');
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
