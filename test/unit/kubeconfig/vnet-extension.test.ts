import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planKubeconfig } from '../../../main/core/kubeconfig/index.ts';
import type { ClusterEntry } from '../../../main/core/model/cluster.ts';

// Two clusters on one IP in two virtual networks (fixture written for kubezt).
const twin = (name: string, vnet: ClusterEntry['virtualNetwork']): ClusterEntry => ({
  name,
  sources: ['cloudflare'],
  server: 'https://10.30.0.10:6443',
  ips: ['10.30.0.10'],
  port: 6443,
  ...(vnet ? { virtualNetwork: vnet } : {}),
});

describe('the kubezt extension records the virtual network', () => {
  it('writes id and name for each context, nothing for a cluster without a network', () => {
    const plan = planKubeconfig({
      clusters: [
        twin('prod-api', { id: 'v-default', name: 'default', isDefault: true }),
        twin('prod-api-staging-vnet', { id: 'v-staging', name: 'staging-vnet', isDefault: false }),
        twin('catalog-only', undefined),
      ],
      files: [{ path: 'config', bytes: '' }],
    });
    const doc = parse(plan.writes[0]?.after ?? '') as {
      contexts: { name: string; context: { extensions: { extension: Record<string, unknown> }[] } }[];
    };
    const ext = (name: string) => doc.contexts.find((c) => c.name.endsWith(name))?.context.extensions[0]?.extension;
    expect(ext('prod-api')?.virtualNetwork).toEqual({ id: 'v-default', name: 'default' });
    expect(ext('prod-api-staging-vnet')?.virtualNetwork).toEqual({ id: 'v-staging', name: 'staging-vnet' });
    expect(ext('catalog-only')).not.toHaveProperty('virtualNetwork');
    expect(ext('catalog-only')).toMatchObject({ managed: true, cluster: 'catalog-only' });
  });

  it('leaves the network out of the user entry, where any other string counts as a credential', () => {
    const plan = planKubeconfig({
      clusters: [
        {
          ...twin('prod-api', { id: 'v-default', name: 'default', isDefault: true }),
          user: { kind: 'token', token: 'catalog-token-0123456789' },
        },
      ],
      files: [{ path: 'config', bytes: '' }],
    });
    const doc = parse(plan.writes[0]?.after ?? '') as {
      clusters: { cluster: { extensions: { extension: Record<string, unknown> }[] } }[];
      users: { user: { extensions: { extension: Record<string, unknown> }[] } }[];
    };
    expect(doc.clusters[0]?.cluster.extensions[0]?.extension.virtualNetwork).toEqual({
      id: 'v-default',
      name: 'default',
    });
    expect(doc.users[0]?.user.extensions[0]?.extension).not.toHaveProperty('virtualNetwork');
  });
});
