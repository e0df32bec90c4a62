import { readDiscoveryCache } from '../discovery/cache.ts';
import { loadCatalog } from '../discovery/catalog/index.ts';
import { mergeSources } from '../discovery/merge.ts';
import type { ClusterEntry } from '../model/cluster.ts';
import { type DiscoveryTeam, discoveryTeam } from '../warp/organization-match.ts';
import { isGatewayAuditWarning } from './audit-warnings.ts';

/**
 * What diagnostics adds from the inventory (tunnel health, the Gateway audit) without any network
 * call or keychain read: the team catalog and the last Cloudflare discovery from the cache,
 * however old (a check must stay fast and work offline). Nothing configured is simply no entries;
 * a broken catalog or cache is a warning, never a failure of the check.
 */
export interface CachedInventory {
  clusters: ClusterEntry[];
  /** When the Cloudflare part was fetched; absent when there is none. */
  cloudflareFetchedAt?: string;
  warnings: string[];
  /** The account's Zero Trust organization as the last discovery read it. */
  organization?: DiscoveryTeam;
}

export async function readCachedInventory(input: {
  /** The discovery cache's folder (the config folder). */
  cacheDir: string;
  /** The selected account: a cache written for another account is not used. */
  accountId?: string;
  /** Absolute path of the team catalog, when one is configured. */
  catalogPath?: string;
  now: Date;
}): Promise<CachedInventory> {
  const warnings: string[] = [];
  const [catalog, cache] = await Promise.all([
    input.catalogPath
      ? loadCatalog(input.catalogPath).catch((e: Error) => {
          warnings.push(`The team catalog was not used: ${e.message}`);
          return [] as ClusterEntry[];
        })
      : Promise.resolve([] as ClusterEntry[]),
    input.accountId
      ? readDiscoveryCache(input.cacheDir, input.now, { maxAgeMs: Number.POSITIVE_INFINITY })
      : Promise.resolve(null),
  ]);
  if (cache) warnings.push(...cache.warnings);
  const discovered = cache?.cache && cache.cache.accountId === input.accountId ? cache.cache : null;
  // The last discovery's Gateway findings still hold (only a policy change clears them).
  if (discovered) warnings.push(...discovered.warnings.filter(isGatewayAuditWarning));
  const merged = mergeSources(catalog, discovered?.clusters ?? []);
  return {
    clusters: merged.clusters,
    ...(discovered ? { cloudflareFetchedAt: discovered.fetchedAt } : {}),
    warnings,
    ...discoveryTeam(discovered?.accountId, discovered?.organization),
  };
}

/** `[::1]` and `::1`, `0:0::1`: one key per address. */
function ipKey(ip: string): string {
  const bare = ip.replace(/^\[|\]$/g, '');
  try {
    return bare.includes(':') ? new URL(`http://[${bare}]/`).hostname : bare;
  } catch {
    return bare;
  }
}

/**
 * The inventory entry a kubeconfig context stands for: the one kubezt wrote it for (its
 * `sourceCluster`), else the one whose IPs and port the context's server points at.
 */
export function entryForContext(
  context: { sourceCluster?: string; server: string },
  clusters: readonly ClusterEntry[],
): ClusterEntry | undefined {
  if (context.sourceCluster) {
    const named = clusters.find((c) => c.name === context.sourceCluster);
    if (named) return named;
  }
  let url: URL;
  try {
    url = new URL(context.server);
  } catch {
    return undefined;
  }
  const host = ipKey(url.hostname);
  const port = url.port ? Number(url.port) : 443;
  return clusters.find(
    (c) =>
      (c.server !== undefined && c.server === context.server) ||
      (c.port === port && c.ips.some((ip) => ipKey(ip.includes(':') ? `[${ip}]` : ip) === host)),
  );
}
