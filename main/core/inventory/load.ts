/**
 * The clusters kubezt knows about, from both sources (SPEC: Cluster discovery): the team catalog
 * (read strictly: its errors are the user's to fix) and the Cloudflare account, served from the
 * discovery cache unless it is too old or a refresh is asked for, and falling back to the last
 * good list, marked stale, when Cloudflare cannot be reached.
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { CachedDiscovery } from '../discovery/cache.ts';
import { DEFAULT_CACHE_MAX_AGE_MS, readDiscoveryCache, writeDiscoveryCache } from '../discovery/cache.ts';
import { loadCatalog } from '../discovery/catalog/index.ts';
import type { RequestBudget } from '../discovery/cloudflare/budget.ts';
import type {
  AccessOrganization,
  CloudflareProgress,
  DiscoveryResult,
  GatewayAuditEntry,
  SplitTunnelLists,
  VirtualNetworkInfo,
} from '../discovery/cloudflare/index.ts';
import { mergeSources } from '../discovery/merge.ts';
import type { ErrorCode } from '../errors.ts';
import { isUserError, type UserError } from '../errors.ts';
import type { ClusterEntry } from '../model/cluster.ts';
import { redactSecrets } from '../secrets/redact.ts';
import { type DiscoveryTeam, discoveryTeam } from '../warp/organization-match.ts';
import type { Workspace } from '../workspace/index.ts';
import { formatAge } from './format.ts';

export type CloudflareSourceStatus =
  /** Fetched from the API in this call (and written to the cache). */
  | 'fresh'
  /** Served from the cache, which is younger than the limit; the API was not called. */
  | 'cached'
  /** The API could not be reached (or the keychain could not be read): the last known list. */
  | 'stale'
  /** No token, or no account id (see `missing`). */
  | 'not-configured'
  /** The API could not be reached and there is no cache: only catalog clusters are listed. */
  | 'error';

export interface CloudflareSourceState {
  status: CloudflareSourceStatus;
  accountId?: string;
  /** When the list was fetched from the API (ISO 8601); set for fresh, cached and stale. */
  fetchedAt?: string;
  ageMs?: number;
  /** Why a stale or error state came about; never holds the token. */
  error?: { code: ErrorCode; message: string };
  /** For not-configured: what is missing, so callers can say how to configure it. */
  missing?: 'token' | 'account' | 'token-and-account';
}

export interface CatalogSourceState {
  status: 'loaded' | 'not-configured';
  /** Absolute path of the catalog file. */
  path?: string;
  /** Entries the catalog holds (before merging). */
  clusters?: number;
}

export interface Inventory {
  /** Catalog entries in catalog order, then Cloudflare-only entries (see mergeSources). */
  clusters: ClusterEntry[];
  cloudflare: CloudflareSourceState;
  catalog: CatalogSourceState;
  /** One entry per Cloudflare API IP; `cluster` is the merged (displayed) cluster name. */
  gatewayAudit: GatewayAuditEntry[];
  /** The account's default split-tunnel lists; absent when Cloudflare was not used. */
  splitTunnel?: SplitTunnelLists;
  /** Sentences for the user (Gateway audit findings, merge conflicts, stale data...). */
  warnings: string[];
  /** The account's Zero Trust organization as discovery read it (fresh or cached). */
  organization?: DiscoveryTeam;
}

export interface LoadInventoryOptions {
  /** Fetch from Cloudflare even when the cache is young enough. */
  refresh: boolean;
  onProgress?: (p: CloudflareProgress) => void;
  /** A cache older than this is refreshed (default: the cache's own limit, 1 h). */
  maxAgeMs?: number;
  /** Kept by the app across background refreshes so they stay under Cloudflare's 1,200 requests / 5 min. */
  budget?: RequestBudget;
  signal?: AbortSignal;
}

/**
 * Failures that say nothing about the user's setup, only that the API (or the keychain) cannot be
 * reached right now: the last known list is good enough. Everything else (a bad token, a missing
 * permission, an unknown account) is thrown, since a stale list would hide a problem to fix.
 */
const TRANSIENT: ReadonlySet<ErrorCode> = new Set([
  'cloudflare-unavailable',
  'cloudflare-rate-limited',
  'keychain-unavailable',
]);

function isTransient(e: unknown): e is UserError {
  return isUserError(e) && TRANSIENT.has(e.code);
}

/** `~/x` and relative paths (against the working directory) as the shell would see them. */
export function resolveUserPath(path: string, cwd: string, homeDir: string): string {
  if (path === '~') return homeDir;
  if (path.startsWith('~/')) return join(homeDir, path.slice(2));
  return isAbsolute(path) ? path : resolve(cwd, path);
}

export async function loadInventory(ws: Workspace, opts: LoadInventoryOptions): Promise<Inventory> {
  const warnings: string[] = [];
  const warn = (w: string) => {
    if (!warnings.includes(w)) warnings.push(w);
  };

  // The catalog first: its errors are bad input, reported before any network call.
  const configuredCatalog = ws.catalogPath();
  let catalogEntries: ClusterEntry[] = [];
  let catalog: CatalogSourceState = { status: 'not-configured' };
  if (configuredCatalog) {
    const path = resolveUserPath(configuredCatalog, ws.base.cwd, ws.base.homeDir);
    catalogEntries = await loadCatalog(path);
    catalog = { status: 'loaded', path, clusters: catalogEntries.length };
  }

  const cf = await cloudflareSource(ws, opts, catalog.status === 'loaded', warn);
  const merged = mergeSources(catalogEntries, cf.discovered?.clusters ?? [], {
    discoveryRead: cf.discovered !== undefined,
    ...(cf.discovered?.virtualNetworks ? { virtualNetworks: cf.discovered.virtualNetworks } : {}),
  });
  const discoveryWarnings = cf.discovered?.warnings ?? [];
  const all = [...discoveryWarnings, ...merged.warnings, ...warnings];

  return {
    clusters: merged.clusters,
    cloudflare: cf.state,
    catalog,
    gatewayAudit: renameAudit(cf.discovered?.gatewayAudit ?? [], merged.clusters),
    ...(cf.discovered ? { splitTunnel: cf.discovered.splitTunnel } : {}),
    warnings: [...new Set(all)],
    ...discoveryTeam(cf.state.accountId, cf.discovered?.organization),
  };
}

interface DiscoveredData {
  clusters: ClusterEntry[];
  virtualNetworks?: VirtualNetworkInfo[];
  gatewayAudit: GatewayAuditEntry[];
  splitTunnel: SplitTunnelLists;
  warnings: string[];
  organization?: AccessOrganization;
}

async function cloudflareSource(
  ws: Workspace,
  opts: LoadInventoryOptions,
  haveCatalog: boolean,
  warn: (w: string) => void,
): Promise<{ state: CloudflareSourceState; discovered?: DiscoveredData }> {
  const accountId = ws.accountId();
  const tokenFromEnv = Boolean(ws.base.env.CLOUDFLARE_API_TOKEN?.trim());
  if (!accountId) {
    // Without an account there is nothing to ask Cloudflare, so the keychain is not even read
    // (a catalog-only user on a machine without a Secret Service must not see keychain errors).
    if (tokenFromEnv) {
      warn(
        'CLOUDFLARE_API_TOKEN is set but no Cloudflare account is selected, so nothing is discovered from Cloudflare; run "kubezt login --account-id ID" or set CLOUDFLARE_ACCOUNT_ID.',
      );
    }
    return { state: { status: 'not-configured', missing: tokenFromEnv ? 'account' : 'token-and-account' } };
  }

  // Before the keychain is read: a token that may not go to this URL is not even looked at.
  const baseURL = ws.cloudflareBaseUrl();
  const now = ws.base.now();
  const cacheRead = await readDiscoveryCache(ws.cacheDir(), now, {
    ...(opts.maxAgeMs !== undefined ? { maxAgeMs: opts.maxAgeMs } : {}),
  });
  cacheRead.warnings.forEach(warn);
  // A cache written for another account (before a `kubezt login --account-id`) is not this account's list.
  const cache = cacheRead.cache?.accountId === accountId ? cacheRead.cache : null;

  let token: string;
  let tokenSource: 'env' | 'keychain';
  try {
    const resolved = await ws.token();
    if (!resolved) {
      if (haveCatalog) {
        warn(
          `No Cloudflare API token is available for account ${accountId}, so only catalog clusters are listed; run "kubezt login" or set CLOUDFLARE_API_TOKEN.`,
        );
      }
      return { state: { status: 'not-configured', accountId, missing: 'token' } };
    }
    token = resolved.token;
    tokenSource = resolved.source;
  } catch (e) {
    return fallBack(e, cache, accountId, haveCatalog, warn, []);
  }

  if (!opts.refresh && cache && !cache.stale) {
    return {
      state: { status: 'cached', accountId, fetchedAt: cache.fetchedAt, ageMs: cache.ageMs },
      discovered: cache,
    };
  }

  let result: DiscoveryResult;
  try {
    // The SDK is loaded only when the API is called: a run served from the cache skips its cost.
    const { discoverFromCloudflare } = await import('../discovery/cloudflare/discover.ts');
    result = await discoverFromCloudflare({
      token,
      accountId,
      ...(baseURL ? { baseURL } : {}),
      ...(ws.base.fetch ? { fetch: ws.base.fetch } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      tokenSource,
      ...(ws.base.warn ? { notice: ws.base.warn } : {}),
      ...(opts.budget ? { budget: opts.budget } : {}),
    });
  } catch (e) {
    return fallBack(e, cache, accountId, haveCatalog, warn, [token]);
  }
  try {
    await writeDiscoveryCache(ws.cacheDir(), result, now);
  } catch (e) {
    warn(
      `The discovery cache could not be written in ${ws.cacheDir()} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the next start without network will have no list to show.`,
    );
  }
  return {
    state: { status: 'fresh', accountId, fetchedAt: now.toISOString(), ageMs: 0 },
    discovered: result,
  };
}

function fallBack(
  e: unknown,
  cache: CachedDiscovery | null,
  accountId: string,
  haveCatalog: boolean,
  warn: (w: string) => void,
  secrets: string[],
): { state: CloudflareSourceState; discovered?: DiscoveredData } {
  if (!isTransient(e)) throw e;
  // Already redacted by discovery; again here because this message is about to be printed and stored.
  const error = { code: e.code, message: redactSecrets(e.message, secrets) };
  if (cache) {
    warn(
      `Cloudflare discovery failed, so the Cloudflare clusters are the last known list (from cache, ${formatAge(cache.ageMs)} old): ${error.message}`,
    );
    return {
      state: { status: 'stale', accountId, fetchedAt: cache.fetchedAt, ageMs: cache.ageMs, error },
      discovered: cache,
    };
  }
  if (!haveCatalog) throw e;
  warn(
    `Cloudflare discovery failed and there is no cached list, so only catalog clusters are listed: ${error.message}`,
  );
  return { state: { status: 'error', accountId, error } };
}

/** Audit entries name the discovered cluster; after merging, the displayed name may differ. */
function renameAudit(audit: GatewayAuditEntry[], clusters: ClusterEntry[]): GatewayAuditEntry[] {
  const byIp = new Map<string, string>();
  for (const c of clusters) {
    if (!c.sources.includes('cloudflare')) continue;
    for (const ip of c.ips) if (!byIp.has(ip)) byIp.set(ip, c.name);
  }
  // A cluster still listed under its discovered name keeps its entries: with one IP in two
  // virtual networks, the IP alone would hand both networks' entries to the first cluster.
  const kept = new Set(clusters.flatMap((c) => c.ips.map((ip) => `${c.name}\u0000${ip}`)));
  return audit.map((a) => (kept.has(`${a.cluster}\u0000${a.ip}`) ? a : { ...a, cluster: byIp.get(a.ip) ?? a.cluster }));
}

/** A catalog was read, or Cloudflare is set up (whether or not it answered this time). */
export function hasSomeSource(inv: Inventory): boolean {
  return inv.catalog.status === 'loaded' || inv.cloudflare.status !== 'not-configured';
}

export { DEFAULT_CACHE_MAX_AGE_MS };
