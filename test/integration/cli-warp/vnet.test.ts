import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { VnetListJson, VnetSwitchJson } from '../../../main/cli/commands/vnet.ts';
import type { WarpJson } from '../../../main/cli/commands/warp.ts';
import { type FakeWarp, type FakeWarpState, startFakeWarp } from '../../../sim/warp/index.ts';
import { runCli } from '../../helpers/cli.ts';

const PROD = '11111111-1111-4111-8111-111111111111';
const STAGING = '22222222-2222-4222-8222-222222222222';
const NETWORKS: FakeWarpState['virtualNetworks'] = [
  { id: PROD, name: 'prod-vnet', description: 'Production', default: true },
  { id: STAGING, name: 'staging-vnet', description: 'Staging' },
];

describe('kubezt warp and kubezt vnet against the fake WARP client', () => {
  let dir: string;
  let warp: FakeWarp;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubezt-vnet-cli-'));
    warp = await startFakeWarp({ dir });
  });
  afterAll(async () => {
    await warp?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    warp.setState({
      status: 'Connected',
      format: 'current',
      fault: 'none',
      hang: false,
      virtualNetworks: NETWORKS,
      activeVnetId: PROD,
      vnetFault: 'none',
      switchDelayMs: 200,
      connectingUntil: 0,
      operationMode: 'WarpWithDnsOverHttps',
      organization: 'acme-corp',
      mode: 'include',
      include: ['10.20.0.0/16'],
      managed: { mode: true, splitTunnel: true },
    });
  });
  const env = () => ({ ...warp.env, KUBEZT_TRACE_URL: 'off', KUBECONFIG: join(dir, 'no-kubeconfig') });

  it('warp --json: mode, private routing, organization, managed split tunnel, virtual networks', async () => {
    const r = await runCli(['warp', '--json'], { env: env() });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as WarpJson;
    expect(out.mode).toMatchObject({ raw: 'WarpWithDnsOverHttps', label: 'Traffic and DNS mode', managed: true });
    expect(out.privateRouting).toBe(true);
    expect(out.organization).toBe('acme-corp');
    expect(out.splitTunnel).toMatchObject({ mode: 'include', managed: true });
    expect(out.virtualNetworks).toEqual({
      active: PROD,
      activeName: 'prod-vnet',
      networks: [
        { id: PROD, name: 'prod-vnet', description: 'Production', default: true, active: true },
        { id: STAGING, name: 'staging-vnet', description: 'Staging', default: false, active: false },
      ],
    });
  });

  it('warp (text): a proxy-mode client is said to route no private IPs', async () => {
    warp.setState({ operationMode: 'WarpProxy', proxyPort: 40000, managed: { mode: false } });
    const r = await runCli(['warp'], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Mode: Local proxy mode (WarpProxy on port 40000), your own setting; routes NO private IPs: use Traffic and DNS mode or Traffic only mode',
    );
    expect(r.stdout).toContain('Organization: acme-corp');
    expect(r.stdout).toContain('Virtual network: prod-vnet (11111111-1111-4111-8111-111111111111)');
    expect(r.stdout).toMatch(/^ {2}\* prod-vnet {5}11111111-.*\(default\)/m);
    expect(r.stdout).toMatch(/Split tunnel: include mode, 1 entry \(10\.20\.0\.0\/16\), set by your organization/);
  });

  it('vnet lists the networks, the selected one marked', async () => {
    const r = await runCli(['vnet'], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'WARP virtual networks (* = selected):',
      `  * prod-vnet     ${PROD}  (default)  Production`,
      `    staging-vnet  ${STAGING}  Staging`,
    ]);
    const j = JSON.parse((await runCli(['vnet', '--json'], { env: env() })).stdout) as VnetListJson;
    expect(j.virtualNetworks.activeName).toBe('prod-vnet');
  });

  it('vnet NAME switches, waits for connected, and the fake now has it selected', async () => {
    const r = await runCli(['vnet', 'staging-vnet', '--json'], { env: env() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as VnetSwitchJson;
    expect(out).toMatchObject({ version: 1, switched: true, previous: PROD, network: { id: STAGING } });
    expect(warp.activeVnetId()).toBe(STAGING);
    const again = await runCli(['vnet', STAGING], { env: env() });
    expect(again.stdout).toBe(`WARP is already connected on virtual network staging-vnet (${STAGING}).\n`);
  });

  it('an unknown name exits 2 with one sentence listing the choices', async () => {
    const r = await runCli(['vnet', 'qa'], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('kubezt: WARP has no virtual network "qa"; its networks are: prod-vnet, staging-vnet.\n');
    expect(warp.activeVnetId()).toBe(PROD);
  });

  it('a refused switch exits 1 with one sentence', async () => {
    warp.setState({ vnetFault: 'refuse' });
    const r = await runCli(['vnet', 'staging-vnet'], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^kubezt: warp-cli could not select virtual network "staging-vnet" \(.*\): Error: .*\.\n$/,
    );
    expect(warp.activeVnetId()).toBe(PROD);
  });

  it('a client without virtual networks (2022): vnet exits 1 saying what warp-cli answered', async () => {
    warp.setState({ format: '2022' });
    const r = await runCli(['vnet'], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `kubezt: warp-cli did not list the virtual networks ("error: The subcommand 'vnet' wasn't recognized").\n`,
    );
    const w = JSON.parse((await runCli(['warp', '--json'], { env: env() })).stdout) as WarpJson;
    expect(w.virtualNetworks).toBeNull();
    expect(w.mode?.kind).toBe('traffic-and-dns');
  });

  it('bad usage exits 2', async () => {
    expect((await runCli(['vnet', 'a', 'b'], { env: env() })).code).toBe(2);
    const r = await runCli(['vnet', 'a', '--timeout', 'soon'], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('kubezt: --timeout must be a positive whole number, not "soon" ("kubezt vnet --help").\n');
  });
});
