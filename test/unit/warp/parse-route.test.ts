import { describe, expect, it } from 'vitest';
import { type OsRoute, parseLinuxRoute, parseMacRoute, parseWindowsRoute } from '../../../main/core/warp/index.ts';
import { caseNames, recorded } from './fixtures.ts';

type Want = Partial<Pick<OsRoute, 'ok' | 'interface' | 'gateway' | 'source' | 'type'>> & { error?: RegExp };

function check(got: OsRoute, want: Want) {
  for (const k of ['ok', 'interface', 'gateway', 'source', 'type'] as const) {
    if (k in want) expect(got[k], k).toBe(want[k]);
  }
  if (want.error) expect(got.error).toMatch(want.error);
  if (got.ok) expect(got.error).toBeUndefined();
  expect(got.raw.length).toBeGreaterThan(0);
}

const LINUX: Record<string, Want> = {
  warp: { ok: true, interface: 'CloudflareWARP', gateway: null, source: '172.16.0.2' },
  'warp-v6': { ok: true, interface: 'CloudflareWARP', source: '2606:4700:110:8a36:df92:102a:9602:fa18' },
  'excluded-wifi': { ok: true, interface: 'wlp2s0', gateway: '192.168.1.1', source: '192.168.1.23' },
  'local-loopback': { ok: true, interface: 'lo', type: 'local', source: '127.0.0.1' },
  'local-loopback-v6': { ok: true, interface: 'lo', type: 'local', source: '::1' },
  'default-eth0': { ok: true, interface: 'eth0', gateway: '192.0.2.1' },
  'default-eth0-v6': { ok: true, interface: 'eth0', gateway: 'fd00::1', source: 'fd00::2' },
  'bad-address': { ok: false, interface: null, error: /any valid prefix is expected/ },
  unreachable: { ok: false, interface: null, error: /^RTNETLINK answers: Network is unreachable$/ },
  'no-route-v6': { ok: false, interface: null, error: /No route to host/ },
  blackhole: { ok: false, interface: null, type: 'blackhole', error: /blackhole/ },
};

const MACOS: Record<string, Want> = {
  warp: { ok: true, interface: 'utun4', gateway: null },
  'warp-v6': { ok: true, interface: 'utun4' },
  'excluded-en0': { ok: true, interface: 'en0', gateway: '192.168.1.1' },
  loopback: { ok: true, interface: 'lo0' },
  // An on-link network's gateway is the link itself, not a next hop.
  'link-local-gateway': { ok: true, interface: 'en0', gateway: null },
  'not-in-table': { ok: false, interface: null, error: /not in table/ },
  reject: { ok: false, interface: null, type: 'unreachable', error: /reject/ },
  'bad-address': { ok: false, interface: null, error: /bad address/ },
};

const WINDOWS: Record<string, Want> = {
  'warp-full-cim': { ok: true, interface: 'CloudflareWARP', gateway: null, source: '172.16.0.2' },
  'warp-v6-selected': {
    ok: true,
    interface: 'CloudflareWARP',
    gateway: null,
    source: '2606:4700:110:8a36:df92:102a:9602:fa18',
  },
  'excluded-wifi-selected': { ok: true, interface: 'Wi-Fi', gateway: '192.168.1.1', source: '192.168.1.23' },
  'loopback-single-bom': { ok: true, interface: 'Loopback Pseudo-Interface 1', gateway: null },
  unreachable: { ok: false, interface: null, error: /network location cannot be reached/ },
  'no-module': { ok: false, interface: null, error: /not recognized as the name of a cmdlet/ },
};

describe.each([
  ['linux', LINUX, parseLinuxRoute],
  ['macos', MACOS, parseMacRoute],
  ['windows', WINDOWS, parseWindowsRoute],
] as const)('%s route parser on recorded outputs', (os, cases, parse) => {
  it('has an expectation for every recorded output', () => {
    expect(caseNames(`route/${os}`)).toEqual(Object.keys(cases).sort());
  });
  for (const [name, want] of Object.entries(cases)) {
    it(name, () => {
      const { stdout, stderr } = recorded(`route/${os}`, name);
      check(parse(stdout, stderr), want);
    });
  }
  it('never throws on hostile input', () => {
    for (const input of ['', '{', '[]', '[null]', 'null', '\u0000', '{"dev":5}']) {
      expect(parse(input, '').ok).toBe(false);
    }
  });
});
