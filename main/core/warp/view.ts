import { detectWarp, readSplitTunnel } from './detect.ts';
import { checkRoute } from './route.ts';
import type { RouteVerdict, SplitTunnelConfig, WarpDetection, WarpEnv, WarpMode, WarpStatus } from './types.ts';

/** The shape the probe engine consumes (main/core/probe's WarpView). */
export interface WarpView {
  state(): Promise<
    { state: WarpStatus; gatewayOn: boolean; detail?: string } & Pick<
      WarpDetection,
      'mode' | 'privateRouting' | 'organization' | 'splitTunnel' | 'virtualNetworks'
    >
  >;
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
      // The profile read the split tunnel already: the route checks that follow reuse it.
      if (s.splitTunnel !== undefined) split = { at: now(), value: Promise.resolve(s.splitTunnel) };
      const { mode, privateRouting, organization, splitTunnel, virtualNetworks } = s;
      return {
        state: s.state,
        gatewayOn: s.gatewayOn === true,
        ...(s.reason ? { detail: s.reason } : {}),
        ...(mode !== undefined ? { mode, privateRouting, organization, splitTunnel, virtualNetworks } : {}),
      };
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

/** The profile part of the view; each field only when the detection read it. */
interface WarpProfileView {
  mode?: {
    raw: string;
    kind: WarpMode['kind'];
    label: string;
    privateRouting: boolean | null;
    managed: boolean | null;
  } | null;
  privateRouting?: boolean | null;
  organization?: string | null;
  splitTunnel?: { mode: 'exclude' | 'include'; entries: string[]; managed: boolean | null } | null;
  virtualNetworks?: {
    active: string | null;
    list: { id: string; name: string; default: boolean; active: boolean }[];
  } | null;
}

function profileView(s: WarpDetection): WarpProfileView {
  const out: WarpProfileView = {};
  if (s.mode !== undefined) {
    out.mode = s.mode && {
      raw: clip(s.mode.raw, 200),
      kind: s.mode.kind,
      label: clip(s.mode.label, 200),
      privateRouting: s.mode.privateRouting,
      managed: s.mode.managed,
    };
  }
  if (s.privateRouting !== undefined) out.privateRouting = s.privateRouting;
  if (s.organization !== undefined) out.organization = s.organization && clip(s.organization, 200);
  if (s.splitTunnel !== undefined) {
    out.splitTunnel = s.splitTunnel && {
      mode: s.splitTunnel.mode,
      entries: s.splitTunnel.entries.slice(0, 500).map((e) => clip(e.value, 300)),
      managed: s.splitTunnel.managed ?? null,
    };
  }
  if (s.virtualNetworks !== undefined) {
    const v = s.virtualNetworks;
    out.virtualNetworks = v && {
      active: v.active && clip(v.active, 100),
      list: v.list.slice(0, 200).map((n) => ({
        id: clip(n.id, 100),
        name: clip(n.name, 200),
        default: n.default,
        active: n.id === v.active,
      })),
    };
  }
  return out;
}

/**
 * The IPC contract's WarpStateView (`status`, `gatewayOn`, `reason`, `signals[{source,status,detail}]`,
 * `updatedAt`, and the profile: `mode`, `privateRouting`, `organization`, `splitTunnel`,
 * `virtualNetworks`), without importing it: core stays independent of the app's contract.
 */
export function toWarpStateView(s: WarpDetection): {
  status: WarpStatus;
  gatewayOn: boolean | null;
  reason: string | null;
  signals: { source: string; status: string; detail: string }[];
  updatedAt: string;
} & WarpProfileView {
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
    ...profileView(s),
  };
}
