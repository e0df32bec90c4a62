/**
 * The tray's click on a cluster in another virtual network, through the app's services (the
 * glue's `running.call('useContext')`) on the real domain adapter and the simulator: WARP
 * switches, the user gets one notification, the IPC answer carries only what the contract says.
 */
import { describe, expect, it } from 'vitest';
import { OVERLAP } from '../../../sim/environment.ts';
import { overlapServicesPerTest } from './world.ts';

const open = overlapServicesPerTest();

describe('a tray click on a cluster in another virtual network', () => {
  it('switches WARP, notifies once, and writes the context', async () => {
    const { w, ids, notes, services } = await open();
    const answer = await services.call('useContext', { name: OVERLAP.twin });
    expect(answer).toEqual({ context: `zt-${OVERLAP.twin}`, previous: 'my-own-context', file: w.sim.kubeconfigPath });
    expect(w.sim.warp.activeVnetId()).toBe(ids.staging);
    expect(notes).toEqual([
      {
        title: 'WARP virtual network switched',
        body: `Switched WARP from virtual network "default" to "staging" for context "zt-${OVERLAP.twin}" (device-wide).`,
      },
    ]);
    expect(w.kubeconfig()).toMatch(new RegExp(`^current-context: zt-${OVERLAP.twin}$`, 'm'));
  });

  it('with the setting on never or ask, writes the context, leaves WARP alone and says so', async () => {
    const { w, ids, notes, services } = await open();
    w.settings.update({ switchVirtualNetwork: 'never' });
    await services.call('useContext', { name: OVERLAP.twin });
    w.settings.update({ switchVirtualNetwork: 'ask' });
    await services.call('useContext', { name: 'prod-us' });
    await services.call('useContext', { name: OVERLAP.twin });
    expect(w.sim.warp.activeVnetId()).toBe(ids.default);
    expect(notes.map((n) => n.title)).toEqual([
      'WARP virtual network not switched',
      'WARP virtual network not switched',
    ]);
    expect(notes[0]?.body).toContain('(switchVirtualNetwork is "never")');
    expect(notes[1]?.body).toContain('switchVirtualNetwork is "ask" and the tray cannot ask before switching');
    expect(w.kubeconfig()).toMatch(new RegExp(`^current-context: zt-${OVERLAP.twin}$`, 'm'));
  });

  it('a switch warp-cli refuses fails the click and writes nothing', async () => {
    const { w, ids, notes, services } = await open();
    const before = w.kubeconfig();
    w.sim.warp.setState({ vnetFault: 'refuse' });
    await expect(services.call('useContext', { name: OVERLAP.twin })).rejects.toThrow(
      /warp-cli could not select virtual network "staging"/,
    );
    expect(w.kubeconfig()).toBe(before);
    expect(w.sim.warp.activeVnetId()).toBe(ids.default);
    expect(notes).toEqual([]);
  });
});
