import {
  DEFAULT_ORGANIZATION,
  effectiveStatus,
  modeSource,
  modeText,
  registrationOrganization,
  settingsJson,
  splitSource,
  vnetJson,
  vnetSwitch,
  vnetText,
} from './profile-outputs.ts';
import { DEFAULT_FAKE_WARP_STATE, type FakeWarpFormat, type FakeWarpState } from './types.ts';

/**
 * What the fake `warp-cli` prints, as pure functions of (argv, state), so the executable stays a
 * thin shell and the outputs can be inspected directly. Strings imitate the real client's.
 */
export interface CliOutput {
  stdout: string;
  stderr: string;
  code: number;
}

export interface ParsedArgv {
  json: boolean;
  listen: boolean;
  version: boolean;
  help: boolean;
  /** Unknown flags, kept for the clap-style error. */
  badFlag: string | null;
  command: string[];
}

export function parseArgv(argv: readonly string[]): ParsedArgv {
  const out: ParsedArgv = { json: false, listen: false, version: false, help: false, badFlag: null, command: [] };
  for (const a of argv) {
    if (a === '-j' || a === '--json') out.json = true;
    else if (a === '-l' || a === '--listen') out.listen = true;
    else if (a === '-V' || a === '--version') out.version = true;
    else if (a === '-h' || a === '--help') out.help = true;
    else if (a === '--accept-tos' || a === '--no-paginate' || a === '--no-ansi') continue;
    else if (a.startsWith('-')) out.badFlag ??= a;
    else out.command.push(a);
  }
  return out;
}

const modern = (f: FakeWarpFormat) => f === 'current' || f === '2024';

const VERSIONS: Record<FakeWarpFormat, string> = {
  current: '2025.9.558.0',
  '2024': '2024.9.346.0',
  '2023': '2023.7.160.0',
  '2022': '2022.12.582.0',
  '2021': '2021.12.1.0',
};

export function versionOf(state: FakeWarpState): string {
  return state.version ?? VERSIONS[state.format];
}

/** clap's errors: the 2021-2022 builds used clap 2's wording, later ones clap 4's. */
function unexpectedArgument(state: FakeWarpState, arg: string): CliOutput {
  const stderr = modern(state.format)
    ? `error: unexpected argument '${arg}' found\n\nUsage: warp-cli [OPTIONS] <COMMAND>\n\nFor more information, try '--help'.\n`
    : `error: Found argument '${arg}' which wasn't expected, or isn't valid in this context\n\nUSAGE:\n    warp-cli [FLAGS] <SUBCOMMAND>\n\nFor more information try --help\n`;
  return { stdout: '', stderr, code: 2 };
}

function unknownSubcommand(state: FakeWarpState, name: string): CliOutput {
  const stderr = modern(state.format)
    ? `error: unrecognized subcommand '${name}'\n\nUsage: warp-cli [OPTIONS] <COMMAND>\n\nFor more information, try '--help'.\n`
    : `error: The subcommand '${name}' wasn't recognized\n\nUSAGE:\n    warp-cli [FLAGS] <SUBCOMMAND>\n\nFor more information try --help\n`;
  return { stdout: '', stderr, code: 2 };
}

const TOS_NOTICE = `NOTICE:

Cloudflare only collects limited DNS query and traffic data (excluding payload)
that is sent to our network when you have the app enabled on your device. We
will not sell, rent, share, or otherwise disclose your personal information to
anyone, except as otherwise described in this Policy, without first providing
you with notice and the opportunity to consent. All information is handled in
accordance with our Privacy Policy.

More information is available at:
- https://www.cloudflare.com/application/terms/
- https://www.cloudflare.com/application/privacypolicy/

Accept Terms of Service and Privacy Policy? [y/N] `;

function daemonDownText(format: FakeWarpFormat): string {
  switch (format) {
    case 'current':
      return 'Unable to connect to the CloudflareWARP daemon: No such file or directory (os error 2)\n';
    case '2024':
      return 'Error: "Unable to connect to CloudflareWARP daemon. Maybe the daemon is not running?"\n';
    default:
      return 'Unable to connect to CloudflareWARP daemon. Maybe the daemon is not running, or is connected to another process?\n';
  }
}

const GARBAGE = 'ʕノ•ᴥ•ʔノ ︵ ┻━┻\n\u0007\u0000%%% 0xDEADBEEF\nthread panicked at src/ipc.rs:42\n';

/** The default text reason for a status, per generation; null when that status prints none. */
function defaultTextReason(state: FakeWarpState): { label: 'Reason' | 'Network'; text: string } | null {
  switch (state.status) {
    case 'Connected':
      return state.format === 'current' ? { label: 'Network', text: 'healthy' } : null;
    case 'Disconnected':
      return { label: 'Reason', text: 'Manual Disconnection' };
    case 'Connecting':
      return { label: 'Reason', text: 'Establishing connection to 162.159.198.2:443' };
    case 'Reconnecting':
      return { label: 'Reason', text: 'Performing happy eyeballs' };
    case 'Unable':
      return { label: 'Reason', text: 'Registration Missing due to: Daemon Startup' };
    case 'Paused':
      return { label: 'Reason', text: 'Admin override' };
    default:
      return null;
  }
}

export function statusText(state: FakeWarpState): string {
  const dflt = defaultTextReason(state);
  const reason =
    state.reason === null ? null : state.reason !== undefined ? { label: 'Reason', text: state.reason } : dflt;
  const extra = state.extraLines ?? [];
  if (state.format === '2023') {
    // One line: `Status update: Disconnected. Reason: Manual Disconnection`.
    const line = `Status update: ${state.status}${reason && reason.label === 'Reason' ? `. Reason: ${reason.text}` : ''}`;
    return `${[...extra, line].join('\n')}\n`;
  }
  const statusLine = `Status update: ${state.status}`;
  const reasonLine = reason ? `${reason.label}: ${reason.text}` : null;
  const body = state.reasonFirst
    ? [reasonLine, statusLine].filter((l): l is string => l !== null)
    : [statusLine, reasonLine].filter((l): l is string => l !== null);
  const lead = state.format === '2022' || state.format === '2021' ? ['Success'] : [];
  return `${[...lead, ...body, ...extra].join('\n')}\n`;
}

function jsonReason(state: FakeWarpState): unknown {
  if (state.reason !== undefined) return state.reason === null ? undefined : state.reason.replace(/\s+/g, '');
  switch (state.status) {
    case 'Connected':
      return state.format === 'current' ? 'NetworkHealthy' : undefined;
    case 'Disconnected':
      return 'Manual';
    case 'Connecting':
      return { EstablishingConnection: '162.159.198.2:443' };
    case 'Reconnecting':
      return 'PerformingHappyEyeballs';
    case 'Unable':
      return { RegistrationMissing: 'DaemonStartup' };
    default:
      return undefined;
  }
}

export function statusJson(state: FakeWarpState): string {
  const reason = jsonReason(state);
  return `${JSON.stringify({ status: state.status, ...(reason !== undefined ? { reason } : {}) })}\n`;
}

/** `{"code":"FailedToConnectToDaemon",…}` on stdout, exit 1 (as `-j` prints every error). */
function daemonDownJson(): CliOutput {
  return {
    stdout: `${JSON.stringify({
      code: 'FailedToConnectToDaemon',
      error: 'Unable to connect to the CloudflareWARP daemon: No such file or directory (os error 2)',
    })}\n`,
    stderr: '',
    code: 1,
  };
}

function entryLines(entries: readonly string[]): string[] {
  return entries.map((e) => `  ${e}`);
}

export function tunnelIpList(state: FakeWarpState): string {
  const include = state.mode === 'include';
  const entries = include ? state.include : state.exclude;
  return `${[include ? 'Included IPs:' : 'Excluded IPs:', ...entryLines(entries.filter((e) => !isHost(e)))].join('\n')}\n`;
}

function isHost(entry: string): boolean {
  const value = entry.split(/\s+/)[0] ?? '';
  return !/^[0-9a-f:.]+(?:\/\d+)?$/i.test(value);
}

export function settingsText(state: FakeWarpState): string {
  const prefixed = state.format === 'current' || state.format === '2024';
  const p = (source: string, line: string) => (prefixed ? `(${source})\t${line}` : line);
  const include = state.mode === 'include';
  const entries = include ? state.include : state.exclude;
  const lines = [
    'Merged configuration:',
    ...(prefixed ? [p('not set', 'Compliance Environment: Normal')] : []),
    p('derived', 'Always On: true'),
    p('override', 'Switch Locked: false'),
    p(modeSource(state), `Mode: ${modeText(state)}`),
    ...(prefixed
      ? [
          p('network policy', 'WARP tunnel protocol: MASQUE'),
          p('not set', 'MASQUE Protocol Settings: '),
          '  HTTP Version: MASQUE (HTTP/3 with HTTP/2 fallback)',
        ]
      : []),
    p('default', 'Disabled for Wifi: false'),
    p('default', 'Disabled for Ethernet: false'),
    p('network policy', 'Resolve via: 2a6f1b.cloudflare-gateway.com @ [172.64.36.1, 172.64.36.2, 2a06:98c1:54::1c8e]'),
    p('default', 'Onboarding: true'),
    p(splitSource(state), `${include ? 'Include' : 'Exclude'} mode, with hosts/ips:`),
    ...entryLines(entries),
    '',
    p('default', 'Fallback domains:'),
    ...entryLines(['corp', 'domain', 'home', 'home.arpa', 'internal', 'intranet', 'lan', 'local', 'localdomain']),
    p('not set', 'Daemon Teams Auth: false'),
    p('network policy', `Organization: ${state.organization ?? DEFAULT_ORGANIZATION}`),
    p('not set', 'Allow Updates: true'),
  ];
  return `${lines.join('\n')}\n`;
}

function tunnelStats(state: FakeWarpState, json: boolean): CliOutput {
  if (state.status !== 'Connected') {
    return json
      ? {
          stdout: `${JSON.stringify({ code: 'WarpNotConnected', error: 'WARP is not connected.' })}\n`,
          stderr: '',
          code: 1,
        }
      : { stdout: '', stderr: 'WARP is not connected.\n', code: 1 };
  }
  if (json) {
    return {
      stdout: `${JSON.stringify({ protocol: 'MASQUE', edge: { colo: 'SJC' }, v4_endpoint: '162.159.198.2:443', estimated_latency_ms: 14 })}\n`,
      stderr: '',
      code: 0,
    };
  }
  return {
    stdout:
      'Tunnel Protocol: MASQUE\nEndpoints: 162.159.198.2:443, [2606:4700:103::2]:443\nTime since last handshake: 12s\nSent: 1.4MB; Received: 8.9MB\nEstimated latency: 14ms\nEstimated loss: 0.00%;\n',
    stderr: '',
    code: 0,
  };
}

function registrationShow(state: FakeWarpState, json: boolean): CliOutput {
  const organization = state.organization ?? DEFAULT_ORGANIZATION;
  if (json) {
    return {
      stdout: `${JSON.stringify({ id: '00000000-0000-4000-8000-000000000001', account: { type: 'Team', organization } })}\n`,
      stderr: '',
      code: 0,
    };
  }
  return {
    stdout: `Account type: Team\nDevice ID: 00000000-0000-4000-8000-000000000001\nOrganization: ${organization}\n`,
    stderr: '',
    code: 0,
  };
}

export type CliPlan =
  | { kind: 'output'; output: CliOutput; write?: Partial<FakeWarpState> }
  | { kind: 'hang' }
  | { kind: 'listen'; json: boolean };

/** The state with the status the client reports at `now` (Connecting while a switch settles). */
function shownState(stateIn: Partial<FakeWarpState>, now: number): FakeWarpState {
  const state: FakeWarpState = { ...DEFAULT_FAKE_WARP_STATE, ...stateIn };
  return { ...state, status: effectiveStatus(state, now) };
}

/** What a one-shot call prints (and writes); listen mode and hangs are handled by the executable. */
export function planCall(argv: readonly string[], stateIn: Partial<FakeWarpState>, now = Date.now()): CliPlan {
  const state = shownState(stateIn, now);
  const a = parseArgv(argv);
  const out = (stdout: string, code = 0, stderr = ''): CliPlan => ({
    kind: 'output',
    output: { stdout, stderr, code },
  });
  if (a.version) return out(`warp-cli ${versionOf(state)}\n`);
  if (a.badFlag) return { kind: 'output', output: unexpectedArgument(state, a.badFlag) };
  if (a.json && !modern(state.format))
    return {
      kind: 'output',
      output: unexpectedArgument(state, argv.find((x) => x === '-j' || x === '--json') ?? '-j'),
    };
  if (a.listen && state.format === '2021')
    return {
      kind: 'output',
      output: unexpectedArgument(state, argv.find((x) => x === '-l' || x === '--listen') ?? '-l'),
    };
  if (a.help || a.command.length === 0) {
    return out(
      '',
      2,
      'Usage: warp-cli [OPTIONS] <COMMAND>\n\nCommands:\n  connect\n  disconnect\n  status\n  tunnel\n  settings\n  registration\n',
    );
  }
  if (state.hang) return { kind: 'hang' };
  if (state.fault === 'tos') return out(TOS_NOTICE, 1, '\nError: Terms of Service not accepted\n');
  if (state.fault === 'garbage') return out(GARBAGE);
  const [cmd, sub, sub2] = a.command;
  const needsDaemon =
    cmd === 'status' || cmd === 'tunnel' || cmd === 'settings' || cmd === 'registration' || cmd === 'vnet';
  if (state.fault === 'daemon-down' && needsDaemon && !a.listen) {
    return a.json ? { kind: 'output', output: daemonDownJson() } : out('', 1, daemonDownText(state.format));
  }
  switch (cmd) {
    case 'status':
      if (a.listen) return { kind: 'listen', json: a.json };
      return out(a.json ? statusJson(state) : statusText(state));
    case 'tunnel':
      if (!modern(state.format)) return { kind: 'output', output: unknownSubcommand(state, 'tunnel') };
      if (sub === 'ip' && sub2 === 'list') return out(tunnelIpList(state));
      if (sub === 'stats') return { kind: 'output', output: tunnelStats(state, a.json) };
      return { kind: 'output', output: unknownSubcommand(state, sub ?? '') };
    case 'settings':
      // `settings list` arrived with the 2024 command tree; `settings` alone prints the same.
      if (sub === undefined || (sub === 'list' && modern(state.format))) {
        return out(a.json ? settingsJson(state) : settingsText(state));
      }
      return { kind: 'output', output: unknownSubcommand(state, sub) };
    case 'registration':
      if (sub === 'show') return { kind: 'output', output: registrationShow(state, a.json) };
      if (sub === 'organization' && modern(state.format)) {
        return { kind: 'output', output: registrationOrganization(state, a.json) };
      }
      return { kind: 'output', output: unknownSubcommand(state, sub ?? '') };
    case 'vnet': {
      // Virtual networks arrived with the 2023 clients; the 2021-2022 ones never had them.
      if (state.format === '2021' || state.format === '2022') {
        return { kind: 'output', output: unknownSubcommand(state, 'vnet') };
      }
      if (sub === undefined) return out(a.json ? vnetJson(state) : vnetText(state));
      const { write, ...output } = vnetSwitch(state, sub, now);
      return { kind: 'output', output, ...(write ? { write } : {}) };
    }
    default:
      return { kind: 'output', output: unknownSubcommand(state, cmd ?? '') };
  }
}

/** One `-l status` update: the text block or a JSON line; daemon-down ends the stream. */
export function listenUpdate(
  stateIn: Partial<FakeWarpState>,
  json: boolean,
  now = Date.now(),
): { text: string; end: boolean; code: number } {
  const state = shownState(stateIn, now);
  if (state.fault === 'daemon-down') {
    return json
      ? { text: daemonDownJson().stdout, end: true, code: 1 }
      : { text: daemonDownText(state.format), end: true, code: 1 };
  }
  if (state.fault === 'garbage') return { text: GARBAGE, end: false, code: 0 };
  return { text: json ? statusJson(state) : statusText(state), end: false, code: 0 };
}

/**
 * What cloudflare.com sees: the configured `warp`/`gateway` while the tunnel is up, `off` for
 * both when it is not (disconnected, connecting, daemon down), as the real endpoint answers.
 */
export function effectiveTrace(
  stateIn: Partial<FakeWarpState>,
  now = Date.now(),
): {
  warp: 'on' | 'plus' | 'off';
  gateway: 'on' | 'off';
} {
  const state = shownState(stateIn, now);
  const up = state.status === 'Connected' && state.fault !== 'daemon-down';
  return up ? { warp: state.trace.warp, gateway: state.trace.gateway } : { warp: 'off', gateway: 'off' };
}

/** The trace body: the real `/cdn-cgi/trace` keys, in the real order. */
export function traceBody(
  state: Partial<FakeWarpState>,
  opts: { ip: string; userAgent: string; host: string; now: Date },
): string {
  return `${[
    'fl=29f77',
    `h=${opts.host}`,
    `ip=${opts.ip}`,
    `ts=${(opts.now.getTime() / 1000).toFixed(3)}`,
    'visit_scheme=http',
    `uag=${opts.userAgent}`,
    'colo=SJC',
    'sliver=none',
    'http=http/1.1',
    'loc=US',
    'tls=off',
    'sni=off',
    `warp=${effectiveTrace(state).warp}`,
    `gateway=${effectiveTrace(state).gateway}`,
    'rbi=off',
    'kex=none',
  ].join('\n')}\n`;
}
