import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDiscoveryCache, writeDiscoveryCache } from '../../../main/core/discovery/cache.ts';
import { RequestBudget } from '../../../main/core/discovery/cloudflare/budget.ts';
import type { DiscoverOptions } from '../../../main/core/discovery/cloudflare/index.ts';
import { discoverFromCloudflare } from '../../../main/core/discovery/cloudflare/index.ts';
import { isUserError } from '../../../main/core/errors.ts';
import type { FakeCloudflareApi, StartCloudflareApiOptions } from '../../../sim/cloudflare/index.ts';
import { seedFromClusters, startCloudflareApi } from '../../../sim/cloudflare/index.ts';

/**
 * The account's Zero Trust organization (`GET /accounts/{id}/access/organizations`), read by
 * discovery with the real SDK against the fake API. The fake's answer follows the API reference
 * (the SDK's OrganizationListResponse): no recording of this endpoint is in the corpus.
 */

const TOKEN = 'Yq7vQ9xLr2T8mWcN5bHy7PdJ4sAeF6gUoV1iK0qZ';
const running: FakeCloudflareApi[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((api) => api.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function start(team: string, opts: Partial<StartCloudflareApiOptions> = {}): Promise<FakeCloudflareApi> {
  const seed = seedFromClusters([{ name: 'prod', ipv4: '10.40.0.10' }], { accountName: 'Acme', team, fillerRoutes: 0 });
  const api = await startCloudflareApi({ seed, token: TOKEN, ...opts });
  running.push(api);
  return api;
}

function optionsFor(api: FakeCloudflareApi, extra: Partial<DiscoverOptions> = {}): DiscoverOptions {
  return { token: api.token, accountId: api.accountId, baseURL: api.baseUrl, sleep: async () => {}, ...extra };
}

describe('the fake API: GET /accounts/{id}/access/organizations', () => {
  it('one object in the v4 envelope; a token without the permission gets the 403 envelope', async () => {
    const api = await start('acme');
    const url = `${api.baseUrl}/accounts/${api.accountId}/access/organizations`;
    const headers = { authorization: `Bearer ${TOKEN}` };
    const ok = await fetch(url, { headers });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { success: boolean; result: { auth_domain: string; name: string } };
    expect(body.success).toBe(true);
    expect(body.result).toMatchObject({ auth_domain: 'acme.cloudflareaccess.com', name: 'Acme Internal Applications' });

    api.setLacking(['Access: Organizations, Identity Providers, and Groups Read']);
    const refused = await fetch(url, { headers });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      success: false,
      errors: [{ code: 10000, message: 'Authentication error' }],
    });
  });
});

describe("discovery reads the account's Zero Trust organization", () => {
  it('keeps the team name of auth_domain, with one request counted against the budget', async () => {
    const api = await start('Acme-Team');
    const budget = new RequestBudget({ capacity: 1000, now: () => 0 });
    const result = await discoverFromCloudflare(optionsFor(api, { budget }));
    expect(result.organization).toEqual({ team: 'acme-team', authDomain: 'Acme-Team.cloudflareaccess.com' });
    const asked = api.requests.filter((r) => r.endpoint === 'access-organization');
    expect(asked.map((r) => r.path)).toEqual([`/accounts/${api.accountId}/access/organizations`]);
    // Every request the fake saw took a token from the budget, this one included.
    expect(budget.capacity - budget.available()).toBe(api.requests.length);
  });

  it('a token without the Access read permission: discovery succeeds, the team is unknown', async () => {
    const api = await start('acme', { lacking: ['Access: Organizations, Identity Providers, and Groups Read'] });
    const result = await discoverFromCloudflare(optionsFor(api));
    expect(result.clusters.map((c) => c.name)).toEqual(['prod']);
    expect(result.organization).toEqual({ team: null, unknownBecause: 'permission' });
    expect(api.requests.find((r) => r.endpoint === 'access-organization')?.status).toBe(403);
    expect(result.warnings.join('\n')).not.toMatch(/organization/i);
  });

  it('a revoked token (403 code 10000 everywhere) is still an auth failure, never an unknown team', async () => {
    const api = await start('acme', { invalidTokenStatus: 403 });
    const e = await discoverFromCloudflare(optionsFor(api, { token: 'revoked-token-0000000000000000000000' })).catch(
      (x: unknown) => x,
    );
    expect(isUserError(e) && e.code).toBe('cloudflare-auth');
  });

  it('the team survives the discovery cache, so a cached run can still compare', async () => {
    const api = await start('acme');
    const result = await discoverFromCloudflare(optionsFor(api));
    const dir = await mkdtemp(join(tmpdir(), 'kubezt-org-cache-'));
    dirs.push(dir);
    await writeDiscoveryCache(dir, result, new Date('2026-01-01T00:00:00Z'));
    const read = await readDiscoveryCache(dir, new Date('2026-01-01T00:01:00Z'));
    expect(read.cache?.organization).toEqual({ team: 'acme', authDomain: 'acme.cloudflareaccess.com' });
  });
});
