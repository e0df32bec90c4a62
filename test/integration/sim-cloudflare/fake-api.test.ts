import Cloudflare, { AuthenticationError, PermissionDeniedError, RateLimitError } from 'cloudflare';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeCloudflareApi } from '../../../sim/cloudflare/index.ts';
import { seedFromClusters, startCloudflareApi } from '../../../sim/cloudflare/index.ts';

const running: FakeCloudflareApi[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((api) => api.close()));
});

async function start(opts: Partial<Parameters<typeof startCloudflareApi>[0]> = {}): Promise<FakeCloudflareApi> {
  const api = await startCloudflareApi({
    seed: seedFromClusters([{ name: 'prod-us' }, { name: 'prod-eu' }, { name: 'staging' }]),
    ...opts,
  });
  running.push(api);
  return api;
}

function sdk(api: FakeCloudflareApi, token = api.token): Cloudflare {
  return new Cloudflare({ apiToken: token, apiKey: null, apiEmail: null, baseURL: api.baseUrl, maxRetries: 0 });
}

async function get(
  api: FakeCloudflareApi,
  path: string,
  token = api.token,
  // biome-ignore lint/suspicious/noExplicitAny: raw JSON straight off the wire; the assertions check its shape.
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${api.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // HTML error pages stay text
  }
  return { status: res.status, body, headers: res.headers };
}

describe('fake Cloudflare API', () => {
  it('listens on loopback and gives the SDK base URL', async () => {
    const api = await start();
    expect(api.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/client\/v4$/);
    expect(api.accountId).toMatch(/^[0-9a-f]{32}$/);
    await expect(startCloudflareApi({ seed: seedFromClusters([]), host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });

  it('answers in the v4 envelope and pages until an empty page, as the SDK auto-pagination needs', async () => {
    const api = await start();
    const first = await get(api, `/accounts/${api.accountId}/teamnet/routes?per_page=10`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ success: true, errors: [], messages: [] });
    expect(first.body.result).toHaveLength(10);
    expect(first.body.result_info).toMatchObject({ page: 1, per_page: 10, count: 10 });
    const past = await get(api, `/accounts/${api.accountId}/teamnet/routes?per_page=10&page=99`);
    expect(past.body.result).toEqual([]);

    const seen: string[] = [];
    for await (const route of sdk(api).zeroTrust.networks.routes.list({ account_id: api.accountId })) {
      seen.push(route.network ?? '');
    }
    const pages = api.requests.filter((r) => r.endpoint === 'routes' && !('per_page' in r.query));
    // Default page size 20: the seed's routes span several pages, then one empty page ends the loop.
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(seen.length).toBe(first.body.result_info.total_count);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('returns deleted routes and tunnels unless is_deleted=false is asked for', async () => {
    const api = await start();
    const all = await sdk(api).zeroTrust.networks.routes.list({ account_id: api.accountId, per_page: 1000 });
    const live = await sdk(api).zeroTrust.networks.routes.list({
      account_id: api.accountId,
      per_page: 1000,
      is_deleted: false,
    });
    const deleted = all.result.filter((r) => r.deleted_at);
    expect(deleted.map((r) => r.network)).toEqual(
      expect.arrayContaining(['198.51.100.250/32', '2001:db8::250/128', '198.51.100.249/32']),
    );
    expect(live.result.some((r) => r.deleted_at)).toBe(false);
    expect(live.result.length).toBe(all.result.length - deleted.length);
    const tunnels = await sdk(api).zeroTrust.tunnels.cloudflared.list({ account_id: api.accountId, is_deleted: false });
    expect(tunnels.result.map((t) => t.name)).not.toContain('k8s-retired');
    expect(api.requests.find((r) => r.endpoint === 'routes' && r.query.is_deleted === 'false')).toBeTruthy();
  });

  it('serves every endpoint kubezt reads through the real SDK', async () => {
    const api = await start();
    const cf = sdk(api);
    const account_id = api.accountId;
    expect((await cf.user.tokens.verify()).status).toBe('active');
    const accounts = await cf.accounts.list();
    expect(accounts.result.map((a) => a.id)).toContain(account_id);
    const tunnels = (await cf.zeroTrust.tunnels.cloudflared.list({ account_id, is_deleted: false })).result;
    expect(tunnels.find((t) => t.name === 'k8s-prod-us')).toMatchObject({ status: 'healthy' });
    expect(tunnels.find((t) => t.name === 'k8s-prod-us')?.connections?.length).toBeGreaterThan(0);
    const vnets = (await cf.zeroTrust.networks.virtualNetworks.list({ account_id })).result;
    expect(vnets.some((v) => v.is_default_network)).toBe(true);
    const lists = (await cf.zeroTrust.gateway.lists.list({ account_id })).result;
    const k8s = lists.find((l) => /kubernetes api/i.test(l.name ?? ''));
    expect(k8s).toMatchObject({ type: 'IP' });
    const items = (await cf.zeroTrust.gateway.lists.items.list(k8s?.id ?? '', { account_id })).result;
    expect(items.length).toBe(k8s?.count);
    const rules = (await cf.zeroTrust.gateway.rules.list({ account_id })).result;
    expect(rules.some((r) => r.action === 'off' && r.enabled && r.traffic.includes(`$${k8s?.id}`))).toBe(true);
    const exclude = (await cf.zeroTrust.devices.policies.default.excludes.get({ account_id })).result;
    expect(exclude).toContainEqual({ address: '10.0.0.0/8', description: 'RFC 1918' });
    const include = (await cf.zeroTrust.devices.policies.default.includes.get({ account_id })).result;
    expect(include).toEqual([]);
  });

  it('can serve Gateway list items in the nested [[...]] shape, still ending on an empty page', async () => {
    const api = await start({
      seed: seedFromClusters([{ name: 'a' }, { name: 'b' }, { name: 'c' }], { gatewayItemsShape: 'nested' }),
    });
    const lists = (await sdk(api).zeroTrust.gateway.lists.list({ account_id: api.accountId })).result;
    const k8s = lists.find((l) => l.name === 'Kubernetes API servers');
    const page = await get(api, `/accounts/${api.accountId}/gateway/lists/${k8s?.id}/items`);
    expect(Array.isArray(page.body.result[0])).toBe(true);
    expect(page.body.result[0].map((i: { value: string }) => i.value)).toContain('198.51.100.101');
    const empty = await get(api, `/accounts/${api.accountId}/gateway/lists/${k8s?.id}/items?page=2`);
    expect(empty.body.result).toEqual([]);
  });

  it('refuses a wrong token with 401 code 10000, and 1000 on tokens/verify', async () => {
    const api = await start();
    const wrong = await get(api, `/accounts/${api.accountId}/cfd_tunnel`, 'not-the-token');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      success: false,
      errors: [{ code: 10000, message: 'Authentication error' }],
      messages: [],
      result: null,
    });
    await expect(sdk(api, 'not-the-token').user.tokens.verify()).rejects.toBeInstanceOf(AuthenticationError);
    const verify = await get(api, '/user/tokens/verify', 'nope');
    expect(verify.body.errors).toEqual([{ code: 1000, message: 'Invalid API Token' }]);
    const missing = await fetch(`${api.baseUrl}/accounts/${api.accountId}/cfd_tunnel`);
    expect(missing.status).toBe(400);
  });

  it('answers 403 on the endpoints of a permission the token lacks, and nowhere else', async () => {
    const api = await start({ lacking: ['Zero Trust Read'] });
    const cf = sdk(api);
    await expect(cf.zeroTrust.gateway.rules.list({ account_id: api.accountId })).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
    await expect(
      cf.zeroTrust.devices.policies.default.excludes.get({ account_id: api.accountId }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
    const routes = await cf.zeroTrust.networks.routes.list({ account_id: api.accountId });
    expect(routes.result.length).toBeGreaterThan(0);
    api.setLacking(['Cloudflare Tunnel Read']);
    const denied = await get(api, `/accounts/${api.accountId}/teamnet/routes`);
    expect(denied.status).toBe(403);
    expect(denied.body.errors[0].code).toBe(10000);
    const otherAccount = await get(api, `/accounts/${'0'.repeat(32)}/teamnet/routes`);
    expect(otherAccount.status).toBe(403);
    expect(otherAccount.body.errors[0].code).toBe(9109);
  });

  it('injects 429 with Retry-After for the next N requests of one endpoint only', async () => {
    const api = await start({ faults: [{ endpoint: 'routes', status: 429, retryAfter: 7, times: 2 }] });
    const cf = sdk(api);
    const tunnels = await cf.zeroTrust.tunnels.cloudflared.list({ account_id: api.accountId });
    expect(tunnels.result.length).toBeGreaterThan(0);
    const first = await get(api, `/accounts/${api.accountId}/teamnet/routes`);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    await expect(cf.zeroTrust.networks.routes.list({ account_id: api.accountId })).rejects.toBeInstanceOf(
      RateLimitError,
    );
    const third = await get(api, `/accounts/${api.accountId}/teamnet/routes`);
    expect(third.status).toBe(200);
  });

  it('injects edge 5xx as HTML, and slow responses that a client can abandon', async () => {
    const api = await start({ faults: [{ status: 502, html: true, times: 1 }] });
    const bad = await get(api, '/user/tokens/verify');
    expect(bad.status).toBe(502);
    expect(String(bad.body)).toMatch(/<html>/);
    api.setFaults([{ endpoint: 'tunnels', delayMs: 60_000 }]);
    const controller = new AbortController();
    const slow = fetch(`${api.baseUrl}/accounts/${api.accountId}/cfd_tunnel`, {
      headers: { authorization: `Bearer ${api.token}` },
      signal: controller.signal,
    });
    // Once the fake holds the request, give up on it like a client timeout would.
    await api.waitForRequest((r) => r.endpoint === 'tunnels');
    controller.abort();
    await expect(slow).rejects.toThrow();
    // close() must not wait for the held response.
    await api.close();
  });

  it('never records the token in its request log', async () => {
    const api = await start();
    await sdk(api).zeroTrust.networks.routes.list({ account_id: api.accountId });
    await get(api, '/user/tokens/verify', 'some-wrong-token');
    expect(api.requests.length).toBeGreaterThan(0);
    expect(JSON.stringify(api.requests)).not.toContain(api.token);
    expect(api.requests[0]).toMatchObject({ method: 'GET', endpoint: 'routes', status: 200 });
  });
});
