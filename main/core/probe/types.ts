import type { ExecSpec } from '../model/cluster.ts';
import type { ProcessRunner } from '../process/runner.ts';

export type StepName = 'warp' | 'route' | 'tcp' | 'tls' | 'version' | 'auth';
export const STEP_ORDER: readonly StepName[] = ['warp', 'route', 'tcp', 'tls', 'version', 'auth'];

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
  /** Always all six steps, in ladder order. */
  steps: StepResult[];
  /** No step failed (warnings allowed). */
  ok: boolean;
}

/** Credentials of a context, already read from files (paths resolved by the caller). */
export type ProbeCredentials =
  | { kind: 'none' }
  | { kind: 'token'; token: string }
  | { kind: 'clientCertificate'; certPem: string; keyPem: string }
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
}

/** WARP state as main/core/warp reports it; only what the ladder needs. */
export type WarpState = 'connected' | 'connecting' | 'disconnected' | 'unavailable' | 'unknown';
export type RouteVerdict = 'via-warp' | 'split-tunnel-excluded' | 'not-via-warp' | 'unknown';

export interface WarpView {
  state(): Promise<{ state: WarpState; gatewayOn: boolean; detail?: string }>;
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
