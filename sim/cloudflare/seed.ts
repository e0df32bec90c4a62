/**
 * Builds a realistic Zero Trust account around a list of Kubernetes API servers: the clusters'
 * routes sit among the noise a real account has (wide LAN routes, other services' /32 routes,
 * deleted routes of a deleted tunnel, a stale route of a moved cluster, Gateway rules that look
 * relevant but are disabled or inspect instead), so discovery is tested against traps, not a
 * tidy fixture.
 */
import { createHash } from 'node:crypto';
import type {
  Account,
  CloudflareSeed,
  CloudflareTunnel,
  GatewayItem,
  GatewayItemsShape,
  GatewayList,
  GatewayRule,
  SeedGatewayList,
  SplitTunnelExclude,
  SplitTunnelInclude,
  Teamnet,
  VirtualNetwork,
} from './types.ts';

export type SeedTunnelHealth = 'healthy' | 'degraded' | 'down' | 'inactive';

export interface SeedCluster {
  /** Used in route comments ("<name> kubernetes API (IPv4)") and default tunnel names. */
  name: string;
  ipv4?: string;
  ipv6?: string;
  /** `k8s-<name>` when omitted. Clusters that share a tunnel name share one tunnel. */
  tunnelName?: string;
  /** `healthy` when omitted. When clusters share a tunnel, the first one's health wins. */
  tunnelHealth?: SeedTunnelHealth;
  /** Covered by an enabled Do Not Inspect HTTP rule; true when omitted. */
  doNotInspect?: boolean;
  /**
   * Listed in the Gateway IP list "Kubernetes API servers". When omitted: every other cluster
   * (even positions), unless it is meant to stay inspected.
   */
  inGatewayList?: boolean;
  /**
   * The virtual network of its routes, by name: the account's default network when omitted;
   * any other name creates that (non-default) network. Two clusters may share an IP when their
   * networks differ, as they do in organisations with overlapping private ranges.
   */
  virtualNetwork?: string;
  /**
   * Route comment without the " (IPv4)"/" (IPv6)" suffix; `<name> kubernetes API` when omitted.
   * A comment without "kubernetes"/"k8s" leaves detection to the Gateway list.
   */
  comment?: string;
}

export interface SeedOptions {
  /** 32 hex digits; derived from the account name when omitted. */
  accountId?: string;
  accountName?: string;
  /** Unrelated single-host service routes that pad the route list across pages (default 60). */
  fillerRoutes?: number;
  /** `per_page` the fake uses when the client sends none (default 20, so the default seed spans pages). */
  defaultPerPage?: number;
  gatewayItemsShape?: GatewayItemsShape;
  /** Timestamps in the seed are relative to this (a fixed date by default: seeds are reproducible). */
  now?: Date;
  /** Split-tunnel Include entries (Include mode); the default is Exclude mode with WARP's defaults. */
  splitTunnelInclude?: string[];
  /**
   * Gateway TLS decryption (default on) and "inspect on all ports" (inspection mode dynamic,
   * default on: the setting under which port 6443 is inspected at all).
   */
  tlsDecrypt?: boolean;
  inspectAllPorts?: boolean;
  /**
   * The Zero Trust team name (`auth_domain` TEAM.cloudflareaccess.com). Default `demo-corp`, the
   * fake WARP's default organization, so a world that sets neither has the device enrolled in it.
   */
  team?: string;
}

/** Deterministic UUID-shaped id, so a seed is the same on every run (stable test output, demo). */
export function seedUuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function iso(base: Date, offsetMinutes: number): string {
  return new Date(base.getTime() + offsetMinutes * 60_000).toISOString();
}

/** WARP's default Exclude list (RFC 1918, link-local, multicast...): why 10.x routes often fail. */
const DEFAULT_EXCLUDES: SplitTunnelExclude[] = [
  { address: '10.0.0.0/8', description: 'RFC 1918' },
  { address: '100.64.0.0/10', description: 'Shared address space' },
  { address: '169.254.0.0/16', description: 'DHCP unspecified' },
  { address: '172.16.0.0/12', description: 'RFC 1918' },
  { address: '192.0.0.0/24', description: 'IETF protocol assignments' },
  { address: '192.168.0.0/16', description: 'RFC 1918' },
  { address: '224.0.0.0/24', description: 'Multicast' },
  { address: '240.0.0.0/4', description: 'Reserved' },
  { address: '255.255.255.255/32', description: 'Broadcast' },
  { address: 'fe80::/10', description: 'IPv6 link local' },
  { address: 'fd00::/8', description: 'IPv6 unique local' },
  { address: 'ff01::/16', description: 'IPv6 multicast' },
  { host: 'local', description: 'mDNS' },
];

const FILLER_SERVICES = [
  'grafana',
  'jenkins',
  'postgres',
  'vault',
  'ldap',
  'gitlab',
  'nexus',
  'kibana',
  'redis',
  'smtp',
];

/** What a tunnel of that health reports: its connections and when they last came or went. */
export function tunnelConnections(
  tunnelId: string,
  health: SeedTunnelHealth,
  base: Date,
): Pick<CloudflareTunnel, 'connections' | 'conns_active_at' | 'conns_inactive_at'> {
  const colos = ['ams01', 'fra06', 'lhr01', 'cdg02'];
  const count = health === 'healthy' ? 4 : health === 'degraded' ? 1 : 0;
  const connections: CloudflareTunnel.Connection[] = colos.slice(0, count).map((colo, i) => ({
    id: seedUuid('conn', tunnelId, colo),
    client_id: seedUuid('connector', tunnelId),
    client_version: '2025.1.0',
    colo_name: colo,
    is_pending_reconnect: health === 'degraded',
    opened_at: iso(base, -60 + i),
    origin_ip: `192.0.2.${10 + i}`,
    uuid: seedUuid('conn', tunnelId, colo),
  }));
  if (health === 'inactive') return { connections: [] };
  if (health === 'down') {
    return { connections: [], conns_active_at: iso(base, -600), conns_inactive_at: iso(base, -30) };
  }
  return { connections, conns_active_at: iso(base, -60) };
}

function tunnel(name: string, health: SeedTunnelHealth, accountId: string, base: Date): CloudflareTunnel {
  const id = seedUuid('tunnel', accountId, name);
  return {
    id,
    account_tag: accountId,
    name,
    status: health,
    tun_type: 'cfd_tunnel',
    config_src: 'cloudflare',
    remote_config: true,
    created_at: iso(base, -60 * 24 * 30),
    metadata: {},
    ...tunnelConnections(id, health, base),
  };
}

/**
 * A realistic account holding the given API servers. Clusters without any IP get one from the
 * documentation ranges (198.51.100.101+, 2001:db8::101+).
 */
export function seedFromClusters(clusters: SeedCluster[], opts: SeedOptions = {}): CloudflareSeed {
  const base = opts.now ?? new Date('2025-01-15T10:00:00.000Z');
  const accountName = opts.accountName ?? 'Example Corp';
  const accountId = opts.accountId ?? createHash('md5').update(`account:${accountName}`).digest('hex');
  const account: Account = {
    id: accountId,
    name: accountName,
    type: 'standard',
    created_on: iso(base, -60 * 24 * 365),
    settings: { enforce_twofactor: true },
  };
  const otherAccounts: Account[] = [
    {
      id: createHash('md5').update(`account:${accountName} (sandbox)`).digest('hex'),
      name: `${accountName} (sandbox)`,
      type: 'standard',
      created_on: iso(base, -60 * 24 * 200),
    },
  ];

  const defaultVnet: VirtualNetwork = {
    id: seedUuid('vnet', accountId, 'default'),
    name: 'default',
    comment: 'Default virtual network',
    created_at: iso(base, -60 * 24 * 365),
    is_default_network: true,
  };
  const labVnet: VirtualNetwork = {
    id: seedUuid('vnet', accountId, 'lab'),
    name: 'lab',
    comment: 'Overlapping lab ranges',
    created_at: iso(base, -60 * 24 * 90),
    is_default_network: false,
  };

  const extraVnets = new Map<string, VirtualNetwork>();
  const vnetNamed = (name: string | undefined): VirtualNetwork => {
    if (!name || name === defaultVnet.name) return defaultVnet;
    if (name === labVnet.name) return labVnet;
    let vnet = extraVnets.get(name);
    if (!vnet) {
      vnet = {
        id: seedUuid('vnet', accountId, name),
        name,
        comment: `${name} (overlapping private ranges)`,
        created_at: iso(base, -60 * 24 * 60),
        is_default_network: false,
      };
      extraVnets.set(name, vnet);
    }
    return vnet;
  };

  const tunnels = new Map<string, CloudflareTunnel>();
  const routes: Teamnet[] = [];
  const listedIps: string[] = [];
  const directIps: string[] = [];
  const uncoveredIps: string[] = [];

  const route = (t: CloudflareTunnel, network: string, comment: string, extra: Partial<Teamnet> = {}): Teamnet => ({
    // Routes of the seed's own two networks keep stable ids; added networks make theirs differ.
    id: seedUuid(
      'route',
      accountId,
      network,
      comment,
      extra.deleted_at ?? '',
      ...(extra.virtual_network_id && ![defaultVnet.id, labVnet.id].includes(extra.virtual_network_id)
        ? [extra.virtual_network_id]
        : []),
    ),
    network,
    comment,
    tunnel_id: t.id,
    tunnel_name: t.name,
    tun_type: 'cfd_tunnel',
    virtual_network_id: defaultVnet.id,
    virtual_network_name: defaultVnet.name,
    created_at: iso(base, -60 * 24 * 20),
    ...extra,
  });

  clusters.forEach((c, i) => {
    let { ipv4, ipv6 } = c;
    if (!ipv4 && !ipv6) {
      ipv4 = `198.51.100.${101 + i}`;
      ipv6 = `2001:db8::${101 + i}`;
    }
    const tunnelName = c.tunnelName ?? `k8s-${c.name}`;
    let t = tunnels.get(tunnelName);
    if (!t) {
      t = tunnel(tunnelName, c.tunnelHealth ?? 'healthy', accountId, base);
      tunnels.set(tunnelName, t);
    }
    const comment = c.comment ?? `${c.name} kubernetes API`;
    const vnet = vnetNamed(c.virtualNetwork);
    const where = { virtual_network_id: vnet.id, virtual_network_name: vnet.name };
    if (ipv4) routes.push(route(t, `${ipv4}/32`, `${comment} (IPv4)`, where));
    if (ipv6) routes.push(route(t, `${ipv6}/128`, `${comment} (IPv6)`, where));

    const ips = [ipv4, ipv6].filter((ip): ip is string => Boolean(ip));
    const doNotInspect = c.doNotInspect ?? true;
    const inList = c.inGatewayList ?? (i % 2 === 0 && doNotInspect);
    if (inList && !doNotInspect) {
      // The list is what the Do Not Inspect rule references: a listed IP is never inspected.
      throw new Error(`seed cluster ${c.name}: a cluster in the Gateway list cannot stay inspected`);
    }
    if (inList) listedIps.push(...ips);
    else if (doNotInspect) directIps.push(...ips);
    else uncoveredIps.push(...ips);
  });

  // Noise every real account has: a LAN connector with wide routes (one even says "k8s").
  const office = tunnel('office-lan', 'healthy', accountId, base);
  tunnels.set(office.name ?? 'office-lan', office);
  routes.push(route(office, '10.0.0.0/8', 'Office LAN'));
  routes.push(route(office, '172.16.0.0/12', 'k8s pod network (all clusters)'));
  routes.push(route(office, '192.168.0.0/16', 'Lab', { virtual_network_id: labVnet.id, virtual_network_name: 'lab' }));
  routes.push(route(office, 'fd00:1234::/32', 'kubernetes services IPv6 range'));
  const fillers = opts.fillerRoutes ?? 60;
  for (let n = 0; n < fillers; n++) {
    const service = FILLER_SERVICES[n % FILLER_SERVICES.length] ?? 'service';
    routes.push(route(office, `10.20.${Math.floor(n / 250)}.${(n % 250) + 1}/32`, `${service}-${n} (IPv4)`));
  }

  // A deleted tunnel whose routes are deleted too: `is_deleted=false` must hide all of them.
  const retired = tunnel('k8s-retired', 'inactive', accountId, base);
  retired.deleted_at = iso(base, -60 * 24 * 3);
  tunnels.set(retired.name ?? 'k8s-retired', retired);
  routes.push(route(retired, '198.51.100.250/32', 'retired kubernetes API (IPv4)', { deleted_at: retired.deleted_at }));
  routes.push(route(retired, '2001:db8::250/128', 'retired kubernetes API (IPv6)', { deleted_at: retired.deleted_at }));
  // A live tunnel's stale route from before its API server moved.
  const firstTunnel = [...tunnels.values()][0];
  if (firstTunnel && clusters.length > 0) {
    routes.push(
      route(firstTunnel, '198.51.100.249/32', `${clusters[0]?.name ?? 'old'} kubernetes API (IPv4)`, {
        deleted_at: iso(base, -60 * 24),
      }),
    );
  }

  // Interleave so live, deleted and noise routes are spread over every page, as an API sorted
  // by creation time would return them after months of edits.
  routes.sort((a, b) => (a.id ?? '').localeCompare(b.id ?? ''));

  const k8sList: GatewayList = {
    id: seedUuid('list', accountId, 'kubernetes'),
    name: 'Kubernetes API servers',
    description: 'Control planes reached through Cloudflare Tunnel',
    type: 'IP',
    created_at: iso(base, -60 * 24 * 10),
    updated_at: iso(base, -60),
  };
  const listItems: GatewayItem[] = listedIps.map((ip) => ({
    value: ip.includes(':') ? `${ip}/128` : ip,
    description: 'API server',
    created_at: iso(base, -60 * 24 * 10),
  }));
  const blockList: GatewayList = {
    id: seedUuid('list', accountId, 'blocked'),
    name: 'Blocked IPs',
    type: 'IP',
    created_at: iso(base, -60 * 24 * 100),
    updated_at: iso(base, -60 * 24 * 100),
  };
  const domainList: GatewayList = {
    id: seedUuid('list', accountId, 'kubernetes-docs'),
    name: 'Kubernetes docs domains',
    type: 'DOMAIN',
    created_at: iso(base, -60 * 24 * 100),
    updated_at: iso(base, -60 * 24 * 100),
  };
  const gatewayLists: SeedGatewayList[] = [
    { list: blockList, items: [{ value: '203.0.113.66', created_at: iso(base, -60 * 24 * 100) }] },
    { list: k8sList, items: listItems, itemsShape: opts.gatewayItemsShape ?? 'flat' },
    { list: domainList, items: [{ value: 'kubernetes.io', created_at: iso(base, -60 * 24 * 100) }] },
  ];

  const rule = (name: string, precedence: number, partial: Partial<GatewayRule>): GatewayRule => ({
    id: seedUuid('rule', accountId, name),
    name,
    description: '',
    precedence,
    enabled: true,
    action: 'allow',
    filters: ['http'],
    traffic: '',
    identity: '',
    device_posture: '',
    created_at: iso(base, -60 * 24 * 10),
    updated_at: iso(base, -60),
    deleted_at: null,
    version: 1,
    ...partial,
  });
  const gatewayRules: GatewayRule[] = [
    rule('Block malware', 1000, {
      action: 'block',
      filters: ['dns'],
      traffic: 'any(dns.security_category[*] in {80})',
    }),
    rule('Inspect office LAN', 2000, { action: 'on', traffic: 'any(http.conn.dst_ip[*] in {10.0.0.0/8})' }),
  ];
  if (listedIps.length > 0) {
    gatewayRules.push(
      rule('Do not inspect Kubernetes API servers', 3000, {
        action: 'off',
        traffic: `any(http.conn.dst_ip[*] in $${k8sList.id})`,
      }),
    );
  }
  if (directIps.length > 0) {
    gatewayRules.push(
      rule('Do not inspect kubectl traffic', 4000, {
        action: 'off',
        traffic: `any(http.conn.dst_ip[*] in {${directIps.join(' ')}})`,
      }),
    );
  }
  if (uncoveredIps.length > 0) {
    // Looks like the fix, but nobody enabled it.
    gatewayRules.push(
      rule('Do not inspect new clusters (draft)', 5000, {
        action: 'off',
        enabled: false,
        traffic: `any(http.conn.dst_ip[*] in {${uncoveredIps.join(' ')}})`,
      }),
    );
  }
  gatewayRules.push(
    rule('Allow SSH to bastions', 6000, {
      action: 'allow',
      filters: ['l4'],
      traffic: 'net.dst.ip in {203.0.113.10} and net.dst.port == 22',
    }),
  );

  const include: SplitTunnelInclude[] = (opts.splitTunnelInclude ?? []).map((address) => ({
    address,
    description: 'kubezt',
  }));

  return {
    account,
    otherAccounts,
    tokenStatus: {
      id: seedUuid('token', accountId),
      status: 'active',
      not_before: iso(base, -60 * 24 * 30),
      expires_on: iso(base, 60 * 24 * 365),
    },
    tunnels: [...tunnels.values()],
    routes,
    virtualNetworks: [defaultVnet, labVnet, ...extraVnets.values()],
    gatewayConfiguration: {
      created_at: iso(base, -60 * 24 * 365),
      updated_at: iso(base, -60 * 24),
      settings: {
        tls_decrypt: { enabled: opts.tlsDecrypt ?? true },
        inspection: { mode: (opts.inspectAllPorts ?? true) ? 'dynamic' : 'static' },
        activity_log: { enabled: true },
      },
    },
    accessOrganization: {
      auth_domain: `${opts.team ?? 'demo-corp'}.cloudflareaccess.com`,
      name: `${accountName} Internal Applications`,
      allow_authenticate_via_warp: false,
      auto_redirect_to_identity: false,
      is_ui_read_only: false,
      session_duration: '24h',
      user_seat_expiration_inactive_time: '730h',
      warp_auth_session_duration: '24h',
    },
    gatewayLists,
    gatewayRules,
    splitTunnel: { exclude: include.length > 0 ? [] : DEFAULT_EXCLUDES.slice(), include },
    defaultPerPage: opts.defaultPerPage ?? 20,
  };
}
