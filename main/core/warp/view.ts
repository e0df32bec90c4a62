import { detectWarp, readSplitTunnel } from './detect.ts';
import { checkRoute } from './route.ts';
import type { RouteVerdict, SplitTunnelConfig, WarpDetection, WarpEnv, WarpStatus } from './types.ts';

/** The shape the probe engine consumes (main/core/probe's WarpView). */
export interface WarpView {
  state(): Promise<{ state: WarpStatus; gatewayOn: boolean; detail?: string }>;
  routeFor(ip: string): Promise<{ verdict: RouteVerdict; detail: string; remedy?: string }>;
}

/**
 * The detector behind the probe ladder. The split tunnel is read once per `cacheMs` (a fleet
 * check asks for every cluster IP in a burst); the state is read fresh on each call (the probe
 * run already asks once per run).
 */
export function createWarpView(env: WarpEnv, opts: { cacheMs?: number } = {}): WarpView {
  const cacheMs = opts.cacheMs ?? 5_000;
  const now = () => (env.now?.() ?? new Date()).getTime();
  let split: { at: number; value: Promise<SplitTunnelConfig | null> } | null = null;
  let lastState: WarpStatus | undefined;
  const splitTunnel = () => {
    if (!split || now() - split.at > cacheMs) {
      split = { at: now(), value: readSplitTunnel(env).then((s) => s.config) };
    }
    return split.value;
  };
  return {
    async state() {
      const s = await detectWarp(env);
      lastState = s.state;
      return { state: s.state, gatewayOn: s.gatewayOn === true, ...(s.reason ? { detail: s.reason } : {}) };
    },
    async routeFor(ip) {
      const r = await checkRoute(env, ip, {
        splitTunnel: await splitTunnel(),
        ...(lastState ? { warpState: lastState } : {}),
      });
      return { verdict: r.verdict, detail: r.detail, ...(r.remedy ? { remedy: r.remedy } : {}) };
    },
  };
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * The IPC contract's WarpStateView (`status`, `gatewayOn`, `reason`, `signals[{source,status,detail}]`,
 * `updatedAt`), without importing it: core stays independent of the app's contract.
 */
export function toWarpStateView(s: WarpDetection): {
  status: WarpStatus;
  gatewayOn: boolean | null;
  reason: string | null;
  signals: { source: string; status: string; detail: string }[];
  updatedAt: string;
} {
  return {
    status: s.state,
    gatewayOn: s.gatewayOn,
    reason: s.reason ? clip(s.reason, 2_000) : null,
    signals: s.signals.slice(0, 20).map((g) => ({
      source: g.source,
      status: g.status,
      detail: clip(g.detail, 2_000),
    })),
    updatedAt: s.checkedAt,
  };
}
