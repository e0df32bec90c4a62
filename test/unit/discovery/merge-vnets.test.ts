import { describe, expect, it } from 'vitest';
import { mergeSources, resolveVirtualNetwork } from '../../../main/core/discovery/merge.ts';
import type { ClusterEntry, VirtualNetworkRef } from '../../../main/core/model/cluster.ts';

const DEFAULT: VirtualNetworkRef = { id: 'aaaaaaaa-0000-4000-a000-000000000001', name: 'default', isDefault: true };
const STAGING: VirtualNetworkRef = {
  id: 'bbbbbbbb-0000-4000-a000-000000000002',
  name: 'Staging VNet',
  isDefault: false,
};
const LAB: VirtualNetworkRef = { id: 'cccccccc-0000-4000-a000-000000000003', name: 'lab', isDefault: false };

function found(name: string, ip: string, vnet: VirtualNetworkRef): ClusterEntry {
  return {
    name,
    sources: ['cloudflare'],
    server: `https://${ip}:6443`,
    ips: [ip],
    port: 6443,
    cloudflare: {
      tunnelId: `t-${name}`,
      tunnelName: `k8s-${name}`,
      tunnelHealth: 'healthy',
      routeIds: [],
      comment: '',
    },
    virtualNetwork: vnet,
  };
}

function listed(name: string, extra: Partial<ClusterEntry> = {}): ClusterEntry {
  return { name, sources: ['catalog'], ips: [], port: 6443, ...extra };
}

// Fixture written for kubezt: the same API IP in two networks.
const DISCOVERED = [found('prod-api', '10.30.0.10', DEFAULT), found('prod-api-staging-vnet', '10.30.0.10', STAGING)];

describe('merging with virtual networks', () => {
  it('resolves a network by id (any case), then by name, then by name in any case', () => {
    const all = [DEFAULT, STAGING, LAB];
    expect(resolveVirtualNetwork(STAGING.id.toUpperCase(), all)).toEqual(STAGING);
    expect(resolveVirtualNetwork('Staging VNet', all)).toEqual(STAGING);
    expect(resolveVirtualNetwork('staging vnet', all)).toEqual(STAGING);
    expect(resolveVirtualNetwork('nope', all)).toBeUndefined();
  });

  it('a catalog entry naming a network merges with that network’s cluster sharing its IP', () => {
    const { clusters, warnings } = mergeSources(
      [listed('staging', { ips: ['10.30.0.10'], catalogVirtualNetwork: 'staging vnet', group: 'pre-prod' })],
      DISCOVERED,
    );
    expect(warnings).toEqual([]);
    expect(clusters.map((c) => [c.name, c.sources, c.virtualNetwork?.name, c.group])).toEqual([
      ['staging', ['catalog', 'cloudflare'], 'Staging VNet', 'pre-prod'],
      ['prod-api', ['cloudflare'], 'default', undefined],
    ]);
  });

  it('without a network, a shared IP matches the default network’s cluster and says so', () => {
    const { clusters, warnings } = mergeSources([listed('prod', { ips: ['10.30.0.10'] })], DISCOVERED);
    expect(clusters.map((c) => [c.name, c.virtualNetwork?.name])).toEqual([
      ['prod', 'default'],
      ['prod-api-staging-vnet', 'Staging VNet'],
    ]);
    expect(warnings).toEqual([
      expect.stringMatching(/several virtual networks \(default, Staging VNet\).*add virtualNetwork:/),
    ]);
  });

  it('without a server, a name and a network find the suffixed twin', () => {
    const { clusters } = mergeSources([listed('prod-api', { catalogVirtualNetwork: STAGING.id })], DISCOVERED);
    expect(clusters[0]).toMatchObject({ name: 'prod-api', ips: ['10.30.0.10'], virtualNetwork: STAGING });
    expect(clusters.map((c) => c.name)).toEqual(['prod-api', 'prod-api-2']);
  });

  it('a network the account lacks is a warning naming those it has; the catalog entry stays', () => {
    const { clusters, warnings } = mergeSources(
      [listed('x', { server: 'https://10.30.0.99:6443', ips: ['10.30.0.99'], catalogVirtualNetwork: 'prod-eu' })],
      DISCOVERED,
      { virtualNetworks: [DEFAULT, STAGING, LAB] },
    );
    expect(clusters[0]).toMatchObject({ name: 'x', sources: ['catalog'] });
    expect(clusters[0]).not.toHaveProperty('virtualNetwork');
    expect(warnings).toEqual([
      'Catalog cluster x names the virtual network "prod-eu", which the Cloudflare account does not have (it has default, Staging VNet, lab): fix virtualNetwork: in the catalog.',
    ]);
  });
});
