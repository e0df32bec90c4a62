import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarpJson } from '../../../main/cli/commands/warp.ts';
import { type FakeWarp, startFakeWarp } from '../../../sim/warp/index.ts';
import { runCli } from '../../helpers/cli.ts';

describe('kubezt warp against the fake WARP client', () => {
  let dir: string;
  let warp: FakeWarp;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubezt-warp-cli-'));
    warp = await startFakeWarp({ dir });
  });
  afterAll(async () => {
    await warp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const warpJson = async (extra: Record<string, string> = {}, args: string[] = []) => {
    const r = await runCli(['warp', '--json', ...args], {
      env: { ...warp.env, KUBECONFIG: join(dir, 'no-kubeconfig'), ...extra },
    });
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as WarpJson;
  };

  it.each([
    [{ status: 'Connected', format: 'current' }, 'connected'],
    [{ status: 'Disconnected', format: '2023', reason: 'Manual Disconnection' }, 'disconnected'],
    [{ status: 'Connecting', format: '2022' }, 'connecting'],
    [{ status: 'Reconnecting', format: 'current' }, 'connecting'],
  ] as const)('reports %o as %s', async (state, expected) => {
    warp.setState({ ...state, fault: 'none', hang: false });
    const out = await warpJson();
    expect(out.state).toBe(expected);
    expect(out.decidedBy).toBe('warp-cli');
    expect(out.signals.map((s) => s.source)).toEqual(['warp-cli', 'interface', 'trace']);
  });

  it('says the daemon is down rather than guessing', async () => {
    warp.setState({ status: 'Connected', fault: 'daemon-down', hang: false });
    const out = await warpJson();
    const cli = out.signals.find((s) => s.source === 'warp-cli');
    expect(cli && 'daemonDown' in cli && cli.daemonDown).toBe(true);
    expect(out.state).not.toBe('connected');
  });

  it('keeps unknown output as raw evidence instead of crashing', async () => {
    warp.setState({ fault: 'garbage', hang: false });
    // Without the tunnel interface to go by, only warp-cli could tell.
    const out = await warpJson({ KUBEZT_TRACE_URL: 'off', KUBEZT_WARP_INTERFACE: 'CloudflareWARP' });
    expect(out.state).toBe('unknown');
    const cli = out.signals.find((s) => s.source === 'warp-cli');
    expect(cli && 'raw' in cli && cli.raw.length).toBeGreaterThan(0);
  });

  it('a hanging warp-cli times out and the command still answers', async () => {
    warp.setState({ fault: 'none', hang: true });
    const out = await warpJson({ KUBEZT_TRACE_URL: 'off' });
    const cli = out.signals.find((s) => s.source === 'warp-cli');
    expect(cli && 'timedOut' in cli && cli.timedOut).toBe(true);
    warp.setState({ hang: false });
  });

  it('a missing warp-cli is "unavailable"', async () => {
    const out = await warpJson({
      KUBEZT_WARP_CLI: join(dir, 'not-installed', 'warp-cli'),
      KUBEZT_TRACE_URL: 'off',
      KUBEZT_WARP_INTERFACE: 'CloudflareWARP',
    });
    expect(out.state).toBe('unavailable');
  });

  it('judges each IP: loopback through the WARP interface, 10.x excluded by the default split tunnel', async () => {
    warp.setState({ status: 'Connected', fault: 'none', hang: false, mode: 'exclude' });
    const out = await warpJson({}, ['127.0.0.9', '10.1.2.3']);
    expect(out.splitTunnel?.mode).toBe('exclude');
    const [loop, lan] = out.routes;
    expect(loop).toMatchObject({ ip: '127.0.0.9', verdict: 'via-warp' });
    expect(lan).toMatchObject({ ip: '10.1.2.3', verdict: 'split-tunnel-excluded', privateRange: '10.0.0.0/8' });
    expect(lan?.remedy).toContain('10.1.2.3/32');
  });

  it('rejects an argument that is not an IP with exit 2', async () => {
    const r = await runCli(['warp', 'prod-us'], { env: warp.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('kubezt: "prod-us" is not an IP address; "kubezt warp" takes API server IPs (or none).\n');
  });
});
