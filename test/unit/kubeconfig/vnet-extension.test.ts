import { describe, expect, it } from 'vitest';
import type { MergedKubeconfig } from '../../../main/core/kubeconfig/merged.ts';
import { quickMergedKubeconfig } from '../../../main/core/kubeconfig/read-fast.ts';
import { readMergedKubeconfig } from '../../../main/core/kubeconfig/read-full.ts';
import { targetsFromMergedKubeconfig } from '../../../main/core/probe/targets.ts';

// The kubezt extension as `kubezt setup` writes it on a context whose IP sits in a virtual network;
// both kubeconfig readers carry the network to the probe target (the vnet step needs it).
const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: zt-beta
clusters:
  - name: zt-beta
    cluster:
      server: https://10.1.2.3:6443
contexts:
  - name: zt-beta
    context:
      cluster: zt-beta
      user: zt-beta
      extensions:
        - name: kubezt
          extension:
            managed: true
            cluster: beta
            sources: [cloudflare]
            virtualNetwork:
              id: 6a3f1c2e-0000-4000-8000-00000000beta
              name: beta-net
  - name: theirs
    context:
      cluster: zt-beta
      user: zt-beta
users:
  - name: zt-beta
    user:
      token: t0ken
`;

const sources = [{ path: '/home/u/.kube/config', bytes: KUBECONFIG }];

describe("a context's virtual network, from the kubezt extension", () => {
  const readers: [string, () => MergedKubeconfig | null][] = [
    ['the fast reader', () => quickMergedKubeconfig(sources)],
    ['the full reader', () => readMergedKubeconfig(sources)],
  ];
  for (const [name, read] of readers) {
    it(`${name} carries it to the probe target, and a context without the extension has none`, async () => {
      const merged = read();
      if (!merged) throw new Error(`${name} did not read the file`);
      expect(merged.contexts.find((c) => c.name === 'zt-beta')?.virtualNetwork).toEqual({
        id: '6a3f1c2e-0000-4000-8000-00000000beta',
        name: 'beta-net',
      });
      const { targets } = await targetsFromMergedKubeconfig(merged, ['zt-beta', 'theirs']);
      expect(targets.map((t) => [t.name, t.virtualNetwork])).toEqual([
        ['zt-beta', { id: '6a3f1c2e-0000-4000-8000-00000000beta', name: 'beta-net' }],
        ['theirs', undefined],
      ]);
    });
  }
});
