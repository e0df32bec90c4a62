/**
 * The full path on two clusters that share one routed IP:port in two virtual networks (the
 * demo's world): discover → setup → `kubezt use` switching WARP → real kubectl through the data
 * plane reaches the server of the selected network → `kubezt check`. Then the ways a switch does
 * not happen: a failed switch writes nothing, `never` and `ask` without a terminal write and warn,
 * and a per-shell context only warns.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import type { SwitchClock } from '../../../main/core/warp/index.ts';
import { joinNetworkBeforeWrite, type NetworkNotice } from '../../../main/usecases/join-network.ts';
import { runUseContext } from '../../../main/usecases/use-context.ts';
import { OVERLAP, type Simulator, startSimulator } from '../../../sim/environment.ts';
import { runCli } from '../../helpers/cli.ts';
import { hasScript, openTerminal } from '../../helpers/terminal.ts';

const exec = promisify(execFile);

let sim: Simulator;
let dir: string;
let env: Record<string, string>;
let defaultId: string;
let stagingId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubezt-vnet-use-'));
  sim = await startSimulator({ dir, clusters: 3, overlapping: true });
  env = { ...sim.env };
  defaultId = sim.networks.find((n) => n.default)?.id as string;
  stagingId = sim.networks.find((n) => n.name === OVERLAP.network)?.id as string;
  const setup = await runCli(['setup', '--yes'], { env });
  expect(setup.stdout).toContain('Added context zt-prod-eu-staging');
  expect(setup.code).toBe(0);
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  // A short settle after each switch; the bounded wait still polls the real client.
  sim.warp.setState({ activeVnetId: defaultId, vnetFault: 'none', switchDelayMs: 50, connectingUntil: 0 });
  writeFileSync(join(sim.configDir, 'settings.json'), '{}\n');
});

const kubeconfig = () => readFileSync(sim.kubeconfigPath, 'utf8');
const setting = (value: string) =>
  writeFileSync(join(sim.configDir, 'settings.json'), JSON.stringify({ switchVirtualNetwork: value }));

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await exec('kubectl', args, { env: { PATH: process.env.PATH, KUBECONFIG: sim.kubeconfigPath } });
  return stdout;
}
const serverVersion = async () => JSON.parse(await kubectl('version', '-o', 'json')).serverVersion.gitVersion;
const username = async () => JSON.parse(await kubectl('auth', 'whoami', '-o', 'json')).status.userInfo.username;

describe('kubezt use across two virtual networks that share an IP', () => {
  it('discovery makes two clusters of the shared IP, one per network', async () => {
    const r = await runCli(['clusters', '--json'], { env });
    const clusters = JSON.parse(r.stdout).clusters as {
      name: string;
      ips: string[];
      virtualNetwork?: { name: string };
    }[];
    const pair = clusters.filter((c) => c.name === OVERLAP.name || c.name === OVERLAP.twin);
    expect(pair.map((c) => [c.name, c.virtualNetwork?.name])).toEqual([
      [OVERLAP.name, 'default'],
      [OVERLAP.twin, OVERLAP.network],
    ]);
    expect(pair[0]?.ips[0]).toBe(pair[1]?.ips[0]);
  });

  it('switches WARP to the cluster network, then kubectl reaches that cluster; and back', async () => {
    const r = await runCli(['use', OVERLAP.twin], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `kubezt: Switched WARP from virtual network "default" to "staging" for context "zt-${OVERLAP.twin}" (device-wide).\n`,
    );
    expect(r.stdout).toContain(`Switched to context "zt-${OVERLAP.twin}"`);
    expect(sim.warp.activeVnetId()).toBe(stagingId);
    expect(await serverVersion()).toBe('v1.33.1');
    expect(await username()).toBe('staging-admin');
    const check = await runCli(['check', OVERLAP.twin], { env });
    expect(check.stdout).toMatch(new RegExp(`✓ zt-${OVERLAP.twin}\\s+v1\\.33\\.1`));

    const back = await runCli(['use', OVERLAP.name], { env });
    expect(back.code).toBe(0);
    expect(back.stderr).toContain('Switched WARP from virtual network "staging" to "default"');
    expect(sim.warp.activeVnetId()).toBe(defaultId);
    expect(await serverVersion()).toBe('v1.32.3');
    expect(await username()).toBe('admin');
  });

  it('says nothing about WARP for a cluster already in the selected network', async () => {
    const r = await runCli(['use', 'prod-us'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(sim.warp.activeVnetId()).toBe(defaultId);
  });

  it('a switch warp-cli refuses writes nothing: exit 1, one sentence, the file byte for byte', async () => {
    await runCli(['use', OVERLAP.name], { env });
    const before = kubeconfig();
    sim.warp.setState({ vnetFault: 'refuse' });
    const r = await runCli(['use', OVERLAP.twin], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^kubezt: warp-cli could not select virtual network "staging" \([0-9a-f-]{36}\): .+\.\n$/);
    expect(kubeconfig()).toBe(before);
    expect(sim.warp.activeVnetId()).toBe(defaultId);
  });

  it('a switch that never reconnects writes nothing once the bounded wait runs out', async () => {
    await runCli(['use', OVERLAP.name], { env });
    const before = kubeconfig();
    sim.warp.setState({ vnetFault: 'stuck' });
    let t = 0;
    const clock: SwitchClock = {
      now: () => t,
      sleep: async (ms) => {
        t += ms;
      },
    };
    const notices: NetworkNotice[] = [];
    const step = joinNetworkBeforeWrite({
      warp: { runner: nodeProcessRunner, warpCliPath: sim.warp.warpCliPath, childEnv: {} },
      policy: () => 'auto',
      say: (n) => notices.push(n),
      deadlineMs: 2_000,
      pollMs: 1_000,
      clock,
    });
    await expect(runUseContext({ paths: [sim.kubeconfigPath], name: OVERLAP.twin, beforeWrite: step })).rejects.toThrow(
      /^WARP did not report connected to virtual network "staging" \([0-9a-f-]{36}\) within 2 s/,
    );
    expect(kubeconfig()).toBe(before);
    expect(notices).toEqual([]);
  });

  it('never: writes the context, leaves WARP alone and warns', async () => {
    setting('never');
    const r = await runCli(['use', OVERLAP.twin], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `kubezt: Context "zt-${OVERLAP.twin}" is in virtual network "staging" but WARP is on "default"; kubezt left WARP alone (switchVirtualNetwork is "never"), so kubectl reaches it only after "kubezt vnet staging".\n`,
    );
    expect(kubeconfig()).toMatch(new RegExp(`^current-context: zt-${OVERLAP.twin}$`, 'm'));
    expect(sim.warp.activeVnetId()).toBe(defaultId);
  });

  it('ask without a terminal behaves as never, and says why', async () => {
    setting('ask');
    const r = await runCli(['use', OVERLAP.twin], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'switchVirtualNetwork is "ask" and there is no terminal to ask on, so kubezt left WARP alone',
    );
    expect(sim.warp.activeVnetId()).toBe(defaultId);
  });

  it('a setting that is none of auto, ask, never is bad input naming it, and nothing is written', async () => {
    await runCli(['use', OVERLAP.name], { env });
    const before = kubeconfig();
    setting('always');
    const r = await runCli(['use', OVERLAP.twin], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('The setting "switchVirtualNetwork" must be "auto", "ask" or "never", not "always"');
    expect(kubeconfig()).toBe(before);
  });

  it('per-shell contexts warn that the network is device-wide, and do not switch', async () => {
    const r = await runCli(['env', OVERLAP.twin], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `Context "zt-${OVERLAP.twin}" is in virtual network "staging" but WARP is on "default"; the virtual network is device-wide`,
    );
    expect(r.stdout).toContain('export KUBECONFIG=');
    expect(sim.warp.activeVnetId()).toBe(defaultId);
    const same = await runCli(['env', OVERLAP.name], { env });
    expect(same.stderr).toBe('');
  });

  it.skipIf(!hasScript)('ask on a terminal: y switches WARP', async () => {
    setting('ask');
    const term = openTerminal([join(process.cwd(), 'node_modules/.bin/node'), 'bin/kubezt.js', 'use', OVERLAP.twin], {
      cwd: process.cwd(),
      env: { ...env, PATH: process.env.PATH, KUBEZT_CLI_FROM: 'sources' },
    });
    try {
      await term.shown('[y/N]');
      expect(term.output()).toContain(
        `Context "zt-${OVERLAP.twin}" is in virtual network "staging" and WARP is on "default"`,
      );
      term.type('y\r');
      expect(await term.exited).toBe(0);
      expect(term.output()).toContain('Switched WARP from virtual network "default" to "staging"');
      expect(sim.warp.activeVnetId()).toBe(stagingId);
    } finally {
      term.kill();
    }
  });
});
