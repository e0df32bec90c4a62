import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../main/core/discovery/cloudflare/api.ts';
import { RequestBudget } from '../../../main/core/discovery/cloudflare/budget.ts';
import { tokenVerifier } from '../../../main/core/discovery/cloudflare/discover.ts';
import type { DiscoverOptions } from '../../../main/core/discovery/cloudflare/index.ts';
import { discoverFromCloudflare } from '../../../main/core/discovery/cloudflare/index.ts';
import { isUserError, type UserError } from '../../../main/core/errors.ts';
import type { FakeCloudflareApi, SeedCluster, StartCloudflareApiOptions } from '../../../sim/cloudflare/index.ts';
import { seedFromClusters, startCloudflareApi } from '../../../sim/cloudflare/index.ts';

const TOKEN = 'Zk3vQ9xLr2T8mWcN5bHy7PdJ4sAeF6gUoV1iK0qE';
const corpus = resolve(__dirname, '../../../../shared/corpus/cloudflare-api');

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
  return { token: api.token, accountId: api.accountId, baseURL: api.baseUrl, sleep: async () => {}, ...extra };
}

async function failure(opts: DiscoverOptions): Promise<UserError> {
  try {
    await discoverFromCloudflare(opts);
  } catch (e) {
    if (!isUserError(e)) throw e;
    expect(`${e.message}\n${e.stack}`).not.toContain(TOKEN);
    return e;
  }
  throw new Error('discovery was expected to fail');
}

// Two networks that share 10.30.0.10: the same API address, two different clusters.
const OVERLAP: SeedCluster[] = [
  { name: 'prod-api', ipv4: '10.30.0.10', tunnelName: 'k8s-prod-api' },
  { name: 'prod-api', ipv4: '10.30.0.10', tunnelName: 'k8s-prod-api', virtualNetwork: 'staging-vnet' },
  { name: 'billing', ipv4: '10.30.0.11', tunnelName: 'k8s-billing', tunnelHealth: 'down' },
];

describe('Cloudflare One organisations: virtual networks and connector health', () => {
  it('lists one cluster per network for a shared IP, with network and tunnel health', async () => {
    const api = await start(OVERLAP);
    const result = await discoverFromCloudflare(optionsFor(api));
    const names = result.clusters.map((c) => [c.name, c.ips[0], c.virtualNetwork?.name, c.virtualNetwork?.isDefault]);
    expect(names).toEqual([
      ['billing', '10.30.0.11', 'default', true],
      ['prod-api', '10.30.0.10', 'default', true],
      ['prod-api-staging-vnet', '10.30.0.10', 'staging-vnet', false],
    ]);
    expect(result.virtualNetworks?.map((v) => v.name)).toEqual(['default', 'lab', 'staging-vnet']);
    const prod = result.clusters.find((c) => c.name === 'prod-api');
    expect(prod?.tunnel).toMatchObject({
      status: 'healthy',
      connections: 4,
      colos: ['ams01', 'cdg02', 'fra06', 'lhr01'],
    });
    expect(prod?.tunnel?.since).toMatch(/^2025-01-15T09:00:00/);
    const billing = result.clusters.find((c) => c.name === 'billing');
    expect(billing?.tunnel).toMatchObject({
      status: 'down',
      connections: 0,
      colos: [],
      since: '2025-01-15T09:30:00.000Z',
    });
    // The connections endpoint was asked once per tunnel that carries a cluster, never for others.
    const asked = api.requests.filter((r) => r.endpoint === 'tunnel-connections').map((r) => r.path);
    expect(asked).toHaveLength(2);
  });

  it('a tunnel set down between refreshes shows down with no connection', async () => {
    const api = await start(OVERLAP);
    api.setTunnelStatus('k8s-prod-api', 'down');
    const result = await discoverFromCloudflare(optionsFor(api));
    const prod = result.clusters.find((c) => c.name === 'prod-api');
    expect(prod?.tunnel).toMatchObject({ status: 'down', connections: 0, colos: [] });
    expect(prod?.tunnel?.since).toBeDefined();
  });

  it('reads the Gateway TLS settings: 6443 inspected only because inspect-all-ports is on', async () => {
    const api = await start([{ name: 'open', ipv4: '10.30.0.12', doNotInspect: false }]);
    const result = await discoverFromCloudflare(optionsFor(api));
    expect(result.gatewayInspection).toMatchObject({ tlsDecrypt: true, inspectAllPorts: true, portInspected: true });
    expect(result.gatewayInspection?.lacking).toEqual(['10.30.0.12']);
    expect(result.warnings).toContainEqual(
      expect.stringMatching(/10\.30\.0\.12.*port 6443 only because "inspect on all ports"/),
    );

    const calm = await start([{ name: 'open', ipv4: '10.30.0.12', doNotInspect: false }], {
      seedOpts: { inspectAllPorts: false },
    });
    const quiet = await discoverFromCloudflare(optionsFor(calm));
    expect(quiet.gatewayInspection?.portInspected).toBe(false);
    expect(quiet.warnings.filter((w) => /Do Not Inspect/.test(w))).toEqual([
      expect.stringMatching(/harmless while Gateway inspects only port 443/),
    ]);
  });
});

describe('Cloudflare API errors as organisations meet them', () => {
  const body400 = readFileSync(resolve(corpus, 'wangxinyi443-front-400-unable-to-authenticate.json'), 'utf8');

  it('400 with code 10001 (recorded body) is an auth failure naming the stored token fix', async () => {
    const api = await start(OVERLAP, { faults: [{ status: 400, body: body400 }] });
    const e = await failure(optionsFor(api));
    expect(e.code).toBe('cloudflare-auth');
    expect(e.message).toMatch(/Unable to authenticate request/);
    expect(e.message).toMatch(/run kubezt login/);
  });

  it('400/10001 with the token from CLOUDFLARE_API_TOKEN names that variable', async () => {
    const api = await start(OVERLAP, { faults: [{ status: 400, body: body400 }] });
    const e = await failure(optionsFor(api, { tokenSource: 'env' }));
    expect(e.code).toBe('cloudflare-auth');
    expect(e.message).toMatch(/CLOUDFLARE_API_TOKEN/);
    expect(e.message).not.toMatch(/run kubezt login/);
  });

  it('verifies the token at most once however many requests fail with 403', async () => {
    // Every list request is held until all have arrived, so their 403s come back together.
    let release: (v?: unknown) => void = () => {};
    const gate = new Promise((r) => {
      release = r;
    });
    const endpoints = ['tunnels', 'routes', 'virtual-networks', 'gateway-lists', 'gateway-rules'] as const;
    const api = await start(OVERLAP, {
      lacking: ['Cloudflare Tunnel Read', 'Zero Trust Read'],
      faults: [{ endpoint: [...endpoints], waitFor: gate }],
    });
    void Promise.all(endpoints.map((e) => api.waitForRequest((r) => r.endpoint === e))).then(release);
    const e = await failure(optionsFor(api));
    expect(e.code).toBe('cloudflare-permission');
    expect(api.requests.filter((r) => r.endpoint === 'tokens-verify')).toHaveLength(1);
  });

  it('one discovery’s verifier asks Cloudflare once, for any number of concurrent failures', async () => {
    const api = await start(OVERLAP);
    const verify = tokenVerifier(createClient({ token: api.token, baseURL: api.baseUrl }));
    const verdicts = await Promise.all(Array.from({ length: 7 }, () => verify()));
    expect(verdicts).toEqual(Array(7).fill('valid'));
    expect(await verify()).toBe('valid');
    expect(api.requests.filter((r) => r.endpoint === 'tokens-verify')).toHaveLength(1);
  });

  it('429 without Retry-After: a short bounded backoff, said once at once, then a clear failure', async () => {
    const api = await start(OVERLAP, { faults: [{ endpoint: 'routes', status: 429 }] });
    const slept: number[] = [];
    const notices: string[] = [];
    const e = await failure(
      optionsFor(api, {
        sleep: async (ms) => {
          slept.push(ms);
        },
        notice: (s) => notices.push(s),
      }),
    );
    expect(e.code).toBe('cloudflare-rate-limited');
    expect(e.message).toMatch(/without saying for how long/);
    expect(slept).toEqual([1000, 2000]);
    expect(notices).toEqual([expect.stringMatching(/rate-limiting this API token: waiting 1 second/)]);
  });

  it('429 without Retry-After that clears: waits once and succeeds', async () => {
    const body429 = readFileSync(resolve(corpus, 'cfgo-v0-error-429-string-errors.json'), 'utf8');
    const api = await start(OVERLAP, { faults: [{ endpoint: 'tunnels', status: 429, body: body429, times: 1 }] });
    const slept: number[] = [];
    const result = await discoverFromCloudflare(
      optionsFor(api, {
        sleep: async (ms) => {
          slept.push(ms);
        },
      }),
    );
    expect(slept).toEqual([1000]);
    expect(result.clusters).toHaveLength(3);
  });

  it('a shared request budget makes later requests wait instead of overrunning the limit', async () => {
    const api = await start(OVERLAP);
    let now = 0;
    const budget = new RequestBudget({ capacity: 5, windowMs: 5000, now: () => now });
    const slept: number[] = [];
    const result = await discoverFromCloudflare(
      optionsFor(api, {
        budget,
        sleep: async (ms) => {
          slept.push(ms);
          now += ms;
        },
      }),
    );
    expect(result.clusters).toHaveLength(3);
    const sent = api.requests.length;
    expect(sent).toBeGreaterThan(5);
    // Every request beyond the 5 free ones waited its turn (1 s per token).
    expect(slept.length).toBe(sent - 5);
    expect(Math.max(...slept)).toBeLessThanOrEqual(30_000);
  });
});
