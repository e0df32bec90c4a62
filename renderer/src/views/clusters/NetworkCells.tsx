import type { ClusterView } from '../../../../ipc/contract.ts';

/** The cluster's virtual network, shown only when it is not the account's default one. */
export function VnetBadge({ cluster }: { cluster: ClusterView }) {
  const vnet = cluster.virtualNetwork;
  if (!vnet || vnet.isDefault) return null;
  return (
    <span className="badge badge-vnet" title={`In virtual network "${vnet.name}" (${vnet.id})`}>
      <span className="sr-only">virtual network </span>
      {vnet.name}
    </span>
  );
}

/** "2 connections (ams01, fra02) since …": the connector health in words, for the title. */
export function tunnelTitle(cluster: ClusterView): string {
  const t = cluster.tunnel;
  const s = cluster.tunnelState;
  if (!t) return '';
  if (!s) return `Tunnel ${t.name}: ${t.health}`;
  const conns = `${s.connections} connection${s.connections === 1 ? '' : 's'}`;
  const colos = s.colos.length > 0 ? ` (${s.colos.join(', ')})` : '';
  const since = s.since ? `${s.connections > 0 ? ' since' : ', last seen'} ${s.since}` : '';
  return `Tunnel ${t.name}: ${s.status}, ${conns}${colos}${since}`;
}

/** The tunnel's status as discovery saw it, with its connection count when known. */
export function TunnelCell({ cluster }: { cluster: ClusterView }) {
  if (!cluster.tunnel) return <span className="muted">—</span>;
  const status = cluster.tunnelState?.status ?? cluster.tunnel.health;
  const n = cluster.tunnelState?.connections;
  return (
    <span className={`small health health-${status}`} title={tunnelTitle(cluster)}>
      {status}
      {n !== undefined && status !== 'inactive' && <span className="muted conn-count"> ·{n}</span>}
    </span>
  );
}
