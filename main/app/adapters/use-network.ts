import type { WarpCliEnv } from '../../core/warp/profile.ts';
import { joinNetworkBeforeWrite, type NetworkNotice } from '../../usecases/join-network.ts';
import type { ContextSwitch } from '../../usecases/use-context.ts';
import type { AdapterEnv } from './context.ts';

/**
 * The tray click's side of joining a cluster's WARP virtual network (main/usecases/join-network.ts
 * decides and words it): the shared setting, and the notices collected for a notification. The
 * tray has no question to put before a switch (a menu click closes the menu, and a dialog popping
 * up from the tray would steal focus from whatever the user was doing), so `ask` behaves as
 * `never` there, and the notification says how to switch.
 */
export function appNetworkStep(
  env: AdapterEnv,
  warp: WarpCliEnv,
  notices: NetworkNotice[],
): (target: ContextSwitch) => Promise<void> {
  return joinNetworkBeforeWrite({
    warp,
    policy: () => env.ctx.settings.read().switchVirtualNetwork,
    cannotAsk: 'the tray cannot ask before switching',
    say: (n) => notices.push(n),
    ...(env.ctx.vnetSwitch?.deadlineMs !== undefined ? { deadlineMs: env.ctx.vnetSwitch.deadlineMs } : {}),
    ...(env.ctx.vnetSwitch?.pollMs !== undefined ? { pollMs: env.ctx.vnetSwitch.pollMs } : {}),
  });
}
