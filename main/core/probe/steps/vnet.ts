import type { ProbeRun } from '../run.ts';
import { fail, ok, skip } from './outcome.ts';
import type { Step } from './state.ts';

/**
 * Whether WARP has the cluster's virtual network selected. With overlapping private IPs the
 * server's address belongs to another cluster in any other network, so the orchestrator opens no
 * connection (and sends no credential) until this step has passed or been skipped.
 */
export const vnetStep: Step = {
  name: 'vnet',
  async run({ env, run, target }) {
    const wanted = target.virtualNetwork;
    if (!wanted) return skip('not-checked', 'The cluster records no virtual network.');
    if (!env.warp) return skip('not-checked', 'Virtual network not checked.');
    let w: Awaited<ReturnType<ProbeRun['warpState']>>;
    try {
      w = await run.warpState();
    } catch (e) {
      return skip('vnet-unknown', `WARP's virtual network could not be read: ${(e as Error).message}.`);
    }
    const networks = w.virtualNetworks;
    if (networks === undefined) return skip('not-checked', "WARP's virtual networks were not read.");
    if (networks && networks.list.length === 0 && !networks.active) {
      // An organization without virtual networks: every device is in the account's default one.
      return skip('not-checked', 'WARP lists no virtual networks, so there is none to switch to.');
    }
    const wantedName = wanted.name ?? networks?.list.find((n) => n.id === wanted.id)?.name ?? wanted.id;
    const activeId = networks?.active ?? null;
    if (!activeId) {
      return skip(
        'vnet-unknown',
        `WARP did not say which virtual network is selected; the cluster is in "${wantedName}".`,
      );
    }
    const data = { wanted: wanted.id, active: activeId };
    if (activeId.toLowerCase() === wanted.id.toLowerCase()) {
      return ok('vnet-match', `WARP has the cluster's virtual network "${wantedName}" selected.`, data);
    }
    const activeName = networks?.list.find((n) => n.id === activeId)?.name ?? activeId;
    return fail(
      'wrong-virtual-network',
      `WARP has the virtual network "${activeName}" selected, but ${target.name} is in "${wantedName}": its address there belongs to another network, so nothing was sent to it.`,
      `kubezt use ${target.name}`,
      { ...data, activeName, wantedName },
    );
  },
  onDeadline: ({ target }, ms) =>
    skip(
      'vnet-unknown',
      `WARP's virtual network could not be read within ${ms} ms; ${target.name} is in "${target.virtualNetwork?.name ?? target.virtualNetwork?.id}".`,
    ),
};
