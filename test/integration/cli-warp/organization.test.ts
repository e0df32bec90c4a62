import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { StatusJson } from '../../../main/cli/commands/status.ts';
import type { WarpJson } from '../../../main/cli/commands/warp.ts';
import type { DiagnosticsReport } from '../../../main/core/diagnostics/report.ts';
import type { ClustersJson } from '../../../main/core/inventory/json.ts';
import { type FakeCloudflareApi, seedFromClusters, startCloudflareApi } from '../../../sim/cloudflare/index.ts';
import { type FakeWarp, startFakeWarp } from '../../../sim/warp/index.ts';
import { runKubezt } from '../cli-check/world.ts';

/**
 * The organization WARP is enrolled in against the one discovery reads (the Access
 * organization's auth_domain), through the real CLI process: the fake Cloudflare account's team
 * is "acme", the fake WARP client's is set per test. `clusters` asks the API (then the cache);
 * `status` and `warp` compare with the cached discovery.
 */

const PERMISSION = 'Access: Organizations, Identity Providers, and Groups Read';
const MISMATCH = (id: string) =>
  `WARP is enrolled in Zero Trust organization "other-team", but the clusters come from account ${id} (organization "acme"): the routes are reachable only from devices enrolled in "acme"; re-enroll with "warp-cli registration new acme" or ask your Zero Trust admin.`;

let root: string;
let cloudflare: FakeCloudflareApi;
let warp: FakeWarp;
let env: Record<string, string>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kubezt-org-cli-'));
  cloudflare = await startCloudflareApi({
    seed: seedFromClusters([{ name: 'prod', ipv4: '127.0.0.1' }], {
      accountName: 'Acme',
      team: 'acme',
      fillerRoutes: 0,
    }),
  });
  warp = await startFakeWarp({ dir: join(root, 'warp') });
  await mkdir(join(root, 'home'));
  // One context for diagnose alone (status stays without one, so it runs no ladder), on a
  // loopback port nothing listens on: its verdict does not matter here.
  await writeFile(
    join(root, 'diagnose-kubeconfig'),
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'local', cluster: { server: 'https://127.0.0.1:9' } }],
      users: [{ name: 'local', user: { token: 'not-used' } }],
      contexts: [{ name: 'local', context: { cluster: 'local', user: 'local' } }],
      'current-context': 'local',
    }),
  );
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(root, 'home'),
    KUBEZT_CONFIG_DIR: join(root, 'config'),
    KUBECONFIG: join(root, 'kube', 'config'),
    KUBEZT_TRACE_URL: 'off',
    CLOUDFLARE_BASE_URL: cloudflare.baseUrl,
    CLOUDFLARE_API_TOKEN: cloudflare.token,
    CLOUDFLARE_ACCOUNT_ID: cloudflare.accountId,
    ...warp.env,
  };
}, 60_000);

afterAll(async () => {
  await Promise.all([cloudflare?.close(), warp?.close()]);
  if (root) await rm(root, { recursive: true, force: true });
});

beforeEach(() => {
  cloudflare.setLacking([]);
});

const diagnoseKubeconfig = () => join(root, 'diagnose-kubeconfig');

async function kubezt(...args: string[]) {
  const r = await runKubezt(args, env);
  if (r.code !== 0 && r.code !== 1) throw new Error(`kubezt ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
}

describe('WARP in the organization discovery reads', () => {
  it('same team (whatever its case): no warning anywhere, and the JSON says match', async () => {
    warp.setState({ organization: 'ACME' });
    const human = await kubezt('clusters', '--refresh');
    expect(human.stdout).toContain('prod');
    expect(human.stderr).not.toMatch(/organization/i);
    const json = JSON.parse((await kubezt('clusters', '--json')).stdout) as ClustersJson;
    expect(json.organizationMatch).toEqual({
      state: 'match',
      deviceTeam: 'acme',
      discoveryTeams: ['acme'],
      sentence: null,
    });
    expect((await kubezt('status')).stderr).not.toMatch(/organization/i);
    expect((await kubezt('warp')).stderr).not.toMatch(/organization/i);
  }, 90_000);
});

describe('WARP enrolled in another organization', () => {
  it('clusters (fetched, then cached), status and warp say so in one sentence, text and --json', async () => {
    warp.setState({ organization: 'other-team' });
    const sentence = MISMATCH(cloudflare.accountId);

    const fresh = await kubezt('clusters', '--refresh');
    expect(fresh.stderr).toContain(`kubezt: warning: ${sentence}\n`);

    // Served from the cache: no API call, and still compared.
    const before = cloudflare.requests.length;
    const cached = await kubezt('clusters', '--json');
    expect(cloudflare.requests.length).toBe(before);
    const json = JSON.parse(cached.stdout) as ClustersJson;
    expect(json.cloudflare.status).toBe('cached');
    expect(json.organizationMatch).toEqual({
      state: 'mismatch',
      deviceTeam: 'other-team',
      discoveryTeams: ['acme'],
      sentence,
    });
    expect(json.version).toBe(1);

    const status = await kubezt('status');
    expect(status.stderr).toContain(`kubezt: warning: ${sentence}\n`);
    const statusJson = JSON.parse((await kubezt('status', '--json')).stdout) as StatusJson;
    expect(statusJson.organizationMatch).toMatchObject({ state: 'mismatch', sentence });
    expect(statusJson.version).toBe(1);

    const text = await kubezt('warp');
    expect(text.stdout).toContain('Organization: other-team');
    expect(text.stderr).toContain(`kubezt: warning: ${sentence}\n`);
    const warpJson = JSON.parse((await kubezt('warp', '--json')).stdout) as WarpJson;
    expect(warpJson.organizationMatch).toMatchObject({ state: 'mismatch', deviceTeam: 'other-team', sentence });

    // The diagnostics report names it in its environment (JSON and Markdown).
    const report = JSON.parse(
      (await kubezt('diagnose', '--json', '--timeout', '1000', '--kubeconfig', diagnoseKubeconfig(), 'local')).stdout,
    ) as DiagnosticsReport;
    expect(report.environment.warp?.organizationMatch).toMatchObject({ state: 'mismatch', sentence });
    const file = join(root, 'report.md');
    await kubezt('diagnose', '--timeout', '1000', '--kubeconfig', diagnoseKubeconfig(), '--report', file, 'local');
    expect(await readFile(file, 'utf8')).toContain(`  - organization check: ${sentence}`);
  }, 120_000);
});

describe('a token that may not read the Access organization', () => {
  it('discovery still succeeds; the comparison says it could not be checked and names the permission', async () => {
    warp.setState({ organization: 'other-team' });
    cloudflare.setLacking([PERMISSION]);
    const r = await kubezt('clusters', '--refresh');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^prod\s/m);
    expect(r.stderr).toContain('could not be checked');
    expect(r.stderr).toContain(PERMISSION);
    expect(r.stderr).not.toContain('WARP is enrolled in');
    const json = JSON.parse((await kubezt('clusters', '--json')).stdout) as ClustersJson;
    expect(json.organizationMatch).toMatchObject({ state: 'unknown', deviceTeam: 'other-team', discoveryTeams: [] });
    // The cache keeps the unknown team: status says the same, without calling the API.
    expect((await kubezt('status')).stderr).toContain('could not be checked');
  }, 90_000);
});
