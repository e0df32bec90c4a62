import type { WarpStateView, WarpStatus } from '../../../ipc/contract.ts';

const LABEL: Record<WarpStatus, string> = {
  connected: 'WARP connected',
  connecting: 'WARP connecting',
  disconnected: 'WARP disconnected',
  unavailable: 'WARP not installed',
  unknown: 'WARP unknown',
};

/** The WARP state in the top bar; a status region so changes are announced politely. */
export function WarpPill({ warp }: { warp: WarpStateView | null }) {
  const status: WarpStatus = warp?.status ?? 'unknown';
  const gateway = warp?.status === 'connected' && warp.gatewayOn ? ' · Gateway on' : '';
  return (
    <div className={`pill pill-${status}`} role="status" aria-live="polite" title={warp?.reason ?? undefined}>
      <span className="pill-dot" aria-hidden="true" />
      {warp ? `${LABEL[status]}${gateway}` : 'WARP …'}
    </div>
  );
}
