/**
 * The dashboard's two new requests on the real domain adapter and the simulator, through the
 * app's services: `setNamespace` writes the context's namespace into the real kubeconfig (the
 * core's splice) and the list shows it; `switchVirtualNetwork` switches the simulated WARP and
 * answers its new state. The list carries each cluster's virtual network and tunnel state.
 */
import { describe, expect, it } from 'vitest';
import { OVERLAP } from '../../../sim/environment.ts';
import { overlapServicesPerTest } from './world.ts';

const open = overlapServicesPerTest();

describe('the dashboard’s namespace and network requests on the real adapter', () => {
  it('sets a cluster’s namespace in the kubeconfig and lists it; a bad name changes nothing', async () => {
    const { w, services } = await open();
    const before = w.kubeconfig();
    await expect(services.call('setNamespace', { cluster: 'prod-us', namespace: 'Kube_System' })).rejects.toThrow(
      /"Kube_System" is not a namespace name/,
    );
    expect(w.kubeconfig()).toBe(before);

    const r = await services.call('setNamespace', { cluster: 'prod-us', namespace: 'kube-system' });
    expect(r).toMatchObject({ context: 'zt-prod-us', namespace: 'kube-system', previous: 'default', changed: true });
    expect(r.file).toBe(w.sim.kubeconfigPath);
    const list = await services.call('listClusters');
    expect(list.clusters.find((c) => c.name === 'prod-us')?.namespace).toBe('kube-system');
    expect(list.clusters.find((c) => c.name === OVERLAP.name)?.namespace).toBe('default');
    // Only that context's value changed: every other line of the file is as it was.
    const [was, now] = [before.split('\n'), w.kubeconfig().split('\n')];
    expect(now).toHaveLength(was.length);
    const changed = now.flatMap((line, i) => (line === was[i] ? [] : [[was[i], line]]));
    expect(changed).toEqual([
      [expect.stringMatching(/^ +namespace: default$/), expect.stringMatching(/^ +namespace: kube-system$/)],
    ]);
  });

  it('switches WARP’s virtual network and answers the new state', async () => {
    const { w, ids, services } = await open();
    const state = await services.call('switchVirtualNetwork', { id: ids.staging });
    expect(w.sim.warp.activeVnetId()).toBe(ids.staging);
    expect(state.virtualNetworks?.active).toBe(ids.staging);
    expect(services.state().warp.virtualNetworks?.active).toBe(ids.staging);
    await expect(services.call('switchVirtualNetwork', { id: 'no-such-network' })).rejects.toThrow();
    expect(w.sim.warp.activeVnetId()).toBe(ids.staging);
  });

  it('lists each cluster’s virtual network and tunnel state', async () => {
    const { services } = await open();
    const list = await services.call('listClusters');
    const twin = list.clusters.find((c) => c.name === OVERLAP.twin);
    expect(twin?.virtualNetwork).toMatchObject({ name: OVERLAP.network, isDefault: false });
    expect(twin?.tunnelState?.status).toMatch(/^(healthy|degraded|down|inactive)$/);
    expect(list.clusters.find((c) => c.name === 'prod-us')?.virtualNetwork?.isDefault).toBe(true);
  });
});
