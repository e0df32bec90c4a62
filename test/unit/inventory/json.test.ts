import { describe, expect, it } from 'vitest';
import { renderClusters } from '../../../main/cli/commands/clusters.ts';
import { formatAge, type Inventory, toClustersJson } from '../../../main/core/inventory/index.ts';
import type { ClusterEntry } from '../../../main/core/model/cluster.ts';

const USER_TOKEN = 'catalog-user-bearer-token-9f8e7d6c5b4a';

const merged: ClusterEntry = {
  name: 'prod-us',
  sources: ['catalog', 'cloudflare'],
  server: 'https://198.51.100.101:6443',
  ips: ['198.51.100.101', '2001:db8::101'],
  port: 6443,
  certificateAuthorityData: 'LS0tLS1CRUdJTi0tLS0t',
  tlsServerName: 'kubernetes.default.svc',
  namespace: 'team-a',
  user: { kind: 'token', token: USER_TOKEN },
  cloudflare: {
    tunnelId: 't-1',
    tunnelName: 'k8s-prod-us',
    tunnelHealth: 'degraded',
    virtualNetworkId: 'vnet-1',
    virtualNetworkName: 'default',
    routeIds: ['r1', 'r2'],
    comment: 'prod-us kubernetes API',
    doNotInspect: false,
  },
};

const catalogOnly: ClusterEntry = {
  name: 'legacy',
  sources: ['catalog'],
  server: 'https://[2001:db8::7]:443',
  ips: ['2001:db8::7'],
  port: 443,
  user: { kind: 'clientCertificate', clientCertificate: '/home/me/.kube/me.crt', clientKey: '/home/me/.kube/me.key' },
};

function inventory(over: Partial<Inventory> = {}): Inventory {
  return {
    clusters: [merged, catalogOnly],
    cloudflare: {
      status: 'cached',
      accountId: '0123456789abcdef0123456789abcdef',
      fetchedAt: '2025-03-01T12:00:00.000Z',
      ageMs: 5 * 60_000 + 59_000,
    },
    catalog: { status: 'loaded', path: '/team/catalog.yaml', clusters: 2 },
    gatewayAudit: [
      {
        ip: '198.51.100.101',
        cluster: 'prod-us',
        doNotInspect: false,
        coveredBy: [],
        uncertain: [{ ruleId: 'r9', ruleName: 'Maybe exempt' }],
      },
      {
        ip: '2001:db8::101',
        cluster: 'prod-us',
        doNotInspect: true,
        coveredBy: [
          { ruleId: 'r1', ruleName: 'DNI k8s', listId: 'l1', listName: 'Kubernetes API servers' },
          { ruleId: 'r1', ruleName: 'DNI k8s' },
        ],
        uncertain: [],
      },
    ],
    warnings: ['a warning'],
    ...over,
  };
}

describe('clusters --json shape', () => {
  it('maps every documented field, in order, and only the user kind', () => {
    const json = toClustersJson(inventory());
    expect(json).toEqual({
      version: 1,
      clusters: [
        {
          name: 'prod-us',
          sources: ['catalog', 'cloudflare'],
          server: 'https://198.51.100.101:6443',
          ips: ['198.51.100.101', '2001:db8::101'],
          port: 6443,
          tunnel: { id: 't-1', name: 'k8s-prod-us', health: 'degraded' },
          virtualNetwork: { id: 'vnet-1', name: 'default' },
          doNotInspect: false,
          tlsServerName: 'kubernetes.default.svc',
          namespace: 'team-a',
          hasCertificateAuthority: true,
          user: { kind: 'token' },
        },
        {
          name: 'legacy',
          sources: ['catalog'],
          server: 'https://[2001:db8::7]:443',
          ips: ['2001:db8::7'],
          port: 443,
          hasCertificateAuthority: false,
          user: { kind: 'clientCertificate' },
        },
      ],
      cloudflare: {
        status: 'cached',
        accountId: '0123456789abcdef0123456789abcdef',
        fetchedAt: '2025-03-01T12:00:00.000Z',
        ageSeconds: 359,
      },
      catalog: { status: 'loaded', path: '/team/catalog.yaml', clusters: 2 },
      gatewayAudit: [
        { ip: '198.51.100.101', cluster: 'prod-us', doNotInspect: false, coveredBy: [], uncertain: ['Maybe exempt'] },
        { ip: '2001:db8::101', cluster: 'prod-us', doNotInspect: true, coveredBy: ['DNI k8s'], uncertain: [] },
      ],
      warnings: ['a warning'],
    });
    expect(Object.keys(json.clusters[0] ?? {})).toEqual([
      'name',
      'sources',
      'server',
      'ips',
      'port',
      'tunnel',
      'virtualNetwork',
      'doNotInspect',
      'tlsServerName',
      'namespace',
      'hasCertificateAuthority',
      'user',
    ]);
    const text = JSON.stringify(json);
    expect(text).not.toContain(USER_TOKEN);
    expect(text).not.toContain('me.key');
    expect(text).not.toContain('LS0tLS1CRUdJTi0tLS0t');
  });

  it('omits what is unknown instead of writing null, and says why Cloudflare is missing', () => {
    const json = toClustersJson(
      inventory({
        clusters: [catalogOnly],
        cloudflare: {
          status: 'error',
          accountId: '0123456789abcdef0123456789abcdef',
          error: { code: 'cloudflare-unavailable', message: 'The Cloudflare API could not be reached.' },
        },
        gatewayAudit: [],
      }),
    );
    expect(json.cloudflare).toEqual({
      status: 'error',
      accountId: '0123456789abcdef0123456789abcdef',
      error: { code: 'cloudflare-unavailable', message: 'The Cloudflare API could not be reached.' },
    });
    expect(JSON.stringify(json)).not.toContain('null');
    expect(json.clusters[0]).not.toHaveProperty('doNotInspect');
    expect(json.clusters[0]).not.toHaveProperty('tunnel');
  });
});

describe('human listing', () => {
  it('marks cached data with its age and the audit as yes/no/unknown', () => {
    const text = renderClusters(inventory());
    const [header, prod, legacy] = text.split('\n');
    expect(header).toMatch(/^NAME\s+SOURCE\s+IPS\s+PORT\s+TUNNEL\s+HEALTH\s+DO NOT INSPECT$/);
    expect(prod).toMatch(
      /^prod-us\s+catalog\+cloudflare\s+198\.51\.100\.101, 2001:db8::101\s+6443\s+k8s-prod-us\s+degraded\s+no \(inspected\)$/,
    );
    expect(legacy).toMatch(/^legacy\s+catalog\s+2001:db8::7\s+443\s+-\s+-\s+unknown$/);
    expect(text).toContain('from cache, 5 min old');
    expect(text).toContain('Catalog: /team/catalog.yaml, 2 clusters.');
    expect(text).not.toContain(USER_TOKEN);
  });

  it('marks every Cloudflare row stale when the API could not be reached', () => {
    const text = renderClusters(
      inventory({ cloudflare: { status: 'stale', accountId: 'a'.repeat(32), fetchedAt: 'x', ageMs: 3 * 3600_000 } }),
    );
    expect(text).toMatch(/^prod-us\s+catalog\+cloudflare \(stale\)/m);
    expect(text).toMatch(/^legacy\s+catalog\s/m);
    expect(text).toContain('STALE: last known list, 3 h old');
  });

  it('says so when there is nothing to list', () => {
    const text = renderClusters(
      inventory({ clusters: [], cloudflare: { status: 'not-configured', missing: 'token-and-account' } }),
    );
    expect(text).toContain('No clusters found.');
    expect(text).toContain('Cloudflare: not configured (run "kubezt login").');
  });
});

describe('formatAge', () => {
  it.each([
    [0, '0 s'],
    [59_999, '59 s'],
    [60_000, '1 min'],
    [59 * 60_000 + 59_999, '59 min'],
    [3600_000, '1 h'],
    [47 * 3600_000, '47 h'],
    [48 * 3600_000, '2 days'],
    [-5, '0 s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});
