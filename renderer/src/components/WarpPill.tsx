import { useState } from 'react';
import type { WarpStateView, WarpStatus } from '../../../ipc/contract.ts';
import { errorOf, useApi } from '../api.ts';

const LABEL: Record<WarpStatus, string> = {
  connected: 'WARP connected',
  connecting: 'WARP connecting',
  disconnected: 'WARP disconnected',
  unavailable: 'WARP not installed',
  unknown: 'WARP unknown',
};

/** The active virtual network's name (its id when the client lists none). */
export function activeNetworkName(warp: WarpStateView | null): string | null {
  const v = warp?.virtualNetworks;
  if (!v?.active) return null;
  return v.list.find((n) => n.id === v.active)?.name ?? v.active;
}

/** Everything the client profile says, one fact a line, for the pill's title. */
export function warpProfileTitle(warp: WarpStateView): string {
  const lines: string[] = [];
  if (warp.reason) lines.push(warp.reason);
  if (warp.mode) lines.push(`Mode: ${warp.mode.label}${warp.mode.managed ? ' (set by your Zero Trust admin)' : ''}`);
  if (warp.privateRouting === false) lines.push('This mode routes no private IPs: clusters are unreachable.');
  if (warp.organization) lines.push(`Organization: ${warp.organization}`);
  const v = warp.virtualNetworks;
  if (v && v.list.length > 0) {
    lines.push(`Virtual networks: ${v.list.map((n) => `${n.name}${n.id === v.active ? ' (active)' : ''}`).join(', ')}`);
  }
  if (warp.splitTunnel)
    lines.push(`Split tunnel: ${warp.splitTunnel.mode} mode, ${warp.splitTunnel.entries.length} entries`);
  return lines.join('\n');
}

/** The WARP state in the top bar; a status region so changes are announced politely. */
export function WarpPill({ warp }: { warp: WarpStateView | null }) {
  const status: WarpStatus = warp?.status ?? 'unknown';
  const connected = warp?.status === 'connected';
  const gateway = connected && warp.gatewayOn ? ' · Gateway on' : '';
  const noPrivate = connected && warp.privateRouting === false;
  const mode = connected && warp.mode ? ` · ${warp.mode.label}` : '';
  const org = warp?.organization ? ` · ${warp.organization}` : '';
  return (
    <div className="warp-bar">
      <div
        className={`pill pill-${noPrivate ? 'warn' : status}`}
        role="status"
        aria-live="polite"
        title={warp ? warpProfileTitle(warp) || undefined : undefined}
      >
        <span className="pill-dot" aria-hidden="true" />
        {warp ? `${LABEL[status]}${gateway}${mode}${org}` : 'WARP …'}
      </div>
      {warp && <VnetSelect warp={warp} />}
    </div>
  );
}

/** The device's virtual network; picking another switches WARP to it (device-wide). */
function VnetSelect({ warp }: { warp: WarpStateView }) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const v = warp.virtualNetworks;
  if (!v || v.list.length === 0) return null;
  return (
    <>
      <select
        className="vnet-select"
        aria-label="WARP virtual network"
        title={error ?? 'Switch WARP to another virtual network (device-wide)'}
        aria-invalid={error ? 'true' : undefined}
        value={v.active ?? ''}
        disabled={busy || v.list.length < 2}
        onChange={(e) => {
          const id = e.target.value;
          setBusy(true);
          setError(null);
          api
            .switchVirtualNetwork({ id })
            .catch((err: unknown) => setError(errorOf(err).message))
            .finally(() => setBusy(false));
        }}
      >
        {v.active === null && <option value="">No virtual network</option>}
        {v.list.map((n) => (
          <option key={n.id} value={n.id}>
            {n.name}
            {n.default ? ' (default)' : ''}
          </option>
        ))}
      </select>
      {error && (
        <span role="alert" className="sr-only">
          {error}
        </span>
      )}
    </>
  );
}
