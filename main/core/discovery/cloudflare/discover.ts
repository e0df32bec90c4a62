/**
 * Cluster discovery from a Cloudflare account through the official SDK (SPEC: Cluster discovery).
 */
import type Cloudflare from 'cloudflare';
import type { CloudflareTunnel } from 'cloudflare/resources/shared';
import type { SplitTunnelExclude, SplitTunnelInclude } from 'cloudflare/resources/zero-trust/devices/policies/policies';
import type { GatewayItem, GatewayList } from 'cloudflare/resources/zero-trust/gateway/lists/lists';
import type { GatewayRule } from 'cloudflare/resources/zero-trust/gateway/rules';
import type { Teamnet } from 'cloudflare/resources/zero-trust/networks/routes/routes';
import type { VirtualNetwork } from 'cloudflare/resources/zero-trust/networks/virtual-networks';
import { isUserError, UserError } from '../../errors.ts';
import type { ClusterEntry } from '../../model/cluster.ts';
import type { CallContext, CloudflareApiOptions, DiscoveryStep } from './api.ts';
import { allPages, callContext, checkAccountId, createClient, isAborted, withPolicy } from './api.ts';
import type { TunnelConnections } from './clusters.ts';
import { buildClusters, KUBERNETES_API_PORT, KUBERNETES_LIST_NAME, summariseConnections } from './clusters.ts';
import type { GatewayAuditEntry, GatewayInspection, GatewayListContents, GatewayTlsSettings } from './gateway.ts';
import {
  auditGateway,
  doNotInspectRules,
  inspectedBecause,
  inspectionFinding,
  inspectionOf,
  listKey,
  parseTraffic,
  readTlsSettings,
} from './gateway.ts';
import { type AccessOrganization, readAccessOrganization } from './organization.ts';
import {
  cleanGatewayItemPages,
  cleanGatewayLists,
  cleanGatewayRules,
  cleanRoutes,
  cleanSplitTunnelEntries,
  cleanTunnelClients,
  cleanTunnels,
  cleanVirtualNetworks,
} from './sanitize.ts';

export interface DiscoverOptions extends CloudflareApiOptions {
  accountId: string;
}

/** One split-tunnel entry: an IP/CIDR (`address`) or a domain (`host`). */
export interface SplitTunnelEntry {
  address?: string;
  host?: string;
  description?: string;
}

/** The account's default device profile split-tunnel lists (WARP uses one of them, per its mode). */
export interface SplitTunnelLists {
  exclude: SplitTunnelEntry[];
  include: SplitTunnelEntry[];
}

/** A virtual network of the account, as discovery lists it. */
export interface VirtualNetworkInfo {
  id: string;
  name: string;
  isDefault: boolean;
  comment?: string;
}

export interface DiscoveryResult {
  accountId: string;
  /** Every live virtual network of the account (default first, then by name). */
  virtualNetworks?: VirtualNetworkInfo[];
  /** Gateway TLS decryption settings and the API IPs no Do Not Inspect rule covers. */
  gatewayInspection?: GatewayInspection;
  /** Sorted by name; names unique; `sources: ['cloudflare']`. */
  clusters: ClusterEntry[];
  /** One entry per API IP (every IP of every cluster). */
  gatewayAudit: GatewayAuditEntry[];
  splitTunnel: SplitTunnelLists;
  /** Plain sentences for the user: uncovered IPs, ambiguous routes, rate limiting that happened. */
  warnings: string[];
  /** Pages fetched per step (what pagination cost). */
  pages: Partial<Record<DiscoveryStep, number>>;
  /** The account's Zero Trust organization (its team name), to compare with WARP's. */
  organization?: AccessOrganization;
}

function splitEntries(raw: readonly (SplitTunnelExclude | SplitTunnelInclude)[]): SplitTunnelEntry[] {
  return cleanSplitTunnelEntries(raw).map((e) => ({
    ...('address' in e && e.address ? { address: e.address } : {}),
    ...('host' in e && e.host ? { host: e.host } : {}),
    ...(e.description ? { description: e.description } : {}),
  }));
}

async function readSplitTunnel(
  client: Cloudflare,
  ctx: CallContext,
  accountId: string,
): Promise<SplitTunnelLists & { pages: number }> {
  const opts = ctx.signal ? { signal: ctx.signal } : undefined;
  const [exclude, include] = await Promise.all([
    allPages(ctx, 'split-tunnel', () =>
      client.zeroTrust.devices.policies.default.excludes.get({ account_id: accountId }, opts),
    ),
    allPages(ctx, 'split-tunnel', () =>
      client.zeroTrust.devices.policies.default.includes.get({ account_id: accountId }, opts),
    ),
  ]);
  return {
    exclude: splitEntries(exclude.items),
    include: splitEntries(include.items),
    pages: exclude.pages + include.pages,
  };
}

/** Runs `work` with a signal that is aborted when any sibling fails, so nothing keeps retrying. */
async function together<T>(ctx: CallContext, work: (ctx: CallContext) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const outer = ctx.signal;
  const onOuterAbort = () => controller.abort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    return await work({ ...ctx, signal: controller.signal });
  } catch (e) {
    controller.abort();
    throw e;
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

/**
 * A bare verification: it must not retry or report progress of its own. Memoised: however many
 * requests of one discovery fail with a 403, the token is verified at most once.
 */
export function tokenVerifier(client: Cloudflare): () => Promise<'valid' | 'invalid' | 'unknown'> {
  let verdict: Promise<'valid' | 'invalid' | 'unknown'> | undefined;
  const verify = async (): Promise<'valid' | 'invalid' | 'unknown'> => {
    try {
      const result = await client.user.tokens.verify();
      return result.status === 'active' ? 'valid' : 'invalid';
    } catch (e) {
      const status = (e as { status?: unknown }).status;
      return status === 401 || status === 403 ? 'invalid' : 'unknown';
    }
  };
  return () => {
    verdict ??= verify();
    return verdict;
  };
}

/**
 * Runs a read whose failure should not sink discovery (connector health, Gateway settings):
 * a bad token still fails everything, anything else becomes a warning and `undefined`.
 */
async function optionalRead<T>(ctx: CallContext, what: string, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (e) {
    if (isAborted(e) || !isUserError(e) || e.code === 'cloudflare-auth') throw e;
    ctx.warn(`kubezt could not read ${what}, so it is left unknown: ${e.message}`);
    return undefined;
  }
}

/** Connections of each tunnel that carries a cluster, one request per tunnel. */
async function readConnections(
  client: Cloudflare,
  ctx: CallContext,
  accountId: string,
  tunnelIds: readonly string[],
): Promise<{ connections: Map<string, TunnelConnections>; pages: number }> {
  const req = ctx.signal ? { signal: ctx.signal } : undefined;
  const connections = new Map<string, TunnelConnections>();
  let pages = 0;
  for (const id of tunnelIds) {
    const read = await optionalRead(ctx, `the connections of tunnel ${id}`, () =>
      allPages(ctx, 'tunnel-connections', () =>
        client.zeroTrust.tunnels.cloudflared.connections.get(id, { account_id: accountId }, req),
      ),
    );
    if (!read) continue;
    pages += read.pages;
    connections.set(id, summariseConnections(cleanTunnelClients(read.items)));
  }
  return { connections, pages };
}

async function readGatewayTls(client: Cloudflare, ctx: CallContext, accountId: string): Promise<GatewayTlsSettings> {
  const req = ctx.signal ? { signal: ctx.signal } : undefined;
  const config = await optionalRead(ctx, 'the Gateway TLS decryption settings', () =>
    withPolicy(ctx, 'gateway-configuration', () =>
      client.zeroTrust.gateway.configurations.get({ account_id: accountId }, req),
    ),
  );
  return readTlsSettings(config);
}

function listedNetworks(
  vnets: readonly { id: string; name?: string; is_default_network?: boolean; comment?: string }[],
) {
  return vnets
    .map(
      (v): VirtualNetworkInfo => ({
        id: v.id,
        name: v.name ?? v.id,
        isDefault: v.is_default_network === true,
        ...(v.comment ? { comment: v.comment } : {}),
      }),
    )
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name));
}

/**
 * Lists the account's tunnel routes, tunnels, virtual networks, Gateway lists and policies and
 * split-tunnel settings, and derives the Kubernetes clusters and the Gateway audit.
 * Throws a UserError (cloudflare-auth, cloudflare-permission, cloudflare-rate-limited,
 * cloudflare-unavailable, not-found, bad-input, not-logged-in) and nothing else.
 */
export async function discoverFromCloudflare(opts: DiscoverOptions): Promise<DiscoveryResult> {
  checkAccountId(opts.accountId);
  const client = createClient(opts);
  const warnings: string[] = [];
  const seen = new Set<string>();
  const warn = (w: string) => {
    if (!seen.has(w)) warnings.push(w);
    seen.add(w);
  };
  const base = callContext(opts, { accountId: opts.accountId, warn });
  base.verify = tokenVerifier(client);
  const pages: Partial<Record<DiscoveryStep, number>> = {};
  try {
    return await together(base, async (ctx) => {
      const [raw, organization] = await Promise.all([
        readAccount(client, ctx, opts, pages),
        readAccessOrganization(client, ctx, opts.accountId),
      ]);
      const gateway = await readGatewayContents(client, ctx, opts, raw.lists, raw.rules, pages);
      const input = {
        routes: raw.routes,
        tunnels: raw.tunnels,
        virtualNetworks: raw.vnets,
        kubernetesListValues: gateway.filter((c) => c.kubernetes).flatMap((c) => c.values),
      };
      const first = buildClusters(input);
      const carrying = [...new Set(first.clusters.map((c) => c.cloudflare?.tunnelId ?? ''))].filter(Boolean);
      const read = await readConnections(client, ctx, opts.accountId, carrying);
      if (carrying.length > 0) pages['tunnel-connections'] = read.pages;
      const built = buildClusters({ ...input, connections: read.connections });
      built.warnings.forEach(warn);

      const gatewayAudit = auditGateway(
        built.clusters.flatMap((c) => c.ips.map((ip) => ({ cluster: c.name, ip }))),
        raw.rules,
        gateway,
      );
      const gatewayInspection = inspectionOf(raw.tls, gatewayAudit, KUBERNETES_API_PORT);
      const clusters = annotateDoNotInspect(built.clusters, gatewayAudit, gatewayInspection, warn);
      const finding = inspectionFinding(gatewayInspection);
      if (finding) warn(finding);
      return {
        accountId: opts.accountId,
        virtualNetworks: listedNetworks(raw.vnets),
        gatewayInspection,
        clusters,
        gatewayAudit,
        splitTunnel: { exclude: raw.splitTunnel.exclude, include: raw.splitTunnel.include },
        warnings,
        pages,
        organization,
      };
    });
  } catch (e) {
    throw asUserError(e);
  }
}

/** Every list discovery needs, fetched concurrently, each item checked (sanitize.ts). */
async function readAccount(
  client: Cloudflare,
  ctx: CallContext,
  opts: DiscoverOptions,
  pages: Partial<Record<DiscoveryStep, number>>,
) {
  const account_id = opts.accountId;
  const per_page = opts.pageSize ?? 50;
  const req = ctx.signal ? { signal: ctx.signal } : undefined;
  const [tunnelPages, routePages, vnetPages, listPages, rulePages, splitTunnel, tls] = await Promise.all([
    allPages<CloudflareTunnel>(ctx, 'tunnels', () =>
      client.zeroTrust.tunnels.cloudflared.list({ account_id, is_deleted: false, per_page }, req),
    ),
    allPages<Teamnet>(ctx, 'routes', () =>
      client.zeroTrust.networks.routes.list({ account_id, is_deleted: false, per_page }, req),
    ),
    allPages<VirtualNetwork>(ctx, 'virtual-networks', () =>
      client.zeroTrust.networks.virtualNetworks.list({ account_id, is_deleted: false }, req),
    ),
    allPages<GatewayList>(ctx, 'gateway-lists', () =>
      client.zeroTrust.gateway.lists.list({ account_id, type: 'IP' }, req),
    ),
    allPages<GatewayRule>(ctx, 'gateway-rules', () => client.zeroTrust.gateway.rules.list({ account_id }, req)),
    readSplitTunnel(client, ctx, account_id),
    readGatewayTls(client, ctx, account_id),
  ]);
  pages.tunnels = tunnelPages.pages;
  pages.routes = routePages.pages;
  pages['virtual-networks'] = vnetPages.pages;
  pages['gateway-lists'] = listPages.pages;
  pages['gateway-rules'] = rulePages.pages;
  pages['split-tunnel'] = splitTunnel.pages;
  return {
    tunnels: cleanTunnels(tunnelPages.items),
    routes: cleanRoutes(routePages.items),
    vnets: cleanVirtualNetworks(vnetPages.items),
    lists: cleanGatewayLists(listPages.items),
    rules: cleanGatewayRules(rulePages.items),
    splitTunnel,
    tls,
  };
}

/**
 * Items only of the lists that matter: Kubernetes-named lists (detection) and lists that a
 * Do Not Inspect policy references (audit).
 */
async function readGatewayContents(
  client: Cloudflare,
  ctx: CallContext,
  opts: DiscoverOptions,
  lists: readonly GatewayList[],
  rules: readonly GatewayRule[],
  pages: Partial<Record<DiscoveryStep, number>>,
): Promise<(GatewayListContents & { kubernetes: boolean })[]> {
  const req = ctx.signal ? { signal: ctx.signal } : undefined;
  const referenced = new Set(doNotInspectRules(rules).flatMap((r) => parseTraffic(r.traffic).listRefs.map(listKey)));
  const wanted = lists.filter(
    (l) => l.id && l.type === 'IP' && (KUBERNETES_LIST_NAME.test(l.name ?? '') || referenced.has(listKey(l.id))),
  );
  const contents: (GatewayListContents & { kubernetes: boolean })[] = [];
  let itemPages = 0;
  for (const list of wanted) {
    const listId = list.id as string;
    const inline = list.items;
    let items: GatewayItem[];
    if (inline && inline.length > 0 && inline.length === (list.count ?? inline.length)) {
      items = inline;
    } else {
      const fetched = await allPages<GatewayItem | GatewayItem[]>(ctx, 'gateway-list-items', () =>
        client.zeroTrust.gateway.lists.items.list(
          listId,
          { account_id: opts.accountId, per_page: opts.pageSize ?? 50 },
          req,
        ),
      );
      itemPages += fetched.pages;
      items = cleanGatewayItemPages(fetched.items);
    }
    contents.push({
      id: listId,
      name: list.name ?? '',
      values: items.map((i) => i.value ?? '').filter(Boolean),
      kubernetes: KUBERNETES_LIST_NAME.test(list.name ?? ''),
    });
  }
  if (wanted.length > 0) pages['gateway-list-items'] = itemPages;
  return contents;
}

/** Sets each cluster's `doNotInspect` and warns about the uncovered ones, as loudly as it matters. */
function annotateDoNotInspect(
  clusters: readonly ClusterEntry[],
  audit: readonly GatewayAuditEntry[],
  inspection: GatewayInspection,
  warn: (w: string) => void,
): ClusterEntry[] {
  const auditOf = new Map<string, GatewayAuditEntry[]>();
  for (const a of audit) {
    const list = auditOf.get(a.cluster);
    if (list) list.push(a);
    else auditOf.set(a.cluster, [a]);
  }
  return clusters.map((c) => {
    const entries = auditOf.get(c.name) ?? [];
    const doNotInspect = entries.length > 0 && entries.every((a) => a.doNotInspect);
    // Not inspected at all today: the account-wide finding says it once, without alarm.
    if (!doNotInspect && inspection.portInspected !== false) {
      const uncovered = entries.filter((a) => !a.doNotInspect).map((a) => a.ip);
      const uncertain = entries.some((a) => a.uncertain.length > 0);
      warn(
        `No enabled Gateway "Do Not Inspect" HTTP policy covers ${uncovered.join(', ')} (cluster ${c.name})${uncertain ? ' for certain' : ''}: HTTP inspection breaks kubectl's TLS, so add these IPs to a Do Not Inspect policy in Zero Trust → Gateway → Firewall policies → HTTP.${inspectedBecause(inspection)}`,
      );
    }
    return c.cloudflare ? { ...c, cloudflare: { ...c.cloudflare, doNotInspect } } : c;
  });
}

function asUserError(e: unknown): unknown {
  if (isAborted(e)) {
    return new UserError('cloudflare-unavailable', 'Cloudflare discovery was cancelled before it finished.');
  }
  return e;
}

/** The account's split-tunnel Include/Exclude lists alone (for diagnostics). */
export async function fetchSplitTunnelLists(opts: DiscoverOptions): Promise<SplitTunnelLists> {
  checkAccountId(opts.accountId);
  const client = createClient(opts);
  const ctx = callContext(opts, { accountId: opts.accountId, warn: () => {} });
  ctx.verify = tokenVerifier(client);
  try {
    const { exclude, include } = await together(ctx, (c) => readSplitTunnel(client, c, opts.accountId));
    return { exclude, include };
  } catch (e) {
    throw asUserError(e);
  }
}

export interface CloudflareAccount {
  id: string;
  name: string;
}

/** Accounts the token can see, for `kubezt login` to offer (every page). */
export async function listAccounts(opts: CloudflareApiOptions): Promise<CloudflareAccount[]> {
  const client = createClient(opts);
  const ctx = callContext(opts, { warn: () => {} });
  const req = ctx.signal ? { signal: ctx.signal } : undefined;
  try {
    const { items } = await allPages(ctx, 'accounts', () =>
      client.accounts.list({ per_page: Math.min(opts.pageSize ?? 50, 50) }, req),
    );
    return items.map((a) => ({ id: a.id, name: a.name }));
  } catch (e) {
    throw asUserError(e);
  }
}

export interface TokenStatus {
  id: string;
  status: 'active';
  expiresOn?: string;
}

/** Checks the token with `GET /user/tokens/verify`; a disabled or expired token is a cloudflare-auth error. */
export async function verifyToken(opts: CloudflareApiOptions): Promise<TokenStatus> {
  const client = createClient(opts);
  const ctx = callContext(opts, { warn: () => {} });
  const req = ctx.signal ? { signal: ctx.signal } : undefined;
  let result: Awaited<ReturnType<Cloudflare['user']['tokens']['verify']>>;
  try {
    result = await withPolicy(ctx, 'verify', () => client.user.tokens.verify(req));
  } catch (e) {
    throw asUserError(e);
  }
  if (result.status !== 'active') {
    throw new UserError(
      'cloudflare-auth',
      `The Cloudflare API token is ${result.status}: create a new token (Account → Cloudflare Tunnel Read, Zero Trust Read) and run kubezt login.`,
    );
  }
  return { id: result.id, status: 'active', ...(result.expires_on ? { expiresOn: result.expires_on } : {}) };
}
