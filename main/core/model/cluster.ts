/**
 * The one shape every cluster source produces (catalog file, Cloudflare discovery) and every
 * consumer reads (kubeconfig engine, probes, diagnostics, UI). Keep it serialisable: it crosses
 * the IPC bridge and is cached on disk, so it must never hold secrets beyond what the catalog
 * itself put in `user` (and those are redacted before leaving main).
 */

/** Mirrors kubeconfig's `users[].user.exec` (client.authentication.k8s.io). */
export interface ExecSpec {
  apiVersion: string;
  command: string;
  args?: string[];
  env?: { name: string; value: string }[];
  /** Written as `Never` for client.authentication.k8s.io/v1 unless the catalog says otherwise. */
  interactiveMode?: 'Never' | 'IfAvailable' | 'Always';
  provideClusterInfo?: boolean;
  installHint?: string;
}

/**
 * How messages name an exec plugin: the command's basename (`aws`, `kubelogin`). Never its
 * arguments or environment, which often carry a client secret or a token.
 */
export function execPluginName(command: string): string {
  return command.split(/[\\/]/).filter(Boolean).pop() ?? command;
}

export type UserSpec =
  /** Point the context at a user that already exists in the kubeconfig; kubezt writes no user. */
  | { kind: 'existing'; name: string }
  | { kind: 'exec'; exec: ExecSpec }
  | { kind: 'token'; token: string }
  | { kind: 'tokenFile'; tokenFile: string }
  /** Paths to PEM files, written as kubeconfig `client-certificate` / `client-key`. */
  | { kind: 'clientCertificate'; clientCertificate: string; clientKey: string };

export type TunnelHealth = 'healthy' | 'degraded' | 'down' | 'inactive';

export type ClusterSource = 'catalog' | 'cloudflare';

/** Every source kubezt reads clusters from, in the order it records them. */
export const CLUSTER_SOURCES: readonly ClusterSource[] = ['catalog', 'cloudflare'];

/** What Cloudflare discovery knows about a cluster (absent for catalog-only clusters). */
export interface CloudflareInfo {
  tunnelId: string;
  tunnelName: string;
  tunnelHealth: TunnelHealth;
  virtualNetworkId?: string;
  virtualNetworkName?: string;
  routeIds: string[];
  /** Route comment with " (IPv4)"/" (IPv6)" removed. */
  comment: string;
  /**
   * Gateway audit: true when an enabled `off` (do not inspect) HTTP rule covers every API IP,
   * false when none does (HTTP inspection will break kubectl's TLS), undefined when unknown.
   */
  doNotInspect?: boolean;
}

/** The Cloudflare virtual network a cluster's routes live in (SPEC: Virtual networks). */
export interface VirtualNetworkRef {
  id: string;
  name: string;
  /** The account's default network: what WARP uses until the user picks another. */
  isDefault: boolean;
}

/** The cloudflared tunnel carrying a cluster's routes, and how its connectors are doing. */
export interface TunnelState {
  id: string;
  name: string;
  status: TunnelHealth;
  /** Active connections between the tunnel's connectors and Cloudflare's edge. */
  connections: number;
  /** Cloudflare data centres of those connections (e.g. `ams01`), sorted, without duplicates. */
  colos: string[];
  /**
   * ISO 8601: while connected, when the oldest active connection opened; when down or
   * inactive, when the last connection closed (absent when Cloudflare does not say).
   */
  since?: string;
}

export interface ClusterEntry {
  /** `[a-z0-9-]`, unique across all sources. */
  name: string;
  sources: ClusterSource[];
  /**
   * The URL written to kubeconfig: `https://IP:port`, IPv6 in brackets. Optional only on catalog
   * entries that rely on discovery (matched by name) to supply it.
   */
  server?: string;
  /** Every routed IP of this API server (IPv4 first, then IPv6). */
  ips: string[];
  port: number;
  /** Base64 of the PEM bundle, as kubeconfig's `certificate-authority-data`. */
  certificateAuthorityData?: string;
  tlsServerName?: string;
  namespace?: string;
  user?: UserSpec;
  cloudflare?: CloudflareInfo;
  /** Discovered clusters, and catalog clusters whose `virtualNetwork:` was resolved. */
  virtualNetwork?: VirtualNetworkRef;
  /** The catalog's `virtualNetwork:` as written (a name or an id), kept until it is resolved. */
  catalogVirtualNetwork?: string;
  /** Discovered clusters: the tunnel and its connector health. */
  tunnel?: TunnelState;
  /** The catalog's `group:` key: the tray's submenu and the dashboard's group (see inventory/group.ts). */
  group?: string;
}

/** `https://IP:port` with IPv6 literals bracketed, as kubectl and every URL parser expect. */
export function serverUrl(ip: string, port: number): string {
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return `https://${host}:${port}`;
}
