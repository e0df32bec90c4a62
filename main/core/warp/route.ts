import { isIP } from 'node:net';
import type { RunResult } from '../process/runner.ts';
import { cidrContains, hostCidr, isDefaultExclude, parseIp, privateRangeOf } from './cidr.ts';
import { readSplitTunnel, warpInterfaceName } from './detect.ts';
import { parseLinuxRoute, parseMacRoute, parseWindowsRoute } from './parse-route.ts';
import type { OsRoute, RouteVerdictResult, SplitTunnelConfig, WarpEnv, WarpStatus } from './types.ts';

const SPLIT_TUNNEL_SETTING =
  'Zero Trust dashboard → Settings → WARP Client → Device settings → (the device profile) → Split Tunnels';

/** Only plain addresses reach a command line (the Windows one is a PowerShell script). */
export function isPlainIp(ip: string): boolean {
  return isIP(ip) !== 0 && /^[0-9a-fA-F:.]+$/.test(ip);
}

function routeCommand(platform: NodeJS.Platform, ip: string): { command: string; args: string[] }[] | null {
  const v6 = isIP(ip) === 6;
  switch (platform) {
    case 'linux':
      // GUI sessions sometimes lack /usr/sbin in PATH.
      return ['ip', '/usr/sbin/ip', '/sbin/ip'].map((command) => ({ command, args: ['-j', 'route', 'get', ip] }));
    case 'darwin':
      return [{ command: '/sbin/route', args: ['-n', 'get', ...(v6 ? ['-inet6'] : []), ip] }];
    case 'win32':
      return [
        {
          command: 'powershell.exe',
          args: [
            '-NoProfile',
            '-NonInteractive',
            '-Command',
            `$ErrorActionPreference='Stop'; Find-NetRoute -RemoteIPAddress '${ip}' | Select-Object -Property InterfaceAlias,InterfaceIndex,IPAddress,DestinationPrefix,NextHop,RouteMetric | ConvertTo-Json -Compress`,
          ],
        },
      ];
    default:
      return null;
  }
}

/** The OS's route to `ip`, through the runner (hard timeout). */
export async function readRoute(env: WarpEnv, ip: string): Promise<OsRoute> {
  const fail = (error: string, command = ''): OsRoute => ({
    ok: false,
    interface: null,
    gateway: null,
    source: null,
    error,
    command,
    raw: '',
  });
  if (!isPlainIp(ip)) return fail(`"${ip}" is not an IP address`);
  const commands = routeCommand(env.platform, ip);
  if (!commands) return fail(`route lookup is not supported on ${env.platform}`);
  const timeoutMs = env.timeoutMs ?? 4_000;
  let last: { r: RunResult; command: string } | null = null;
  for (const { command, args } of commands) {
    const r = await env.runner.run(command, args, {
      timeoutMs,
      env: { ...(env.childEnv ?? process.env), LC_ALL: 'C', LANG: 'C' },
    });
    last = { r, command: [command, ...args].join(' ') };
    if (!(r.spawnError && /ENOENT/.test(r.spawnError))) break;
  }
  if (!last) return fail('no route command');
  const { r, command } = last;
  if (r.spawnError) return fail(`could not run ${command.split(' ')[0]}: ${r.spawnError}`, command);
  if (r.timedOut) return fail(`${command.split(' ')[0]} did not answer within ${timeoutMs} ms`, command);
  switch (env.platform) {
    case 'linux':
      return parseLinuxRoute(r.stdout, r.stderr, command);
    case 'darwin':
      return parseMacRoute(r.stdout, r.stderr, command);
    default:
      return parseWindowsRoute(r.stdout, r.stderr, command);
  }
}

export interface RouteFacts {
  /** The OS route; null when it could not be read. */
  route: OsRoute | null;
  /** The interface counted as WARP's; null when unknown (macOS with WARP down). */
  warpInterface: string | null;
  splitTunnel: SplitTunnelConfig | null;
  /** Sharpens the remedy when the route bypasses WARP. */
  warpState?: WarpStatus;
}

/**
 * Pure verdict for one cluster IP. The OS route is the ground truth (it is what kubectl's packets
 * will do); the split-tunnel settings explain a route that bypasses WARP and name the exact entry
 * to change.
 */
export function routeVerdict(ip: string, facts: RouteFacts): RouteVerdictResult {
  const { route, warpInterface, splitTunnel } = facts;
  const host = hostCidr(ip);
  const parsed = parseIp(ip);
  const ipEntries = (splitTunnel?.entries ?? []).filter((e) => e.kind === 'cidr');
  const excludedBy =
    splitTunnel?.mode === 'exclude' && parsed
      ? ipEntries.filter((e) => cidrContains(e.value, parsed)).map((e) => e.value)
      : [];
  const notIncluded =
    splitTunnel?.mode === 'include' && parsed && !ipEntries.some((e) => cidrContains(e.value, parsed));
  const priv = privateRangeOf(ip);
  const base = {
    ip,
    interface: route?.interface ?? null,
    warpInterface,
    excludedBy,
    privateRange: priv ? priv.cidr : null,
    route,
    splitTunnel,
  };

  if (!parsed) {
    return { ...base, verdict: 'unknown', detail: `"${ip}" is not an IP address, so no route can be checked.` };
  }

  const sameIf = (a: string | null, b: string | null) => !!a && !!b && a.toLowerCase() === b.toLowerCase();
  if (route?.ok && sameIf(route.interface, warpInterface)) {
    return {
      ...base,
      verdict: 'via-warp',
      detail: `Traffic to ${ip} goes through the WARP interface (${route.interface}).`,
    };
  }

  const routeWords = route?.ok
    ? `Traffic to ${ip} leaves through ${route.interface}${route.gateway ? ` (via ${route.gateway})` : ''}, not the WARP interface${warpInterface ? ` (${warpInterface})` : ''}.`
    : `The route to ${ip} could not be read${route?.error ? ` (${route.error})` : ''}.`;

  if (excludedBy.length > 0) {
    const entries = excludedBy.join(', ');
    const defaults = excludedBy.filter(isDefaultExclude);
    const why =
      defaults.length > 0 && priv
        ? ` ${ip} is ${priv.name} address space (${priv.cidr}), which WARP excludes by default.`
        : defaults.length > 0
          ? ` ${defaults.join(', ')} is on WARP's default Exclude list.`
          : '';
    const removal =
      excludedBy.length === 1
        ? `remove ${entries} from the Exclude list (or replace it with ranges that leave out ${host})`
        : `remove ${entries} from the Exclude list (or replace them with ranges that leave out ${host})`;
    return {
      ...base,
      verdict: 'split-tunnel-excluded',
      detail: `${routeWords} Split tunnel (Exclude mode) excludes ${entries}.${why}`,
      remedy: `Split tunnel (Exclude mode) excludes ${entries}: ${removal}, or switch to Include mode and add ${host} to the Include list (${SPLIT_TUNNEL_SETTING}).`,
    };
  }
  if (notIncluded) {
    return {
      ...base,
      verdict: 'split-tunnel-excluded',
      detail: `${routeWords} Split tunnel is in Include mode and no Include entry covers ${ip}.`,
      remedy: `Split tunnel (Include mode) does not include ${ip}: add ${host} to the Include list (${SPLIT_TUNNEL_SETTING}).`,
    };
  }

  if (!route?.ok) {
    return {
      ...base,
      verdict: 'unknown',
      detail: `${routeWords}${splitTunnel ? ` Split tunnel (${splitTunnel.mode} mode) does not exclude it.` : ''}`,
    };
  }
  if (!warpInterface) {
    return {
      ...base,
      verdict: 'unknown',
      detail: `Traffic to ${ip} leaves through ${route.interface}; WARP's interface could not be identified to compare.`,
    };
  }
  const warpDown = facts.warpState && facts.warpState !== 'connected';
  return {
    ...base,
    verdict: 'not-via-warp',
    detail: routeWords,
    remedy: warpDown
      ? `Connect WARP (the Cloudflare WARP app, or \`warp-cli connect\`): until it is connected nothing goes through it.`
      : `Something sends ${ip} around WARP: a more specific route on ${route.interface} (another VPN, a Docker or LAN network covering ${ip}) or a split-tunnel entry; remove it, and check that the Cloudflare Tunnel route for ${host} exists (Zero Trust → Networks → Routes).`,
  };
}

/** Reads the route and the split tunnel (unless given) and judges. Never throws. */
export async function checkRoute(
  env: WarpEnv,
  ip: string,
  opts: { splitTunnel?: SplitTunnelConfig | null; warpState?: WarpStatus } = {},
): Promise<RouteVerdictResult> {
  const [route, splitTunnel] = await Promise.all([
    readRoute(env, ip),
    opts.splitTunnel !== undefined ? Promise.resolve(opts.splitTunnel) : readSplitTunnel(env).then((s) => s.config),
  ]);
  return routeVerdict(ip, {
    route,
    warpInterface: warpInterfaceName(env),
    splitTunnel,
    ...(opts.warpState ? { warpState: opts.warpState } : {}),
  });
}
