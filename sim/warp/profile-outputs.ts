import type { FakeVirtualNetwork, FakeWarpState } from './types.ts';

/**
 * The fake client's profile commands (`settings`, `vnet`, `registration organization`) and the
 * status a virtual-network switch implies, as pure functions of the state and the time. The
 * shapes follow the real client's: text with `(source)\t` prefixes, `-j` JSON objects.
 */

export const DEFAULT_MODE = 'WarpWithDnsOverHttps';
export const DEFAULT_ORGANIZATION = 'demo-corp';
export const DEFAULT_SWITCH_DELAY_MS = 300;
/** `stuck` switches stay Connecting this long (a JSON state file cannot hold Infinity). */
const STUCK_MS = 365 * 24 * 3600 * 1000;

/** The status as the client reports it at `now`: Connecting while a switch settles. */
export function effectiveStatus(state: FakeWarpState, now: number): FakeWarpState['status'] {
  if (state.status === 'Connected' && state.connectingUntil !== undefined && now < state.connectingUntil) {
    return 'Connecting';
  }
  return state.status;
}

export function networksOf(state: FakeWarpState): FakeVirtualNetwork[] {
  return state.virtualNetworks ?? [];
}

export function activeVnetOf(state: Partial<FakeWarpState>): string | null {
  if (state.activeVnetId !== undefined) return state.activeVnetId;
  const list = state.virtualNetworks ?? [];
  return (list.find((n) => n.default) ?? list[0])?.id ?? null;
}

/** `Mode:` as `settings` prints it (`WarpProxy on port 40000`). */
export function modeText(state: FakeWarpState): string {
  const mode = state.operationMode ?? DEFAULT_MODE;
  return mode === 'WarpProxy' ? `WarpProxy on port ${state.proxyPort ?? 40000}` : mode;
}

export const modeSource = (state: FakeWarpState) => (state.managed?.mode === false ? 'user set' : 'network policy');

export function splitSource(state: FakeWarpState): string {
  if (state.managed?.splitTunnel === false) return 'user set';
  if (state.managed?.splitTunnel === true) return 'network policy';
  return state.mode === 'include' ? 'network policy' : 'api defaults';
}

function entryJson(entry: string): { value: string; description: string } {
  const m = /^(\S+)(?:\s+\((.*)\))?$/.exec(entry.trim());
  return { value: m?.[1] ?? entry, description: m?.[2] ?? '' };
}

const isHostEntry = (value: string) => !/^[0-9a-f:.]+(?:\/\d+)?$/i.test(value);

/** `-j settings`: the whole profile, each setting's source under `sources`. */
export function settingsJson(state: FakeWarpState): string {
  const entries = (state.mode === 'include' ? state.include : state.exclude).map(entryJson);
  const mode = state.operationMode ?? DEFAULT_MODE;
  return `${JSON.stringify({
    settings: {
      always_on: true,
      switch_locked: false,
      operation_mode: mode,
      ...(mode === 'WarpProxy' ? { proxy_port: state.proxyPort ?? 40000 } : {}),
      warp_tunnel_protocol: 'Masque',
      split_tunnel_mode: state.mode,
      split_tunnel_ips: entries.filter((e) => !isHostEntry(e.value)),
      split_tunnel_hosts: entries.filter((e) => isHostEntry(e.value)),
      organization: state.organization ?? DEFAULT_ORGANIZATION,
    },
    sources: {
      operation_mode: modeSource(state),
      split_tunnel_mode: splitSource(state),
      split_tunnel_ips: splitSource(state),
      split_tunnel_hosts: splitSource(state),
      organization: 'network policy',
    },
  })}\n`;
}

/** `vnet` in text: `Currently selected:`, then one indented block per network. */
export function vnetText(state: FakeWarpState): string {
  const active = activeVnetOf(state);
  const lines = [`Currently selected: ${active ?? 'None'}`];
  for (const n of networksOf(state)) {
    lines.push(
      '',
      `  ID: ${n.id}`,
      `  Name: ${n.name}`,
      `  Description: ${n.description ?? ''}`,
      `  Default: ${n.default === true}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function vnetJson(state: FakeWarpState): string {
  return `${JSON.stringify({
    active_vnet_id: activeVnetOf(state),
    virtual_networks: networksOf(state).map((n) => ({
      id: n.id,
      name: n.name,
      description: n.description ?? '',
      default: n.default === true,
    })),
  })}\n`;
}

export interface VnetSwitch {
  stdout: string;
  stderr: string;
  code: number;
  /** What the call changes in the state file. */
  write?: Partial<FakeWarpState>;
}

/** `vnet ID`: selects the network; a connected client reconnects (Connecting, then Connected). */
export function vnetSwitch(state: FakeWarpState, id: string, now: number): VnetSwitch {
  const target = networksOf(state).find((n) => n.id === id);
  if (!target) return { stdout: '', stderr: `Error: Invalid virtual network ID: ${id}\n`, code: 1 };
  if (state.vnetFault === 'refuse') {
    return { stdout: '', stderr: 'Error: Failed to set the virtual network: the daemon refused the change\n', code: 1 };
  }
  const settle = state.vnetFault === 'stuck' ? STUCK_MS : (state.switchDelayMs ?? DEFAULT_SWITCH_DELAY_MS);
  return {
    stdout: 'Success\n',
    stderr: '',
    code: 0,
    write: { activeVnetId: target.id, connectingUntil: now + settle },
  };
}

/** `registration organization`: the team name, or the missing-registration error. */
export function registrationOrganization(
  state: FakeWarpState,
  json: boolean,
): { stdout: string; stderr: string; code: number } {
  if (state.registered === false) {
    return json
      ? {
          stdout: `${JSON.stringify({ code: 'MissingRegistration', error: 'Missing registration. Try running: "warp-cli registration new"' })}\n`,
          stderr: '',
          code: 1,
        }
      : { stdout: '', stderr: 'Error: Missing registration. Try running: "warp-cli registration new"\n', code: 1 };
  }
  const org = state.organization ?? DEFAULT_ORGANIZATION;
  return { stdout: json ? `${JSON.stringify({ organization: org })}\n` : `${org}\n`, stderr: '', code: 0 };
}
