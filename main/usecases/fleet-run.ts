/**
 * What every ladder of one fleet run shares, for `kubezt check`/`diagnose`/`status` and the app's
 * checks alike: the host's process runner and environment, one WARP view (every route asked in one
 * lookup) and one kubectl client. Each front end adds only its own policy: whether a plugin may
 * use a terminal, and whether plugins run at all.
 */

import type { KubectlClientInfo, ProbeEnvironment, ProbeTarget } from '../core/probe/types.ts';
import type { FleetWarpView } from '../core/probe/warp.ts';
import type { ProcessRunner } from '../core/process/runner.ts';

export interface FleetHost {
  runner: ProcessRunner;
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
}

export interface FleetShared {
  warp: FleetWarpView;
  kubectl: Promise<KubectlClientInfo | null>;
}

export type FleetPolicy = Pick<ProbeEnvironment, 'terminal' | 'execPlugins' | 'execPolicy'>;

/** Asks for every target's route in one lookup, before the first ladder asks for its own. */
export function prefetchFleetRoutes(warp: FleetWarpView, targets: readonly ProbeTarget[]): void {
  warp.prefetchRoutes(targets.map((t) => new URL(t.server).hostname.replace(/^\[|\]$/g, '')));
}

/** The environment every ladder of the run is given. */
export function ladderEnvironment(host: FleetHost, shared: FleetShared, policy: FleetPolicy): ProbeEnvironment {
  return {
    runner: host.runner,
    env: host.env,
    platform: host.platform,
    warp: shared.warp,
    kubectlClient: () => shared.kubectl,
    ...policy,
  };
}
