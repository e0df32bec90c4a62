/**
 * The last good Cloudflare discovery, on disk, so the app and CLI start offline with the last
 * known clusters. One JSON file, replaced atomically (temp file, fsync, rename), owner-only.
 * It holds what the API returned about routes and policies, never the token; a catalog's `user`
 * (which may hold credentials) never comes through discovery and is stripped anyway.
 * A cache that does not parse or validate is ignored with a warning: it is only a cache.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ClusterEntry } from '../model/cluster.ts';
import type { DiscoveryResult, SplitTunnelLists, VirtualNetworkInfo } from './cloudflare/discover.ts';
import type { GatewayAuditEntry, GatewayInspection } from './cloudflare/gateway.ts';
import type { AccessOrganization } from './cloudflare/organization.ts';

export const DISCOVERY_CACHE_FILE = 'discovery-cache.json';
/** Older than this, the cache is still used but flagged stale (the UI says "last known"). */
export const DEFAULT_CACHE_MAX_AGE_MS = 60 * 60 * 1000;
const VERSION = 1;

const ruleRef = z.object({ ruleId: z.string(), ruleName: z.string() });
const health = z.enum(['healthy', 'degraded', 'down', 'inactive']);
const virtualNetwork = z.object({ id: z.string(), name: z.string(), isDefault: z.boolean() });
const cacheSchema = z.object({
  version: z.literal(VERSION),
  fetchedAt: z.iso.datetime(),
  accountId: z.string(),
  clusters: z.array(
    z.object({
      name: z.string().regex(/^[a-z0-9-]+$/),
      sources: z.array(z.enum(['catalog', 'cloudflare'])),
      server: z.string().optional(),
      ips: z.array(z.string()),
      port: z.number().int().min(1).max(65535),
      certificateAuthorityData: z.string().optional(),
      tlsServerName: z.string().optional(),
      namespace: z.string().optional(),
      cloudflare: z
        .object({
          tunnelId: z.string(),
          tunnelName: z.string(),
          tunnelHealth: health,
          virtualNetworkId: z.string().optional(),
          virtualNetworkName: z.string().optional(),
          routeIds: z.array(z.string()),
          comment: z.string(),
          doNotInspect: z.boolean().optional(),
        })
        .optional(),
      virtualNetwork: virtualNetwork.optional(),
      tunnel: z
        .object({
          id: z.string(),
          name: z.string(),
          status: health,
          connections: z.number().int().min(0),
          colos: z.array(z.string()),
          since: z.string().optional(),
        })
        .optional(),
    }),
  ),
  virtualNetworks: z.array(virtualNetwork.extend({ comment: z.string().optional() })).optional(),
  gatewayInspection: z
    .object({
      tlsDecrypt: z.boolean().optional(),
      inspectAllPorts: z.boolean().optional(),
      port: z.number().int(),
      portInspected: z.boolean().optional(),
      lacking: z.array(z.string()),
    })
    .optional(),
  gatewayAudit: z.array(
    z.object({
      ip: z.string(),
      cluster: z.string(),
      doNotInspect: z.boolean(),
      coveredBy: z.array(ruleRef.extend({ listId: z.string().optional(), listName: z.string().optional() })),
      uncertain: z.array(ruleRef),
    }),
  ),
  splitTunnel: z.object({
    exclude: z.array(
      z.object({ address: z.string().optional(), host: z.string().optional(), description: z.string().optional() }),
    ),
    include: z.array(
      z.object({ address: z.string().optional(), host: z.string().optional(), description: z.string().optional() }),
    ),
  }),
  warnings: z.array(z.string()),
  organization: z
    .object({
      team: z.string().max(63).nullable(),
      authDomain: z.string().max(300).optional(),
      unknownBecause: z.enum(['permission', 'not-read']).optional(),
    })
    .optional(),
});

export interface CachedDiscovery {
  accountId: string;
  virtualNetworks?: VirtualNetworkInfo[];
  gatewayInspection?: GatewayInspection;
  clusters: ClusterEntry[];
  gatewayAudit: GatewayAuditEntry[];
  splitTunnel: SplitTunnelLists;
  /** Warnings of the discovery that produced the cache (e.g. Gateway audit findings). */
  warnings: string[];
  /** The account's Zero Trust organization; absent in a cache written before it was read. */
  organization?: AccessOrganization;
  fetchedAt: string;
  ageMs: number;
  stale: boolean;
}

export interface DiscoveryCacheRead {
  /** Null when there is no usable cache (none yet, or ignored: see warnings). */
  cache: CachedDiscovery | null;
  warnings: string[];
}

function toMs(now: Date | number): number {
  return typeof now === 'number' ? now : now.getTime();
}

/** Writes the result as the new cache; the previous one stays intact until the rename. */
export async function writeDiscoveryCache(dir: string, result: DiscoveryResult, now: Date | number): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const content = {
    version: VERSION,
    fetchedAt: new Date(toMs(now)).toISOString(),
    accountId: result.accountId,
    clusters: result.clusters.map(({ user: _user, ...rest }) => rest),
    ...(result.virtualNetworks ? { virtualNetworks: result.virtualNetworks } : {}),
    ...(result.gatewayInspection ? { gatewayInspection: result.gatewayInspection } : {}),
    gatewayAudit: result.gatewayAudit,
    splitTunnel: result.splitTunnel,
    warnings: result.warnings,
    ...(result.organization ? { organization: result.organization } : {}),
  };
  const target = join(dir, DISCOVERY_CACHE_FILE);
  const temp = join(dir, `.${DISCOVERY_CACHE_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(content, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename durable; not supported on every platform (Windows), where it is skipped.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}

export async function readDiscoveryCache(
  dir: string,
  now: Date | number,
  opts: { maxAgeMs?: number } = {},
): Promise<DiscoveryCacheRead> {
  const path = join(dir, DISCOVERY_CACHE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { cache: null, warnings: [] };
    return {
      cache: null,
      warnings: [
        `The discovery cache ${path} could not be read (${(e as Error).message}): it is ignored until the next refresh.`,
      ],
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      cache: null,
      warnings: [
        `The discovery cache ${path} is not valid JSON: it is ignored and will be replaced by the next refresh.`,
      ],
    };
  }
  const parsed = cacheSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    return {
      cache: null,
      warnings: [
        `The discovery cache ${path} has an unexpected shape${where}: it is ignored and will be replaced by the next refresh.`,
      ],
    };
  }
  const data = parsed.data;
  const ageMs = Math.max(0, toMs(now) - Date.parse(data.fetchedAt));
  return {
    cache: {
      accountId: data.accountId,
      clusters: data.clusters as ClusterEntry[],
      ...(data.virtualNetworks ? { virtualNetworks: data.virtualNetworks as VirtualNetworkInfo[] } : {}),
      ...(data.gatewayInspection ? { gatewayInspection: data.gatewayInspection as GatewayInspection } : {}),
      gatewayAudit: data.gatewayAudit,
      splitTunnel: data.splitTunnel,
      warnings: data.warnings,
      ...(data.organization ? { organization: data.organization as AccessOrganization } : {}),
      fetchedAt: data.fetchedAt,
      ageMs,
      stale: ageMs > (opts.maxAgeMs ?? DEFAULT_CACHE_MAX_AGE_MS),
    },
    warnings: [],
  };
}
