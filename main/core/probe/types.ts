import type { ExecSpec } from '../model/cluster.ts';
import type { ProcessRunner } from '../process/runner.ts';
import type { SplitTunnelConfig, VirtualNetworks, WarpMode } from '../warp/types.ts';
import type { ExecPluginPool } from './exec-plugin.ts';

export type StepName = 'warp' | 'vnet' | 'route' | 'tcp' | 'tls' | 'version' | 'auth';
export const STEP_ORDER: readonly StepName[] = ['warp', 'vnet', 'route', 'tcp', 'tls', 'version', 'auth'];

export type StepStatus = 'ok' | 'warn' | 'fail' | 'skip';

/**
 * Why a step ended as it did, in a word a program can branch on (diagnostics maps these to one
 * verdict). `detail` and `remedy` are the human sentences.
 */
export type StepReason =
  // warp
  | 'warp-connected'
  | 'warp-connecting'
  | 'warp-disconnected'
  | 'warp-unavailable'
  | 'warp-unknown'
  // warp: connected in a mode that routes no private IPs (DNS only, local proxy, posture only)
  | 'warp-mode-unsupported'
  // vnet
  | 'vnet-match'
  | 'wrong-virtual-network'
  | 'vnet-unknown'
  // route
  | 'via-warp'
  | 'split-tunnel-excluded'
  | 'not-via-warp'
  | 'route-unknown'
  // tcp
  | 'connected'
  | 'refused'
  | 'timeout'
  | 'unreachable'
  | 'dns'
  // tls
  | 'verified'
  | 'not-verified'
  | 'intercepted'
  | 'untrusted'
  | 'name-mismatch'
  | 'tls-timeout'
  | 'tls-error'
  // version / auth
  | 'supported-skew'
  | 'version-skew'
  | 'skew-unknown'
  | 'authenticated'
  | 'unauthorized'
  | 'forbidden'
  | 'credentials-failed'
  | 'not-supported'
  | 'http-error'
  | 'http-timeout'
  // version without credentials: the server answered but keeps /version from anonymous requests
  | 'anonymous-refused'
  // auth: credentials deliberately not sent
  | 'not-set-up'
  | 'plugins-off'
  | 'interactive-required'
  // any step
  | 'not-checked'
  | 'skipped'
  | 'deadline';

export interface StepResult {
  step: StepName;
  status: StepStatus;
  reason: StepReason;
  durationMs: number;
  /** One sentence saying what was found. */
  detail: string;
  /** For `fail`/`warn`: what to do, in plain words. */
  remedy?: string;
  data?: Record<string, unknown>;
}

export interface ProbeResult {
  /** The target's name (context name). */
  name: string;
  server: string;
  /** Host of the server URL (IPv6 without brackets) and the IP it resolved to, when it did. */
  host: string;
  ip?: string;
  port: number;
  startedAt: string;
  durationMs: number;
  /** Always every step of STEP_ORDER, in ladder order. */
  steps: StepResult[];
  /** No step failed (warnings allowed). */
  ok: boolean;
}

/** A PEM given in the kubeconfig (`*-data`), or a file the ladder reads only once TLS has passed. */
export type PemSource = { pem: string } | { file: string };

/**
 * Credentials of a context. What sits in a file is named, not read: the ladder reads it (and runs
 * an exec plugin) only after the tls step has judged the server, so a cluster that fails TLS
 * never costs a file read, a plugin run or a credential.
 */
export type ProbeCredentials =
  | { kind: 'none' }
  /**
   * A cluster with no kubeconfig context (a catalog or discovery entry not set up): probed
   * without credentials, up to an unauthenticated GET /version. What the inventory says about
   * its user is never used: the user did not choose to send it there.
   */
  | { kind: 'notSetUp' }
  | { kind: 'token'; token: string }
  /** Absolute path of a `tokenFile`. */
  | { kind: 'tokenFile'; tokenFile: string }
  | { kind: 'clientCertificate'; certPem: string; keyPem: string }
  /** A client certificate and key of which at least one is in a file (absolute paths). */
  | { kind: 'clientCertificateFiles'; cert: PemSource; key: PemSource }
  /** `baseDir`: the kubeconfig's folder, against which a relative command path is resolved (as kubectl does). */
  | { kind: 'exec'; exec: ExecSpec; baseDir?: string };

/** One cluster as a kubeconfig context resolves it. */
export interface ProbeTarget {
  name: string;
  /** `https://host:port` */
  server: string;
  /** Base64 PEM bundle (`certificate-authority-data`); absent → the system's roots, as kubectl does. */
  certificateAuthorityData?: string;
  tlsServerName?: string;
  insecureSkipTlsVerify?: boolean;
  credentials: ProbeCredentials;
  /**
   * The Cloudflare virtual network the server's IP belongs to (from the inventory, or the kubezt
   * extension of the context). With overlapping IPs, the same address is another cluster in
   * another network: the vnet step keeps every connection back until WARP has this one selected.
   */
  virtualNetwork?: { id: string; name?: string };
}

/** WARP state as main/core/warp reports it; only what the ladder needs. */
export type WarpState = 'connected' | 'connecting' | 'disconnected' | 'unavailable' | 'unknown';
export type RouteVerdict = 'via-warp' | 'split-tunnel-excluded' | 'not-via-warp' | 'unknown';

/** What the ladder reads of WARP once per run: the state, and the client profile when it was read. */
export interface WarpStateReading {
  state: WarpState;
  gatewayOn: boolean;
  detail?: string;
  /** Absent when the profile was not read; null when the client did not say. */
  mode?: WarpMode | null;
  splitTunnel?: SplitTunnelConfig | null;
  virtualNetworks?: VirtualNetworks | null;
}

export interface WarpView {
  state(): Promise<WarpStateReading>;
  routeFor(ip: string): Promise<{ verdict: RouteVerdict; detail: string; remedy?: string }>;
}

export interface KubectlClientInfo {
  gitVersion: string;
  major: number;
  minor: number;
  /**
   * Google Cloud SDK's kubectl is a dispatcher (`v1.32.4-dispatcher`) that runs `kubectl.1.N`
   * beside it when the server is 1.N: those minors never skew.
   */
  dispatcherMinors?: number[];
}

export interface ProbeEnvironment {
  /** Runs `kubectl version --client` and exec credential plugins (hard timeouts). */
  runner: ProcessRunner;
  /** Without it, `warp` and `route` are skipped. */
  warp?: WarpView;
  /** Default `kubectl` (looked up in PATH). */
  kubectlPath?: string;
  /**
   * The local kubectl client, or null when there is none. Default: detected once per
   * `checkFleet`/`createProbeContext` with `kubectl version --client -o json`.
   */
  kubectlClient?: () => Promise<KubectlClientInfo | null>;
  /** Environment for exec plugins and PATH lookups (default: process.env). */
  env?: Record<string, string | undefined>;
  /**
   * Runs exec credential plugins, remembers what they return until it expires, and bounds how
   * many run at once. Default: one per `createProbeRun`; the app keeps one for its lifetime so
   * periodic checks reuse credentials.
   */
  execPlugins?: ExecPluginPool;
  /**
   * Whether exec plugins may run at all (default: yes). When not, an exec context is probed
   * without credentials and its auth step is skipped with this sentence and remedy.
   */
  execPolicy?: { run: true } | { run: false; detail: string; remedy: string };
  /**
   * Standard input is a terminal (the CLI in a shell; never the app). client-go's rule: only then
   * may a plugin be interactive, and `interactiveMode: Always` needs it. Default false.
   */
  terminal?: boolean;
  /** Where plugins are spawned (`.cmd`/`.bat` go through cmd.exe on win32). Default process.platform. */
  platform?: NodeJS.Platform;
  /** Reads token, certificate and key files once TLS has passed (default fs.readFile, UTF-8). */
  readFile?: (path: string) => Promise<string>;
}

export interface ProbeOptions {
  /** Deadline of each step (default 5000 ms). */
  stepTimeoutMs?: number;
  /** Deadline of the whole ladder of one cluster (default 4 × stepTimeoutMs). */
  ladderTimeoutMs?: number;
  /** Called as each step finishes, in ladder order, for live display. */
  onStep?: (target: ProbeTarget, step: StepResult) => void;
  /**
   * Send /version and selfsubjectreviews at the same time over a second HTTP/1.1 connection
   * opened beside the first (HTTP/2 servers share one connection either way). Default: true for
   * one ladder; a fleet decides by how many ladders run at once (see SPARE_CONNECTIONS_PER_CPU).
   */
  parallelRequests?: boolean;
}
