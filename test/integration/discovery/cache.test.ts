import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CACHE_MAX_AGE_MS,
  DISCOVERY_CACHE_FILE,
  readDiscoveryCache,
  writeDiscoveryCache,
} from '../../../main/core/discovery/cache.ts';
import type { DiscoveryResult } from '../../../main/core/discovery/cloudflare/index.ts';
import { discoverFromCloudflare } from '../../../main/core/discovery/cloudflare/index.ts';
import type { FakeCloudflareApi } from '../../../sim/cloudflare/index.ts';
import { seedFromClusters, startCloudflareApi } from '../../../sim/cloudflare/index.ts';

const TOKEN = 'Zk3vQ9xLr2T8mWcN5bHy7PdJ4sAeF6gUoV1iK0qE';
const T0 = new Date('2025-03-01T12:00:00.000Z');

let dir: string;
let api: FakeCloudflareApi | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubezt-cache-'));
});
afterEach(async () => {
  await api?.close();
  api = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function discoverOnce(): Promise<{ result: DiscoveryResult; api: FakeCloudflareApi }> {
  api = await startCloudflareApi({
    seed: seedFromClusters([{ name: 'prod-us' }, { name: 'staging', doNotInspect: false }]),
    token: TOKEN,
  });
  const result = await discoverFromCloudflare({ token: TOKEN, accountId: api.accountId, baseURL: api.baseUrl });
  return { result, api };
}

describe('discovery cache', () => {
  it('round-trips the last good result with its age', async () => {
    const { result } = await discoverOnce();
    await writeDiscoveryCache(dir, result, T0);
    const read = await readDiscoveryCache(dir, new Date(T0.getTime() + 5 * 60_000));
    expect(read.warnings).toEqual([]);
    expect(read.cache).toMatchObject({
      accountId: result.accountId,
      clusters: result.clusters,
      gatewayAudit: result.gatewayAudit,
      splitTunnel: result.splitTunnel,
      warnings: result.warnings,
      fetchedAt: T0.toISOString(),
      ageMs: 5 * 60_000,
      stale: false,
    });
  });

  it('flags a cache older than the limit as stale, still usable', async () => {
    const { result } = await discoverOnce();
    await writeDiscoveryCache(dir, result, T0.getTime());
    const late = await readDiscoveryCache(dir, T0.getTime() + DEFAULT_CACHE_MAX_AGE_MS + 1);
    expect(late.cache?.stale).toBe(true);
    expect(late.cache?.clusters.map((c) => c.name)).toEqual(['prod-us', 'staging']);
    const custom = await readDiscoveryCache(dir, T0.getTime() + 10_000, { maxAgeMs: 5_000 });
    expect(custom.cache?.stale).toBe(true);
  });

  it('writes owner-only, atomically (no temp file left), and never the token', async () => {
    const { result } = await discoverOnce();
    await writeDiscoveryCache(dir, result, T0);
    await writeDiscoveryCache(dir, { ...result, clusters: result.clusters.slice(0, 1) }, T0.getTime() + 1000);
    expect(await readdir(dir)).toEqual([DISCOVERY_CACHE_FILE]);
    const path = join(dir, DISCOVERY_CACHE_FILE);
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain(TOKEN);
    expect(JSON.parse(text).clusters).toHaveLength(1);
  });

  it('strips a user (catalog credentials) if one ever reaches it', async () => {
    const { result } = await discoverOnce();
    const withUser: DiscoveryResult = {
      ...result,
      clusters: result.clusters.map((c) => ({ ...c, user: { kind: 'token', token: 'catalog-secret' } })),
    };
    await writeDiscoveryCache(dir, withUser, T0);
    expect(await readFile(join(dir, DISCOVERY_CACHE_FILE), 'utf8')).not.toContain('catalog-secret');
  });

  it('creates the folder when missing', async () => {
    const { result } = await discoverOnce();
    const nested = join(dir, 'a', 'b');
    await writeDiscoveryCache(nested, result, T0);
    expect((await readDiscoveryCache(nested, T0)).cache?.clusters).toHaveLength(2);
  });

  it('no cache yet: nothing, and no warning', async () => {
    expect(await readDiscoveryCache(dir, T0)).toEqual({ cache: null, warnings: [] });
  });

  it.each([
    ['truncated JSON', '{"version":1,"fetchedAt":"2025-'],
    ['another shape', JSON.stringify({ version: 1, fetchedAt: T0.toISOString(), clusters: 'nope' })],
    ['an unknown version', JSON.stringify({ version: 99 })],
    ['a bad cluster name', null],
  ])('a corrupt cache (%s) is ignored with a warning naming the file', async (_label, content) => {
    if (content === null) {
      const { result } = await discoverOnce();
      await writeDiscoveryCache(dir, result, T0);
      const path = join(dir, DISCOVERY_CACHE_FILE);
      const json = JSON.parse(await readFile(path, 'utf8'));
      json.clusters[0].name = 'Not Valid!';
      await writeFile(path, JSON.stringify(json));
    } else {
      await writeFile(join(dir, DISCOVERY_CACHE_FILE), content);
    }
    const read = await readDiscoveryCache(dir, T0);
    expect(read.cache).toBeNull();
    expect(read.warnings).toHaveLength(1);
    expect(read.warnings[0]).toContain(join(dir, DISCOVERY_CACHE_FILE));
    expect(read.warnings[0]).toMatch(/ignored/);
  });

  it('offline: discovery fails, the last good result is still there', async () => {
    const first = await discoverOnce();
    await writeDiscoveryCache(dir, first.result, T0);
    const { accountId, baseUrl } = first.api;
    await first.api.close();
    api = undefined;
    const offline = await discoverFromCloudflare({
      token: TOKEN,
      accountId,
      baseURL: baseUrl,
      retries: 1,
      sleep: async () => {},
    }).catch((e: unknown) => e);
    expect(offline).toMatchObject({ code: 'cloudflare-unavailable' });
    const read = await readDiscoveryCache(dir, T0.getTime() + 60_000);
    expect(read.cache?.clusters.map((c) => c.server)).toEqual([
      'https://198.51.100.101:6443',
      'https://198.51.100.102:6443',
    ]);
    expect(read.cache?.clusters.find((c) => c.name === 'staging')?.cloudflare?.doNotInspect).toBe(false);
  });
});
