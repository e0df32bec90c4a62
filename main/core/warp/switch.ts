import { UserError } from '../errors.ts';
import { readWarpCli } from './detect.ts';
import { findVirtualNetwork } from './parse-vnet.ts';
import { readVirtualNetworks, type WarpCliEnv } from './profile.ts';
import { runWarpCli } from './run.ts';
import type { VirtualNetwork, VirtualNetworks, WarpStatus } from './types.ts';

/** Time for the bounded wait, injected so tests drive it without sleeping. */
export interface SwitchClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realSwitchClock: SwitchClock = {
  now: () => Date.now(),
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms);
    }),
};

export interface SwitchVirtualNetworkOptions {
  /** runner, warpCliPath, childEnv and the per-call timeout. */
  env: WarpCliEnv;
  /** The target network's id (a name is accepted when the client lists its networks). */
  id: string;
  /** How long to wait for WARP to report connected on the target (default 30 s). */
  deadlineMs?: number;
  /** Pause between two looks at the client (default 250 ms). */
  pollMs?: number;
  clock?: SwitchClock;
}

export interface SwitchVirtualNetworkResult {
  /** The target, as the client lists it (name = id when the list could not be read). */
  network: VirtualNetwork;
  /** The network selected before, when the client said. */
  previous: string | null;
  /** False when the target was already selected and connected: nothing was run. */
  switched: boolean;
  /** Each state seen while waiting, in order (e.g. connecting, connected). */
  observed: WarpStatus[];
  waitedMs: number;
}

const fail = (message: string) => new UserError('warp-switch-failed', message);

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean)
      ?.slice(0, 200) ?? ''
  );
}

const describe = (n: VirtualNetwork) => (n.name === n.id ? n.id : `"${n.name}" (${n.id})`);

/** The target in the client's list; refuses a name the client does not know. */
function resolveTarget(networks: VirtualNetworks | null, idOrName: string): VirtualNetwork {
  const found = networks ? findVirtualNetwork(networks.list, idOrName) : null;
  if (found) return found;
  if (networks && networks.list.length > 0) {
    const choices = networks.list.map((n) => n.name).join(', ');
    throw new UserError('not-found', `WARP has no virtual network "${idOrName}"; its networks are: ${choices}.`);
  }
  if (!networks && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrName)) {
    return { id: idOrName, name: idOrName, description: '', default: false };
  }
  throw fail(
    `WARP lists no virtual network, so "${idOrName}" cannot be selected: check that the device is enrolled in the organization that owns it (warp-cli vnet).`,
  );
}

async function waitUntilConnected(
  opts: SwitchVirtualNetworkOptions,
  target: VirtualNetwork,
  clock: SwitchClock,
): Promise<{ observed: WarpStatus[]; waitedMs: number }> {
  const deadlineMs = opts.deadlineMs ?? 30_000;
  const started = clock.now();
  const observed: WarpStatus[] = [];
  for (;;) {
    const [status, networks] = await Promise.all([readWarpCli(opts.env), readVirtualNetworks(opts.env)]);
    if (observed.at(-1) !== status.status) observed.push(status.status);
    if (status.status === 'connected' && networks?.active === target.id) {
      return { observed, waitedMs: clock.now() - started };
    }
    if (status.daemonDown || status.status === 'unavailable') {
      throw fail(`WARP stopped answering while switching to ${describe(target)}: ${status.reason ?? status.detail}`);
    }
    if (clock.now() - started >= deadlineMs) {
      const where =
        networks?.active === target.id ? '' : `, and the selected network is ${networks?.active ?? 'unknown'}`;
      throw fail(
        `WARP did not report connected to virtual network ${describe(target)} within ${Math.round(deadlineMs / 1000)} s (it says ${status.status}${where}): check the WARP client, then retry.`,
      );
    }
    await clock.sleep(opts.pollMs ?? 250);
  }
}

/**
 * Selects a WARP virtual network with `warp-cli vnet ID`, then waits, bounded, until WARP reports
 * connected with that network selected. Throws a UserError (one sentence) when the network is
 * unknown, WARP is down or not installed, the command fails, or the wait runs out; the caller
 * then writes nothing.
 */
export async function switchVirtualNetwork(opts: SwitchVirtualNetworkOptions): Promise<SwitchVirtualNetworkResult> {
  const clock = opts.clock ?? realSwitchClock;
  const [networks, status] = await Promise.all([readVirtualNetworks(opts.env), readWarpCli(opts.env)]);
  if (status.status === 'unavailable') {
    throw fail('Cloudflare WARP is not installed (warp-cli not found), so kubezt cannot switch its virtual network.');
  }
  if (status.daemonDown || status.status === 'disconnected') {
    throw fail(
      `WARP is ${status.daemonDown ? 'not running' : 'disconnected'}${status.reason ? ` (${status.reason})` : ''}: connect it (warp-cli connect), then retry.`,
    );
  }
  const target = resolveTarget(networks, opts.id);
  const previous = networks?.active ?? null;
  if (previous === target.id && status.status === 'connected') {
    return { network: target, previous, switched: false, observed: ['connected'], waitedMs: 0 };
  }
  const r = await runWarpCli(opts.env, ['vnet', target.id]);
  if (r.spawnError || r.timedOut || r.code !== 0) {
    const why = r.timedOut
      ? 'it did not answer in time'
      : firstLine(`${r.stderr}\n${r.stdout}`) || `exit code ${r.code}`;
    throw fail(`warp-cli could not select virtual network ${describe(target)}: ${why.replace(/\.$/, '')}.`);
  }
  const waited = await waitUntilConnected(opts, target, clock);
  return { network: target, previous, switched: true, ...waited };
}
