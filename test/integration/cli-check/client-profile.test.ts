import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckJson } from '../../../main/cli/commands/check.ts';
import type { StatusJson } from '../../../main/cli/commands/status.ts';
import type { DiagnosticsReport } from '../../../main/core/diagnostics/report.ts';
import { type ApiServerFarm, startApiServerFarm } from '../../../sim/apiserver/index.ts';
import { type FakeCloudflareApi, seedFromClusters, startCloudflareApi } from '../../../sim/cloudflare/index.ts';
import { type FakeWarp, startFakeWarp } from '../../../sim/warp/index.ts';
import { runKubezt, setUpEstate } from './world.ts';

/**
 * The verdicts of the client profile and of connector health, each from its real cause: the fake
 * WARP client in DNS-only mode or in Include mode (its settings the user's own or the
 * organization's), and the fake Cloudflare account with one tunnel down while its API server
 * refuses connections. Driven through the real CLI process.
 */

let root: string;
let farm: ApiServerFarm;
let cloudflare: FakeCloudflareApi;
let warp: FakeWarp;
let env: Record<string, string>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kubezt-profile-check-'));
  farm = await startApiServerFarm({ servers: [{ name: 'healthy' }, { name: 'down', fault: 'refuse' }] });
  cloudflare = await startCloudflareApi({
    seed: seedFromClusters(
      [
        { name: 'healthy', ipv4: farm.server('healthy').ip },
        { name: 'down', ipv4: farm.server('down').ip, tunnelHealth: 'down' },
      ],
      { accountName: 'Profile Corp', fillerRoutes: 0 },
    ),
  });
  warp = await startFakeWarp({ dir: join(root, 'warp') });
  const catalog = {
    clusters: farm.servers.map((s) => ({ name: s.name, certificateAuthorityData: s.caData, user: { token: s.token } })),
  };
  env = await setUpEstate(root, catalog, cloudflare, warp);
}, 60_000);

afterAll(async () => {
  await Promise.all([cloudflare?.close(), warp?.close(), farm?.close()]);
  if (root) await rm(root, { recursive: true, force: true });
});

async function checkOne(name: string) {
  const r = await runKubezt(['check', '--json', '--timeout', '2000', name], env);
  const c = (JSON.parse(r.stdout) as CheckJson).clusters[0];
  if (!c) throw new Error(`no cluster in: ${r.stdout}${r.stderr}`);
  return { code: r.code, c };
}

describe('WARP connected in a mode that routes no private IPs', () => {
  it('DNS only mode set by the organization: warp-mode-unsupported, and the remedy is for the admin', async () => {
    warp.setState({ operationMode: 'DnsOverHttps' });
    try {
      const { code, c } = await checkOne('healthy');
      expect(code).toBe(1);
      expect(c).toMatchObject({ verdict: 'warp-mode-unsupported', severity: 'fail', step: 'warp' });
      expect(c.summary).toContain('DNS only mode');
      expect(c.remedy).toContain('ask your Zero Trust admin');
      expect(c.remedy).toContain('"Traffic and DNS mode" or "Traffic only mode"');
      expect(c.remedy).not.toContain('warp-cli mode');
    } finally {
      warp.setState({ operationMode: 'WarpWithDnsOverHttps' });
    }
  });

  it('the user’s own DNS only mode: the remedy says how to switch it', async () => {
    warp.setState({ operationMode: 'DnsOverHttps', managed: { mode: false } });
    try {
      const { c } = await checkOne('healthy');
      expect(c.verdict).toBe('warp-mode-unsupported');
      expect(c.remedy).toContain('"Traffic and DNS mode" or "Traffic only mode"');
      expect(c.remedy).toContain('warp-cli mode');
      expect(c.remedy).not.toContain('admin');
    } finally {
      warp.setState({ operationMode: 'WarpWithDnsOverHttps', managed: {} });
    }
  });

  it('kubezt diagnose (text, --json, --report) carries the verdict and its label', async () => {
    warp.setState({ operationMode: 'DnsOverHttps' });
    try {
      const text = await runKubezt(['diagnose', 'healthy'], env);
      expect(text.stdout).toContain(': warp-mode-unsupported (WARP mode routes no private IPs)');
      const json = JSON.parse((await runKubezt(['diagnose', '--json', 'healthy'], env)).stdout) as DiagnosticsReport;
      expect(json.clusters[0]?.verdict).toBe('warp-mode-unsupported');
      expect(json.summary.verdicts).toEqual({ 'warp-mode-unsupported': 1 });
      const file = join(root, 'report.md');
      await runKubezt(['diagnose', '--report', file, 'healthy'], env);
      const md = await readFile(file, 'utf8');
      expect(md).toContain('## healthy: warp-mode-unsupported (WARP mode routes no private IPs)');
      expect(md).toContain('  - mode: DNS only mode (DnsOverHttps)');
    } finally {
      warp.setState({ operationMode: 'WarpWithDnsOverHttps' });
    }
  });
});

describe('split tunnel in Include mode', () => {
  const ip = () => farm.server('healthy').ip;

  it('the API IP outside the user’s Include list: split-tunnel-excluded, "add <ip>/32 to the Split Tunnels include list"', async () => {
    warp.setState({ mode: 'include', include: ['10.20.0.0/16'], managed: { splitTunnel: false } });
    try {
      const { c } = await checkOne('healthy');
      expect(c).toMatchObject({ verdict: 'split-tunnel-excluded', severity: 'fail', step: 'route' });
      expect(c.remedy).toContain(`Add ${ip()}/32 to the Split Tunnels include list`);
      expect(c.remedy).not.toContain('admin');
    } finally {
      warp.setState({ mode: 'exclude', include: [], managed: {} });
    }
  });

  it('a list the organization manages: the remedy says what to ask the Zero Trust admin for', async () => {
    warp.setState({ mode: 'include', include: ['10.20.0.0/16'], managed: { splitTunnel: true } });
    try {
      const { c } = await checkOne('healthy');
      expect(c.verdict).toBe('split-tunnel-excluded');
      expect(c.remedy).toContain(`ask your Zero Trust admin to add ${ip()}/32 to the Split Tunnels include list`);
    } finally {
      warp.setState({ mode: 'exclude', include: [], managed: {} });
    }
  });

  it('an Include list that covers the IP passes', async () => {
    warp.setState({ mode: 'include', include: [`${ip()}/32`], managed: { splitTunnel: true } });
    try {
      const { c } = await checkOne('healthy');
      expect(c.verdict).toBe('ok');
      expect(c.steps.find((s) => s.step === 'route')?.status).toBe('ok');
    } finally {
      warp.setState({ mode: 'exclude', include: [], managed: {} });
    }
  });
});

describe('connector health', () => {
  it('a refused connection behind a down tunnel is tunnel-down, naming since when it has had no connection', async () => {
    const { code, c } = await checkOne('down');
    expect(code).toBe(1);
    expect(c).toMatchObject({ verdict: 'tunnel-down', severity: 'fail', step: 'tcp' });
    // The seed's tunnel went down 30 minutes before its fixed clock (conns_inactive_at).
    expect(c.remedy).toContain(
      'the cloudflared connectors of tunnel "k8s-down" have had no connection since 2025-01-15T09:30:00.000Z',
    );
    const text = await runKubezt(['diagnose', 'down'], env);
    expect(text.stdout).toContain(': tunnel-down (Tunnel down)');
  });
});

describe('kubezt status', () => {
  it('shows the mode and the organization (text and --json)', async () => {
    const json = JSON.parse((await runKubezt(['status', '--json'], env)).stdout) as StatusJson;
    expect(json.warp?.mode).toMatchObject({ label: 'Traffic and DNS mode', privateRouting: true });
    expect(json.warp?.organization).toBe(warpOrganization());
    const text = (await runKubezt(['status'], env)).stdout;
    expect(text).toMatch(/^Profile {3}Traffic and DNS mode/m);
    expect(text).toContain(`Team      ${warpOrganization()}`);
  });
});

function warpOrganization(): string {
  return warp.state().organization ?? 'demo-corp';
}
