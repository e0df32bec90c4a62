import type { ProbeEnvironment } from '../types.ts';
import { fail, ok, skip, warn } from './outcome.ts';
import type { Step } from './state.ts';

/** Whether the server's IP is routed through WARP. */
export const routeStep: Step = {
  name: 'route',
  async run({ env, host, resolveIp }) {
    if (!env.warp) return skip('not-checked', 'Route through WARP not checked.');
    let address: string;
    try {
      address = await resolveIp();
    } catch (e) {
      return warn(
        'route-unknown',
        `Could not resolve ${host}: ${(e as Error).message}.`,
        'Check the server name in the kubeconfig.',
      );
    }
    let r: Awaited<ReturnType<NonNullable<ProbeEnvironment['warp']>['routeFor']>>;
    try {
      r = await env.warp.routeFor(address);
    } catch (e) {
      return warn(
        'route-unknown',
        `The route to ${address} could not be read: ${(e as Error).message}.`,
        'The next steps tell whether the cluster is reachable anyway.',
      );
    }
    const data = { ip: address, verdict: r.verdict };
    switch (r.verdict) {
      case 'via-warp':
        return ok('via-warp', r.detail, data);
      case 'split-tunnel-excluded':
        return fail(
          'split-tunnel-excluded',
          r.detail,
          r.remedy ??
            `Split tunnel excludes ${address}: add ${address}/32 to the Include list or remove it from Exclude.`,
          data,
        );
      case 'not-via-warp':
        return fail(
          'not-via-warp',
          r.detail,
          r.remedy ??
            `Traffic to ${address} does not go through WARP: check that the tunnel's route covers it and that WARP's split tunnel includes it.`,
          data,
        );
      default:
        return warn(
          'route-unknown',
          r.detail,
          r.remedy ?? 'The next steps tell whether the cluster is reachable anyway.',
          data,
        );
    }
  },
  onDeadline: ({ conn, host }, ms) =>
    warn(
      'route-unknown',
      `The route to ${conn.ip ?? host} could not be read within ${ms} ms.`,
      'The next steps tell whether the cluster is reachable anyway.',
    ),
};
