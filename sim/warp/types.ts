/**
 * The fake WARP client's state: one JSON file that the fake `warp-cli` reads on every call (and
 * watches in `-l status`), and that the fake trace endpoint answers from. Tests and the demo flip
 * it at runtime with `setState`.
 */

/** Status words as warp-cli prints them; anything else is passed through (an "unknown" status). */
export type FakeWarpStatus =
  | 'Connected'
  | 'Connecting'
  | 'Reconnecting'
  | 'Disconnected'
  | 'Disconnecting'
  | 'Unable'
  | 'Paused'
  | (string & {});

/**
 * Which client generation to imitate (outputs differ per generation):
 * - `current` (2025.9+): `-j` JSON with reasons (`NetworkHealthy`, `{"EstablishingConnection":…}`),
 *   text `Status update: Connected` + `Network: healthy`, `tunnel ip list`, `settings list` with
 *   `(source)\t` prefixes, `-l` listen mode.
 * - `2024`: `-j` JSON, text `Status update: …` + `Reason: …` lines, `tunnel ip list`, `settings list`.
 * - `2023`: no `-j`, no `tunnel`; `settings` only (no prefixes); one-line
 *   `Status update: Disconnected. Reason: Manual Disconnection`.
 * - `2022`: no `-j`; a `Success` line before `Status update: …`, `Reason:` on its own line.
 * - `2021`: like 2022, and no `-l` listen mode either (so watchers must poll).
 */
export type FakeWarpFormat = 'current' | '2024' | '2023' | '2022' | '2021';

/**
 * - `daemon-down`: warp-cli runs, its daemon does not (`FailedToConnectToDaemon`).
 * - `garbage`: unrecognisable output, exit 0.
 * - `tos`: the first-run Terms of Service prompt, then exit 1 (no terminal to answer it).
 * - `not-installed` is not a fault of the fake: point KUBEZT_WARP_CLI at a missing path.
 */
export type FakeWarpFault = 'none' | 'daemon-down' | 'garbage' | 'tos';

export interface FakeWarpState {
  status: FakeWarpStatus;
  /** Overrides the reason text (`Manual Disconnection`); null prints none. Default per status. */
  reason?: string | null;
  format: FakeWarpFormat;
  fault: FakeWarpFault;
  /** Every warp-cli command hangs (never exits, prints nothing) until killed. */
  hang: boolean;
  /** Text status: print the `Reason:`/`Network:` line before `Status update:`. */
  reasonFirst?: boolean;
  /** Text status: extra lines printed around the status (newer clients add some). */
  extraLines?: string[];
  /** Split tunnel mode and lists (entries may carry ` (description)`; hosts allowed). */
  mode: 'exclude' | 'include';
  exclude: string[];
  include: string[];
  trace: {
    warp: 'on' | 'plus' | 'off';
    gateway: 'on' | 'off';
    /** The trace endpoint accepts the request and never answers. */
    hang?: boolean;
  };
  /** `warp-cli --version` (default per format). */
  version?: string;
  /**
   * The client mode as `settings` prints it (`WarpWithDnsOverHttps`, `DnsOverHttps`, `TunnelOnly`,
   * `WarpProxy`); default `WarpWithDnsOverHttps`. `proxyPort` goes with `WarpProxy`.
   */
  operationMode?: string;
  proxyPort?: number;
  /** The Zero Trust organization (team name); default `demo-corp`. */
  organization?: string;
  /** The device has no registration: `registration organization` fails. Default true. */
  registered?: boolean;
  /** Which settings the admin set (`network policy`) rather than the user (`user set`). */
  managed?: { mode?: boolean; splitTunnel?: boolean };
  /** The organization's virtual networks (`warp-cli vnet`); none by default. */
  virtualNetworks?: FakeVirtualNetwork[];
  /** The selected network's id; default the one marked default. */
  activeVnetId?: string | null;
  /** How long a switch reports Connecting before Connected (default 300 ms). */
  switchDelayMs?: number;
  /** Set by `warp-cli vnet ID`: until this time (epoch ms) the status is Connecting. */
  connectingUntil?: number;
  /** `refuse`: `warp-cli vnet ID` fails; `stuck`: it succeeds but WARP stays Connecting. */
  vnetFault?: 'none' | 'refuse' | 'stuck';
}

export interface FakeVirtualNetwork {
  id: string;
  name: string;
  description?: string;
  default?: boolean;
}

/** WARP's default Exclude list, as `warp-cli settings` prints it. */
export const DEFAULT_EXCLUDES: readonly string[] = [
  '10.0.0.0/8',
  '100.64.0.0/10',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '224.0.0.0/24',
  '240.0.0.0/4',
  '239.255.255.250/32',
  '255.255.255.255/32',
  'fe80::/10',
  'fd00::/8',
  'ff01::/16',
  'ff02::/16',
  'ff03::/16',
  'ff04::/16',
  'ff05::/16',
  'fc00::/7',
];

export const DEFAULT_FAKE_WARP_STATE: FakeWarpState = {
  status: 'Connected',
  format: 'current',
  fault: 'none',
  hang: false,
  mode: 'exclude',
  exclude: [...DEFAULT_EXCLUDES],
  include: [],
  trace: { warp: 'on', gateway: 'on' },
};

export interface FakeWarp {
  /** An executable `warp-cli` (sh wrapper) bound to this instance's state file. */
  warpCliPath: string;
  /** `http://127.0.0.1:PORT/cdn-cgi/trace`. */
  traceUrl: string;
  statePath: string;
  state(): FakeWarpState;
  /** Merges and writes the state; the next warp-cli call (and any `-l status`) sees it. */
  setState(partial: Partial<FakeWarpState>): void;
  /** The selected virtual network's id (as `warp-cli vnet ID` left it); null when none. */
  activeVnetId(): string | null;
  /** KUBEZT_WARP_CLI, KUBEZT_TRACE_URL and KUBEZT_WARP_INTERFACE=lo for this fake. */
  env: Record<string, string>;
  /** Requests the trace endpoint has received. */
  traceRequests(): number;
  close(): Promise<void>;
}
