import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import {
  combineSignals,
  type InterfaceSignal,
  readInterface,
  type TraceSignal,
  type WarpCliSignal,
  type WarpEnv,
} from '../../../main/core/warp/index.ts';

const now = new Date('2025-01-02T03:04:05Z');
const cli = (status: WarpCliSignal['status'], reason: string | null = null): WarpCliSignal => ({
  source: 'warp-cli',
  status,
  detail: `warp-cli says ${status}`,
  reason,
  args: ['-j', 'status'],
  format: 'json',
  daemonDown: false,
  timedOut: false,
  exitCode: 0,
  raw: '',
});
const iface = (present: boolean): InterfaceSignal => ({
  source: 'interface',
  status: present ? 'connected' : 'disconnected',
  detail: '',
  name: 'CloudflareWARP',
  present,
  addresses: present ? ['172.16.0.2'] : [],
});
const trace = (warp: TraceSignal['warp'], gateway: TraceSignal['gateway']): TraceSignal => ({
  source: 'trace',
  status: warp === 'off' ? 'disconnected' : warp ? 'connected' : 'unknown',
  detail: '',
  url: 'http://127.0.0.1/cdn-cgi/trace',
  warp,
  gateway,
  timedOut: false,
  raw: '',
});

describe('combining the signals', () => {
  it('warp-cli wins when it knows, and the trace never overrides it (Include mode says warp=off)', () => {
    const s = combineSignals(cli('connected'), iface(true), trace('off', 'off'), now);
    expect(s.state).toBe('connected');
    expect(s.decidedBy).toBe('warp-cli');
    // The trace request did not go through WARP, so it cannot tell about Gateway.
    expect(s.gatewayOn).toBeNull();
    expect(s.signals.map((g) => g.source)).toEqual(['warp-cli', 'interface', 'trace']);
    expect(s.checkedAt).toBe('2025-01-02T03:04:05.000Z');
    expect(combineSignals(cli('disconnected', 'Manual'), iface(true), trace('on', 'on'), now)).toMatchObject({
      state: 'disconnected',
      reason: 'Manual',
      gatewayOn: true,
    });
  });

  it('gatewayOn follows the trace through WARP', () => {
    expect(combineSignals(cli('connected'), iface(true), trace('plus', 'on'), now).gatewayOn).toBe(true);
    expect(combineSignals(cli('connected'), iface(true), trace('on', 'off'), now).gatewayOn).toBe(false);
    expect(combineSignals(cli('connected'), iface(true), null, now).gatewayOn).toBeNull();
  });

  it('warp-cli unknown: the interface, then a trace that says on; otherwise unknown', () => {
    expect(combineSignals(cli('unknown'), iface(true), null, now)).toMatchObject({
      state: 'connected',
      decidedBy: 'interface',
    });
    expect(combineSignals(cli('unknown'), iface(false), trace('on', 'off'), now)).toMatchObject({
      state: 'connected',
      decidedBy: 'trace',
    });
    const s = combineSignals(
      cli('unknown', 'warp-cli did not answer in time.'),
      iface(false),
      trace('off', 'off'),
      now,
    );
    expect(s).toMatchObject({ state: 'unknown', decidedBy: null, reason: 'warp-cli did not answer in time.' });
  });

  it('warp-cli missing: unavailable, unless WARP is visibly up anyway', () => {
    expect(combineSignals(cli('unavailable', 'not installed'), iface(false), null, now)).toMatchObject({
      state: 'unavailable',
    });
    expect(combineSignals(cli('unavailable'), iface(true), null, now).state).toBe('connected');
  });
});

describe('finding the tunnel interface', () => {
  const env = (platform: NodeJS.Platform, ifs: Record<string, string[]>, interfaceName?: string): WarpEnv => ({
    platform,
    runner: nodeProcessRunner,
    fetch,
    warpCliPath: '/nonexistent/warp-cli',
    traceUrl: null,
    ...(interfaceName ? { interfaceName } : {}),
    networkInterfaces: () =>
      Object.fromEntries(
        Object.entries(ifs).map(([n, addrs]) => [
          n,
          addrs.map(
            (address): NetworkInterfaceInfo =>
              address.includes(':')
                ? {
                    address,
                    family: 'IPv6',
                    scopeid: 0,
                    netmask: '',
                    mac: '00:00:00:00:00:00',
                    internal: false,
                    cidr: null,
                  }
                : { address, family: 'IPv4', netmask: '', mac: '00:00:00:00:00:00', internal: false, cidr: null },
          ),
        ]),
      ),
  });

  it('CloudflareWARP on Linux and Windows', () => {
    expect(readInterface(env('linux', { eth0: ['192.0.2.2'], CloudflareWARP: ['172.16.0.2'] }))).toMatchObject({
      present: true,
      name: 'CloudflareWARP',
    });
    expect(readInterface(env('win32', { 'Wi-Fi': ['192.168.1.23'] }))).toMatchObject({ present: false });
  });

  it("macOS: the utun holding WARP's address, not another VPN's", () => {
    const e = env('darwin', {
      utun0: ['fe80::1'],
      utun3: ['100.101.2.3'],
      utun4: ['172.16.0.2', '2606:4700:110:8a36::1'],
    });
    expect(readInterface(e)).toMatchObject({ present: true, name: 'utun4' });
    expect(readInterface(env('darwin', { utun0: ['fe80::1'], en0: ['192.168.1.5'] })).present).toBe(false);
  });

  it('the override names it outright', () => {
    expect(readInterface(env('linux', { lo: ['127.0.0.1'] }, 'lo'))).toMatchObject({
      present: true,
      name: 'lo',
      addresses: ['127.0.0.1'],
    });
    expect(readInterface(env('linux', { lo: ['127.0.0.1'] }, 'wg9')).present).toBe(false);
  });
});
