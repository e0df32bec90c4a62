import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CheckJson } from '../../../main/cli/commands/check.ts';
import { type ApiServerFarm, startApiServerFarm } from '../../../sim/apiserver/index.ts';
import { type FakeCloudflareApi, seedFromClusters, startCloudflareApi } from '../../../sim/cloudflare/index.ts';
import { type DataPlane, startDataPlane } from '../../../sim/dataplane/index.ts';
import { type FakeWarp, startFakeWarp } from '../../../sim/warp/index.ts';
import { runKubezt, setUpEstate } from './world.ts';

/**
 * Two clusters behind one private IP, in two virtual networks, as organisations with overlapping
 * ranges run them: the fake Cloudflare account routes the shared IP in both networks, the fake
 * data plane forwards each connection to the API server of the network the fake WARP has
 * selected, and `kubezt setup --yes` writes both contexts (each recording its network). Which API
 * server a connection reaches is counted on the servers themselves.
 */

const SHARED_IP = '127.0.91.7';

let root: string;
let farm: ApiServerFarm;
let cloudflare: FakeCloudflareApi;
let warp: FakeWarp;
let plane: DataPlane;
let env: Record<string, string>;
let alphaNet: string;
let betaNet: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kubezt-vnet-check-'));
  farm = await startApiServerFarm({ servers: [{ name: 'alpha' }, { name: 'beta' }] });
  const seed = seedFromClusters(
    [
      { name: 'alpha', ipv4: SHARED_IP, virtualNetwork: 'alpha-net' },
      { name: 'beta', ipv4: SHARED_IP, virtualNetwork: 'beta-net' },
    ],
    { accountName: 'Overlap Corp', fillerRoutes: 0 },
  );
  const idOf = (name: string) => {
    const id = seed.virtualNetworks.find((n) => n.name === name)?.id;
    if (!id) throw new Error(`the seed has no network ${name}`);
    return id;
  };
  alphaNet = idOf('alpha-net');
  betaNet = idOf('beta-net');
  cloudflare = await startCloudflareApi({ seed });
  warp = await startFakeWarp({
    dir: join(root, 'warp'),
    state: {
      virtualNetworks: [
        { id: idOf('default'), name: 'default', default: true },
        { id: alphaNet, name: 'alpha-net' },
        { id: betaNet, name: 'beta-net' },
      ],
      activeVnetId: alphaNet,
    },
  });
  const upstream = (name: string) => ({ host: farm.server(name).ip, port: farm.server(name).port });
  plane = await startDataPlane({
    routes: [
      { vnetId: alphaNet, ip: SHARED_IP, port: 0, upstream: upstream('alpha') },
      { vnetId: betaNet, ip: SHARED_IP, port: 0, upstream: upstream('beta') },
    ],
    activeVnet: () => warp.activeVnetId(),
  });
  const port = plane.portOf(SHARED_IP, 0);
  // Both servers' certificates name kubernetes.default.svc; neither names the shared IP.
  const catalog = {
    clusters: ['alpha', 'beta'].map((name) => ({
      name,
      port,
      certificateAuthorityData: farm.server(name).caData,
      tlsServerName: 'kubernetes.default.svc',
      user: { token: farm.server(name).token },
    })),
  };
  env = await setUpEstate(root, catalog, cloudflare, warp);
}, 60_000);

afterAll(async () => {
  await Promise.all([plane?.close(), cloudflare?.close(), warp?.close(), farm?.close()]);
  if (root) await rm(root, { recursive: true, force: true });
});

const connections = () => ({
  alpha: farm.server('alpha').stats().connections,
  beta: farm.server('beta').stats().connections,
  plane: plane.connections().length,
});

describe('kubezt check with two clusters that share an IP in two virtual networks', () => {
  it('setup records each context’s network in the kubezt extension', async () => {
    const config = parse(await readFile(env.KUBECONFIG as string, 'utf8')) as {
      contexts: { name: string; context: { extensions: { name: string; extension: Record<string, unknown> }[] } }[];
    };
    const networkOf = (name: string) =>
      config.contexts.find((c) => c.name === name)?.context.extensions.find((e) => e.name === 'kubezt')?.extension
        .virtualNetwork;
    expect(networkOf('zt-alpha')).toEqual({ id: alphaNet, name: 'alpha-net' });
    expect(networkOf('zt-beta')).toEqual({ id: betaNet, name: 'beta-net' });
  });

  it('with alpha-net selected, checking beta gives wrong-virtual-network and nothing reaches either server', async () => {
    const before = connections();
    const r = await runKubezt(['check', '--json', 'beta'], env);
    expect(r.code, r.stderr).toBe(1);
    const c = (JSON.parse(r.stdout) as CheckJson).clusters[0];
    expect(c).toMatchObject({ context: 'zt-beta', verdict: 'wrong-virtual-network', severity: 'fail', step: 'vnet' });
    expect(c?.remedy).toBe('kubezt use zt-beta');
    expect(c?.summary).toContain('"alpha-net" selected');
    expect(c?.summary).toContain('"beta-net"');
    const steps = Object.fromEntries((c?.steps ?? []).map((s) => [s.step, s.status]));
    expect(steps).toMatchObject({ warp: 'ok', vnet: 'fail', tcp: 'skip', tls: 'skip', version: 'skip', auth: 'skip' });
    // No TCP connection, so no credential: not to the data plane, not to alpha (which the shared
    // IP reaches in alpha-net), not to beta.
    expect(connections()).toEqual(before);
  });

  it('checking alpha in its own network passes, through the data plane to alpha’s server', async () => {
    const before = connections();
    const r = await runKubezt(['check', '--json', 'alpha'], env);
    expect(r.code, r.stderr).toBe(0);
    const c = (JSON.parse(r.stdout) as CheckJson).clusters[0];
    expect(c).toMatchObject({ context: 'zt-alpha', verdict: 'ok', username: 'admin' });
    expect(c?.steps.find((s) => s.step === 'vnet')).toMatchObject({ status: 'ok', reason: 'vnet-match' });
    const after = connections();
    expect(after.alpha).toBeGreaterThan(before.alpha);
    expect(after.beta).toBe(before.beta);
    expect(
      plane
        .connections()
        .slice(before.plane)
        .every((x) => x.vnetId === alphaNet),
    ).toBe(true);
  });

  it('kubezt diagnose says the same in words, with the short label', async () => {
    const r = await runKubezt(['diagnose', 'beta'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('zt-beta');
    expect(r.stdout).toContain(': wrong-virtual-network (Wrong virtual network)');
    expect(r.stdout).toContain('Fix: kubezt use zt-beta');
  });

  it('an unknown active network skips the step with a note, and the check goes on', async () => {
    warp.setState({ activeVnetId: null });
    try {
      const r = await runKubezt(['check', '--json', 'alpha'], env);
      const c = (JSON.parse(r.stdout) as CheckJson).clusters[0];
      const vnet = c?.steps.find((s) => s.step === 'vnet');
      expect(vnet).toMatchObject({ status: 'skip', reason: 'vnet-unknown' });
      expect(c?.notes.join(' ')).toContain('did not say which virtual network is selected');
      // The data plane has no network selected either, so nothing answers: not a vnet verdict.
      expect(c?.verdict).not.toBe('wrong-virtual-network');
      expect(c?.steps.find((s) => s.step === 'tcp')?.status).not.toBe('skip');
    } finally {
      warp.setState({ activeVnetId: alphaNet });
    }
  });

  it('kubezt status shows the selected network', async () => {
    const r = await runKubezt(['status', '--json'], env);
    const out = JSON.parse(r.stdout) as { warp: { virtualNetwork?: { id: string; name: string | null } | null } };
    expect(out.warp.virtualNetwork).toEqual({ id: alphaNet, name: 'alpha-net' });
    const text = await runKubezt(['status'], env);
    expect(text.stdout).toContain(`Network   alpha-net (${alphaNet})`);
  });
});
