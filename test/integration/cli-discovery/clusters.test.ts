import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DISCOVERY_CACHE_FILE } from '../../../main/core/discovery/cache.ts';
import type { CloudflareProgress } from '../../../main/core/discovery/cloudflare/index.ts';
import { loadInventory } from '../../../main/core/inventory/index.ts';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { findSecretIn } from '../../../main/core/secrets/index.ts';
import { openWorkspace } from '../../../main/core/workspace/index.ts';
import { seedFromClusters } from '../../../sim/cloudflare/index.ts';
import { runCli } from '../../helpers/cli.ts';
import { afterBaseUrlWarning, CATALOG_USER_TOKEN, parseJson, startWorld, type World } from './world.ts';

/**
 * `kubezt clusters` in-process (real files, the real SDK against the fake Cloudflare API on
 * loopback). No D-Bus address is passed to these runs: the keychain stays out of it, except
 * where a test is about it being unavailable.
 */
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function setup(opts: Parameters<typeof startWorld>[0] = {}): Promise<World> {
  world = await startWorld(opts);
  return world;
}

const cachePath = (w: World) => join(w.configDir, DISCOVERY_CACHE_FILE);

async function ageCache(w: World, ms: number): Promise<void> {
  const cache = JSON.parse(await readFile(cachePath(w), 'utf8'));
  cache.fetchedAt = new Date(Date.now() - ms).toISOString();
  await writeFile(cachePath(w), JSON.stringify(cache));
}

describe('kubezt clusters --json', () => {
  it('merges Cloudflare and the catalog into the documented shape, and caches the Cloudflare list', async () => {
    const w = await setup();
    const r = await runCli(['clusters', '--json'], { env: w.env() });
    expect(r.code, r.stderr).toBe(0);
    const json = parseJson(r.stdout);
    expect(Object.keys(json)).toEqual(['version', 'clusters', 'cloudflare', 'catalog', 'gatewayAudit', 'warnings']);
    expect(json.version).toBe(1);
    expect(json.clusters.map((c) => c.name)).toEqual(['prod-us', 'legacy', 'payments-eu', 'staging']);
    const [prod, legacy, payments, staging] = json.clusters;
    expect(prod).toMatchObject({
      name: 'prod-us',
      sources: ['catalog', 'cloudflare'],
      server: 'https://198.51.100.101:6443',
      ips: ['198.51.100.101', '2001:db8::101'],
      port: 6443,
      tunnel: { name: 'k8s-prod-us', health: 'healthy' },
      doNotInspect: true,
      tlsServerName: 'kubernetes.default.svc',
      namespace: 'default',
      hasCertificateAuthority: false,
      user: { kind: 'token' },
    });
    expect(prod?.tunnel?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(legacy).toEqual({
      name: 'legacy',
      sources: ['catalog'],
      server: 'https://203.0.113.7:443',
      ips: ['203.0.113.7'],
      port: 443,
      namespace: 'default',
      hasCertificateAuthority: false,
      user: { kind: 'existing' },
    });
    expect(payments).toMatchObject({
      sources: ['cloudflare'],
      tunnel: { name: 'tunnel-Payments_EU', health: 'degraded' },
      doNotInspect: true,
    });
    expect(staging).toMatchObject({ sources: ['cloudflare'], doNotInspect: false });
    expect(json.cloudflare).toMatchObject({ status: 'fresh', accountId: w.api.accountId, ageSeconds: 0 });
    expect(Date.parse(json.cloudflare.fetchedAt ?? '')).not.toBeNaN();
    expect(json.catalog).toEqual({ status: 'loaded', path: w.catalogPath, clusters: 2 });
    expect(json.gatewayAudit.filter((a) => a.cluster === 'staging')).toEqual([
      { ip: '198.51.100.102', cluster: 'staging', doNotInspect: false, coveredBy: [], uncertain: [] },
      { ip: '2001:db8::102', cluster: 'staging', doNotInspect: false, coveredBy: [], uncertain: [] },
    ]);
    expect(json.warnings.some((x) => x.includes('198.51.100.102') && x.includes('Do Not Inspect'))).toBe(true);
    // The catalog user's credential is not kubezt's to print.
    expect(r.stdout).not.toContain(CATALOG_USER_TOKEN);
    expect(r.stdout).not.toContain('my-oidc-user');
    expect(existsSync(cachePath(w))).toBe(true);
  });

  it('prints a table with sources, IPs, tunnel health and the Gateway audit, warnings on stderr', async () => {
    const w = await setup();
    const r = await runCli(['clusters'], { env: w.env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^prod-us\s+catalog\+cloudflare\s+198\.51\.100\.101, 2001:db8::101\s+6443\s+k8s-prod-us\s+healthy\s+yes$/m,
    );
    expect(r.stdout).toMatch(/^legacy\s+catalog\s+203\.0\.113\.7\s+443\s+-\s+-\s+unknown$/m);
    expect(r.stdout).toMatch(/^payments-eu\s+cloudflare\s+.*tunnel-Payments_EU\s+degraded\s+yes$/m);
    expect(r.stdout).toMatch(/^staging\s+cloudflare\s+.*k8s-staging\s+healthy\s+no \(inspected\)$/m);
    expect(r.stdout).toContain('fetched just now');
    expect(r.stderr).toMatch(
      /^kubezt: warning: No enabled Gateway "Do Not Inspect" HTTP policy covers 198\.51\.100\.102/m,
    );
  });
});

describe('the discovery cache', () => {
  it('serves the next run from the cache (no API call), marked with its age, also offline', async () => {
    const w = await setup();
    expect((await runCli(['clusters', '--json'], { env: w.env() })).code).toBe(0);
    const calls = w.api.requests.length;

    const cached = await runCli(['clusters', '--json'], { env: w.env() });
    expect(cached.code, cached.stderr).toBe(0);
    expect(w.api.requests.length).toBe(calls);
    expect(parseJson(cached.stdout).cloudflare).toMatchObject({ status: 'cached', accountId: w.api.accountId });

    await w.offline();
    const human = await runCli(['clusters'], { env: w.env() });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/from cache, \d+ s old/);
    expect(human.stdout).toMatch(/^staging\s+cloudflare\s/m);
    const json = parseJson((await runCli(['clusters', '--json'], { env: w.env() })).stdout);
    expect(json.cloudflare.status).toBe('cached');
    expect(json.clusters.map((c) => c.name)).toEqual(['prod-us', 'legacy', 'payments-eu', 'staging']);
  });

  it('--refresh fetches now and rewrites the cache', async () => {
    const w = await setup();
    expect((await runCli(['clusters'], { env: w.env() })).code).toBe(0);
    // The account changes: staging's tunnel routes are gone.
    w.api.setSeed(seedFromClusters([{ name: 'prod-us' }, { name: 'Payments_EU', tunnelName: 'tunnel-Payments_EU' }]));

    const cached = parseJson((await runCli(['clusters', '--json'], { env: w.env() })).stdout);
    expect(cached.cloudflare.status).toBe('cached');
    expect(cached.clusters.map((c) => c.name)).toContain('staging');

    const calls = w.api.requests.length;
    const refreshed = await runCli(['clusters', '--json', '--refresh'], { env: w.env() });
    expect(refreshed.code, refreshed.stderr).toBe(0);
    expect(w.api.requests.length).toBeGreaterThan(calls);
    const json = parseJson(refreshed.stdout);
    expect(json.cloudflare.status).toBe('fresh');
    expect(json.clusters.map((c) => c.name)).toEqual(['prod-us', 'legacy', 'payments-eu']);

    const after = parseJson((await runCli(['clusters', '--json'], { env: w.env() })).stdout);
    expect(after.cloudflare.status).toBe('cached');
    expect(after.clusters.map((c) => c.name)).not.toContain('staging');
  });

  it('--refresh while Cloudflare is unreachable falls back to the cache, marked stale with a warning', async () => {
    const w = await setup();
    expect((await runCli(['clusters'], { env: w.env() })).code).toBe(0);
    await w.offline();

    const human = await runCli(['clusters', '--refresh'], { env: w.env() });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^prod-us\s+catalog\+cloudflare \(stale\)\s/m);
    expect(human.stdout).toMatch(/^legacy\s+catalog\s/m);
    expect(human.stdout).toMatch(/STALE: last known list, \d+ s old/);
    expect(human.stderr).toMatch(
      /kubezt: warning: Cloudflare discovery failed, so the Cloudflare clusters are the last known list \(from cache, \d+ s old\): The Cloudflare API could not be reached/,
    );

    const json = parseJson((await runCli(['clusters', '--json', '--refresh'], { env: w.env() })).stdout);
    expect(json.cloudflare).toMatchObject({
      status: 'stale',
      accountId: w.api.accountId,
      error: { code: 'cloudflare-unavailable' },
    });
    expect(json.cloudflare.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(json.clusters).toHaveLength(4);
  });

  it('refetches a cache older than an hour, and shows it stale with its age when that fails', async () => {
    const w = await setup();
    expect((await runCli(['clusters'], { env: w.env() })).code).toBe(0);
    await ageCache(w, 2 * 3600_000);
    const calls = w.api.requests.length;
    const online = parseJson((await runCli(['clusters', '--json'], { env: w.env() })).stdout);
    expect(online.cloudflare.status).toBe('fresh');
    expect(w.api.requests.length).toBeGreaterThan(calls);

    await ageCache(w, 3 * 3600_000 + 60_000);
    await w.offline();
    const r = await runCli(['clusters'], { env: w.env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('STALE: last known list, 3 h old');
    const json = parseJson((await runCli(['clusters', '--json'], { env: w.env() })).stdout);
    expect(json.cloudflare.status).toBe('stale');
    expect(json.cloudflare.ageSeconds).toBeGreaterThanOrEqual(3 * 3600 + 60);
  });

  it('falls back to the cache on 5xx and on a rate limit it will not wait out', async () => {
    const w = await setup();
    expect((await runCli(['clusters'], { env: w.env() })).code).toBe(0);

    w.api.setFaults([{ endpoint: 'routes', status: 503, html: true }]);
    const down = parseJson((await runCli(['clusters', '--json', '--refresh'], { env: w.env() })).stdout);
    expect(down.cloudflare).toMatchObject({ status: 'stale', error: { code: 'cloudflare-unavailable' } });
    expect(down.cloudflare.error?.message).toContain('HTTP 503');

    w.api.setFaults([{ status: 429, retryAfter: 600 }]);
    const limited = await runCli(['clusters', '--json', '--refresh'], { env: w.env() });
    expect(limited.code, limited.stderr).toBe(0);
    const json = parseJson(limited.stdout);
    expect(json.cloudflare).toMatchObject({ status: 'stale', error: { code: 'cloudflare-rate-limited' } });
    expect(json.warnings.join('\n')).toMatch(/rate-limiting this API token \(HTTP 429\)/);
  });

  it('ignores a cache written for another account', async () => {
    const w = await setup();
    expect((await runCli(['clusters'], { env: w.env() })).code).toBe(0);
    const cache = JSON.parse(await readFile(cachePath(w), 'utf8'));
    cache.accountId = 'f'.repeat(32);
    await writeFile(cachePath(w), JSON.stringify(cache));
    await w.offline();

    // With a catalog: the catalog's clusters, and Cloudflare's marked as failed.
    const r = await runCli(['clusters', '--json'], { env: w.env() });
    expect(r.code, r.stderr).toBe(0);
    const json = parseJson(r.stdout);
    expect(json.cloudflare).toMatchObject({ status: 'error', error: { code: 'cloudflare-unavailable' } });
    expect(json.clusters.map((c) => [c.name, c.sources])).toEqual([
      ['prod-us', ['catalog']],
      ['legacy', ['catalog']],
    ]);
    expect(r.stderr).toContain('there is no cached list, so only catalog clusters are listed');

    // Without one: nothing to show, so the failure itself is the answer.
    const bare = await runCli(['clusters'], { env: w.env({ KUBEZT_CATALOG: undefined }) });
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(afterBaseUrlWarning(w, bare.stderr)).toMatch(
      /^kubezt: The Cloudflare API could not be reached while .* then try again\.\n$/,
    );
  });
});

describe('bad tokens and missing permissions', () => {
  it('401: exit 2, "invalid or expired", cache or not, and the token is not echoed', async () => {
    const w = await setup();
    const wrong = 'WrongTokenWrongTokenWrongTokenWrongToken';
    const message =
      'kubezt: The Cloudflare API token in CLOUDFLARE_API_TOKEN is invalid or expired: set CLOUDFLARE_API_TOKEN to a new token (Account → Cloudflare Tunnel Read, Zero Trust Read), or unset it to use the token stored by kubezt login.\n';
    const first = await runCli(['clusters', '--json'], { env: w.env({ CLOUDFLARE_API_TOKEN: wrong }) });
    expect(first.code).toBe(2);
    expect(first.stdout).toBe('');
    expect(afterBaseUrlWarning(w, first.stderr)).toBe(message);

    // A cache does not hide a rejected token: it is not a network problem.
    expect((await runCli(['clusters'], { env: w.env() })).code).toBe(0);
    const refresh = await runCli(['clusters', '--json', '--refresh'], { env: w.env({ CLOUDFLARE_API_TOKEN: wrong }) });
    expect(refresh.code).toBe(2);
    expect(afterBaseUrlWarning(w, refresh.stderr)).toBe(message);
    await ageCache(w, 2 * 3600_000);
    const old = await runCli(['clusters'], { env: w.env({ CLOUDFLARE_API_TOKEN: wrong }) });
    expect(old.code).toBe(2);
    expect(afterBaseUrlWarning(w, old.stderr)).toBe(message);

    const outputs = [first, refresh, old].flatMap((r) => [r.stdout, r.stderr]);
    expect(await findSecretIn([...outputs, { path: w.root }], wrong)).toEqual([]);
  });

  it('403: exit 2 naming the missing permission', async () => {
    const w = await setup({ lacking: ['Cloudflare Tunnel Read'] });
    const r = await runCli(['clusters', '--json'], { env: w.env() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(afterBaseUrlWarning(w, r.stderr)).toMatch(
      /^kubezt: The Cloudflare API token lacks the "Cloudflare Tunnel Read" permission/,
    );
    expect(existsSync(cachePath(w))).toBe(false);

    w.api.setLacking(['Zero Trust Read']);
    const zt = await runCli(['clusters'], { env: w.env() });
    expect(zt.code).toBe(2);
    expect(zt.stderr).toMatch(/lacks the "Zero Trust Read" permission/);
  });
});

describe('configuration', () => {
  it('with neither Cloudflare nor a catalog: exit 2 saying how to configure one', async () => {
    const w = await setup({ catalog: false });
    const r = await runCli(['clusters'], { env: { KUBEZT_CONFIG_DIR: w.configDir } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'kubezt: No cluster source is configured: run "kubezt login" to discover clusters from your Cloudflare account, or set KUBEZT_CATALOG (or the catalogPath setting) to a team catalog file.\n',
    );
    expect(w.api.requests).toEqual([]);
  });

  it('a token without an account: exit 2 asking for the account, or the catalog with a warning', async () => {
    const w = await setup();
    const env = w.env({ CLOUDFLARE_ACCOUNT_ID: undefined });
    const bare = await runCli(['clusters'], { env: { ...env, KUBEZT_CATALOG: undefined } });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('no account is selected: run "kubezt login --account-id ID"');

    const withCatalog = await runCli(['clusters', '--json'], { env });
    expect(withCatalog.code).toBe(0);
    const json = parseJson(withCatalog.stdout);
    expect(json.cloudflare).toEqual({ status: 'not-configured' });
    expect(json.clusters.map((c) => c.name)).toEqual(['prod-us', 'legacy']);
    expect(json.warnings).toContain(
      'CLOUDFLARE_API_TOKEN is set but no Cloudflare account is selected, so nothing is discovered from Cloudflare; run "kubezt login --account-id ID" or set CLOUDFLARE_ACCOUNT_ID.',
    );
    expect(w.api.requests).toEqual([]);
  });

  it('catalog only: no keychain is needed and nothing is asked of Cloudflare', async () => {
    const w = await setup();
    const r = await runCli(['clusters', '--json'], {
      env: { KUBEZT_CONFIG_DIR: w.configDir, KUBEZT_CATALOG: w.catalogPath },
    });
    expect(r.code, r.stderr).toBe(0);
    const json = parseJson(r.stdout);
    expect(json.cloudflare).toEqual({ status: 'not-configured' });
    expect(json.gatewayAudit).toEqual([]);
    expect(json.clusters.map((c) => [c.name, c.sources, c.doNotInspect])).toEqual([
      ['prod-us', ['catalog'], undefined],
      ['legacy', ['catalog'], undefined],
    ]);
    expect(r.stderr).toBe('');
  });

  it('an account but no reachable keychain: the keychain error, or the catalog with it as a warning', async () => {
    const w = await setup();
    // No CLOUDFLARE_API_TOKEN and no D-Bus session: the Secret Service cannot be asked.
    const env = w.env({ CLOUDFLARE_API_TOKEN: undefined });
    const bare = await runCli(['clusters'], { env: { ...env, KUBEZT_CATALOG: undefined } });
    expect(bare.code).toBe(2);
    expect(afterBaseUrlWarning(w, bare.stderr)).toMatch(
      /^kubezt: The OS keychain, .* is unavailable: .*or set CLOUDFLARE_API_TOKEN instead\.\n$/,
    );

    const withCatalog = parseJson((await runCli(['clusters', '--json'], { env })).stdout);
    expect(withCatalog.cloudflare).toMatchObject({ status: 'error', error: { code: 'keychain-unavailable' } });
    expect(withCatalog.clusters).toHaveLength(2);
    expect(w.api.requests).toEqual([]);
  });

  it('an invalid catalog: exit 2 naming the file, line and key, before any API call', async () => {
    const w = await setup({
      catalog: 'clusters:\n  - name: prod-us\n    server: https://198.51.100.101:6443\n    colour: blue\n',
    });
    const r = await runCli(['clusters', '--json'], { env: w.env() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(w.catalogPath);
    expect(r.stderr).toContain('colour');
    expect(r.stderr).toMatch(/line 4/);
    expect(w.api.requests).toEqual([]);
  });

  it('rejects unknown options with exit 2', async () => {
    const r = await runCli(['clusters', '--fresh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('kubezt clusters --help');
  });
});

describe('loadInventory (the core API the app uses)', () => {
  it("calls Cloudflare through the workspace's fetch, reports progress, and names audit entries as merged", async () => {
    const w = await setup({
      catalog: 'clusters:\n  - name: payments\n    server: https://198.51.100.103:6443\n    namespace: pay\n',
    });
    const seen: string[] = [];
    const viaWorkspace: typeof fetch = (input, init) => {
      seen.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    const ws = openWorkspace({
      env: w.env(),
      homeDir: w.home,
      platform: process.platform,
      cwd: w.root,
      runner: nodeProcessRunner,
      now: () => new Date(),
      fetch: viaWorkspace,
    });
    const progress: CloudflareProgress[] = [];
    const inv = await loadInventory(ws, { refresh: true, onProgress: (p) => progress.push(p) });

    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((u) => u.startsWith(w.api.baseUrl))).toBe(true);
    expect(progress.some((p) => p.type === 'page' && p.step === 'routes')).toBe(true);
    expect(inv.cloudflare).toMatchObject({ status: 'fresh', accountId: w.api.accountId, ageMs: 0 });
    expect(inv.catalog).toEqual({ status: 'loaded', path: w.catalogPath, clusters: 1 });
    expect(inv.clusters.map((c) => c.name)).toEqual(['payments', 'prod-us', 'staging']);
    expect(inv.clusters[0]).toMatchObject({ sources: ['catalog', 'cloudflare'], namespace: 'pay' });
    // The audit speaks of the cluster by the name the user sees (the catalog's), not the tunnel's.
    expect(inv.gatewayAudit.filter((a) => a.ip === '198.51.100.103').map((a) => a.cluster)).toEqual(['payments']);
    expect(inv.gatewayAudit.some((a) => a.cluster === 'payments-eu')).toBe(false);
    expect(inv.splitTunnel?.exclude.length).toBeGreaterThan(0);

    // A relative catalog path is the working directory's, like any other path a user types.
    const relative = openWorkspace({
      env: w.env({ KUBEZT_CATALOG: 'team/catalog.yaml' }),
      homeDir: w.home,
      platform: process.platform,
      cwd: w.root,
      runner: nodeProcessRunner,
      now: () => new Date(),
    });
    const again = await loadInventory(relative, { refresh: false });
    expect(again.catalog.path).toBe(w.catalogPath);
    expect(again.cloudflare.status).toBe('cached');
  });
});

describe('kubezt clusters in a Cloudflare One organisation', () => {
  const corpus = join(__dirname, '../../../../shared/corpus/cloudflare-api');

  it('one IP in two virtual networks: two clusters, each with its network and connector health', async () => {
    const w = await setup({
      catalog: false,
      seed: seedFromClusters([
        { name: 'prod-api', ipv4: '10.30.0.10', tunnelName: 'k8s-prod-api' },
        { name: 'prod-api', ipv4: '10.30.0.10', tunnelName: 'k8s-prod-api', virtualNetwork: 'staging-vnet' },
        { name: 'billing', ipv4: '10.30.0.11', tunnelName: 'k8s-billing', tunnelHealth: 'down' },
      ]),
    });
    const r = await runCli(['clusters', '--json'], { env: w.env() });
    expect(r.code, r.stderr).toBe(0);
    const json = parseJson(r.stdout);
    expect(json.clusters.map((c) => [c.name, c.ips, c.virtualNetwork?.name, c.virtualNetwork?.isDefault])).toEqual([
      ['billing', ['10.30.0.11'], 'default', true],
      ['prod-api', ['10.30.0.10'], 'default', true],
      ['prod-api-staging-vnet', ['10.30.0.10'], 'staging-vnet', false],
    ]);
    expect(json.clusters[1]?.tunnel).toMatchObject({
      status: 'healthy',
      connections: 4,
      colos: ['ams01', 'cdg02', 'fra06', 'lhr01'],
    });
    expect(json.clusters[0]?.tunnel).toMatchObject({
      health: 'down',
      status: 'down',
      connections: 0,
      since: '2025-01-15T09:30:00.000Z',
    });

    // The cached run shows the same (the cache keeps networks and connector health).
    const text = await runCli(['clusters'], { env: w.env() });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /^prod-api-staging-vnet\s+cloudflare\s+10\.30\.0\.10\s+6443\s+k8s-prod-api\s+healthy\s+yes\n {2}network staging-vnet; connectors: healthy, 4 connections \(ams01, cdg02, fra06, lhr01\) since 2025-01-15T09:00:00\.000Z$/m,
    );
    expect(text.stdout).toMatch(
      /^ {2}network default \(default\); connectors: down, 0 connections; no connection since 2025-01-15T09:30:00\.000Z$/m,
    );
  });

  it('400 with code 10001 (recorded body) is an auth failure: exit 2, never hidden behind the cache', async () => {
    const w = await setup();
    expect((await runCli(['clusters'], { env: w.env() })).code).toBe(0);
    w.api.setFaults([
      { status: 400, body: readFileSync(join(corpus, 'wangxinyi443-front-400-unable-to-authenticate.json'), 'utf8') },
    ]);
    const r = await runCli(['clusters', '--json', '--refresh'], { env: w.env() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(afterBaseUrlWarning(w, r.stderr)).toBe(
      'kubezt: The Cloudflare API token in CLOUDFLARE_API_TOKEN is invalid or expired (Cloudflare: Unable to authenticate request (code 10001)): set CLOUDFLARE_API_TOKEN to a new token (Account → Cloudflare Tunnel Read, Zero Trust Read), or unset it to use the token stored by kubezt login.\n',
    );
  });

  it('429 without Retry-After: one line on stderr says kubezt waits for the rate limit', async () => {
    const w = await setup();
    w.api.setFaults([{ endpoint: 'routes', status: 429, times: 1 }]);
    const r = await runCli(['clusters', '--json'], { env: w.env() });
    expect(r.code, r.stderr).toBe(0);
    const waiting = r.stderr.split('\n').filter((l) => /waiting .* before retrying/.test(l));
    expect(waiting).toEqual([
      'kubezt: warning: Cloudflare is rate-limiting this API token: waiting 1 second before retrying (listing tunnel routes).',
    ]);
  });
});
