import { describe, expect, it } from 'vitest';
import { mergeSources } from '../../../main/core/discovery/merge.ts';
import type { ClusterEntry } from '../../../main/core/model/cluster.ts';

function discovered(name: string, ips: string[], extra: Partial<ClusterEntry> = {}): ClusterEntry {
  const first = ips[0] ?? '';
  return {
    name,
    sources: ['cloudflare'],
    server: first.includes(':') ? `https://[${first}]:6443` : `https://${first}:6443`,
    ips,
    port: 6443,
    cloudflare: {
      tunnelId: `tunnel-${name}`,
      tunnelName: `k8s-${name}`,
      tunnelHealth: 'healthy',
      routeIds: ips.map((ip) => `route-${ip}`),
      comment: `${name} kubernetes API`,
      doNotInspect: true,
    },
    ...extra,
  };
}

function catalog(name: string, extra: Partial<ClusterEntry> = {}): ClusterEntry {
  return { name, sources: ['catalog'], ips: [], port: 6443, ...extra };
}

const CA = 'LS0tLS1CRUdJTi1DRVJUSUZJQ0FURS0tLS0t';

interface Case {
  name: string;
  catalog: ClusterEntry[];
  discovered: ClusterEntry[];
  expected: Partial<ClusterEntry>[];
  warnings?: RegExp[];
}

const cases: Case[] = [
  {
    name: 'matched by server IP: catalog adds CA, TLS name, namespace, user; discovery adds IPs and tunnel',
    catalog: [
      catalog('prod', {
        server: 'https://198.51.100.101:6443',
        ips: ['198.51.100.101'],
        certificateAuthorityData: CA,
        tlsServerName: 'kubernetes.default.svc',
        namespace: 'team-a',
        user: { kind: 'existing', name: 'oidc' },
      }),
    ],
    discovered: [discovered('prod-us', ['198.51.100.101', '2001:db8::101'])],
    expected: [
      {
        name: 'prod',
        sources: ['catalog', 'cloudflare'],
        server: 'https://198.51.100.101:6443',
        ips: ['198.51.100.101', '2001:db8::101'],
        port: 6443,
        certificateAuthorityData: CA,
        tlsServerName: 'kubernetes.default.svc',
        namespace: 'team-a',
        user: { kind: 'existing', name: 'oidc' },
        cloudflare: expect.objectContaining({ tunnelName: 'k8s-prod-us', doNotInspect: true }),
      },
    ],
  },
  {
    name: 'matched by the IP in the server URL when ips is empty, IPv6 spelled differently',
    catalog: [catalog('edge', { server: 'https://[2001:DB8:0::130]:6443' })],
    discovered: [discovered('edge-1', ['2001:db8::130'])],
    expected: [{ name: 'edge', sources: ['catalog', 'cloudflare'], ips: ['2001:db8::130'] }],
  },
  {
    name: 'matched by name when the catalog has no server; its port rebuilds the server URL',
    catalog: [catalog('prod-us', { port: 443, namespace: 'ops' })],
    discovered: [discovered('prod-us', ['198.51.100.101', '2001:db8::101'])],
    expected: [
      {
        name: 'prod-us',
        sources: ['catalog', 'cloudflare'],
        server: 'https://198.51.100.101:443',
        port: 443,
        namespace: 'ops',
        ips: ['198.51.100.101', '2001:db8::101'],
      },
    ],
  },
  {
    name: 'matched by name, IPv6-only cluster: bracketed server URL',
    catalog: [catalog('v6', { port: 8443 })],
    discovered: [discovered('v6', ['2001:db8::7'])],
    expected: [{ name: 'v6', server: 'https://[2001:db8::7]:8443', port: 8443 }],
  },
  {
    name: 'catalog-only and discovery-only entries are kept, catalog first',
    catalog: [catalog('onprem', { server: 'https://192.0.2.10:6443', ips: ['192.0.2.10'] })],
    discovered: [discovered('prod-us', ['198.51.100.101'])],
    expected: [
      { name: 'onprem', sources: ['catalog'], server: 'https://192.0.2.10:6443', ips: ['192.0.2.10'] },
      { name: 'prod-us', sources: ['cloudflare'], server: 'https://198.51.100.101:6443' },
    ],
  },
  {
    name: 'a catalog server given as a host name is kept as is',
    catalog: [catalog('named', { server: 'https://k8s.example.internal:6443' })],
    discovered: [],
    expected: [{ name: 'named', sources: ['catalog'], server: 'https://k8s.example.internal:6443', ips: [] }],
  },
  {
    name: 'a catalog entry without server that discovery does not know is dropped with a warning',
    catalog: [catalog('ghost')],
    discovered: [discovered('prod-us', ['198.51.100.101'])],
    expected: [{ name: 'prod-us' }],
    warnings: [/ghost has no server and Cloudflare discovery found no cluster of that name/],
  },
  {
    name: 'same name, different IPs: both kept, the discovered one renamed',
    catalog: [catalog('prod-us', { server: 'https://192.0.2.10:6443', ips: ['192.0.2.10'] })],
    discovered: [discovered('prod-us', ['198.51.100.101'])],
    expected: [
      { name: 'prod-us', sources: ['catalog'], ips: ['192.0.2.10'] },
      { name: 'prod-us-2', sources: ['cloudflare'], ips: ['198.51.100.101'] },
    ],
    warnings: [/points at 192\.0\.2\.10 but Cloudflare routes prod-us to 198\.51\.100\.101/, /is named prod-us-2/],
  },
  {
    name: 'a discovered name colliding with an unrelated catalog entry gets the next free suffix',
    catalog: [
      catalog('dev', { server: 'https://192.0.2.1:6443' }),
      catalog('dev-2', { server: 'https://192.0.2.2:6443' }),
    ],
    discovered: [discovered('dev', ['198.51.100.5'])],
    expected: [{ name: 'dev' }, { name: 'dev-2' }, { name: 'dev-3', ips: ['198.51.100.5'] }],
    warnings: [/Catalog cluster dev points at 192\.0\.2\.1 but/, /is named dev-3/],
  },
  {
    name: 'two catalog entries for one discovered cluster: the first one gets it',
    catalog: [
      catalog('a', { server: 'https://198.51.100.101:6443' }),
      catalog('b', { server: 'https://198.51.100.101:6443' }),
    ],
    discovered: [discovered('prod-us', ['198.51.100.101'])],
    expected: [
      { name: 'a', sources: ['catalog', 'cloudflare'] },
      { name: 'b', sources: ['catalog'] },
    ],
    warnings: [/Catalog clusters a and b both match the discovered cluster prod-us/],
  },
  {
    name: 'matched by the IPv6 address when the catalog only knows that one',
    catalog: [catalog('dual', { server: 'https://[2001:db8::101]:6443' })],
    discovered: [discovered('prod-us', ['198.51.100.101', '2001:db8::101'])],
    expected: [
      {
        name: 'dual',
        sources: ['catalog', 'cloudflare'],
        server: 'https://[2001:db8::101]:6443',
        ips: ['198.51.100.101', '2001:db8::101'],
      },
    ],
  },
  {
    name: 'nothing on either side',
    catalog: [],
    discovered: [],
    expected: [],
  },
];

describe('mergeSources', () => {
  it.each(cases)('$name', (c) => {
    const catalogCopy = structuredClone(c.catalog);
    const discoveredCopy = structuredClone(c.discovered);
    const result = mergeSources(c.catalog, c.discovered);
    expect(result.clusters).toHaveLength(c.expected.length);
    c.expected.forEach((expected, i) => {
      expect(result.clusters[i]).toMatchObject(expected);
    });
    expect(new Set(result.clusters.map((x) => x.name)).size).toBe(result.clusters.length);
    const expectedWarnings = c.warnings ?? [];
    expect(result.warnings).toHaveLength(expectedWarnings.length);
    for (const w of expectedWarnings) expect(result.warnings).toContainEqual(expect.stringMatching(w));
    // Pure: inputs untouched.
    expect(c.catalog).toEqual(catalogCopy);
    expect(c.discovered).toEqual(discoveredCopy);
  });

  it('leaves out what the catalog does not say, and keeps the tunnel info', () => {
    const { clusters } = mergeSources(
      [catalog('prod', { server: 'https://198.51.100.101:6443' })],
      [discovered('prod-us', ['198.51.100.101'])],
    );
    expect(clusters[0]).not.toHaveProperty('user');
    expect(clusters[0]).not.toHaveProperty('certificateAuthorityData');
    expect(clusters[0]).not.toHaveProperty('tlsServerName');
    expect(clusters[0]?.cloudflare?.tunnelId).toBe('tunnel-prod-us');
  });

  it('says catalog clusters wait for Cloudflare, not that Cloudflare lacks them, when it was not read', () => {
    const entries = [
      catalog('prod-us'),
      catalog('staging'),
      catalog('edge', { server: 'https://198.51.100.120:6443' }),
    ];
    const unread = mergeSources(entries, [], { discoveryRead: false });
    expect(unread.clusters.map((c) => c.name)).toEqual(['edge']);
    expect(unread.warnings).toEqual([
      'Catalog clusters prod-us, staging have no server and take their addresses from Cloudflare discovery, which was not read: they are left out of this list.',
    ]);
    expect(mergeSources([catalog('prod-us')], [], { discoveryRead: false }).warnings).toEqual([
      'Catalog cluster prod-us has no server and takes its address from Cloudflare discovery, which was not read: it is left out of this list.',
    ]);
    // Read, and without them: that is something to fix.
    expect(mergeSources(entries, []).warnings).toHaveLength(2);
  });
});
