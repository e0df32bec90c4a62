import { cidrContains, hostCidr, parseIp } from '../../warp/cidr.ts';
import type { SplitTunnelConfig } from '../../warp/types.ts';
import type { ProbeEnvironment } from '../types.ts';
import { fail, ok, type StepOutcome, skip, warn } from './outcome.ts';
import type { Step } from './state.ts';

const ADMIN = 'ask your Zero Trust admin to';

/**
 * Include mode, as the client profile says: WARP carries only what the list covers, whatever
 * the OS route shows (a loopback stand-in, or KUBEZT_WARP_INTERFACE, cannot show it). Exclude
 * mode stays with the OS route, which is what an exclusion changes.
 */
function notIncluded(address: string, host: string, split: SplitTunnelConfig | null | undefined): StepOutcome | null {
  const parsed = parseIp(address);
  if (split?.mode !== 'include' || !parsed) return null;
  const covered = split.entries.some((e) =>
    e.kind === 'cidr' ? cidrContains(e.value, parsed) : e.value.toLowerCase() === host.toLowerCase(),
  );
  if (covered) return null;
  const entry = hostCidr(address);
  const add = `add ${entry} to the Split Tunnels include list`;
  return fail(
    'split-tunnel-excluded',
    `WARP's split tunnel is in Include mode and no Include entry covers ${address}, so WARP does not carry it.`,
    split.managed
      ? `Your organization manages the split tunnel: ${ADMIN} ${add} of your device profile.`
      : `${add.charAt(0).toUpperCase()}${add.slice(1)} (Zero Trust → Settings → WARP Client → the device profile → Split Tunnels).`,
    { ip: address, verdict: 'split-tunnel-excluded', mode: 'include', managed: split.managed ?? null },
  );
}

/** Exclude mode under the organization's profile: the fact, then what to ask the admin for. */
function managedExclusion(address: string, split: SplitTunnelConfig): string {
  const parsed = parseIp(address);
  const entries = split.entries
    .filter((e) => e.kind === 'cidr' && parsed && cidrContains(e.value, parsed))
    .map((e) => e.value);
  const which = entries.length > 0 ? entries.join(', ') : `an entry covering ${address}`;
  return `Split tunnel (Exclude mode) excludes ${which}, and your organization manages it: ${ADMIN} remove ${which} from the Exclude list of your device profile's Split Tunnels (or narrow it to leave out ${hostCidr(address)}).`;
}

/** Whether the server's IP is routed through WARP. */
export const routeStep: Step = {
  name: 'route',
  async run({ env, run, host, resolveIp }) {
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
    const profile = await run.warpState().catch(() => null);
    const excluded = notIncluded(address, host, profile?.splitTunnel);
    if (excluded) return excluded;
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
          profile?.splitTunnel?.managed
            ? managedExclusion(address, profile.splitTunnel)
            : (r.remedy ??
                `Split tunnel excludes ${address}: add ${address}/32 to the Include list or remove it from Exclude.`),
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
