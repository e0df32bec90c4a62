/**
 * A fake Cloudflare v4 API on loopback, for the demo, the tests and the benchmarks. It mimics the
 * parts of the real API that kubezt reads, including the quirks clients trip over:
 * - list endpoints paginate with `page`/`per_page`, and the SDK's V4PagePaginationArray only stops
 *   on an EMPTY page, so asking past the end answers `result: []` (never an error);
 * - deleted routes and tunnels are returned unless `is_deleted=false` is asked for;
 * - a lacking permission is a 403 with code 10000 "Authentication error", which does not say which
 *   permission is missing;
 * - Gateway list items may come wrapped in an extra array (see GatewayItemsShape);
 * - rate limits are 429, with or without `Retry-After`; edge 5xx are HTML pages, not v4 envelopes;
 * - a tunnel's connections live under `…/cfd_tunnel/{id}/connections`, grouped by connector.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tunnelConnections } from './seed.ts';
import type {
  CloudflareEndpoint,
  CloudflareFault,
  CloudflarePermission,
  CloudflareSeed,
  CloudflareTunnel,
  FakeCloudflareApi,
  GatewayItem,
  LoggedRequest,
  StartCloudflareApiOptions,
  TokenVerifyResponse,
} from './types.ts';

const BASE_PATH = '/client/v4';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

interface ErrorItem {
  code: number;
  message: string;
}

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string>;
}

interface Route {
  endpoint: CloudflareEndpoint;
  pattern: RegExp;
  permission?: CloudflarePermission;
  /** Whether the first capture group is an account id that must exist. */
  accountScoped: boolean;
  handle(ctx: HandlerContext): Reply;
}

interface HandlerContext {
  seed: CloudflareSeed;
  params: string[];
  query: URLSearchParams;
  path: string;
}

class BadRequest extends Error {
  readonly status: number;
  readonly item: ErrorItem;
  constructor(status: number, item: ErrorItem) {
    super(item.message);
    this.status = status;
    this.item = item;
  }
}

function envelope(result: unknown, resultInfo?: Record<string, number>): string {
  const body: Record<string, unknown> = { success: true, errors: [], messages: [], result };
  if (resultInfo) body.result_info = resultInfo;
  return JSON.stringify(body);
}

function jsonReply(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status, body, headers: { 'content-type': 'application/json', ...headers } };
}

function errorReply(status: number, errors: ErrorItem[], headers: Record<string, string> = {}): Reply {
  return jsonReply(status, JSON.stringify({ success: false, errors, messages: [], result: null }), headers);
}

function parseBool(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new BadRequest(400, { code: 1001, message: `${name} must be a boolean` });
}

function parsePositiveInt(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new BadRequest(400, { code: 1001, message: `${name} must be a positive integer` });
  }
  return Number(raw);
}

/** One page of a V4PagePaginationArray list; past the end it is an empty page, as the SDK needs. */
function paginate<T>(
  items: T[],
  query: URLSearchParams,
  defaultPerPage: number,
  maxPerPage: number,
): { page: T[]; info: Record<string, number> } {
  const page = parsePositiveInt(query, 'page') ?? 1;
  const perPage = Math.min(parsePositiveInt(query, 'per_page') ?? defaultPerPage, maxPerPage);
  const start = (page - 1) * perPage;
  const slice = items.slice(start, start + perPage);
  return {
    page: slice,
    info: {
      page,
      per_page: perPage,
      count: slice.length,
      total_count: items.length,
      total_pages: Math.ceil(items.length / perPage),
    },
  };
}

function isDeletedFilter<T extends { deleted_at?: string | null }>(items: T[], query: URLSearchParams): T[] {
  const isDeleted = parseBool(query, 'is_deleted');
  if (isDeleted === undefined) return items;
  return items.filter((item) => Boolean(item.deleted_at) === isDeleted);
}

function defaultPerPage(seed: CloudflareSeed): number {
  return seed.defaultPerPage ?? 20;
}

const routes: Route[] = [
  {
    endpoint: 'tokens-verify',
    pattern: /^\/user\/tokens\/verify$/,
    accountScoped: false,
    handle: ({ seed }) => {
      const status: TokenVerifyResponse = seed.tokenStatus ?? {
        id: 'ed17574386854bf78a67040be0a770b0',
        status: 'active',
      };
      return jsonReply(200, envelope(status));
    },
  },
  {
    endpoint: 'accounts',
    pattern: /^\/accounts$/,
    accountScoped: false,
    handle: ({ seed, query }) => {
      let accounts = [seed.account, ...(seed.otherAccounts ?? [])];
      const name = query.get('name');
      if (name) accounts = accounts.filter((a) => a.name.toLowerCase().includes(name.toLowerCase()));
      const { page, info } = paginate(accounts, query, defaultPerPage(seed), 50);
      return jsonReply(200, envelope(page, info));
    },
  },
  {
    endpoint: 'tunnels',
    pattern: /^\/accounts\/([^/]+)\/cfd_tunnel$/,
    permission: 'Cloudflare Tunnel Read',
    accountScoped: true,
    handle: ({ seed, query }) => {
      let tunnels = isDeletedFilter(seed.tunnels, query);
      const name = query.get('name');
      if (name) tunnels = tunnels.filter((t) => t.name === name);
      const uuid = query.get('uuid');
      if (uuid) tunnels = tunnels.filter((t) => t.id === uuid);
      const status = query.get('status');
      if (status) tunnels = tunnels.filter((t) => t.status === status);
      const { page, info } = paginate(tunnels, query, defaultPerPage(seed), 1000);
      return jsonReply(200, envelope(page, info));
    },
  },
  {
    endpoint: 'routes',
    pattern: /^\/accounts\/([^/]+)\/teamnet\/routes$/,
    permission: 'Cloudflare Tunnel Read',
    accountScoped: true,
    handle: ({ seed, query }) => {
      let list = isDeletedFilter(seed.routes, query);
      const tunnelId = query.get('tunnel_id');
      if (tunnelId) list = list.filter((r) => r.tunnel_id === tunnelId);
      const vnetId = query.get('virtual_network_id');
      if (vnetId) list = list.filter((r) => r.virtual_network_id === vnetId);
      const comment = query.get('comment');
      if (comment) list = list.filter((r) => r.comment === comment);
      const { page, info } = paginate(list, query, defaultPerPage(seed), 1000);
      return jsonReply(200, envelope(page, info));
    },
  },
  {
    endpoint: 'virtual-networks',
    pattern: /^\/accounts\/([^/]+)\/teamnet\/virtual_networks$/,
    permission: 'Cloudflare Tunnel Read',
    accountScoped: true,
    handle: ({ seed, query }) => jsonReply(200, envelope(isDeletedFilter(seed.virtualNetworks, query))),
  },
  {
    endpoint: 'gateway-lists',
    pattern: /^\/accounts\/([^/]+)\/gateway\/lists$/,
    permission: 'Zero Trust Read',
    accountScoped: true,
    handle: ({ seed, query }) => {
      const type = query.get('type');
      const lists = seed.gatewayLists
        .filter((l) => !type || l.list.type === type)
        .map((l) => ({ ...l.list, count: l.items.length }));
      return jsonReply(200, envelope(lists, { page: 1, per_page: lists.length, count: lists.length }));
    },
  },
  {
    endpoint: 'gateway-list-items',
    pattern: /^\/accounts\/([^/]+)\/gateway\/lists\/([^/]+)\/items$/,
    permission: 'Zero Trust Read',
    accountScoped: true,
    handle: ({ seed, params, query }) => {
      const entry = seed.gatewayLists.find((l) => l.list.id === params[1]);
      if (!entry) {
        return errorReply(404, [{ code: 2019, message: `list not found: ${params[1]}` }]);
      }
      const { page, info } = paginate(entry.items, query, defaultPerPage(seed), 1000);
      if (entry.itemsShape === 'nested') {
        const nested: GatewayItem[][] = page.length > 0 ? [page] : [];
        return jsonReply(200, envelope(nested, info));
      }
      return jsonReply(200, envelope(page, info));
    },
  },
  {
    endpoint: 'gateway-rules',
    pattern: /^\/accounts\/([^/]+)\/gateway\/rules$/,
    permission: 'Zero Trust Read',
    accountScoped: true,
    handle: ({ seed }) => jsonReply(200, envelope(seed.gatewayRules)),
  },
  {
    endpoint: 'tunnel-connections',
    pattern: /^\/accounts\/([^/]+)\/cfd_tunnel\/([^/]+)\/connections$/,
    permission: 'Cloudflare Tunnel Read',
    accountScoped: true,
    handle: ({ seed, params }) => {
      const tunnel = seed.tunnels.find((t) => t.id === params[1] && !t.deleted_at);
      if (!tunnel) return errorReply(404, [{ code: 1003, message: `tunnel not found: ${params[1]}` }]);
      return jsonReply(200, envelope(connectorsOf(tunnel)));
    },
  },
  {
    endpoint: 'gateway-configuration',
    pattern: /^\/accounts\/([^/]+)\/gateway\/configuration$/,
    permission: 'Zero Trust Read',
    accountScoped: true,
    handle: ({ seed }) => jsonReply(200, envelope(seed.gatewayConfiguration ?? { settings: {} })),
  },
  {
    // One object, not a list. A seed without one stands for an account that never set up Zero
    // Trust; no recording says what the real API answers then, so this 404 is the fake's choice.
    endpoint: 'access-organization',
    pattern: /^\/accounts\/([^/]+)\/access\/organizations$/,
    permission: 'Access: Organizations, Identity Providers, and Groups Read',
    accountScoped: true,
    handle: ({ seed }) =>
      seed.accessOrganization
        ? jsonReply(200, envelope(seed.accessOrganization))
        : errorReply(404, [{ code: 7003, message: 'No Access organization is set up for this account' }]),
  },
  {
    endpoint: 'split-tunnel-exclude',
    pattern: /^\/accounts\/([^/]+)\/devices\/policy\/exclude$/,
    permission: 'Zero Trust Read',
    accountScoped: true,
    handle: ({ seed }) => jsonReply(200, envelope(seed.splitTunnel.exclude)),
  },
  {
    endpoint: 'split-tunnel-include',
    pattern: /^\/accounts\/([^/]+)\/devices\/policy\/include$/,
    permission: 'Zero Trust Read',
    accountScoped: true,
    handle: ({ seed }) => jsonReply(200, envelope(seed.splitTunnel.include)),
  },
];

/** The connections endpoint's shape: one entry per connector (cloudflared), its connections in `conns`. */
function connectorsOf(tunnel: CloudflareTunnel): unknown[] {
  const byConnector = new Map<string, CloudflareTunnel.Connection[]>();
  for (const conn of tunnel.connections ?? []) {
    const id = conn.client_id ?? 'connector';
    byConnector.set(id, [...(byConnector.get(id) ?? []), conn]);
  }
  return [...byConnector].map(([id, conns]) => ({
    id,
    arch: 'linux_amd64',
    version: conns[0]?.client_version ?? '2025.1.0',
    run_at: conns.map((c) => c.opened_at ?? '').sort()[0],
    features: ['ha-origin', 'management_logs'],
    conns: conns.map((c) => ({
      id: c.id,
      client_id: c.client_id,
      client_version: c.client_version,
      colo_name: c.colo_name,
      is_pending_reconnect: false,
      opened_at: c.opened_at,
      origin_ip: c.origin_ip,
      uuid: c.uuid,
    })),
  }));
}

function bearerMatches(header: string | undefined, token: string): 'missing' | 'ok' | 'wrong' {
  if (!header) return 'missing';
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match?.[1]) return 'wrong';
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'ok' : 'wrong';
}

function faultMatches(fault: CloudflareFault, endpoint: CloudflareEndpoint | 'unknown'): boolean {
  if (fault.times !== undefined && fault.times <= 0) return false;
  if (fault.endpoint === undefined) return true;
  const endpoints = Array.isArray(fault.endpoint) ? fault.endpoint : [fault.endpoint];
  return endpoint !== 'unknown' && endpoints.includes(endpoint);
}

function faultReply(fault: CloudflareFault, status: number): Reply {
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  if (fault.body !== undefined) return jsonReply(status, fault.body, headers);
  if (fault.html) {
    return {
      status,
      headers: { ...headers, 'content-type': 'text/html; charset=UTF-8' },
      body: `<!DOCTYPE html><html><head><title>api.cloudflare.com | ${status}: Bad gateway</title></head><body><h1>Error ${status}</h1><p>Cloudflare Ray ID: ${randomBytes(8).toString('hex')}</p></body></html>`,
    };
  }
  if (status === 429) {
    return errorReply(429, [{ code: 971, message: 'Please wait and consider throttling your request speed' }], headers);
  }
  return errorReply(status, [{ code: 10001, message: 'Internal server error' }], headers);
}

function queryRecord(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    out[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return out;
}

export async function startCloudflareApi(opts: StartCloudflareApiOptions): Promise<FakeCloudflareApi> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host) && !host.startsWith('127.')) {
    throw new Error(`the fake Cloudflare API only listens on loopback, not on ${host}`);
  }
  const token = opts.token ?? randomBytes(30).toString('base64url');
  let seed = opts.seed;
  let faults: CloudflareFault[] = (opts.faults ?? []).map((f) => ({ ...f }));
  let lacking = new Set<CloudflarePermission>(opts.lacking ?? []);
  const invalidTokenStatus = opts.invalidTokenStatus ?? 401;
  const requests: LoggedRequest[] = [];
  const pendingTimers = new Set<NodeJS.Timeout>();
  const waiters = new Set<{ match: (r: LoggedRequest) => boolean; resolve: (r: LoggedRequest) => void }>();

  // Checked when a request arrives (status 0) and again when it is answered.
  function notify(logged: LoggedRequest): void {
    for (const waiter of waiters) {
      if (waiter.match(logged)) {
        waiters.delete(waiter);
        waiter.resolve(logged);
      }
    }
  }

  function respond(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const path = url.pathname.startsWith(BASE_PATH) ? url.pathname.slice(BASE_PATH.length) : url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    let endpoint: CloudflareEndpoint | 'unknown' = 'unknown';
    let matched: { route: Route; params: string[] } | undefined;
    for (const route of routes) {
      const m = route.pattern.exec(path);
      if (m) {
        endpoint = route.endpoint;
        matched = { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
        break;
      }
    }
    const logged: LoggedRequest = { method, path, query: queryRecord(url.searchParams), endpoint, status: 0 };
    requests.push(logged);
    notify(logged);

    const send = (reply: Reply): void => {
      logged.status = reply.status;
      notify(logged);
      if (res.destroyed) return;
      res.writeHead(reply.status, { 'cf-ray': `${randomBytes(8).toString('hex')}-SIM`, ...reply.headers });
      res.end(reply.body);
    };

    const fault = faults.find((f) => faultMatches(f, endpoint));
    if (fault && fault.times !== undefined) fault.times -= 1;

    const proceed = (): void => {
      if (fault?.status !== undefined) {
        send(faultReply(fault, fault.status));
        return;
      }
      send(handle(req, method, path, url.searchParams, matched));
    };

    const delayed = (): void => {
      if (!fault?.delayMs) {
        proceed();
        return;
      }
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        proceed();
      }, fault.delayMs);
      pendingTimers.add(timer);
      // A client that gave up (timeout) must not leave the fake writing into a dead socket.
      res.on('close', () => {
        clearTimeout(timer);
        pendingTimers.delete(timer);
      });
    };

    if (fault?.waitFor) {
      void Promise.resolve(fault.waitFor).then(delayed, delayed);
      return;
    }
    delayed();
  }

  function handle(
    req: http.IncomingMessage,
    method: string,
    path: string,
    query: URLSearchParams,
    matched: { route: Route; params: string[] } | undefined,
  ): Reply {
    const auth = bearerMatches(req.headers.authorization, token);
    if (auth === 'missing') {
      return errorReply(400, [{ code: 9106, message: 'Missing X-Auth-Key, X-Auth-Email or Authorization headers' }]);
    }
    if (!matched) {
      return errorReply(404, [{ code: 7000, message: 'No route for that URI' }]);
    }
    if (method !== 'GET') {
      return errorReply(405, [{ code: 10405, message: 'Method not allowed for this authentication scheme' }]);
    }
    const { route, params } = matched;
    if (auth === 'wrong') {
      if (route.endpoint === 'tokens-verify') {
        return errorReply(401, [{ code: 1000, message: 'Invalid API Token' }]);
      }
      return errorReply(invalidTokenStatus, [{ code: 10000, message: 'Authentication error' }]);
    }
    if (route.accountScoped) {
      const accountId = params[0] ?? '';
      if (!/^[0-9a-f]{32}$/.test(accountId)) {
        return errorReply(400, [
          { code: 7003, message: `Could not route to ${path}, perhaps your object identifier is invalid?` },
        ]);
      }
      if (accountId !== seed.account.id) {
        return errorReply(403, [{ code: 9109, message: 'Unauthorized to access requested resource' }]);
      }
    }
    if (route.permission && lacking.has(route.permission)) {
      return errorReply(403, [{ code: 10000, message: 'Authentication error' }]);
    }
    try {
      return route.handle({ seed, params, query, path });
    } catch (e) {
      if (e instanceof BadRequest) return errorReply(e.status, [e.item]);
      throw e;
    }
  }

  const server = http.createServer((req, res) => {
    try {
      respond(req, res);
    } catch (e) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: false, errors: [{ code: 10001, message: String(e) }], messages: [] }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    baseUrl: `http://${urlHost}:${address.port}${BASE_PATH}`,
    token,
    accountId: seed.account.id,
    requests,
    waitForRequest(match) {
      const seen = requests.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => {
        waiters.add({ match, resolve });
      });
    },
    setFaults(next) {
      faults = next.map((f) => ({ ...f }));
    },
    setLacking(next) {
      lacking = new Set(next);
    },
    setSeed(next) {
      seed = next;
    },
    setTunnelStatus(which, status) {
      const tunnel = seed.tunnels.find((t) => t.id === which || t.name === which);
      if (!tunnel?.id) throw new Error(`the fake Cloudflare API has no tunnel ${which}`);
      const changed = { ...tunnel, status, ...tunnelConnections(tunnel.id, status, new Date()) };
      if (status === 'healthy' || status === 'degraded') delete changed.conns_inactive_at;
      seed = { ...seed, tunnels: seed.tunnels.map((t) => (t === tunnel ? changed : t)) };
    },
    close() {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A fresh random id in the shape Cloudflare uses for accounts (32 hex digits, no dashes). */
export function newAccountId(): string {
  return randomUUID().replaceAll('-', '');
}
