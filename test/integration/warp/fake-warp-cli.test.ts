import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import {
  detectWarp,
  nodeLineStreamer,
  readSplitTunnel,
  readTrace,
  readWarpCli,
  type WarpStatus,
} from '../../../main/core/warp/index.ts';
import { type FakeWarp, type FakeWarpState, startFakeWarp } from '../../../sim/warp/index.ts';
import { envFor, fakeProcesses } from './helpers.ts';

let dir: string;
let fake: FakeWarp;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubezt-warp-'));
  fake = await startFakeWarp({ dir, state: {} });
});

afterAll(async () => {
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** No tunnel interface and no trace: the verdict rests on warp-cli alone. */
const cliOnly = () => envFor(fake, { interfaceName: 'kubezt-none0', traceUrl: null });

describe('the fake warp-cli as a real child process, through the detector', () => {
  const matrix: [Partial<FakeWarpState>, WarpStatus, string[], RegExp | null][] = [
    [{ format: 'current', status: 'Connected' }, 'connected', ['-j', 'status'], /^Network healthy$/],
    [{ format: 'current', status: 'Disconnected' }, 'disconnected', ['-j', 'status'], /^Manual$/],
    [{ format: 'current', status: 'Connecting' }, 'connecting', ['-j', 'status'], /Establishing connection/],
    [{ format: 'current', status: 'Unable' }, 'disconnected', ['-j', 'status'], /Registration missing/],
    [{ format: '2024', status: 'Reconnecting' }, 'connecting', ['-j', 'status'], /happy eyeballs/i],
    [{ format: '2023', status: 'Disconnected' }, 'disconnected', ['status'], /^Manual Disconnection$/],
    [{ format: '2023', status: 'Connected' }, 'connected', ['status'], null],
    [
      { format: '2022', status: 'Disconnected', reasonFirst: true, extraLines: ['Mode: WarpWithDnsOverHttps'] },
      'disconnected',
      ['status'],
      /^Manual Disconnection$/,
    ],
    [{ format: '2021', status: 'Connected' }, 'connected', ['status'], null],
    [{ format: 'current', status: 'Flux' }, 'unknown', ['-j', 'status'], null],
  ];
  for (const [state, want, args, reason] of matrix) {
    it(`${state.format} ${state.status}${state.reasonFirst ? ' (reason first, extra lines)' : ''} → ${want}`, async () => {
      fake.setState({ fault: 'none', hang: false, reasonFirst: false, extraLines: [], ...state });
      const s = await detectWarp(cliOnly());
      expect(s.state).toBe(want);
      const cli = s.signals[0];
      expect(cli?.source).toBe('warp-cli');
      if (cli?.source !== 'warp-cli') return;
      expect(cli.args).toEqual(args);
      expect(cli.timedOut).toBe(false);
      expect(cli.raw).toContain(String(state.status));
      if (reason) expect(s.reason).toMatch(reason);
      if (want === 'unknown') expect(s.decidedBy).toBeNull();
      else expect(s.decidedBy).toBe('warp-cli');
    });
  }

  it.each([
    ['current', ['-j', 'status'], 'json'],
    ['2024', ['-j', 'status'], 'json'],
    ['2023', ['status'], 'text'],
    ['2021', ['status'], 'text'],
  ] as const)('daemon down (%s): disconnected, the service named in the reason', async (format, args, fmt) => {
    fake.setState({ format, status: 'Connected', fault: 'daemon-down', hang: false });
    const cli = await readWarpCli(cliOnly());
    expect(cli).toMatchObject({ status: 'disconnected', daemonDown: true, args, format: fmt });
    expect(cli.reason).toContain('warp-svc');
    expect(cli.raw).toMatch(/Unable to connect to|FailedToConnectToDaemon/);
  });

  it('the Terms of Service prompt: unknown, with what to do', async () => {
    fake.setState({ format: 'current', status: 'Connected', fault: 'tos', hang: false });
    const s = await detectWarp(cliOnly());
    expect(s.state).toBe('unknown');
    expect(s.reason).toContain('Terms of Service');
    expect(s.signals[0]?.source === 'warp-cli' && s.signals[0].raw).toContain('Accept Terms of Service');
  });

  it('garbage: unknown, the raw output kept as evidence', async () => {
    fake.setState({ format: 'current', status: 'Connected', fault: 'garbage', hang: false });
    const s = await detectWarp(cliOnly());
    expect(s.state).toBe('unknown');
    const cli = s.signals[0];
    expect(cli?.source === 'warp-cli' && cli.raw).toContain('0xDEADBEEF');
    expect(cli?.detail).toContain('does not recognise');
  });

  it('a hanging warp-cli: the timeout holds, unknown with timeout evidence, no child left behind', async () => {
    fake.setState({ format: 'current', status: 'Connected', fault: 'none', hang: true });
    const s = await detectWarp(envFor(fake, { interfaceName: 'kubezt-none0', traceUrl: null, timeoutMs: 1_500 }));
    expect(s.state).toBe('unknown');
    const cli = s.signals[0];
    expect(cli?.source).toBe('warp-cli');
    if (cli?.source !== 'warp-cli') return;
    expect(cli.timedOut).toBe(true);
    expect(cli.exitCode).toBeNull();
    // A hung client hangs for every command: the text form is not tried on top.
    expect(cli.args).toEqual(['-j', 'status']);
    expect(cli.detail).toContain('did not answer within 1500 ms');
    // Killed with its process group; the kernel takes a moment to tear it down.
    await vi.waitFor(() => expect(fakeProcesses(fake)).toEqual([]), { timeout: 5_000 });
  });

  it('a hang with the tunnel visibly up still says connected, from the interface (lo here)', async () => {
    fake.setState({ hang: true });
    const s = await detectWarp(envFor(fake, { traceUrl: null, timeoutMs: 1_500 }));
    expect(s).toMatchObject({ state: 'connected', decidedBy: 'interface' });
    expect(s.reason).toContain('lo is up');
  });

  it('not installed: unavailable', async () => {
    const s = await detectWarp(
      envFor(fake, { warpCliPath: join(dir, 'no-such-warp-cli'), interfaceName: 'kubezt-none0', traceUrl: null }),
    );
    expect(s.state).toBe('unavailable');
    expect(s.reason).toContain('not installed');
  });

  it('answers --version like the real client', async () => {
    fake.setState({ hang: false, fault: 'none', format: '2024' });
    const r = await nodeProcessRunner.run(fake.warpCliPath, ['--version'], { timeoutMs: 15_000 });
    expect(r.stdout).toBe('warp-cli 2024.9.346.0\n');
    expect(r.code).toBe(0);
  });
});

describe('the fake in listen mode and through its static wrapper', () => {
  it('`-j -l status` streams one JSON line per change until killed', async () => {
    fake.setState({ format: 'current', status: 'Connected', fault: 'none', hang: false });
    const lines: string[] = [];
    let seen: (() => void) | null = null;
    const disconnected = new Promise<void>((r) => {
      seen = r;
    });
    const child = nodeLineStreamer.start(fake.warpCliPath, ['-j', '-l', 'status'], {
      onLine(line) {
        lines.push(line);
        if (lines.length === 1) fake.setState({ status: 'Disconnected' });
        if (line.includes('Disconnected')) seen?.();
      },
      onExit() {},
    });
    await disconnected;
    await child.stop();
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { status: 'Connected', reason: 'NetworkHealthy' },
      { status: 'Disconnected', reason: 'Manual' },
    ]);
    expect(fakeProcesses(fake)).toEqual([]);
  });

  it('sim/warp/bin/warp-cli runs the fake for whatever state file KUBEZT_FAKE_WARP_STATE names', async () => {
    fake.setState({ format: '2024', status: 'Connecting', fault: 'none', hang: false });
    const wrapper = join(import.meta.dirname, '../../../sim/warp/bin/warp-cli');
    const r = await nodeProcessRunner.run(wrapper, ['status'], {
      timeoutMs: 15_000,
      env: { ...process.env, KUBEZT_FAKE_WARP_STATE: fake.statePath },
    });
    expect(r.stdout).toBe('Status update: Connecting\nReason: Establishing connection to 162.159.198.2:443\n');
  });
});

describe('the fake trace endpoint, through the detector', () => {
  it('gateway on through WARP+', async () => {
    fake.setState({
      format: 'current',
      status: 'Connected',
      fault: 'none',
      hang: false,
      trace: { warp: 'plus', gateway: 'on' },
    });
    const s = await detectWarp(envFor(fake));
    expect(s).toMatchObject({ state: 'connected', gatewayOn: true, decidedBy: 'warp-cli' });
    const trace = s.signals.find((g) => g.source === 'trace');
    expect(trace).toMatchObject({ warp: 'plus', gateway: 'on', status: 'connected' });
    expect(trace?.source === 'trace' && trace.raw).toMatch(/^fl=.*\nh=127\.0\.0\.1\nip=127\.0\.0\.1\n/s);
  });

  it('Include mode: the trace says warp=off, warp-cli still decides (connected)', async () => {
    fake.setState({ mode: 'include', include: ['127.0.0.0/8'], trace: { warp: 'off', gateway: 'off' } });
    const s = await detectWarp(envFor(fake));
    expect(s.state).toBe('connected');
    expect(s.gatewayOn).toBeNull();
    expect(s.signals.find((g) => g.source === 'trace')?.detail).toContain('Include mode');
  });

  it('disconnected WARP: the endpoint answers warp=off, gateway=off', async () => {
    fake.setState({ status: 'Disconnected', mode: 'exclude', trace: { warp: 'on', gateway: 'on' } });
    const trace = await readTrace(envFor(fake));
    expect(trace).toMatchObject({ warp: 'off', gateway: 'off', status: 'disconnected' });
  });

  it('a hanging trace endpoint times out without holding the verdict hostage', async () => {
    fake.setState({ status: 'Connected', trace: { warp: 'on', gateway: 'on', hang: true } });
    const before = fake.traceRequests();
    const trace = await readTrace(envFor(fake, { timeoutMs: 500 }));
    expect(trace).toMatchObject({ status: 'unknown', timedOut: true, error: 'timeout' });
    expect(fake.traceRequests()).toBe(before + 1);
    fake.setState({ trace: { warp: 'on', gateway: 'on', hang: false } });
  });
});

describe('split tunnel from the fake', () => {
  it('current client: one `-j settings` answer, with the source of the setting', async () => {
    fake.setState({
      format: 'current',
      fault: 'none',
      hang: false,
      mode: 'exclude',
      exclude: ['10.0.0.0/8', '192.168.0.0/16', 'fd00::/8'],
    });
    const r = await readSplitTunnel(envFor(fake));
    expect(r.config).toEqual({
      mode: 'exclude',
      source: '-j settings',
      entries: [
        { value: '10.0.0.0/8', kind: 'cidr' },
        { value: '192.168.0.0/16', kind: 'cidr' },
        { value: 'fd00::/8', kind: 'cidr' },
      ],
      managed: true,
      origin: 'api defaults',
    });
    expect(r.attempts.map((a) => a.args.join(' '))).toEqual(['-j settings']);
  });

  it('2023 client: no `-j`, no `tunnel`, no `settings list`, so `settings`', async () => {
    fake.setState({ format: '2023', mode: 'include', include: ['198.51.100.0/24 (k8s)', 'k8s.corp.example'] });
    const r = await readSplitTunnel(envFor(fake));
    expect(r.attempts.map((a) => [a.args.join(' '), a.exitCode])).toEqual([
      ['-j settings', 2],
      ['tunnel ip list', 2],
      ['settings list', 2],
      ['settings', 0],
    ]);
    expect(r.config?.mode).toBe('include');
    expect(r.config?.entries).toEqual([
      { value: '198.51.100.0/24', kind: 'cidr', description: 'k8s' },
      { value: 'k8s.corp.example', kind: 'host' },
    ]);
  });
});
