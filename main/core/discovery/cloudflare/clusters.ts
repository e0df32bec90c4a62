/**
 * Turns an account's tunnel routes into Kubernetes clusters (SPEC: Cluster discovery). Pure:
 * the API calls live in discover.ts, so every rule here is unit-testable with plain data.
 */
import type { CloudflareTunnel } from 'cloudflare/resources/shared';
import type { Teamnet } from 'cloudflare/resources/zero-trust/networks/routes/routes';
import type { VirtualNetwork } from 'cloudflare/resources/zero-trust/networks/virtual-networks';
import { shown } from '../../message-text.ts';
import type { ClusterEntry, TunnelHealth, TunnelState, VirtualNetworkRef } from '../../model/cluster.ts';
import { serverUrl } from '../../model/cluster.ts';
import { compareIps, isSingleHost, parseCidr } from './ip.ts';

export const KUBERNETES_API_PORT = 6443;
const KUBERNETES_COMMENT = /kubernetes|k8s/i;
const KUBERNETES_LIST_NAME = /kubernetes/i;
const FAMILY_SUFFIX = /\((?:IPv4|IPv6)\)$/i;
/** Words that describe every API server, so they never tell two API servers of a tunnel apart. */
const GENERIC_WORDS = new Set([
  'kubernetes',
  'k8s',
  'api',
  'apiserver',
  'kube',
  'server',
  'servers',
  'control',
  'plane',
  'controlplane',
  'cluster',
  'endpoint',
  'ipv4',
  'ipv6',
  'v4',
  'v6',
]);

export { KUBERNETES_LIST_NAME };

/** `tunnel-Payments_EU` → `payments-eu` (SPEC: strip one k8s-/k8s_/tunnel- prefix, lower-case, non [a-z0-9] → -). */
export function clusterNameFromTunnel(tunnelName: string): string {
  const name = tunnelName
    .replace(/^(?:k8s-|k8s_|tunnel-)/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '-');
  return name.replace(/-/g, '') === '' ? 'cluster' : name;
}

/** Route comment without its " (IPv4)"/" (IPv6)" suffix. */
export function baseComment(comment: string | undefined): string {
  // Trimmed first: /\s*\(IPv4\)\s*$/ would try every space of a long run, quadratic.
  const text = (comment ?? '').trimEnd();
  const suffix = FAMILY_SUFFIX.exec(text);
  return (suffix ? text.slice(0, suffix.index) : text).trim();
}

/**
 * What tells one API server of a tunnel from the others: the comment's words minus the generic
 * ones and minus the tunnel's own name. "payments kubernetes API" on tunnel `k8s-shared` → `payments`.
 */
export function distinguishingSlug(comment: string, baseName: string): string {
  const own = new Set(baseName.split('-'));
  return comment
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w && !GENERIC_WORDS.has(w) && !own.has(w))
    .join('-');
}

export interface BuildClustersInput {
  routes: readonly Teamnet[];
  tunnels: readonly CloudflareTunnel[];
  virtualNetworks: readonly VirtualNetwork[];
  /** Values of every Gateway IP list whose name matches /kubernetes/i. */
  kubernetesListValues: readonly string[];
  /** Per tunnel id, what `…/cfd_tunnel/{id}/connections` said; the tunnel list's own fields otherwise. */
  connections?: ReadonlyMap<string, TunnelConnections>;
}

/** A tunnel's active connections, as read from its connections endpoint. */
export interface TunnelConnections {
  count: number;
  colos: string[];
  /** When the oldest active connection opened (ISO 8601). */
  oldestOpenedAt?: string;
}

/** Counts the connections of every connector (`[{conns: [{colo_name, opened_at}]}]`). */
export function summariseConnections(
  clients: readonly { conns?: readonly { colo_name?: string; opened_at?: string }[] }[],
): TunnelConnections {
  const conns = clients.flatMap((c) => c.conns ?? []);
  const colos = [...new Set(conns.map((c) => c.colo_name).filter((c): c is string => Boolean(c)))].sort();
  const opened = conns
    .map((c) => c.opened_at)
    .filter((t): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t)))
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  return { count: conns.length, colos, ...(opened[0] ? { oldestOpenedAt: opened[0] } : {}) };
}

/** `Staging VNet` → `staging-vnet`: the suffix a colliding cluster of a non-default network gets. */
export function virtualNetworkSlug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'vnet'
  );
}

function tunnelState(
  id: string,
  name: string,
  tunnel: CloudflareTunnel | undefined,
  read: TunnelConnections | undefined,
): TunnelState {
  const status: TunnelHealth = tunnel?.status ?? 'inactive';
  const listed = tunnel?.connections ?? [];
  const fromList = summariseConnections([{ conns: listed }]);
  const conns = read ?? fromList;
  const up = status === 'healthy' || status === 'degraded';
  const since = up ? (conns.oldestOpenedAt ?? tunnel?.conns_active_at) : tunnel?.conns_inactive_at;
  return { id, name, status, connections: conns.count, colos: conns.colos, ...(since ? { since } : {}) };
}

/**
 * The network a route lives in: its `virtual_network_id`, or the account's default network when
 * the route names none (routes made before virtual networks existed). Undefined when neither is known.
 */
function virtualNetworkResolver(
  networks: readonly VirtualNetwork[],
): (route: Teamnet) => VirtualNetworkRef | undefined {
  const byId = new Map(networks.map((v) => [v.id, v]));
  const fallback = networks.find((v) => v.is_default_network);
  return (route) => {
    const id = route.virtual_network_id ?? fallback?.id;
    if (!id) return undefined;
    const known = byId.get(id);
    const name = known?.name ?? route.virtual_network_name ?? id;
    return { id, name, isDefault: known ? known.is_default_network === true : id === fallback?.id };
  };
}

export interface BuildClustersOutput {
  clusters: ClusterEntry[];
  warnings: string[];
}

interface HostRoute {
  route: Teamnet;
  ip: string;
  family: 4 | 6;
}

interface Group {
  tunnelId: string;
  vnet: VirtualNetworkRef | undefined;
  comment: string;
  v4: HostRoute[];
  v6: HostRoute[];
}

/**
 * Detects API-server routes and groups them into clusters.
 *
 * Naming, when one tunnel carries several API servers: each one is `<tunnel name>-<slug>`, the slug
 * being the words of its route comment that are neither generic ("kubernetes", "API"...) nor part
 * of the tunnel name; an API server whose comment has no such word keeps the bare tunnel name.
 * Any name still taken (by another tunnel or an empty slug) gets `-2`, `-3`... in the order of
 * tunnel name, then IP, so names are stable across refreshes.
 */
export function buildClusters(input: BuildClustersInput): BuildClustersOutput {
  const warnings: string[] = [];
  const listed = new Set<string>();
  for (const value of input.kubernetesListValues) {
    const cidr = parseCidr(value);
    if (cidr && isSingleHost(cidr)) listed.add(cidr.ip);
  }
  const tunnels = new Map(input.tunnels.filter((t) => t.id).map((t) => [t.id as string, t]));
  const vnetOf = virtualNetworkResolver(input.virtualNetworks);

  const groups = new Map<string, Group>();
  for (const route of input.routes) {
    // Asked for with is_deleted=false, but a deleted route must never become a cluster.
    if (route.deleted_at || !route.network || !route.tunnel_id) continue;
    const cidr = parseCidr(route.network);
    if (!cidr || !isSingleHost(cidr)) continue;
    const comment = baseComment(route.comment);
    if (!KUBERNETES_COMMENT.test(route.comment ?? '') && !listed.has(cidr.ip)) continue;
    const vnet = vnetOf(route);
    // One tunnel may serve the same IP in two networks: those are two API servers.
    const key = `${route.tunnel_id}\u0000${vnet?.id ?? ''}\u0000${comment.toLowerCase()}`;
    let group = groups.get(key);
    if (!group) {
      group = { tunnelId: route.tunnel_id, vnet, comment, v4: [], v6: [] };
      groups.set(key, group);
    }
    (cidr.family === 4 ? group.v4 : group.v6).push({ route, ip: cidr.ip, family: cidr.family });
  }

  interface Draft {
    tunnelId: string;
    tunnelName: string;
    vnet: VirtualNetworkRef | undefined;
    comment: string;
    hosts: HostRoute[];
  }
  const drafts: Draft[] = [];
  for (const group of groups.values()) {
    group.v4.sort((a, b) => compareIps(a.ip, b.ip));
    group.v6.sort((a, b) => compareIps(a.ip, b.ip));
    const tunnelName =
      tunnels.get(group.tunnelId)?.name ?? group.v4[0]?.route.tunnel_name ?? group.v6[0]?.route.tunnel_name;
    const displayTunnel = tunnelName ?? group.tunnelId;
    if (group.v4.length > 1 || group.v6.length > 1) {
      const networks = [...group.v4, ...group.v6].map((h) => h.route.network).join(', ');
      warnings.push(
        `Routes ${shown(networks, 400)} on tunnel ${shown(displayTunnel)} share the comment "${shown(group.comment)}", so kubezt cannot tell which IPv4 and IPv6 belong to the same API server: give each API server its own route comment.`,
      );
    }
    const count = Math.max(group.v4.length, group.v6.length);
    for (let i = 0; i < count; i++) {
      const hosts = [group.v4[i], group.v6[i]].filter((h): h is HostRoute => h !== undefined);
      drafts.push({
        tunnelId: group.tunnelId,
        tunnelName: displayTunnel,
        vnet: group.vnet,
        comment: group.comment,
        hosts,
      });
    }
  }

  drafts.sort(
    (a, b) =>
      a.tunnelName.localeCompare(b.tunnelName) ||
      compareIps(a.hosts[0]?.ip ?? '', b.hosts[0]?.ip ?? '') ||
      Number(b.vnet?.isDefault ?? false) - Number(a.vnet?.isDefault ?? false) ||
      (a.vnet?.name ?? '').localeCompare(b.vnet?.name ?? ''),
  );
  const perTunnel = new Map<string, number>();
  for (const d of drafts) perTunnel.set(d.tunnelId, (perTunnel.get(d.tunnelId) ?? 0) + 1);
  const wantedNames = drafts.map((d) => {
    const base = clusterNameFromTunnel(d.tunnelName);
    const slug = (perTunnel.get(d.tunnelId) ?? 0) > 1 ? distinguishingSlug(d.comment, base) : '';
    return slug ? `${base}-${slug}` : base;
  });
  const networksPerName = new Map<string, Set<string>>();
  drafts.forEach((d, i) => {
    const wanted = wantedNames[i] as string;
    const set = networksPerName.get(wanted) ?? new Set<string>();
    set.add(d.vnet?.id ?? '');
    networksPerName.set(wanted, set);
  });

  const taken = new Set<string>();
  // The next suffix to try per wanted name: many tunnels of one name would otherwise each try
  // -2, -3... from the start, quadratic in their number.
  const nextSuffix = new Map<string, number>();
  const clusters: ClusterEntry[] = [];
  drafts.forEach((d, i) => {
    let wanted = wantedNames[i] as string;
    // Same name in several networks: the default network's cluster keeps it, the others get
    // their network's name as a suffix (`prod-api` in "Staging VNet" → `prod-api-staging-vnet`).
    if ((networksPerName.get(wanted)?.size ?? 0) > 1 && d.vnet && !d.vnet.isDefault) {
      wanted = `${wanted}-${virtualNetworkSlug(d.vnet.name)}`;
    }
    let name = wanted;
    let n = nextSuffix.get(wanted) ?? 2;
    for (; taken.has(name); n++) name = `${wanted}-${n}`;
    nextSuffix.set(wanted, n);
    taken.add(name);

    const tunnel = tunnels.get(d.tunnelId);
    const tunnelHealth: TunnelHealth = tunnel?.status ?? 'inactive';
    if (!tunnel) {
      warnings.push(
        `Tunnel ${shown(d.tunnelName)} (routes of cluster ${shown(name)}) is not among the account's Cloudflare Tunnels, so its health is unknown: check it in the Zero Trust dashboard.`,
      );
    }
    const ips = d.hosts.map((h) => h.ip);
    const vnetId = d.vnet?.id;
    const vnetName = d.vnet?.name;
    clusters.push({
      name,
      sources: ['cloudflare'],
      server: serverUrl(ips[0] as string, KUBERNETES_API_PORT),
      ips,
      port: KUBERNETES_API_PORT,
      cloudflare: {
        tunnelId: d.tunnelId,
        tunnelName: d.tunnelName,
        tunnelHealth,
        ...(vnetId ? { virtualNetworkId: vnetId } : {}),
        ...(vnetName ? { virtualNetworkName: vnetName } : {}),
        routeIds: d.hosts.map((h) => h.route.id ?? ''),
        comment: d.comment,
      },
      ...(d.vnet ? { virtualNetwork: d.vnet } : {}),
      tunnel: tunnelState(d.tunnelId, d.tunnelName, tunnel, input.connections?.get(d.tunnelId)),
    });
  });
  clusters.sort((a, b) => a.name.localeCompare(b.name));
  return { clusters, warnings };
}
