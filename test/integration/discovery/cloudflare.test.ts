import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  CloudflareProgress,
  DiscoverOptions,
  DiscoveryResult,
} from '../../../main/core/discovery/cloudflare/index.ts';
import {
  discoverFromCloudflare,
  fetchSplitTunnelLists,
  listAccounts,
  verifyToken,
} from '../../../main/core/discovery/cloudflare/index.ts';
import { isUserError, type UserError } from '../../../main/core/errors.ts';
import type { FakeCloudflareApi, SeedCluster, StartCloudflareApiOptions } from '../../../sim/cloudflare/index.ts';
import { seedFromClusters, startCloudflareApi } from '../../../sim/cloudflare/index.ts';

// Shaped like a real API token (40 chars), so a leak would be recognisable in any message.
const TOKEN = 'Zk3vQ9xLr2T8mWcN5bHy7PdJ4sAeF6gUoV1iK0qE';

const running: FakeCloudflareApi[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((api) => api.close()));
});

async function start(
  clusters: SeedCluster[],
  opts: Partial<StartCloudflareApiOptions> & { seedOpts?: Parameters<typeof seedFromClusters>[1] } = {},
): Promise<FakeCloudflareApi> {
  const { seedOpts, ...rest } = opts;
  const api = await startCloudflareApi({ seed: seedFromClusters(clusters, seedOpts), token: TOKEN, ...rest });
  running.push(api);
  return api;
}

function optionsFor(api: FakeCloudflareApi, extra: Partial<DiscoverOptions> = {}): DiscoverOptions {
  return { token: api.token, accountId: api.accountId, baseURL: api.baseUrl, ...extra };
}

/** Backoff without waiting: records what kubezt would have slept. */
function recordingSleep(): { sleep: (ms: number) => Promise<void>; slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    sleep: async (ms) => {
      slept.push(ms);
    },
  };
}

async function discoveryError(opts: DiscoverOptions): Promise<UserError> {
  try {
    await discoverFromCloudflare(opts);
  } catch (e) {
    if (!isUserError(e)) throw e;
    expectNoToken(e);
    return e;
  }
  throw new Error('discovery was expected to fail');
}

/** The token must not be anywhere a user or a log could see it: message, stack, causes. */
function expectNoToken(e: unknown): void {
  const seen = [String(e), (e as Error).stack ?? '', inspect(e, { depth: 10 }), JSON.stringify(e)].join('\n');
  expect(seen).not.toContain(TOKEN);
}

const FOUR = [
  { name: 'prod-us' },
  { name: 'prod-eu', tunnelName: 'tunnel-Payments_EU', tunnelHealth: 'degraded' as const },
  { name: 'staging', ipv4: '198.51.100.120', tunnelHealth: 'down' as const },
  { name: 'edge', ipv6: '2001:db8::130' },
];

function byName(result: DiscoveryResult, name: string) {
  const found = result.clusters.find((c) => c.name === name);
  if (!found) throw new Error(`no cluster ${name} in ${result.clusters.map((c) => c.name).join(', ')}`);
  return found;
}

describe('discoverFromCloudflare with the real SDK against the fake API', () => {
  it('finds each API server once, IPv4 and IPv6 paired, named from its tunnel, with health', async () => {
    const api = await start(FOUR);
    const result = await discoverFromCloudflare(optionsFor(api));
    expect(result.clusters.map((c) => c.name)).toEqual(['edge', 'payments-eu', 'prod-us', 'staging']);
    expect(byName(result, 'prod-us')).toMatchObject({
      sources: ['cloudflare'],
      server: 'https://198.51.100.101:6443',
      ips: ['198.51.100.101', '2001:db8::101'],
      port: 6443,
      cloudflare: {
        tunnelName: 'k8s-prod-us',
        tunnelHealth: 'healthy',
        comment: 'prod-us kubernetes API',
        virtualNetworkName: 'default',
        doNotInspect: true,
      },
    });
    expect(byName(result, 'prod-us').cloudflare?.routeIds).toHaveLength(2);
    expect(byName(result, 'payments-eu').cloudflare?.tunnelHealth).toBe('degraded');
    expect(byName(result, 'staging')).toMatchObject({ ips: ['198.51.100.120'], cloudflare: { tunnelHealth: 'down' } });
    expect(byName(result, 'edge')).toMatchObject({ server: 'https://[2001:db8::130]:6443', ips: ['2001:db8::130'] });
  });

  it('walks every page of routes and tunnels until the empty page', async () => {
    const api = await start(FOUR, { seedOpts: { fillerRoutes: 45 } });
    const progress: CloudflareProgress[] = [];
    const result = await discoverFromCloudflare(optionsFor(api, { pageSize: 10, onProgress: (p) => progress.push(p) }));
    const routePages = api.requests.filter((r) => r.endpoint === 'routes');
    // 45 fillers + 6 cluster routes + 4 wide routes (+3 deleted, filtered out): 55 live routes.
    expect(routePages.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(routePages.every((r) => r.query.per_page === '10' && r.query.is_deleted === 'false')).toBe(true);
    expect(result.pages.routes).toBe(7);
    expect(result.clusters).toHaveLength(4);
    expect(
      progress.filter((p) => p.type === 'page' && p.step === 'routes').map((p) => p.type === 'page' && p.items),
    ).toEqual([10, 20, 30, 40, 50, 55, 55]);
  });

  it('spans several pages at its default page size when the account is big', async () => {
    const api = await start(FOUR, { seedOpts: { fillerRoutes: 120 } });
    const result = await discoverFromCloudflare(optionsFor(api));
    const routePages = api.requests.filter((r) => r.endpoint === 'routes');
    expect(routePages.length).toBeGreaterThan(2);
    expect(result.clusters.map((c) => c.name)).toContain('prod-us');
  });

  it('ignores deleted routes and wide routes, even wide ones that mention kubernetes', async () => {
    const api = await start(FOUR);
    const result = await discoverFromCloudflare(optionsFor(api));
    const ips = result.clusters.flatMap((c) => c.ips);
    // Deleted: a retired tunnel's API server and prod-us's previous IP.
    expect(ips).not.toContain('198.51.100.250');
    expect(ips).not.toContain('2001:db8::250');
    expect(ips).not.toContain('198.51.100.249');
    expect(result.clusters.map((c) => c.cloudflare?.tunnelName)).not.toContain('office-lan');
    expect(result.clusters.map((c) => c.name)).not.toContain('retired');
    expect(api.requests.filter((r) => r.endpoint === 'routes').every((r) => r.query.is_deleted === 'false')).toBe(true);
    expect(api.requests.filter((r) => r.endpoint === 'tunnels').every((r) => r.query.is_deleted === 'false')).toBe(
      true,
    );
  });

  it('names several API servers behind one tunnel apart', async () => {
    const api = await start([
      { name: 'payments', tunnelName: 'k8s-shared', comment: 'payments kubernetes API' },
      { name: 'search', tunnelName: 'k8s-shared', comment: 'search kubernetes API' },
      { name: 'one', tunnelName: 'tunnel-dual', comment: 'dual k8s API' },
      { name: 'two', tunnelName: 'tunnel-dual', comment: 'k8s API server' },
      { name: 'three', tunnelName: 'tunnel-dual', comment: 'Kubernetes control plane' },
    ]);
    const result = await discoverFromCloudflare(optionsFor(api));
    expect(result.clusters.map((c) => c.name)).toEqual([
      'dual',
      'dual-2',
      'dual-3',
      'shared-payments',
      'shared-search',
    ]);
    expect(byName(result, 'shared-search').ips).toEqual(['198.51.100.102', '2001:db8::102']);
    expect(byName(result, 'dual').ips).toEqual(['198.51.100.103', '2001:db8::103']);
    expect(new Set(result.clusters.map((c) => c.cloudflare?.tunnelId)).size).toBe(2);
  });

  it.each(['flat', 'nested'] as const)(
    'detects a route by the "Kubernetes API servers" Gateway list when its comment says nothing (%s items)',
    async (shape) => {
      const api = await start(
        [
          { name: 'listed', comment: 'control box', inGatewayList: true },
          { name: 'unlisted', comment: 'control box', inGatewayList: false },
          { name: 'prod-us' },
        ],
        { seedOpts: { gatewayItemsShape: shape } },
      );
      const result = await discoverFromCloudflare(optionsFor(api, { pageSize: 2 }));
      expect(result.clusters.map((c) => c.name)).toEqual(['listed', 'prod-us']);
      expect(byName(result, 'listed')).toMatchObject({
        ips: ['198.51.100.101', '2001:db8::101'],
        cloudflare: { comment: 'control box', doNotInspect: true },
      });
      // The list holds listed's and prod-us's 4 IPs: two pages of two, then the empty page.
      expect(api.requests.filter((r) => r.endpoint === 'gateway-list-items').map((r) => r.query.page ?? '1')).toEqual([
        '1',
        '2',
        '3',
      ]);
    },
  );

  it('audits Gateway: covered directly or via a list, and not by a disabled or inspecting rule', async () => {
    const api = await start([
      { name: 'via-list', inGatewayList: true },
      { name: 'direct', inGatewayList: false },
      { name: 'exposed', doNotInspect: false },
    ]);
    const result = await discoverFromCloudflare(optionsFor(api));
    expect(byName(result, 'via-list').cloudflare?.doNotInspect).toBe(true);
    expect(byName(result, 'direct').cloudflare?.doNotInspect).toBe(true);
    expect(byName(result, 'exposed').cloudflare?.doNotInspect).toBe(false);
    const audit = (ip: string) => result.gatewayAudit.find((a) => a.ip === ip);
    expect(audit('198.51.100.101')?.coveredBy).toEqual([
      expect.objectContaining({
        ruleName: 'Do not inspect Kubernetes API servers',
        listName: 'Kubernetes API servers',
      }),
    ]);
    expect(audit('2001:db8::102')?.coveredBy).toEqual([
      expect.objectContaining({ ruleName: 'Do not inspect kubectl traffic' }),
    ]);
    // The seed has a disabled Do Not Inspect rule naming these IPs: it must not count.
    expect(audit('198.51.100.103')).toMatchObject({ cluster: 'exposed', doNotInspect: false, coveredBy: [] });
    expect(result.gatewayAudit).toHaveLength(6);
    expect(result.warnings.filter((w) => /Do Not Inspect/.test(w))).toEqual([
      expect.stringContaining('198.51.100.103, 2001:db8::103 (cluster exposed)'),
    ]);
  });

  it('reports doNotInspect false everywhere when the account has no Do Not Inspect rule', async () => {
    const api = await start([
      { name: 'a', doNotInspect: false },
      { name: 'b', doNotInspect: false },
    ]);
    const result = await discoverFromCloudflare(optionsFor(api));
    expect(result.clusters.map((c) => c.cloudflare?.doNotInspect)).toEqual([false, false]);
    expect(result.gatewayAudit.every((a) => !a.doNotInspect)).toBe(true);
    expect(result.warnings.filter((w) => /breaks kubectl's TLS/.test(w))).toHaveLength(2);
  });

  it('returns the split-tunnel lists', async () => {
    const api = await start([{ name: 'a' }], { seedOpts: { splitTunnelInclude: ['198.51.100.101/32'] } });
    const result = await discoverFromCloudflare(optionsFor(api));
    expect(result.splitTunnel).toEqual({
      exclude: [],
      include: [{ address: '198.51.100.101/32', description: 'kubezt' }],
    });
    const api2 = await start([{ name: 'a' }]);
    const lists = await fetchSplitTunnelLists(optionsFor(api2));
    expect(lists.include).toEqual([]);
    expect(lists.exclude).toContainEqual({ address: '10.0.0.0/8', description: 'RFC 1918' });
    expect(lists.exclude).toContainEqual({ host: 'local', description: 'mDNS' });
  });

  it('goes through the injected fetch (the app passes Electron net.fetch)', async () => {
    const api = await start([{ name: 'a' }]);
    const urls: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      urls.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    await discoverFromCloudflare(optionsFor(api, { fetch: countingFetch }));
    expect(urls.length).toBe(api.requests.length);
    expect(urls.every((u) => u.startsWith(api.baseUrl))).toBe(true);
  });
});

describe('discoverFromCloudflare when Cloudflare says no', () => {
  it('401: the token is invalid or expired, fix with kubezt login', async () => {
    const api = await start(FOUR);
    const e = await discoveryError(optionsFor(api, { token: 'Wr0ngTokenWr0ngTokenWr0ngTokenWr0ngToken' }));
    expect(e.code).toBe('cloudflare-auth');
    expect(e.message).toMatch(/invalid or expired/);
    expect(e.message).toMatch(/kubezt login/);
    expect(e.message).not.toContain('Wr0ngToken');
  });

  it('a revoked token answered with 403 is still reported as an auth problem', async () => {
    const api = await start(FOUR, { invalidTokenStatus: 403 });
    const e = await discoveryError(optionsFor(api, { token: 'Wr0ngTokenWr0ngTokenWr0ngTokenWr0ngToken' }));
    expect(e.code).toBe('cloudflare-auth');
  });

  it('403 names the missing permission', async () => {
    const api = await start(FOUR, { lacking: ['Cloudflare Tunnel Read'] });
    const tunnel = await discoveryError(optionsFor(api));
    expect(tunnel.code).toBe('cloudflare-permission');
    expect(tunnel.message).toContain('"Cloudflare Tunnel Read"');
    api.setLacking(['Zero Trust Read']);
    const zt = await discoveryError(optionsFor(api));
    expect(zt.code).toBe('cloudflare-permission');
    expect(zt.message).toContain('"Zero Trust Read"');
  });

  it('rejects a malformed account id without echoing it, and names an account the token cannot see', async () => {
    const api = await start(FOUR);
    const malformed = await discoveryError(optionsFor(api, { accountId: TOKEN }));
    expect(malformed.code).toBe('bad-input');
    expect(api.requests).toHaveLength(0);
    const other = await discoveryError(optionsFor(api, { accountId: 'f'.repeat(32) }));
    expect(other.code).toBe('cloudflare-permission');
    expect(other.message).toContain('f'.repeat(32));
  });

  it('429: waits for Retry-After, says so, and succeeds', async () => {
    const api = await start(FOUR, { faults: [{ endpoint: 'routes', status: 429, retryAfter: 3, times: 2 }] });
    const { sleep, slept } = recordingSleep();
    const progress: CloudflareProgress[] = [];
    const result = await discoverFromCloudflare(optionsFor(api, { sleep, onProgress: (p) => progress.push(p) }));
    expect(result.clusters).toHaveLength(4);
    expect(slept).toEqual([3000, 3000]);
    expect(progress.filter((p) => p.type === 'rate-limited')).toEqual([
      { type: 'rate-limited', step: 'routes', waitMs: 3000, attempt: 1 },
      { type: 'rate-limited', step: 'routes', waitMs: 3000, attempt: 2 },
    ]);
    expect(result.warnings).toContainEqual(expect.stringMatching(/rate-limited kubezt while listing tunnel routes/));
  });

  it('429 keeps coming: gives up after the bound with cloudflare-rate-limited', async () => {
    const api = await start(FOUR, { faults: [{ endpoint: 'tunnels', status: 429, retryAfter: 2 }] });
    const { sleep, slept } = recordingSleep();
    const e = await discoveryError(optionsFor(api, { sleep, rateLimitRetries: 3 }));
    expect(e.code).toBe('cloudflare-rate-limited');
    expect(e.message).toMatch(/wait 2 seconds/);
    expect(slept).toEqual([2000, 2000, 2000]);
    expect(api.requests.filter((r) => r.endpoint === 'tunnels')).toHaveLength(4);
  });

  it('429 with a Retry-After beyond the cap fails at once, saying when to retry', async () => {
    const api = await start(FOUR, { faults: [{ endpoint: 'routes', status: 429, retryAfter: 600 }] });
    const { sleep, slept } = recordingSleep();
    const e = await discoveryError(optionsFor(api, { sleep, maxRetryAfterMs: 30_000 }));
    expect(e.code).toBe('cloudflare-rate-limited');
    expect(e.message).toMatch(/wait 600 seconds/);
    expect(slept).toEqual([]);
  });

  it('429 with a real one-second Retry-After is waited out for real', async () => {
    const api = await start([{ name: 'a' }], {
      faults: [{ endpoint: 'routes', status: 429, retryAfter: 1, times: 1 }],
    });
    const result = await discoverFromCloudflare(optionsFor(api));
    expect(result.clusters.map((c) => c.name)).toEqual(['a']);
    const routes = api.requests.filter((r) => r.endpoint === 'routes');
    expect(routes.map((r) => r.status)).toEqual([429, ...Array(result.pages.routes).fill(200)]);
  });

  it('5xx: retried, then succeeds', async () => {
    const api = await start(FOUR, { faults: [{ endpoint: 'routes', status: 503, times: 2 }] });
    const { sleep, slept } = recordingSleep();
    const progress: CloudflareProgress[] = [];
    const result = await discoverFromCloudflare(
      optionsFor(api, { sleep, retries: 2, onProgress: (p) => progress.push(p) }),
    );
    expect(result.clusters).toHaveLength(4);
    expect(slept).toHaveLength(2);
    expect(progress.filter((p) => p.type === 'retry')).toEqual([
      expect.objectContaining({ step: 'routes', reason: 'server-error', status: 503, attempt: 1 }),
      expect.objectContaining({ step: 'routes', reason: 'server-error', status: 503, attempt: 2 }),
    ]);
  });

  it('5xx (an HTML edge page) keeps coming: cloudflare-unavailable after the bound', async () => {
    const api = await start(FOUR, { faults: [{ endpoint: 'gateway-rules', status: 502, html: true }] });
    const { sleep } = recordingSleep();
    const e = await discoveryError(optionsFor(api, { sleep, retries: 2 }));
    expect(e.code).toBe('cloudflare-unavailable');
    expect(e.message).toMatch(/HTTP 502 while reading Gateway policies \(tried 3 times\)/);
    expect(e.message).not.toMatch(/<html>/);
    expect(api.requests.filter((r) => r.endpoint === 'gateway-rules')).toHaveLength(3);
  });

  it('a failure on a later page retries that page, not the whole list', async () => {
    const api = await start(FOUR, { seedOpts: { fillerRoutes: 30 } });
    // Let page 1 through, then fail the next routes request once.
    api.setFaults([{ endpoint: 'routes', status: 500, times: 0 }]);
    const { sleep } = recordingSleep();
    const firstPage = api.waitForRequest((r) => r.endpoint === 'routes');
    const running = discoverFromCloudflare(optionsFor(api, { sleep, pageSize: 10 }));
    await firstPage;
    api.setFaults([{ endpoint: 'routes', status: 500, times: 1 }]);
    const result = await running;
    expect(result.clusters).toHaveLength(4);
    const pages = api.requests.filter((r) => r.endpoint === 'routes').map((r) => `${r.query.page ?? '1'}:${r.status}`);
    expect(pages.filter((p) => p.startsWith('1:'))).toEqual(['1:200']);
    expect(pages).toContain('2:500');
    expect(pages).toContain('2:200');
  });

  it('a slow API hits the timeout: retried with a bound, then cloudflare-unavailable', async () => {
    const api = await start(FOUR, { faults: [{ endpoint: 'routes', delayMs: 30_000 }] });
    const { sleep } = recordingSleep();
    const progress: CloudflareProgress[] = [];
    const e = await discoveryError(
      optionsFor(api, { sleep, timeoutMs: 150, retries: 1, onProgress: (p) => progress.push(p) }),
    );
    expect(e.code).toBe('cloudflare-unavailable');
    expect(e.message).toMatch(/did not answer in time while listing tunnel routes \(tried 2 times\)/);
    expect(progress).toContainEqual(expect.objectContaining({ type: 'retry', step: 'routes', reason: 'timeout' }));
    expect(api.requests.filter((r) => r.endpoint === 'routes')).toHaveLength(2);
  });

  it('one failure stops the other requests: a sibling waiting out a 429 is woken and gives up', async () => {
    // Gateway policies answer 403 only once the routes request is backing off from its 429.
    let routesBackingOff: () => void = () => {};
    const backingOff = new Promise<void>((resolve) => {
      routesBackingOff = resolve;
    });
    const api = await start(FOUR, {
      lacking: ['Zero Trust Read'],
      faults: [
        { endpoint: 'routes', status: 429, retryAfter: 20 },
        {
          endpoint: ['gateway-rules', 'gateway-lists', 'split-tunnel-exclude', 'split-tunnel-include'],
          waitFor: backingOff,
        },
      ],
    });
    const signals: AbortSignal[] = [];
    const sleep = (_ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve) => {
        if (!signal) throw new Error('backoff without a signal cannot be cancelled');
        signals.push(signal);
        routesBackingOff();
        // Only wakes on abort, as the real sleep does long before 20 s.
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    const e = await discoveryError(optionsFor(api, { sleep }));
    expect(e.code).toBe('cloudflare-permission');
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
    expect(api.requests.filter((r) => r.endpoint === 'routes')).toHaveLength(1);
  });

  it('an API that is not there: cloudflare-unavailable', async () => {
    const api = await start(FOUR);
    const baseURL = api.baseUrl;
    await api.close();
    const { sleep } = recordingSleep();
    const e = await discoveryError({ token: TOKEN, accountId: api.accountId, baseURL, sleep, retries: 1 });
    expect(e.code).toBe('cloudflare-unavailable');
    expect(e.message).toMatch(/could not be reached/);
  });

  it('rejects an empty token or one with control characters before sending it anywhere', async () => {
    const api = await start(FOUR);
    const empty = await discoveryError(optionsFor(api, { token: '' }));
    expect(empty.code).toBe('not-logged-in');
    const pasted = `${TOKEN}\n`;
    try {
      await discoverFromCloudflare(optionsFor(api, { token: pasted }));
      expect.unreachable();
    } catch (e) {
      expect((e as UserError).code).toBe('bad-input');
      expectNoToken(e);
    }
    expect(api.requests).toHaveLength(0);
  });
});

describe('login helpers', () => {
  it('verifyToken accepts the valid token and refuses others', async () => {
    const api = await start([{ name: 'a' }]);
    await expect(verifyToken({ token: api.token, baseURL: api.baseUrl })).resolves.toMatchObject({ status: 'active' });
    const e = await verifyToken({ token: 'Wr0ngTokenWr0ngTokenWr0ngTokenWr0ngToken', baseURL: api.baseUrl }).catch(
      (x: unknown) => x,
    );
    expect(e).toMatchObject({ code: 'cloudflare-auth' });
    expectNoToken(e);
  });

  it('verifyToken refuses an expired token', async () => {
    const seed = seedFromClusters([{ name: 'a' }]);
    seed.tokenStatus = { id: 'x', status: 'expired' };
    const api = await startCloudflareApi({ seed, token: TOKEN });
    running.push(api);
    await expect(verifyToken({ token: api.token, baseURL: api.baseUrl })).rejects.toMatchObject({
      code: 'cloudflare-auth',
      message: expect.stringMatching(/expired/),
    });
  });

  it('listAccounts lists every account the token sees, across pages', async () => {
    const api = await start([{ name: 'a' }], { seedOpts: { accountName: 'Acme' } });
    const accounts = await listAccounts({ token: api.token, baseURL: api.baseUrl, pageSize: 1 });
    expect(accounts).toEqual([
      { id: api.accountId, name: 'Acme' },
      { id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'Acme (sandbox)' },
    ]);
    expect(api.requests.filter((r) => r.endpoint === 'accounts')).toHaveLength(3);
  });
});
