import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { checkRoute, createWarpView, readRoute } from '../../../main/core/warp/index.ts';
import { DEFAULT_EXCLUDES, type FakeWarp, startFakeWarp } from '../../../sim/warp/index.ts';
import { envFor } from './helpers.ts';

let dir: string;
let fake: FakeWarp;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubezt-warp-route-'));
  fake = await startFakeWarp({ dir, state: { mode: 'exclude', exclude: [...DEFAULT_EXCLUDES] } });
});

afterAll(async () => {
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('route verdicts with the real `ip -j route get` and KUBEZT_WARP_INTERFACE=lo', () => {
  it('loopback IPs count as routed through WARP (IPv4 and IPv6)', async () => {
    const env = envFor(fake);
    for (const ip of ['127.0.0.1', '127.0.2.17', '::1']) {
      const v = await checkRoute(env, ip);
      expect(v.verdict, ip).toBe('via-warp');
      expect(v.interface).toBe('lo');
      expect(v.route?.type).toBe('local');
      expect(v.route?.command).toMatch(/ip -j route get /);
      expect(v.detail).toBe(`Traffic to ${ip} goes through the WARP interface (lo).`);
    }
  });

  it('an RFC 1918 IP under the default Exclude list: split-tunnel-excluded, with the exact change', async () => {
    const v = await checkRoute(envFor(fake), '10.1.2.3');
    const real = await readRoute(envFor(fake), '10.1.2.3');
    expect(real.interface).not.toBe('lo');
    expect(v.verdict).toBe('split-tunnel-excluded');
    expect(v.splitTunnel?.source).toBe('-j settings');
    expect(v.excludedBy).toEqual(['10.0.0.0/8']);
    expect(v.detail).toContain('which WARP excludes by default');
    expect(v.remedy).toContain('remove 10.0.0.0/8 from the Exclude list');
    expect(v.remedy).toContain('add 10.1.2.3/32 to the Include list');
  });

  it('an IPv6 ULA under fd00::/8', async () => {
    const v = await checkRoute(envFor(fake), 'fd12:3456::5');
    expect(v.verdict).toBe('split-tunnel-excluded');
    expect(v.excludedBy).toEqual(['fd00::/8', 'fc00::/7']);
    expect(v.remedy).toContain('fd12:3456::5/128');
  });

  it('a public IP that leaves through another interface: not via WARP (or unknown where no route exists)', async () => {
    const env = envFor(fake);
    const real = await readRoute(env, '198.51.100.7');
    const v = await checkRoute(env, '198.51.100.7', { warpState: 'connected' });
    expect(v.verdict).toBe(real.ok ? 'not-via-warp' : 'unknown');
    if (real.ok) expect(v.detail).toContain(`leaves through ${real.interface}`);
  });

  it('Include mode: loopback included is via WARP, anything else is not included', async () => {
    fake.setState({ mode: 'include', include: ['127.0.0.0/8 (demo API servers)', '::1/128'] });
    try {
      const env = envFor(fake);
      expect((await checkRoute(env, '127.0.0.9')).verdict).toBe('via-warp');
      const v = await checkRoute(env, '10.1.2.3');
      expect(v.verdict).toBe('split-tunnel-excluded');
      expect(v.remedy).toMatch(/^Split tunnel \(Include mode\) does not include 10\.1\.2\.3: add 10\.1\.2\.3\/32/);
    } finally {
      fake.setState({ mode: 'exclude' });
    }
  });

  it('rejects what is not a plain IP before any command runs', async () => {
    const calls: string[] = [];
    const env = envFor(fake, {
      runner: {
        run: (cmd, args, opts) => {
          calls.push(cmd);
          return nodeProcessRunner.run(cmd, args, opts);
        },
      },
    });
    const r = await readRoute(env, "127.0.0.1'; rm -rf / #");
    expect(r.ok).toBe(false);
    expect(calls).toEqual([]);
  });

  it('the WarpView adapter the probe engine consumes', async () => {
    fake.setState({ status: 'Connected', fault: 'none', hang: false, trace: { warp: 'on', gateway: 'on' } });
    const view = createWarpView(envFor(fake));
    const state = await view.state();
    expect(state).toMatchObject({ state: 'connected', gatewayOn: true, detail: 'Network healthy' });
    // The client profile comes along, for the probe's mode and virtual-network steps.
    expect(state.mode).toMatchObject({ kind: 'traffic-and-dns', privateRouting: true });
    expect(state.privateRouting).toBe(true);
    expect(state.organization).toBe('demo-corp');
    expect(state.splitTunnel?.mode).toBe('exclude');
    expect(state.virtualNetworks).toEqual({ active: null, list: [], format: 'json' });
    expect(await view.routeFor('127.0.0.3')).toEqual({
      verdict: 'via-warp',
      detail: 'Traffic to 127.0.0.3 goes through the WARP interface (lo).',
    });
    const excluded = await view.routeFor('192.168.9.9');
    expect(excluded.verdict).toBe('split-tunnel-excluded');
    expect(excluded.remedy).toContain('192.168.0.0/16');
  });
});
