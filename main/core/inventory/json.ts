/**
 * The stable, documented shape of `kubezt clusters --json` (also what the app may show).
 * Rules: fields are only ever added, never renamed, retyped or removed; optional fields are
 * omitted (never null) when unknown. It NEVER holds the Cloudflare API token nor any user
 * credential from the catalog: of a cluster's user, only its kind is given.
 */
import type { ErrorCode } from '../errors.ts';
import type { ClusterEntry, ClusterSource, TunnelHealth, UserSpec } from '../model/cluster.ts';
import { serverUrl } from '../model/cluster.ts';
import type { OrganizationMatch } from '../warp/organization-match.ts';
import type { CloudflareSourceStatus, Inventory } from './load.ts';

export const CLUSTERS_JSON_VERSION = 1;

export interface ClustersJson {
  /** Bumped only for an incompatible change (none so far). */
  version: 1;
  clusters: ClusterJson[];
  cloudflare: {
    /**
     * fresh: fetched now; cached: from the cache (younger than 1 h), no API call;
     * stale: the API failed, last known list (see `error`); error: the API failed and there is no
     * cache (Cloudflare clusters are missing); not-configured: no token or no account id.
     */
    status: CloudflareSourceStatus;
    accountId?: string;
    /** When the Cloudflare list was fetched (ISO 8601); set for fresh, cached and stale. */
    fetchedAt?: string;
    /** Age of that list in whole seconds; set with fetchedAt. */
    ageSeconds?: number;
    /** Why the status is stale or error: the same sentence the CLI prints. */
    error?: { code: ErrorCode; message: string };
  };
  catalog: {
    status: 'loaded' | 'not-configured';
    /** Absolute path of the catalog file. */
    path?: string;
    /** Entries in the catalog file. */
    clusters?: number;
  };
  /** Per Cloudflare API IP: is it exempt from Gateway HTTP inspection, and by which policies. */
  gatewayAudit: {
    ip: string;
    cluster: string;
    doNotInspect: boolean;
    /** Names of the enabled Do Not Inspect policies that cover it. */
    coveredBy: string[];
    /** Names of Do Not Inspect policies that may cover it, depending on other conditions. */
    uncertain: string[];
  }[];
  /** Sentences for the user, as printed on stderr without --json. */
  warnings: string[];
  /**
   * The organization WARP is enrolled in against the account's (as discovery read it); absent
   * when discovery read no organization. Set by `kubezt clusters`, which asks WARP.
   */
  organizationMatch?: OrganizationMatch;
}

export interface ClusterJson {
  /** `[a-z0-9-]`, unique. */
  name: string;
  /** ["catalog"], ["cloudflare"] or ["catalog", "cloudflare"]. */
  sources: ClusterSource[];
  /** `https://IP:port` (IPv6 bracketed): what kubeconfig gets. */
  server: string;
  /** Every routed IP: IPv4 first, then IPv6. */
  ips: string[];
  port: number;
  /**
   * Cloudflare clusters: the tunnel carrying the route and its health (`health` and `status` are
   * the same value), its active connections, their colos and `since` (see TunnelState).
   */
  tunnel?: {
    id: string;
    name: string;
    health: TunnelHealth;
    status?: TunnelHealth;
    connections?: number;
    colos?: string[];
    since?: string;
  };
  /** The virtual network of the cluster's routes; `isDefault` when it is the account's default. */
  virtualNetwork?: { id: string; name?: string; isDefault?: boolean };
  /** The catalog's `group:`. */
  group?: string;
  /**
   * Gateway audit: true when an enabled Do Not Inspect policy covers every IP, false when not
   * (HTTP inspection breaks kubectl's TLS), absent when unknown (catalog-only clusters).
   */
  doNotInspect?: boolean;
  tlsServerName?: string;
  namespace?: string;
  /** Whether the catalog gives a CA (certificateAuthorityData or a CA file). */
  hasCertificateAuthority: boolean;
  /** How kubectl will authenticate, from the catalog; only the kind, never the credential. */
  user?: { kind: UserSpec['kind'] };
}

function tunnelJson(c: ClusterEntry): NonNullable<ClusterJson['tunnel']> {
  const cf = c.cloudflare as NonNullable<ClusterEntry['cloudflare']>;
  const t = c.tunnel;
  return {
    id: cf.tunnelId,
    name: cf.tunnelName,
    health: cf.tunnelHealth,
    ...(t
      ? { status: t.status, connections: t.connections, colos: [...t.colos], ...(t.since ? { since: t.since } : {}) }
      : {}),
  };
}

export function toClustersJson(inv: Inventory): ClustersJson {
  const cf = inv.cloudflare;
  return {
    version: CLUSTERS_JSON_VERSION,
    clusters: inv.clusters.map((c): ClusterJson => {
      const first = c.ips[0];
      const cfInfo = c.cloudflare;
      // Built field by field, in the documented order, on purpose: a spread of the entry would
      // carry the catalog user's token or key paths.
      return {
        name: c.name,
        sources: [...c.sources],
        server: c.server ?? (first ? serverUrl(first, c.port) : ''),
        ips: [...c.ips],
        port: c.port,
        ...(cfInfo ? { tunnel: tunnelJson(c) } : {}),
        ...(c.virtualNetwork
          ? { virtualNetwork: { ...c.virtualNetwork } }
          : cfInfo?.virtualNetworkId
            ? {
                virtualNetwork: {
                  id: cfInfo.virtualNetworkId,
                  ...(cfInfo.virtualNetworkName ? { name: cfInfo.virtualNetworkName } : {}),
                },
              }
            : {}),
        ...(cfInfo?.doNotInspect !== undefined ? { doNotInspect: cfInfo.doNotInspect } : {}),
        ...(c.tlsServerName ? { tlsServerName: c.tlsServerName } : {}),
        ...(c.namespace ? { namespace: c.namespace } : {}),
        hasCertificateAuthority: Boolean(c.certificateAuthorityData),
        ...(c.user ? { user: { kind: c.user.kind } } : {}),
        ...(c.group ? { group: c.group } : {}),
      };
    }),
    cloudflare: {
      status: cf.status,
      ...(cf.accountId ? { accountId: cf.accountId } : {}),
      ...(cf.fetchedAt ? { fetchedAt: cf.fetchedAt } : {}),
      ...(cf.ageMs !== undefined && cf.fetchedAt ? { ageSeconds: Math.floor(cf.ageMs / 1000) } : {}),
      ...(cf.error ? { error: { code: cf.error.code, message: cf.error.message } } : {}),
    },
    catalog: {
      status: inv.catalog.status,
      ...(inv.catalog.path ? { path: inv.catalog.path } : {}),
      ...(inv.catalog.clusters !== undefined ? { clusters: inv.catalog.clusters } : {}),
    },
    gatewayAudit: inv.gatewayAudit.map((a) => ({
      ip: a.ip,
      cluster: a.cluster,
      doNotInspect: a.doNotInspect,
      coveredBy: [...new Set(a.coveredBy.map((r) => r.ruleName))],
      uncertain: [...new Set(a.uncertain.map((r) => r.ruleName))],
    })),
    warnings: [...inv.warnings],
  };
}
