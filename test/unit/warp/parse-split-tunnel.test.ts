import { describe, expect, it } from 'vitest';
import { parseSettingsSplitTunnel, parseTunnelIpList, WARP_DEFAULT_EXCLUDES } from '../../../main/core/warp/index.ts';
import { recorded } from './fixtures.ts';

const values = (c: { entries: { value: string }[] } | null) => c?.entries.map((e) => e.value);

describe('split tunnel parsers on recorded outputs', () => {
  it('tunnel ip list, Exclude mode with the defaults', () => {
    const c = parseTunnelIpList(recorded('split', 'tunnel-ip-list-exclude-default').stdout);
    expect(c?.mode).toBe('exclude');
    expect(c?.source).toBe('tunnel ip list');
    expect(values(c)).toEqual(WARP_DEFAULT_EXCLUDES.filter((e) => e !== 'fc00::/7'));
    expect(c?.entries.every((e) => e.kind === 'cidr')).toBe(true);
  });

  it('tunnel ip list, Include mode with descriptions', () => {
    const c = parseTunnelIpList(recorded('split', 'tunnel-ip-list-include').stdout);
    expect(c?.mode).toBe('include');
    expect(c?.entries).toEqual([
      { value: '198.51.100.0/24', kind: 'cidr', description: 'k8s API servers' },
      { value: '2001:db8::/64', kind: 'cidr', description: 'k8s API servers, IPv6' },
      { value: '100.96.0.0/12', kind: 'cidr', description: 'Mesh' },
    ]);
  });

  it('an unrecognised tunnel ip list yields no mode (the caller falls back to settings)', () => {
    expect(parseTunnelIpList(recorded('split', 'tunnel-ip-list-unrecognised').stdout)).toBeNull();
  });

  it('settings (2025, source prefixes): the list ends at the blank line, hosts and descriptions kept', () => {
    const c = parseSettingsSplitTunnel(recorded('split', 'settings-2025-exclude').stdout);
    expect(c?.mode).toBe('exclude');
    expect(values(c)).toEqual([...WARP_DEFAULT_EXCLUDES, '17.249.0.0/16', 'printer.corp.example']);
    expect(c?.entries.find((e) => e.value === '17.249.0.0/16')?.description).toBe('Apple push');
    expect(c?.entries.find((e) => e.value === 'printer.corp.example')?.kind).toBe('host');
    // Fallback domains are not split-tunnel entries.
    expect(values(c)).not.toContain('corp');
  });

  it('settings (2025), Include mode with IPv6 and hosts', () => {
    const c = parseSettingsSplitTunnel(recorded('split', 'settings-2025-include').stdout);
    expect(c?.mode).toBe('include');
    expect(values(c)).toEqual([
      '172.64.128.0/20',
      '198.51.100.101/32',
      '2001:db8::101/128',
      'k8s.corp.example',
      'demo-corp.cloudflareaccess.com',
    ]);
    expect(values(c)).not.toContain('home.arpa');
  });

  it('settings (2022, no prefixes)', () => {
    const c = parseSettingsSplitTunnel(recorded('split', 'settings-2022-exclude').stdout, 'settings');
    expect(c?.mode).toBe('exclude');
    expect(c?.source).toBe('settings');
    expect(values(c)).toEqual([...WARP_DEFAULT_EXCLUDES]);
  });

  it('settings with the list inline', () => {
    const c = parseSettingsSplitTunnel(recorded('split', 'settings-inline').stdout);
    expect(c?.mode).toBe('exclude');
    expect(values(c)).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);
  });

  it('settings without a split-tunnel line', () => {
    expect(parseSettingsSplitTunnel(recorded('split', 'settings-no-split-tunnel').stdout)).toBeNull();
  });
});
