import type { NetworkInterfaceInfo } from 'node:os';
import type { ProcessRunner } from '../process/runner.ts';

/** `unavailable` = warp-cli is not installed; `unknown` = nothing reliable answered. */
export type WarpStatus = 'connected' | 'connecting' | 'disconnected' | 'unavailable' | 'unknown';

export type WarpSignalSource = 'warp-cli' | 'interface' | 'trace';

/** What one `warp-cli status` output says, format-independent. */
export interface WarpCliReading {
  /** Never `unavailable`: that comes from the executable missing, not from its output. */
  state: Exclude<WarpStatus, 'unavailable'>;
  /** The status word as printed (`Connected`, `Reconnecting`), null when none was found. */
  statusWord: string | null;
  /** In words (`Manual Disconnection`, `Registration missing (daemon startup)`). */
  reason: string | null;
  /** warp-cli answered but its daemon (warp-svc / CloudflareWARP service) did not. */
  daemonDown: boolean;
  format: 'json' | 'text' | 'none';
  /** The device has no registration (`Registration Missing`, `MissingRegistration`). */
  registrationMissing?: boolean;
}

export interface WarpCliSignal {
  source: 'warp-cli';
  status: WarpStatus;
  detail: string;
  reason: string | null;
  /** The arguments of the call whose answer was used (`['-j', 'status']`). */
  args: string[];
  format: WarpCliReading['format'];
  daemonDown: boolean;
  timedOut: boolean;
  exitCode: number | null;
  spawnError?: string;
  /** stdout and stderr as received (capped), for reports. */
  raw: string;
}

export interface InterfaceSignal {
  source: 'interface';
  /** `connected` when the tunnel interface is up, `disconnected` when it is not there. */
  status: 'connected' | 'disconnected';
  detail: string;
  /** The interface found, or the one looked for. */
  name: string | null;
  present: boolean;
  addresses: string[];
}

export interface TraceSignal {
  source: 'trace';
  /** Derived from `warp=`: on/plus → connected, off → disconnected (for cloudflare.com only). */
  status: WarpStatus;
  detail: string;
  url: string;
  warp: 'on' | 'plus' | 'off' | null;
  gateway: 'on' | 'off' | null;
  timedOut: boolean;
  error?: string;
  /** The key=value body (capped). */
  raw: string;
}

export type WarpSignal = WarpCliSignal | InterfaceSignal | TraceSignal;

export interface WarpDetection {
  state: WarpStatus;
  /**
   * Gateway filtering seen on the trace; null when no signal could tell (no trace, or the trace
   * request itself did not go through WARP).
   */
  gatewayOn: boolean | null;
  /** Why, in words; null when there is nothing to add. */
  reason: string | null;
  /** The signal whose answer is the verdict; null when none could. */
  decidedBy: WarpSignalSource | null;
  /** Every signal, most reliable first. */
  signals: WarpSignal[];
  checkedAt: string;
  /**
   * The client profile. Each field is absent when the profile was not read, null when the client
   * did not say (too old, daemon down, unrecognised output).
   */
  mode?: WarpMode | null;
  /** Whether the mode routes private IPs through WARP (only Traffic and DNS / Traffic only do). */
  privateRouting?: boolean | null;
  splitTunnel?: SplitTunnelConfig | null;
  /** The Zero Trust organization (team name) the device is registered to. */
  organization?: string | null;
  virtualNetworks?: VirtualNetworks | null;
}

/**
 * The client's mode, by family. The names changed: "Gateway with WARP" is "Traffic and DNS mode",
 * "Gateway without DNS filtering" is "Traffic only mode", "Gateway with DoH" is "DNS only mode",
 * "Proxy mode" is "Local proxy mode", "Device information only" is "Posture only mode".
 */
export type WarpModeKind = 'traffic-and-dns' | 'traffic-only' | 'dns-only' | 'proxy' | 'posture-only' | 'unknown';

export interface WarpMode {
  /** As the client printed it: `WarpWithDnsOverHttps`, `warp+doh`, `WarpProxy on port 40000`. */
  raw: string;
  kind: WarpModeKind;
  /** The current product name (`Traffic and DNS mode`); the raw value when unrecognised. */
  label: string;
  /** Only the two tunnelling modes route private IPs; null when the mode is not recognised. */
  privateRouting: boolean | null;
  /** Local proxy mode's port, when printed. */
  proxyPort?: number;
  /** Set by the Zero Trust admin (device profile, MDM) rather than by the user; null when not said. */
  managed: boolean | null;
  /** Where the setting came from, in the client's words (`network policy`, `user set`). */
  origin?: string;
}

export interface VirtualNetwork {
  id: string;
  name: string;
  description: string;
  default: boolean;
}

export interface VirtualNetworks {
  /** The selected network's id; null when none is selected (or the client did not say). */
  active: string | null;
  list: VirtualNetwork[];
  format: 'json' | 'text';
}

export type SplitTunnelMode = 'exclude' | 'include';

export interface SplitTunnelEntry {
  /** As printed: `10.0.0.0/8`, `203.0.113.7`, `example.internal`. */
  value: string;
  kind: 'cidr' | 'host';
  description?: string;
}

export interface SplitTunnelConfig {
  mode: SplitTunnelMode;
  entries: SplitTunnelEntry[];
  /** Which command it was read from. */
  source: 'tunnel ip list' | 'settings list' | 'settings' | '-j settings';
  /** Set by the Zero Trust admin (device profile, MDM) rather than by the user; null when not said. */
  managed?: boolean | null;
  /** Where the setting came from, in the client's words (`network policy`, `user set`). */
  origin?: string;
}

/** One OS route lookup (`ip route get`, `route get`, `Find-NetRoute`), parsed. */
export interface OsRoute {
  ok: boolean;
  /** Outgoing interface (`CloudflareWARP`, `utun4`, `eth0`, `lo`). */
  interface: string | null;
  gateway: string | null;
  /** Source address the OS would use. */
  source: string | null;
  /** Route type when not a plain unicast route (`local`, `unreachable`, `blackhole`). */
  type?: string;
  /** Why the lookup failed, in the tool's words. */
  error?: string;
  command: string;
  raw: string;
}

export type RouteVerdict = 'via-warp' | 'split-tunnel-excluded' | 'not-via-warp' | 'unknown';

export interface RouteVerdictResult {
  verdict: RouteVerdict;
  /** One or two sentences: what the route is. */
  detail: string;
  /** The exact change that fixes it, when there is one. */
  remedy?: string;
  ip: string;
  /** The interface the OS sends the IP out of, when known. */
  interface: string | null;
  /** The interface counted as WARP's. */
  warpInterface: string | null;
  /** Split-tunnel entries that exclude the IP (Exclude mode). */
  excludedBy: string[];
  /** The private range the IP is in, when it is one WARP excludes by default. */
  privateRange: string | null;
  route: OsRoute | null;
  splitTunnel: SplitTunnelConfig | null;
}

/** Calls back per line of a long-running child (`warp-cli -l status`). */
export interface LineStreamer {
  start(
    command: string,
    args: readonly string[],
    handlers: {
      onLine(line: string, stream: 'stdout' | 'stderr'): void;
      /** Once, when the child is gone (exit, spawn failure). Not called after `stop()`, whose promise resolves once the child is gone. */
      onExit(code: number | null, error?: string): void;
    },
    options?: { env?: Record<string, string | undefined> },
  ): { stop(): Promise<void> | void };
}

/** Everything the detector touches, injected. */
export interface WarpEnv {
  platform: NodeJS.Platform;
  runner: ProcessRunner;
  fetch: typeof fetch;
  warpCliPath: string;
  /** The trace URL; null disables the trace signal. */
  traceUrl: string | null;
  /** Override of the tunnel interface's name (`KUBEZT_WARP_INTERFACE`); `lo` makes loopback count as WARP. */
  interfaceName?: string;
  networkInterfaces: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
  /** For `warp-cli -l status`; without it the watcher polls. */
  streamer?: LineStreamer;
  /** Environment for child processes (default: the runner's, i.e. process.env). */
  childEnv?: Record<string, string | undefined>;
  /** Hard timeout of each signal (default 4000 ms). */
  timeoutMs?: number;
  now?: () => Date;
}
