import type { RunResult } from '../process/runner.ts';
import { cidrContains } from './cidr.ts';
import { parseSettingsJson, parseSettingsText } from './parse-profile.ts';
import { parseSettingsSplitTunnel, parseTunnelIpList } from './parse-split-tunnel.ts';
import { cleanText, parseStatusJson, parseStatusText } from './parse-status.ts';
import { parseTrace } from './parse-trace.ts';
import { readClientProfile, type WarpCliEnv } from './profile.ts';
import { runWarpCli, timeoutOf } from './run.ts';
import type {
  InterfaceSignal,
  SplitTunnelConfig,
  TraceSignal,
  WarpCliReading,
  WarpCliSignal,
  WarpDetection,
  WarpEnv,
  WarpSignal,
} from './types.ts';

const RAW_CAP = 4_000;

const cap = (s: string) => (s.length > RAW_CAP ? `${s.slice(0, RAW_CAP)}…` : s);

function rawOf(r: RunResult): string {
  return cap([r.stdout, r.stderr].filter((s) => s.trim()).join('\n'));
}

function firstLine(text: string): string {
  return (
    cleanText(text)
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? ''
  );
}

const isMissing = (r: RunResult) => r.spawnError !== undefined && /ENOENT|not found|cannot find/i.test(r.spawnError);

function describeReading(reading: WarpCliReading, args: string[]): string {
  const cmd = `warp-cli ${args.join(' ')}`;
  if (reading.daemonDown) return `${cmd}: the WARP daemon is not running.`;
  if (reading.statusWord) {
    return `${cmd} says ${reading.statusWord}${reading.reason ? ` (${reading.reason})` : ''}.`;
  }
  return reading.reason ? `${cmd}: ${reading.reason}` : `${cmd} answered nothing kubezt recognises.`;
}

/** `warp-cli -j status`, then the text form when the JSON one is not understood. */
export async function readWarpCli(env: WarpCliEnv): Promise<WarpCliSignal> {
  const base = (args: string[], r: RunResult) => ({
    source: 'warp-cli' as const,
    args,
    timedOut: r.timedOut,
    exitCode: r.code,
    raw: rawOf(r),
    ...(r.spawnError ? { spawnError: r.spawnError } : {}),
  });
  const attempt = async (args: string[], parse: (out: string, err: string) => WarpCliReading) => {
    const r = await runWarpCli(env, args);
    return { r, reading: r.spawnError || r.timedOut ? null : parse(r.stdout, r.stderr) };
  };

  const json = await attempt(['-j', 'status'], parseStatusJson);
  let used = { args: ['-j', 'status'], ...json };
  if (json.r.spawnError) {
    const missing = isMissing(json.r);
    return {
      ...base(used.args, json.r),
      status: missing ? 'unavailable' : 'unknown',
      detail: missing
        ? `warp-cli is not installed (${env.warpCliPath} not found).`
        : `warp-cli could not be started: ${json.r.spawnError}.`,
      reason: missing ? 'Cloudflare WARP is not installed (warp-cli not found).' : null,
      format: 'none',
      daemonDown: false,
    };
  }
  // A hung client hangs for every command: asking again would only double the wait.
  if (!json.r.timedOut && json.reading?.format === 'none') {
    const text = await attempt(['status'], parseStatusText);
    used = { args: ['status'], ...text };
  }
  const { r, reading, args } = used;
  if (r.timedOut || !reading) {
    return {
      ...base(args, r),
      status: 'unknown',
      detail: `warp-cli ${args.join(' ')} did not answer within ${timeoutOf(env)} ms.`,
      reason: 'warp-cli did not answer in time.',
      format: 'none',
      daemonDown: false,
    };
  }
  const unrecognised = reading.state === 'unknown' && !reading.reason;
  return {
    ...base(args, r),
    status: reading.state,
    detail: unrecognised
      ? `warp-cli ${args.join(' ')} answered something kubezt does not recognise: "${firstLine(`${r.stdout}\n${r.stderr}`).slice(0, 200)}".`
      : describeReading(reading, args),
    reason: unrecognised ? 'warp-cli answered something kubezt does not recognise.' : reading.reason,
    format: reading.format,
    daemonDown: reading.daemonDown,
  };
}

/** WARP's own tunnel addresses; the device-IP range last, since Tailscale's 100.64/10 overlaps it. */
const WARP_MAC_NETS: readonly (readonly string[])[] = [['172.16.0.2/32', '2606:4700:110::/48'], ['100.96.0.0/12']];

/**
 * The tunnel interface: `CloudflareWARP` on Linux and Windows; on macOS the `utun` holding WARP's
 * address (172.16.0.2, 2606:4700:110::/48 or a device IP in 100.96.0.0/12). The override names it
 * outright (the demo uses `lo`).
 */
export function readInterface(env: WarpEnv): InterfaceSignal {
  const all = env.networkInterfaces();
  const addressesOf = (name: string) => (all[name] ?? []).map((a) => a.address);
  const found = (name: string): InterfaceSignal => ({
    source: 'interface',
    status: 'connected',
    detail: `The WARP interface ${name} is up${addressesOf(name).length ? ` (${addressesOf(name).join(', ')})` : ''}.`,
    name,
    present: true,
    addresses: addressesOf(name),
  });
  const absent = (name: string | null, why: string): InterfaceSignal => ({
    source: 'interface',
    status: 'disconnected',
    detail: why,
    name,
    present: false,
    addresses: [],
  });
  const byName = (wanted: string) =>
    Object.keys(all).find((n) => n.toLowerCase() === wanted.toLowerCase() && (all[n]?.length ?? 0) > 0);

  if (env.interfaceName) {
    const n = byName(env.interfaceName);
    return n ? found(n) : absent(env.interfaceName, `No interface named ${env.interfaceName} (KUBEZT_WARP_INTERFACE).`);
  }
  if (env.platform === 'darwin') {
    const holds = (nets: readonly string[]) =>
      Object.keys(all).find(
        (n) => /^utun\d+$/.test(n) && (all[n] ?? []).some((a) => nets.some((c) => cidrContains(c, a.address))),
      );
    const utun = WARP_MAC_NETS.map(holds).find((n) => n !== undefined);
    return utun ? found(utun) : absent(null, 'No utun interface holds a WARP address.');
  }
  const n = byName('CloudflareWARP');
  return n ? found(n) : absent('CloudflareWARP', 'The CloudflareWARP interface is not up.');
}

/** The interface counted as WARP's for route checks; null when it cannot be told (macOS, WARP down). */
export function warpInterfaceName(env: WarpEnv): string | null {
  if (env.interfaceName) return env.interfaceName;
  if (env.platform === 'darwin') return readInterface(env).name;
  return 'CloudflareWARP';
}

export async function readTrace(env: WarpEnv): Promise<TraceSignal | null> {
  const url = env.traceUrl;
  if (!url) return null;
  const ms = timeoutOf(env);
  const empty = { source: 'trace' as const, url, warp: null, gateway: null, raw: '' };
  try {
    const res = await env.fetch(url, { signal: AbortSignal.timeout(ms), headers: { 'cache-control': 'no-cache' } });
    const body = await res.text();
    if (!res.ok) {
      return {
        ...empty,
        status: 'unknown',
        detail: `The trace endpoint answered HTTP ${res.status}.`,
        timedOut: false,
        error: `HTTP ${res.status}`,
        raw: cap(body),
      };
    }
    const t = parseTrace(body);
    const status = t.warp === 'on' || t.warp === 'plus' ? 'connected' : t.warp === 'off' ? 'disconnected' : 'unknown';
    const seen = `warp=${t.warp ?? '?'}, gateway=${t.gateway ?? '?'}`;
    return {
      source: 'trace',
      url,
      warp: t.warp,
      gateway: t.gateway,
      status,
      detail:
        t.warp === 'off'
          ? `The trace saw ${seen}: requests to cloudflare.com do not go through WARP (expected in split-tunnel Include mode; says nothing about private routes).`
          : t.warp
            ? `The trace saw ${seen}.`
            : 'The trace answer has no warp= line.',
      timedOut: false,
      raw: cap(body),
    };
  } catch (e) {
    const err = e as Error;
    const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
    return {
      ...empty,
      status: 'unknown',
      detail: timedOut
        ? `The trace endpoint did not answer within ${ms} ms.`
        : `The trace request failed: ${err.message}.`,
      timedOut,
      error: timedOut ? 'timeout' : err.message,
    };
  }
}

/**
 * Combines the signals: warp-cli wins when it gives a state; otherwise the tunnel interface, then
 * the trace (which only proves WARP when it says on: `off` is normal in Include mode).
 */
export function combineSignals(
  cli: WarpCliSignal,
  iface: InterfaceSignal,
  trace: TraceSignal | null,
  now: Date,
): WarpDetection {
  const signals: WarpSignal[] = [cli, iface, ...(trace ? [trace] : [])];
  const gatewayOn =
    trace?.gateway === 'on' ? true : trace && (trace.warp === 'on' || trace.warp === 'plus') ? false : null;
  const base = { gatewayOn, signals, checkedAt: now.toISOString() };
  if (cli.status === 'connected' || cli.status === 'connecting' || cli.status === 'disconnected') {
    return { ...base, state: cli.status, reason: cli.reason, decidedBy: 'warp-cli' };
  }
  const cliWords = cli.status === 'unavailable' ? 'warp-cli is not installed' : 'warp-cli gave no state';
  if (iface.present) {
    return {
      ...base,
      state: 'connected',
      reason: `${cliWords}, but the WARP interface ${iface.name} is up.`,
      decidedBy: 'interface',
    };
  }
  if (trace && (trace.warp === 'on' || trace.warp === 'plus')) {
    return {
      ...base,
      state: 'connected',
      reason: `${cliWords}, but the trace says warp=${trace.warp}.`,
      decidedBy: 'trace',
    };
  }
  if (cli.status === 'unavailable') {
    return { ...base, state: 'unavailable', reason: cli.reason, decidedBy: 'warp-cli' };
  }
  return { ...base, state: 'unknown', reason: cli.reason ?? 'No signal could tell the WARP state.', decidedBy: null };
}

/** One verdict from every signal; never throws, every signal has a hard timeout. */
export async function detectWarp(env: WarpEnv, opts: { profile?: boolean } = {}): Promise<WarpDetection> {
  const [cli, trace, profile] = await Promise.all([
    readWarpCli(env),
    readTrace(env),
    opts.profile === false ? null : readClientProfile(env),
  ]);
  const detection = combineSignals(cli, readInterface(env), trace, env.now?.() ?? new Date());
  if (!profile) return detection;
  // Some clients print `Mode: …` among the status lines; it stands in when settings did not say.
  const mode = profile.mode ?? (cli.format === 'text' ? (parseSettingsText(cli.raw)?.mode ?? null) : null);
  return {
    ...detection,
    mode,
    privateRouting: mode?.privateRouting ?? null,
    splitTunnel: profile.splitTunnel,
    organization: profile.organization,
    virtualNetworks: profile.virtualNetworks,
  };
}

export interface SplitTunnelReading {
  config: SplitTunnelConfig | null;
  /** What each command answered, for reports. */
  attempts: { args: string[]; exitCode: number | null; timedOut: boolean; raw: string }[];
}

const SPLIT_TUNNEL_COMMANDS: readonly {
  args: string[];
  parse: (text: string) => SplitTunnelConfig | null;
}[] = [
  // One JSON answer carries the whole profile; clients without `-j` answer clap's error.
  { args: ['-j', 'settings'], parse: (t) => parseSettingsJson(t)?.splitTunnel ?? null },
  { args: ['tunnel', 'ip', 'list'], parse: parseTunnelIpList },
  { args: ['settings', 'list'], parse: (t) => parseSettingsSplitTunnel(t, 'settings list') },
  { args: ['settings'], parse: (t) => parseSettingsSplitTunnel(t, 'settings') },
];

/** Split-tunnel mode and entries: `-j settings`, `tunnel ip list` (2024+), `settings list`, `settings`. */
export async function readSplitTunnel(env: WarpEnv): Promise<SplitTunnelReading> {
  const attempts: SplitTunnelReading['attempts'] = [];
  for (const { args, parse } of SPLIT_TUNNEL_COMMANDS) {
    const r = await runWarpCli(env, args);
    attempts.push({ args, exitCode: r.code, timedOut: r.timedOut, raw: rawOf(r) });
    if (r.spawnError || r.timedOut) break;
    const config = r.code === 0 || r.stdout.trim() ? parse(r.stdout) : null;
    if (config) return { config, attempts };
  }
  return { config: null, attempts };
}
