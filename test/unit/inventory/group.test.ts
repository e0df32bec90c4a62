import { describe, expect, it } from 'vitest';
import { clusterGroup } from '../../../main/core/inventory/group.ts';

describe('clusterGroup', () => {
  it('takes the catalog group first, then the Cloudflare account, then the virtual network, then the name prefix', () => {
    const full = {
      name: 'prod-us',
      group: 'payments',
      account: { name: 'Acme' },
      virtualNetwork: { name: 'vnet-a' },
      cloudflare: { virtualNetworkName: 'vnet-b' },
    };
    expect(clusterGroup(full)).toBe('payments');
    expect(clusterGroup({ ...full, group: undefined })).toBe('Acme');
    expect(clusterGroup({ ...full, group: '  ', account: undefined })).toBe('vnet-a');
    expect(clusterGroup({ name: 'prod-us', cloudflare: { virtualNetworkName: 'vnet-b' } })).toBe('vnet-b');
    expect(clusterGroup({ name: 'prod-us', cloudflare: { accountName: 'Team' } })).toBe('Team');
    expect(clusterGroup({ name: 'prod-us-east' })).toBe('prod');
    expect(clusterGroup({ name: 'prod-us', cloudflare: { virtualNetworkName: 'default' } })).toBe('prod');
    expect(clusterGroup({ name: 'lab' })).toBe('lab');
  });
});
