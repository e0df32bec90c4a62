import { describe, expect, it } from 'vitest';
import {
  isManagedSource,
  parseListenLine,
  parseMode,
  parseOrganization,
  parseSettingsJson,
  parseSettingsText,
  parseStatusJson,
} from '../../../main/core/warp/index.ts';
import { fixtureText } from './fixtures.ts';

describe('the client mode, old and new names', () => {
  it.each([
    ['WarpWithDnsOverHttps', 'traffic-and-dns', true],
    ['warp+doh', 'traffic-and-dns', true],
    ['WarpWithDnsOverTls', 'traffic-and-dns', true],
    ['Warp', 'traffic-and-dns', true],
    ['Gateway with WARP', 'traffic-and-dns', true],
    ['Traffic and DNS mode', 'traffic-and-dns', true],
    ['TunnelOnly', 'traffic-only', true],
    ['tunnel_only', 'traffic-only', true],
    ['Gateway without DNS filtering', 'traffic-only', true],
    ['Traffic only mode', 'traffic-only', true],
    ['DnsOverHttps', 'dns-only', false],
    ['DnsOverTls', 'dns-only', false],
    ['doh', 'dns-only', false],
    ['Gateway with DoH', 'dns-only', false],
    ['WarpProxy on port 40000', 'proxy', false],
    ['proxy', 'proxy', false],
    ['PostureOnly', 'posture-only', false],
  ] as const)('%s → %s (routes private IPs: %s)', (raw, kind, routes) => {
    const m = parseMode(raw);
    expect(m?.kind).toBe(kind);
    expect(m?.privateRouting).toBe(routes);
  });

  it('reads the proxy port from the text and from a one-key JSON object', () => {
    expect(parseMode('WarpProxy on port 40000')).toMatchObject({ proxyPort: 40000, label: 'Local proxy mode' });
    expect(parseMode({ WarpProxy: 41000 })).toMatchObject({
      kind: 'proxy',
      proxyPort: 41000,
      raw: 'WarpProxy on port 41000',
    });
  });

  it('keeps an unknown mode as unknown, not as a guess', () => {
    expect(parseMode('HyperDrive')).toMatchObject({ kind: 'unknown', privateRouting: null, label: 'HyperDrive' });
    expect(parseMode(42)).toBeNull();
    expect(parseMode('')).toBeNull();
  });
});

describe('setting sources', () => {
  it.each([
    ['network policy', true],
    ['NetworkPolicy', true],
    ['mdm', true],
    ['api defaults', true],
    ['user set', false],
    ['UserSet', false],
    ['default', false],
    ['not set', false],
    ['something new', null],
  ] as const)('%s → managed %s', (source, managed) => {
    expect(isManagedSource(source)).toBe(managed);
  });
});

describe('-j settings (hand-written fixtures)', () => {
  it('managed Include mode with IPs and hosts, Traffic and DNS set by policy, the organization', () => {
    const s = parseSettingsJson(fixtureText('profile', 'json-settings-managed.stdout'));
    expect(s?.mode).toMatchObject({ kind: 'traffic-and-dns', managed: true, origin: 'network policy' });
    expect(s?.splitTunnel).toEqual({
      mode: 'include',
      entries: [
        { value: '10.20.0.0/16', kind: 'cidr', description: 'clusters' },
        { value: '100.64.1.7/32', kind: 'cidr' },
        { value: 'k8s.corp.example', kind: 'host', description: 'API' },
      ],
      source: '-j settings',
      managed: true,
      origin: 'network policy',
    });
    expect(s?.organization).toBe('acme-corp');
  });

  it('a proxy mode the user set, as a one-key object; the default split tunnel is not managed', () => {
    const s = parseSettingsJson(fixtureText('profile', 'json-settings-proxy-object.stdout'));
    expect(s?.mode).toMatchObject({ kind: 'proxy', proxyPort: 40000, privateRouting: false, managed: false });
    expect(s?.splitTunnel).toMatchObject({ mode: 'exclude', managed: false, origin: 'Default' });
  });

  it('a source given as an object', () => {
    const s = parseSettingsJson(fixtureText('profile', 'json-settings-doh-user.stdout'));
    expect(s?.mode).toMatchObject({ kind: 'dns-only', managed: false, origin: 'user set' });
    expect(s?.splitTunnel?.managed).toBeNull();
  });

  it('an error object or garbage is no settings', () => {
    expect(parseSettingsJson('{"code":"FailedToConnectToDaemon","error":"x"}')).toBeNull();
    expect(parseSettingsJson("error: unexpected argument '-j' found")).toBeNull();
    expect(parseSettingsJson('{"settings":{}}')).toBeNull();
  });
});

describe('settings text (hand-written fixtures)', () => {
  it.each([
    ['settings-proxy-user.stdout', 'proxy', false, 'exclude', false],
    ['settings-dot-managed.stdout', 'dns-only', true, 'include', true],
    ['settings-tunnel-only.stdout', 'traffic-only', true, 'exclude', true],
  ] as const)('%s: %s (managed %s), split %s (managed %s)', (file, kind, modeManaged, split, splitManaged) => {
    const s = parseSettingsText(fixtureText('profile', file));
    expect(s?.mode?.kind).toBe(kind);
    expect(s?.mode?.managed).toBe(modeManaged);
    expect(s?.splitTunnel?.mode).toBe(split);
    expect(s?.splitTunnel?.managed).toBe(splitManaged);
  });

  it('reads the organization line', () => {
    expect(parseSettingsText(fixtureText('profile', 'settings-proxy-user.stdout'))?.organization).toBe('acme-corp');
  });

  it('text without any of the three is no reading', () => {
    expect(parseSettingsText('Status update: Connected\n')).toBeNull();
  });
});

describe('registration organization', () => {
  it('reads the name alone, a labelled line and JSON', () => {
    expect(parseOrganization(fixtureText('profile', 'registration-organization.stdout'))).toBe('acme-corp');
    expect(parseOrganization('Organization: acme-corp\n')).toBe('acme-corp');
    expect(parseOrganization('{"organization":"acme-corp"}')).toBe('acme-corp');
    expect(parseOrganization('{"account":{"type":"Team","organization":"acme"}}')).toBe('acme');
  });

  it('an error, a clap error or the daemon down is no organization', () => {
    expect(parseOrganization(fixtureText('profile', 'registration-organization-missing.stdout'))).toBeNull();
    expect(parseOrganization('', "error: unrecognized subcommand 'organization'\n")).toBeNull();
    expect(parseOrganization('Unable to connect to the CloudflareWARP daemon: x')).toBeNull();
    expect(parseOrganization('Success\n')).toBeNull();
  });
});

describe('registration missing in JSON', () => {
  it('is disconnected with the reason and the remedy', () => {
    const r = parseStatusJson(
      '{"code":"MissingRegistration","error":"Missing registration. Try running: \\"warp-cli registration new\\""}',
    );
    expect(r).toMatchObject({ state: 'disconnected', registrationMissing: true });
    expect(r.reason).toMatch(/^Registration missing: .*registration new/);
  });
});

describe('warp-cli -l status lines', () => {
  it('reads state lines in both forms and ignores the rest', () => {
    expect(parseListenLine('Status update: Connecting')?.state).toBe('connecting');
    expect(parseListenLine('Status update: Unable to connect. Reason: Registration Missing')).toMatchObject({
      state: 'disconnected',
      reason: 'Registration Missing',
    });
    expect(parseListenLine('{"status":"Connected","reason":"NetworkHealthy"}')).toMatchObject({
      state: 'connected',
      reason: 'Network healthy',
    });
    expect(
      parseListenLine('Unable to connect to CloudflareWARP daemon. Maybe the daemon is not running?')?.daemonDown,
    ).toBe(true);
    expect(parseListenLine('Reason: Manual Disconnection')).toBeNull();
    expect(parseListenLine('Network: healthy')).toBeNull();
    expect(parseListenLine('DNS query: example.com A')).toBeNull();
    expect(parseListenLine('')).toBeNull();
  });
});
