import { isIP } from 'node:net';
import {
  detectWarp,
  isPlainIp,
  type OsRoute,
  parseLinuxRoute,
  readRoute,
  readSplitTunnel,
  routeVerdict,
  type SplitTunnelConfig,
  type WarpDetection,
  type WarpEnv,
  warpInterfaceName,
} from '../warp/index.ts';
import type { WarpView } from './types.ts';

/**
 * The WARP detector as one fleet check uses it: the state is detected once (with every signal
 * kept for the report), the split tunnel is read once and only when a route bypasses WARP, and on
 * Linux the routes of every cluster IP come from one `ip -batch` call instead of one
 * `ip route get` process per cluster.
 */
export interface FleetWarpView extends WarpView {
  /** The detection behind `state()`, signals included (for reports and `kubezt status`). */
  detection(): Promise<WarpDetection>;
  /** Looks up the routes of these IPs together, ahead of the ladders that will ask for them. */
  prefetchRoutes(ips: readonly string[]): void;
}

/** One spelling per address (`::1` and `0:0::1` are the same route). */
function canonical(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}

const IP_COMMANDS = ['ip', '/usr/sbin/ip', '/sbin/ip'];

/** `ip -j -force -batch -` with one `route get IP` line per address; addresses it did not answer are left out. */
async function readRoutesLinux(env: WarpEnv, ips: readonly string[]): Promise<Map<string, OsRoute>> {
  const routes = new Map<string, OsRoute>();
  const plain = ips.filter(isPlainIp);
  if (plain.length === 0) return routes;
  const input = `${plain.map((ip) => `route get ${ip}`).join('\n')}\n`;
  for (const command of IP_COMMANDS) {
    const r = await env.runner.run(command, ['-j', '-force', '-batch', '-'], {
      timeoutMs: env.timeoutMs ?? 4_000,
      input,
      env: { ...(env.childEnv ?? process.env), LC_ALL: 'C', LANG: 'C' },
    });
    if (r.spawnError && /ENOENT/.test(r.spawnError)) continue;
    if (r.spawnError || r.timedOut) return routes;
    for (const line of r.stdout.split('\n')) {
      if (!line.trim()) continue;
      let dst: unknown;
      try {
        const parsed = JSON.parse(line) as unknown;
        dst = (Array.isArray(parsed) ? parsed[0] : parsed)?.dst;
      } catch {
        continue;
      }
      if (typeof dst !== 'string' || isIP(dst) === 0) continue;
      routes.set(canonical(dst), parseLinuxRoute(line, '', `${command} -j route get ${dst}`));
    }
    return routes;
  }
  return routes;
}

export function createFleetWarpView(env: WarpEnv): FleetWarpView {
  let detection: Promise<WarpDetection> | undefined;
  let split: Promise<SplitTunnelConfig | null> | undefined;
  let batch: { ips: Set<string>; routes: Promise<Map<string, OsRoute>> } | undefined;
  const detect = () => {
    detection ??= detectWarp(env);
    return detection;
  };
  const splitTunnel = () => {
    split ??= readSplitTunnel(env)
      .then((s) => s.config)
      .catch(() => null);
    return split;
  };
  const routeOf = async (ip: string): Promise<OsRoute> => {
    const key = canonical(ip);
    if (batch?.ips.has(key)) {
      const found = (await batch.routes.catch(() => new Map<string, OsRoute>())).get(key);
      if (found) return found;
    }
    return readRoute(env, ip);
  };
  return {
    detection: detect,
    async state() {
      const s = await detect();
      return {
        state: s.state,
        gatewayOn: s.gatewayOn === true,
        ...(s.reason ? { detail: s.reason } : {}),
        ...(s.mode !== undefined ? { mode: s.mode } : {}),
        ...(s.splitTunnel !== undefined ? { splitTunnel: s.splitTunnel } : {}),
        ...(s.virtualNetworks !== undefined ? { virtualNetworks: s.virtualNetworks } : {}),
      };
    },
    async routeFor(ip) {
      const route = await routeOf(ip);
      const warpInterface = warpInterfaceName(env);
      // The OS route decides; the split tunnel and the state only explain a route around WARP, so a
      // healthy fleet never waits for them.
      const viaWarp = route.ok && !!warpInterface && route.interface?.toLowerCase() === warpInterface.toLowerCase();
      const [splitConfig, state] = viaWarp
        ? [null, null]
        : await Promise.all([splitTunnel(), detect().catch(() => null)]);
      const r = routeVerdict(ip, {
        route,
        warpInterface,
        splitTunnel: splitConfig,
        ...(state ? { warpState: state.state } : {}),
      });
      return { verdict: r.verdict, detail: r.detail, ...(r.remedy ? { remedy: r.remedy } : {}) };
    },
    prefetchRoutes(ips) {
      detect();
      if (env.platform !== 'linux' || batch) return;
      const wanted = new Set(ips.filter(isPlainIp).map(canonical));
      if (wanted.size === 0) return;
      batch = { ips: wanted, routes: readRoutesLinux(env, [...wanted]) };
    },
  };
}
