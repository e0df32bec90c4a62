/**
 * Joining the cluster's WARP virtual network before kubectl's current-context points at it, for
 * `kubezt use NAME` and the tray's click alike: the one place that decides whether WARP switches
 * (the `switchVirtualNetwork` setting) and words what happened. Each front end only renders the
 * notices (the CLI on stderr, the app as a notification) and, for `ask`, supplies the question.
 *
 * Why before the write: with overlapping private IPs the context's address belongs to another
 * cluster in another network, and kubectl would send this context's credentials there.
 */
import { UserError } from '../core/errors.ts';
import { type ContextNetwork, contextVirtualNetwork } from '../core/kubeconfig/context-network.ts';
import type { SwitchVirtualNetworkPolicy } from '../core/settings/schema.ts';
import type { WarpCliEnv } from '../core/warp/profile.ts';
import type { SwitchClock } from '../core/warp/switch.ts';
import type { VirtualNetwork, VirtualNetworks } from '../core/warp/types.ts';
import type { ContextSwitch } from './use-context.ts';

export { type ContextNetwork, contextVirtualNetwork };

/** One sentence for the user: a switch made, or a reason WARP was left alone. */
export interface NetworkNotice {
  kind: 'switched' | 'not-switched';
  sentence: string;
}

export interface JoinNetworkDeps {
  /** How to run warp-cli; a function when building it is worth deferring (it loads child_process). */
  warp: WarpCliEnv | (() => Promise<WarpCliEnv>);
  /** The setting, read only when a switch is in question (`use` stays quick otherwise). */
  policy: () => SwitchVirtualNetworkPolicy | Promise<SwitchVirtualNetworkPolicy>;
  /** Asks a yes/no question; absent when the front end cannot ask (no terminal). */
  ask?: (question: string) => Promise<boolean>;
  /** Why it cannot ask, when `ask` is absent (ends "…, so kubezt left WARP alone"). */
  cannotAsk?: string;
  say: (notice: NetworkNotice) => void;
  /** The bounded wait for WARP to reconnect on the new network (default 30 s). */
  deadlineMs?: number;
  pollMs?: number;
  clock?: SwitchClock;
}

/** What to do about the network, decided from what WARP says; pure. */
export type NetworkDecision =
  | { action: 'none' }
  | { action: 'switch'; target: VirtualNetwork; from: VirtualNetwork | null }
  | { action: 'ask'; target: VirtualNetwork; from: VirtualNetwork | null; question: string }
  | { action: 'leave'; notice: NetworkNotice }
  | { action: 'refuse'; sentence: string };

const quoted = (n: { name: string }) => `"${n.name}"`;

function leftAlone(context: string, target: ContextNetwork, from: VirtualNetwork | null, why: string): NetworkNotice {
  const on = from ? `WARP is on ${quoted(from)}` : 'WARP has no network selected';
  return {
    kind: 'not-switched',
    sentence: `Context "${context}" is in virtual network ${quoted(target)} but ${on}; ${why}, so kubectl reaches it only after "kubezt vnet ${target.name}".`,
  };
}

/**
 * `ask` without a way to ask behaves as `never`, with a word on why: a script must not hang on a
 * question nobody sees, and must not move the whole device's network unasked.
 */
export function decideNetworkJoin(
  context: string,
  target: ContextNetwork,
  warp: VirtualNetworks | null,
  policy: SwitchVirtualNetworkPolicy,
  /** null when the front end can ask; else why it cannot. */
  cannotAsk: string | null,
): NetworkDecision {
  // A client that lists no network (not installed, an older client, an organization with only
  // the default one) has nothing to switch; the probe says the rest.
  if (!warp || warp.list.length === 0 || warp.active === target.id) return { action: 'none' };
  const listed = warp.list.find((n) => n.id === target.id);
  const from = warp.list.find((n) => n.id === warp.active) ?? null;
  if (!listed) {
    return {
      action: 'refuse',
      sentence: `Context "${context}" is in virtual network ${quoted(target)} (${target.id}), which this WARP client does not list (it has ${warp.list.map(quoted).join(', ')}): enroll the device in the organization that owns it, or run "kubezt setup" again if the cluster moved.`,
    };
  }
  if (policy === 'never') {
    return {
      action: 'leave',
      notice: leftAlone(context, target, from, 'kubezt left WARP alone (switchVirtualNetwork is "never")'),
    };
  }
  if (policy === 'ask') {
    if (cannotAsk !== null) {
      return {
        action: 'leave',
        notice: leftAlone(
          context,
          target,
          from,
          `switchVirtualNetwork is "ask" and ${cannotAsk}, so kubezt left WARP alone`,
        ),
      };
    }
    const question = `Context "${context}" is in virtual network ${quoted(listed)}${from ? ` and WARP is on ${quoted(from)}` : ''}. Switch WARP (the whole device) to ${quoted(listed)}? [y/N] `;
    return { action: 'ask', target: listed, from, question };
  }
  return { action: 'switch', target: listed, from };
}

function switchedNotice(context: string, target: VirtualNetwork, from: VirtualNetwork | null): NetworkNotice {
  return {
    kind: 'switched',
    sentence: `Switched WARP ${from ? `from virtual network ${quoted(from)} ` : ''}to ${quoted(target)} for context "${context}" (device-wide).`,
  };
}

/**
 * The `beforeWrite` step of runUseContext: switches WARP when the policy says so and waits until
 * it is connected on the target. A failed switch throws `warp-switch-failed` (nothing is written);
 * a declined or disabled switch lets the write go on with a notice. The network is the one the
 * switch plan read off the context (`ContextSwitch.virtualNetwork`): no second read of the files.
 */
export function joinNetworkBeforeWrite(deps: JoinNetworkDeps): (target: ContextSwitch) => Promise<void> {
  return async ({ context, virtualNetwork: network }) => {
    if (!network) return;
    const { readVirtualNetworks, switchVirtualNetwork } = await import('../core/warp/index.ts');
    const warpEnv = typeof deps.warp === 'function' ? await deps.warp() : deps.warp;
    const warp = await readVirtualNetworks(warpEnv);
    if (!warp || warp.list.length === 0 || warp.active === network.id) return;
    const cannotAsk = deps.ask ? null : (deps.cannotAsk ?? 'there is no way to ask');
    let decision = decideNetworkJoin(context, network, warp, await deps.policy(), cannotAsk);
    if (decision.action === 'ask') {
      const yes = await (deps.ask as NonNullable<JoinNetworkDeps['ask']>)(decision.question);
      decision = yes
        ? { action: 'switch', target: decision.target, from: decision.from }
        : { action: 'leave', notice: leftAlone(context, network, decision.from, 'you chose not to switch WARP') };
    }
    switch (decision.action) {
      case 'none':
        return;
      case 'refuse':
        throw new UserError('warp-switch-failed', decision.sentence);
      case 'leave':
        deps.say(decision.notice);
        return;
      case 'switch': {
        const r = await switchVirtualNetwork({
          env: warpEnv,
          id: decision.target.id,
          ...(deps.deadlineMs !== undefined ? { deadlineMs: deps.deadlineMs } : {}),
          ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
          ...(deps.clock ? { clock: deps.clock } : {}),
        }).catch((e: unknown) => {
          if (e instanceof UserError && e.code !== 'warp-switch-failed') {
            throw new UserError('warp-switch-failed', e.message, { cause: e });
          }
          throw e;
        });
        if (r.switched) deps.say(switchedNotice(context, r.network, decision.from));
        return;
      }
    }
  };
}

/** The setting as stored, or a UserError naming it; a missing one is the default, `auto`. */
export function switchPolicyOf(value: unknown): SwitchVirtualNetworkPolicy {
  if (value === undefined) return 'auto';
  if (value === 'auto' || value === 'ask' || value === 'never') return value;
  throw new UserError(
    'settings-invalid',
    `The setting "switchVirtualNetwork" must be "auto", "ask" or "never", not ${JSON.stringify(value)}; fix it with the app's Settings or in settings.json.`,
  );
}

/**
 * The warning of a per-shell context (`kubezt shell/env/exec`) whose cluster is in another
 * network than the selected one; null when there is nothing to say. Such a context never
 * switches: the network is device-wide, and one shell's choice would move every other one.
 */
export function deviceWideNetworkWarning(
  context: string,
  target: ContextNetwork,
  warp: VirtualNetworks | null,
): string | null {
  if (!warp || warp.list.length === 0 || warp.active === target.id) return null;
  const from = warp.list.find((n) => n.id === warp.active);
  const on = from ? `WARP is on ${quoted(from)}` : 'WARP has no network selected';
  return `Context "${context}" is in virtual network ${quoted(target)} but ${on}; the virtual network is device-wide, so this session reaches it only after "kubezt vnet ${target.name}", which moves every terminal and app on this device with it.`;
}
