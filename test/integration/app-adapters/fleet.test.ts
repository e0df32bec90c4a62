/**
 * The dashboard's core against the simulator: the list without network, discovery with progress,
 * probes streamed per cluster and mapped to the contract (the intercepted cluster's TLS step,
 * the skewed one's version), the diagnostics report, switching context on disk, and where the
 * kubeconfig and kubectl come from.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ProbeResultView } from '../../../ipc/contract.ts';
import { ProbeResultSchema } from '../../../ipc/contract.ts';
import { createDomainAdapter } from '../../../main/app/adapters/index.ts';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { type AppWorld, appWorldPerTest } from './world.ts';

const exec = promisify(execFile);
const open = appWorldPerTest();

const ALL = ['prod-us', 'prod-eu', 'staging', 'dev'];

async function setUp(w: AppWorld): Promise<void> {
  await w.core.applySetup(
    { sources: { cloudflare: true, catalogPath: w.sim.catalogPath }, selected: ALL, trust: [] },
    () => {},
  );
}

describe('listClusters and refresh', () => {
  it('lists from the catalog and the cache only, discovers on refresh, and the next start is served from the cache', async () => {
    const w = await open();
    const first = await w.core.listClusters();
    // The catalog's entries wait for discovery's addresses, and nothing was discovered yet.
    expect(first.clusters).toEqual([]);
    expect(first.currentContext).toBe('my-own-context');
    expect(first.warnings.join('\n')).toContain('have not been fetched yet');
    expect(w.sim.cloudflare.requests).toEqual([]);

    const progress: string[] = [];
    const fleet = await w.core.refresh((p) => progress.push(`${p.phase}: ${p.message}`));
    expect(progress[0]).toBe('start: Discovering clusters…');
    expect(progress).toContain('cloudflare: Reading Cloudflare: routes, page 1…');
    expect(progress.at(-1)).toBe('done: Found 4 clusters.');
    expect(fleet.fromCache).toBe(false);
    expect(fleet.fetchedAt).not.toBeNull();
    expect(fleet.clusters.map((c) => c.name)).toEqual(ALL);
    const dev = fleet.clusters.find((c) => c.name === 'dev');
    expect(dev).toMatchObject({
      sources: ['catalog', 'cloudflare'],
      server: w.sim.clusters[3]?.url,
      tunnel: { name: 'k8s-dev', health: 'healthy' },
      doNotInspect: false,
      context: null,
      current: false,
    });
    expect(dev?.ips).toEqual([w.sim.clusters[3]?.ip, '2001:db8::4']);

    // A new app start (another core on the same folders) lists the cached discovery, offline.
    const requests = w.sim.cloudflare.requests.length;
    const restarted = createDomainAdapter({
      env: w.env,
      platform: process.platform,
      homeDir: w.home,
      configDir: w.sim.configDir,
      runner: nodeProcessRunner,
      fetch: () => Promise.reject(new Error('no network in this test')),
      settings: w.settings,
      secrets: w.secrets,
      settingsWarning: 'The settings file was moved aside.',
    });
    const cached = await restarted.listClusters();
    await restarted.close();
    expect(cached.fromCache).toBe(true);
    expect(cached.fetchedAt).toBe(fleet.fetchedAt);
    expect(cached.clusters).toEqual(fleet.clusters);
    expect(cached.warnings[0]).toBe('The settings file was moved aside.');
    expect(w.sim.cloudflare.requests.length).toBe(requests);
  });

  it('marks the kubezt context of each cluster and the current one, and keeps listing contexts no source knows', async () => {
    const w = await open();
    await setUp(w);
    await w.core.useContext('staging');
    const list = await w.core.listClusters();
    expect(list.clusters.map((c) => [c.name, c.context, c.current])).toEqual([
      ['prod-us', 'zt-prod-us', false],
      ['prod-eu', 'zt-prod-eu', false],
      ['staging', 'zt-staging', true],
      ['dev', 'zt-dev', false],
    ]);
    // Without the catalog and with no account, only the kubeconfig tells what kubezt set up.
    w.settings.update({ catalogPath: undefined });
    const bare = createDomainAdapter({
      env: { PATH: w.env.PATH as string, HOME: w.home, KUBECONFIG: w.sim.kubeconfigPath },
      platform: process.platform,
      homeDir: w.home,
      configDir: w.sim.configDir,
      runner: nodeProcessRunner,
      fetch,
      settings: w.settings,
      secrets: w.secrets,
    });
    const fromKubeconfig = await bare.listClusters();
    await bare.close();
    expect(fromKubeconfig.clusters.map((c) => [c.name, c.sources, c.server, c.context])).toEqual(
      w.sim.clusters.map((c) => [c.name, [], c.url, `zt-${c.name}`]),
    );
  });
});

describe('check and diagnose', () => {
  it('streams one contract result per cluster: reachable, skewed, intercepted', async () => {
    const w = await open();
    await setUp(w);
    const streamed: ProbeResultView[] = [];
    const results = await w.core.check(undefined, (r) => streamed.push(r));
    expect(results.map((r) => r.cluster)).toEqual(ALL);
    expect(streamed.map((r) => r.cluster).sort()).toEqual([...ALL].sort());
    for (const r of results) expect(ProbeResultSchema.safeParse(r).success).toBe(true);
    const by = Object.fromEntries(results.map((r) => [r.cluster, r]));

    expect(by['prod-us']).toMatchObject({ reachability: 'reachable', verdict: 'ok', serverVersion: 'v1.32.3' });
    expect(by['prod-us']?.latencyMs).toBeGreaterThan(0);
    expect(by['prod-us']?.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'warp:ok',
      'vnet:ok',
      'route:ok',
      'tcp:ok',
      'tls:ok',
      'version:ok',
      'auth:ok',
    ]);
    expect(by['prod-us']?.skew?.minorDelta).toBe(0);
    expect(by.staging?.serverVersion).toBe('v1.30.6');

    const dev = by.dev as ProbeResultView;
    expect(dev).toMatchObject({ reachability: 'unreachable', verdict: 'tls-intercepted', failingStep: 'tls' });
    const tls = dev.steps.find((s) => s.name === 'tls');
    expect(tls).toMatchObject({ status: 'fail', code: 'tls-intercepted' });
    expect(tls?.remedy).toMatch(/Do Not Inspect/);
    expect(dev.steps.filter((s) => s.status === 'skip').map((s) => [s.name, s.durationMs])).toEqual([
      ['version', null],
      ['auth', null],
    ]);
    for (const secret of w.secretValues) expect(JSON.stringify(results)).not.toContain(secret);

    expect((await w.core.check(['dev'], () => {})).map((r) => r.cluster)).toEqual(['dev']);
    await expect(w.core.check(['prod-usa'], () => {})).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringContaining('did you mean "prod-us"'),
    });
  });

  it('checks clusters that are not set up yet with what the inventory knows, and no credentials', async () => {
    const w = await open();
    await w.core.refresh(() => {});
    const [prod] = await w.core.check(['prod-us'], () => {});
    // The catalog's CA and address, before any kubeconfig context exists; its token is not sent.
    expect(prod).toMatchObject({ cluster: 'prod-us', reachability: 'reachable', verdict: 'ok' });
    expect(prod?.steps.find((s) => s.name === 'auth')).toMatchObject({ status: 'skip' });
    expect(
      w.sim.farm
        .server('prod-us')
        .requestLog()
        .filter((q) => q.authorization),
    ).toEqual([]);
  });

  it('follows WARP: disconnected, every cluster says so', async () => {
    const w = await open();
    await setUp(w);
    w.sim.warp.setState({ status: 'Disconnected', reason: 'Manual Disconnection' });
    const results = await w.core.check(undefined, () => {});
    expect(results.map((r) => [r.verdict, r.failingStep])).toEqual(ALL.map(() => ['warp-disconnected', 'warp']));
  });

  it('diagnose keeps the report for Markdown and JSON, with every credential removed', async () => {
    const w = await open();
    await setUp(w);
    const streamed: string[] = [];
    const report = await w.core.diagnose(undefined, (r) => streamed.push(r.cluster));
    expect(streamed.sort()).toEqual([...ALL].sort());
    expect(report.warp.status).toBe('connected');
    expect(report.warp.signals.map((s) => s.source)).toContain('warp-cli');
    expect(report.kubectlVersion).toMatch(/^v1\.\d+/);
    const markdown = w.core.renderReport({ ...report, runId: 'r1' }, 'markdown');
    expect(markdown).toContain('# kubezt connectivity report');
    expect(markdown).toMatch(/## dev: tls-intercepted/);
    expect(markdown).toContain('kubezt: 0.0.0-test');
    const json = JSON.parse(w.core.renderReport({ ...report, runId: 'r1' }, 'json'));
    expect(json.clusters.map((c: { name: string; verdict: string }) => [c.name, c.verdict])).toEqual([
      ['prod-us', 'ok'],
      ['prod-eu', 'ok'],
      ['staging', 'ok'],
      ['dev', 'tls-intercepted'],
    ]);
    for (const secret of w.secretValues) {
      expect(markdown).not.toContain(secret);
      expect(JSON.stringify(json)).not.toContain(secret);
    }
    expect(() =>
      w.core.renderReport({ ...report, generatedAt: '2000-01-01T00:00:00.000Z', runId: 'x' }, 'json'),
    ).toThrow(/no longer kept/);
  });
});

describe('useContext, kubeconfigInfo, kubectlInfo', () => {
  it('switches current-context on disk like kubectl, by cluster or context name', async () => {
    const w = await open();
    await setUp(w);
    const r = await w.core.useContext('prod-eu');
    expect(r).toEqual({ context: 'zt-prod-eu', previous: 'my-own-context', file: w.sim.kubeconfigPath });
    expect(w.kubeconfig()).toMatch(/^current-context: zt-prod-eu$/m);
    const { stdout } = await exec('kubectl', ['config', 'current-context'], {
      env: { PATH: w.env.PATH, HOME: w.home, KUBECONFIG: w.sim.kubeconfigPath },
    });
    expect(stdout.trim()).toBe('zt-prod-eu');
    expect((await w.core.useContext('my-own-context')).previous).toBe('zt-prod-eu');
    await expect(w.core.useContext('prod-ue')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('reports which kubeconfig is used and where new entries go, and the kubectl on PATH', async () => {
    const w = await open();
    expect(await w.core.kubeconfigInfo()).toEqual({
      paths: [w.sim.kubeconfigPath],
      source: 'env',
      writeTarget: w.sim.kubeconfigPath,
    });
    w.settings.update({ kubeconfigPath: '~/other/config' });
    expect(await w.core.kubeconfigInfo()).toEqual({
      paths: [`${w.home}/other/config`],
      source: 'setting',
      writeTarget: `${w.home}/other/config`,
    });
    const kubectl = await w.core.kubectlInfo();
    expect(kubectl.path).toMatch(/\/kubectl$/);
    expect(kubectl.version).toMatch(/^v1\.\d+\.\d+/);
  });
});
