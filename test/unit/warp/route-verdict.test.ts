import { describe, expect, it } from 'vitest';
import {
  type OsRoute,
  parseLinuxRoute,
  parseMacRoute,
  parseSettingsSplitTunnel,
  parseTunnelIpList,
  parseWindowsRoute,
  routeVerdict,
  type SplitTunnelConfig,
} from '../../../main/core/warp/index.ts';
import { recorded } from './fixtures.ts';

const linux = (name: string) => {
  const r = recorded('route/linux', name);
  return parseLinuxRoute(r.stdout, r.stderr);
};
const mac = (name: string) => {
  const r = recorded('route/macos', name);
  return parseMacRoute(r.stdout, r.stderr);
};
const windows = (name: string) => {
  const r = recorded('route/windows', name);
  return parseWindowsRoute(r.stdout, r.stderr);
};
const defaultExclude = parseTunnelIpList(
  recorded('split', 'tunnel-ip-list-exclude-default').stdout,
) as SplitTunnelConfig;
const include = parseSettingsSplitTunnel(recorded('split', 'settings-2025-include').stdout) as SplitTunnelConfig;

describe('route verdict (pure, on recorded routes and settings)', () => {
  it('via WARP on each OS, IPv4 and IPv6', () => {
    const cases: [string, OsRoute, string][] = [
      ['198.51.100.101', linux('warp'), 'CloudflareWARP'],
      ['2001:db8::101', linux('warp-v6'), 'CloudflareWARP'],
      ['198.51.100.101', mac('warp'), 'utun4'],
      ['2001:db8::101', mac('warp-v6'), 'utun4'],
      ['198.51.100.101', windows('warp-full-cim'), 'CloudflareWARP'],
      ['2001:db8::101', windows('warp-v6-selected'), 'cloudflarewarp'],
    ];
    for (const [ip, route, warpInterface] of cases) {
      const v = routeVerdict(ip, { route, warpInterface, splitTunnel: defaultExclude });
      expect(v.verdict, `${ip} ${route.command}`).toBe('via-warp');
      expect(v.detail).toContain(ip);
      expect(v.remedy).toBeUndefined();
    }
  });

  it('an RFC 1918 IP under the default Exclude list: names the entry, the default, and the exact change', () => {
    const v = routeVerdict('10.1.2.3', {
      route: linux('excluded-wifi'),
      warpInterface: 'CloudflareWARP',
      splitTunnel: defaultExclude,
    });
    expect(v.verdict).toBe('split-tunnel-excluded');
    expect(v.excludedBy).toEqual(['10.0.0.0/8']);
    expect(v.privateRange).toBe('10.0.0.0/8');
    expect(v.detail).toContain('leaves through wlp2s0 (via 192.168.1.1)');
    expect(v.detail).toContain('RFC 1918 private address space (10.0.0.0/8), which WARP excludes by default');
    expect(v.remedy).toMatch(
      /^Split tunnel \(Exclude mode\) excludes 10\.0\.0\.0\/8: remove 10\.0\.0\.0\/8 from the Exclude list/,
    );
    expect(v.remedy).toContain('add 10.1.2.3/32 to the Include list');
    expect(v.remedy).toContain('Split Tunnels');
  });

  it('IPv6 in the default-excluded ULA range, on macOS and Windows', () => {
    const route: OsRoute = { ...mac('excluded-en0'), interface: 'en0' };
    const v = routeVerdict('fd00:10::5', { route, warpInterface: 'utun4', splitTunnel: defaultExclude });
    expect(v.verdict).toBe('split-tunnel-excluded');
    expect(v.excludedBy).toEqual(['fd00::/8']);
    expect(v.remedy).toContain('fd00:10::5/128');
    const w = routeVerdict('10.20.30.40', {
      route: windows('excluded-wifi-selected'),
      warpInterface: 'CloudflareWARP',
      splitTunnel: defaultExclude,
    });
    expect(w.verdict).toBe('split-tunnel-excluded');
    expect(w.detail).toContain('Wi-Fi');
  });

  it('Include mode without the IP: add the /32 (or /128)', () => {
    const v = routeVerdict('198.51.100.102', {
      route: linux('default-eth0'),
      warpInterface: 'CloudflareWARP',
      splitTunnel: include,
    });
    expect(v.verdict).toBe('split-tunnel-excluded');
    expect(v.remedy).toMatch(
      /^Split tunnel \(Include mode\) does not include 198\.51\.100\.102: add 198\.51\.100\.102\/32 to the Include list/,
    );
    const v6 = routeVerdict('2001:db8::102', {
      route: linux('default-eth0-v6'),
      warpInterface: 'CloudflareWARP',
      splitTunnel: include,
    });
    expect(v6.remedy).toContain('add 2001:db8::102/128');
    // An included IP whose route still bypasses WARP is not a split-tunnel problem.
    const inc = routeVerdict('198.51.100.101', {
      route: linux('default-eth0'),
      warpInterface: 'CloudflareWARP',
      splitTunnel: include,
    });
    expect(inc.verdict).toBe('not-via-warp');
  });

  it('not via WARP without a split-tunnel reason: remedy depends on whether WARP is connected', () => {
    const up = routeVerdict('198.51.100.101', {
      route: linux('default-eth0'),
      warpInterface: 'CloudflareWARP',
      splitTunnel: defaultExclude,
      warpState: 'connected',
    });
    expect(up.verdict).toBe('not-via-warp');
    expect(up.detail).toBe(
      'Traffic to 198.51.100.101 leaves through eth0 (via 192.0.2.1), not the WARP interface (CloudflareWARP).',
    );
    expect(up.remedy).toContain('more specific route on eth0');
    const down = routeVerdict('198.51.100.101', {
      route: linux('default-eth0'),
      warpInterface: 'CloudflareWARP',
      splitTunnel: null,
      warpState: 'disconnected',
    });
    expect(down.remedy).toMatch(/^Connect WARP/);
  });

  it('an unreadable route: the split tunnel still explains an excluded IP; otherwise unknown', () => {
    const ex = routeVerdict('192.168.4.4', {
      route: linux('unreachable'),
      warpInterface: 'CloudflareWARP',
      splitTunnel: defaultExclude,
    });
    expect(ex.verdict).toBe('split-tunnel-excluded');
    expect(ex.detail).toContain('could not be read (RTNETLINK answers: Network is unreachable)');
    const unk = routeVerdict('203.0.113.9', {
      route: windows('unreachable'),
      warpInterface: 'CloudflareWARP',
      splitTunnel: defaultExclude,
    });
    expect(unk.verdict).toBe('unknown');
    expect(unk.detail).toContain('network location cannot be reached');
    expect(
      routeVerdict('203.0.113.9', { route: null, warpInterface: 'CloudflareWARP', splitTunnel: null }).verdict,
    ).toBe('unknown');
  });

  it('a utun WARP could not be identified: unknown, not a guess', () => {
    const v = routeVerdict('198.51.100.101', { route: mac('warp'), warpInterface: null, splitTunnel: null });
    expect(v.verdict).toBe('unknown');
  });

  it('not an IP', () => {
    expect(routeVerdict('kubernetes.default', { route: null, warpInterface: 'lo', splitTunnel: null }).verdict).toBe(
      'unknown',
    );
  });
});
