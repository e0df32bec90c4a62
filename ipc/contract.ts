/**
 * The one IPC contract between the renderer, the preload and main: channel names, the shape of
 * every request, response and event, and their runtime validation (zod). Main validates every
 * request against it before any handler runs and every response and event before it leaves, so
 * a field the contract does not declare (a token, a full kubeconfig user) never crosses the bridge:
 * response and event schemas strip what they do not know, request schemas reject it.
 *
 * This module is imported by main (Node), the preload (sandboxed, bundled) and the renderer
 * (browser): it may only import zod and type-only modules.
 */
import { z } from 'zod';
import type { ErrorCode } from '../main/core/errors.ts';
import { SettingsSchema } from '../main/core/settings/schema.ts';

export { BACKGROUND_EXEC_PLUGINS_LABEL } from '../main/core/settings/schema.ts';

// ---------------------------------------------------------------------------------------------
// Building blocks

const clusterName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a cluster name is [a-z0-9-], 1 to 63 characters');
/** Kubeconfig context names are free-form in kubectl; we only bound them and forbid control characters. */
const contextName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[^\p{Cc}]+$/u, 'a context name has no control characters');
const isoTime = z.string().max(40);
const shortText = z.string().max(2_000);
const longText = z.string().max(2_000_000);
const filePath = z.string().min(1).max(4096);
const ms = z.number().nonnegative().finite();
const accountId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an account id is letters, digits, "-" or "_"');

export const WarpStatusSchema = z.enum(['connected', 'connecting', 'disconnected', 'unavailable', 'unknown']);
export type WarpStatus = z.infer<typeof WarpStatusSchema>;

export const WarpStateSchema = z.object({
  status: WarpStatusSchema,
  /** Gateway filtering active; null when no signal could tell. */
  gatewayOn: z.boolean().nullable(),
  /** Why, in words ("Manual Disconnection", "warp-cli not found"); null when nothing to say. */
  reason: shortText.nullable(),
  /** Every signal behind the verdict (warp-cli, trace, interface), most reliable first. */
  signals: z.array(z.object({ source: z.string().max(40), status: z.string().max(40), detail: shortText })).max(20),
  updatedAt: isoTime,
});
export type WarpStateView = z.infer<typeof WarpStateSchema>;

export const TunnelHealthSchema = z.enum(['healthy', 'degraded', 'down', 'inactive']);

/** A cluster as the UI sees it: `ClusterEntry` without credentials, plus its kubeconfig status. */
export const ClusterViewSchema = z.object({
  name: clusterName,
  sources: z.array(z.enum(['catalog', 'cloudflare'])).max(2),
  /** `https://IP:port`; null for a catalog entry still waiting for discovery to supply it. */
  server: z.string().max(300).nullable(),
  ips: z.array(z.string().max(64)).max(16),
  port: z.number().int().min(1).max(65535),
  tunnel: z.object({ name: z.string().max(200), health: TunnelHealthSchema }).nullable(),
  /** Gateway audit: true when a do-not-inspect rule covers every API IP, false when none does. */
  doNotInspect: z.boolean().nullable(),
  /** The kubeconfig context kubezt manages for this cluster, when it exists. */
  context: contextName.nullable(),
  /** True when `context` is kubeconfig's current-context. */
  current: z.boolean(),
});
export type ClusterView = z.infer<typeof ClusterViewSchema>;

export const StepNameSchema = z.enum(['warp', 'route', 'tcp', 'tls', 'version', 'auth']);
export type StepNameView = z.infer<typeof StepNameSchema>;
export const STEP_ORDER: readonly StepNameView[] = StepNameSchema.options;

export const StepStatusSchema = z.enum(['ok', 'warn', 'fail', 'skip']);
export type StepStatus = z.infer<typeof StepStatusSchema>;

export const ProbeStepSchema = z.object({
  name: StepNameSchema,
  status: StepStatusSchema,
  durationMs: ms.nullable(),
  detail: shortText,
  /** For `fail`/`warn`: what to do, in plain words. */
  remedy: shortText.nullable(),
  /** Machine-readable verdict of the step, e.g. `tls-intercepted`, `route-excluded`. */
  code: z.string().max(60).nullable(),
});
export type ProbeStep = z.infer<typeof ProbeStepSchema>;

export const ReachabilitySchema = z.enum(['reachable', 'degraded', 'unreachable']);
export type Reachability = z.infer<typeof ReachabilitySchema>;

export const ProbeResultSchema = z.object({
  cluster: clusterName,
  reachability: ReachabilitySchema,
  /** TCP connect time to the API server; null when it was never reached. */
  latencyMs: ms.nullable(),
  serverVersion: z.string().max(100).nullable(),
  skew: z
    .object({
      clientVersion: z.string().max(100),
      serverVersion: z.string().max(100),
      /** server minor - client minor. */
      minorDelta: z.number().int(),
      /** kubectl supports ±1 minor. */
      supported: z.boolean(),
    })
    .nullable(),
  steps: z.array(ProbeStepSchema).max(STEP_ORDER.length),
  /** `ok`, or the code of the first failing step (`tls-intercepted`, `tcp-refused`…). */
  verdict: z.string().max(60),
  failingStep: StepNameSchema.nullable(),
  /** One sentence for the row / report. */
  summary: shortText,
  remedy: shortText.nullable(),
  checkedAt: isoTime,
});
export type ProbeResultView = z.infer<typeof ProbeResultSchema>;

export const ClusterListSchema = z.object({
  clusters: z.array(ClusterViewSchema).max(5_000),
  currentContext: contextName.nullable(),
  /** When discovery last succeeded; null when it never ran. */
  fetchedAt: isoTime.nullable(),
  /** True when the list comes from the on-disk cache (offline start, or discovery failing). */
  fromCache: z.boolean(),
  /** Non-fatal problems to show above the list (one sentence each). */
  warnings: z.array(shortText).max(100),
  /** The latest probe result per cluster main knows of, so a new window starts filled. */
  lastResults: z.array(ProbeResultSchema).max(5_000),
});
export type ClusterList = z.infer<typeof ClusterListSchema>;

export const CheckResultSchema = z.object({ runId: z.string().max(60), results: z.array(ProbeResultSchema) });
export type CheckResult = z.infer<typeof CheckResultSchema>;

export const DiagnosticsReportSchema = z.object({
  runId: z.string().max(60),
  generatedAt: isoTime,
  warp: WarpStateSchema,
  kubectlVersion: z.string().max(100).nullable(),
  results: z.array(ProbeResultSchema),
});
export type DiagnosticsReportView = z.infer<typeof DiagnosticsReportSchema>;

export const SetupSourcesSchema = z.strictObject({
  cloudflare: z.boolean(),
  catalogPath: filePath.nullable(),
});
export type SetupSources = z.infer<typeof SetupSourcesSchema>;

export const SetupInputSchema = z.strictObject({
  sources: SetupSourcesSchema.refine((s) => s.cloudflare || s.catalogPath !== null, {
    message: 'choose at least one source: Cloudflare discovery or a catalog file',
  }),
  /** Clusters to write; null = every candidate (the first preview). */
  selected: z.array(clusterName).max(5_000).nullable(),
  /** Certificates the user confirmed (trust on first use), by SHA-256 fingerprint. */
  trust: z
    .array(z.strictObject({ cluster: clusterName, sha256: z.string().regex(/^[0-9A-F]{2}(?::[0-9A-F]{2}){31}$/) }))
    .max(5_000),
});
export type SetupInput = z.infer<typeof SetupInputSchema>;

export const CaStatusSchema = z.enum([
  /** The catalog gave a CA. */
  'provided',
  /** A fingerprint the user confirmed is pinned. */
  'trusted',
  /** No CA known: show the fingerprint, ask. */
  'needs-confirmation',
  /** The chain comes from a Cloudflare Gateway CA (interception) or could not be used. */
  'refused',
  /** The server could not be reached to fetch its certificate. */
  'unavailable',
]);

export const SetupCandidateSchema = z.object({
  name: clusterName,
  sources: z.array(z.enum(['catalog', 'cloudflare'])).max(2),
  server: z.string().max(300).nullable(),
  ips: z.array(z.string().max(64)).max(16),
  contextName: contextName,
  ca: z.object({
    status: CaStatusSchema,
    sha256: z.string().max(200).nullable(),
    subject: z.string().max(1_000).nullable(),
    issuer: z.string().max(1_000).nullable(),
    /** Why it was refused or unavailable. */
    reason: shortText.nullable(),
  }),
  /** What applying would do to this cluster's entries. */
  plan: z.enum(['add', 'update', 'unchanged', 'blocked']),
});
export type SetupCandidate = z.infer<typeof SetupCandidateSchema>;

export const ChangeSchema = z.object({
  action: z.enum(['added', 'updated', 'removed', 'unchanged']),
  kind: z.enum(['context', 'cluster', 'user', 'current-context']),
  name: z.string().max(300),
  file: filePath,
  /** As the CLI prints it: "added context zt-prod-us". */
  message: shortText,
});
export type Change = z.infer<typeof ChangeSchema>;

export const SetupPreviewSchema = z.object({
  candidates: z.array(SetupCandidateSchema).max(5_000),
  /** The file(s) that would be written. */
  files: z.array(filePath).max(50),
  /** Unified diff of every file that would change; empty when nothing would. */
  diff: longText,
  changes: z.array(ChangeSchema),
  warnings: z.array(shortText).max(100),
});
export type SetupPreview = z.infer<typeof SetupPreviewSchema>;

export const SetupResultSchema = z.object({
  changes: z.array(ChangeSchema),
  files: z.array(filePath).max(50),
  backups: z.array(filePath).max(50),
});
export type SetupResult = z.infer<typeof SetupResultSchema>;

export const UseContextResultSchema = z.object({
  context: contextName,
  previous: contextName.nullable(),
  file: filePath,
});
export type UseContextResult = z.infer<typeof UseContextResultSchema>;

/** The settings as the UI edits them: the core's own schema (the one the CLI uses too). */
export const SettingsViewSchema = z.object({ settings: SettingsSchema, file: filePath.nullable() });
export type SettingsView = z.infer<typeof SettingsViewSchema>;
export type SettingsValues = z.infer<typeof SettingsSchema>;

/**
 * A change to the settings. Top-level keys replace, `notifications` merges, and `null` clears an
 * optional setting (structured clone and JSON disagree about `undefined`, so null is explicit).
 * File paths come only from main's own dialogs (chooseCatalogFile, chooseKubeconfigFile): the
 * page may clear them, never set them.
 */
export const SettingsPatchSchema = z.strictObject({
  accountId: accountId.nullable().optional(),
  catalogPath: z.null().optional(),
  kubeconfigPath: z.null().optional(),
  contextNameTemplate: z.string().min(1).max(200).nullable().optional(),
  refreshIntervalSec: z.number().int().min(15).max(86_400).nullable().optional(),
  notifications: z
    .strictObject({ warpDisconnect: z.boolean().optional(), contextUnreachable: z.boolean().optional() })
    .optional(),
  launchAtLogin: z.boolean().optional(),
  backgroundExecPlugins: z.boolean().optional(),
});
export type SettingsPatchRequest = z.infer<typeof SettingsPatchSchema>;

export const LoginRequestSchema = z.strictObject({
  token: z
    .string()
    .min(20, 'a Cloudflare API token is at least 20 characters')
    .max(4_096)
    .regex(/^[\x21-\x7e]+$/, 'a Cloudflare API token has no spaces or special characters'),
  accountId: accountId.optional(),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

/** Login state. The token itself never appears here: it goes into main and stays there. */
export const LoginStatusSchema = z.object({
  loggedIn: z.boolean(),
  accountId: accountId.nullable(),
  /** Where the token comes from: the OS keychain, or CLOUDFLARE_API_TOKEN (read-only). */
  source: z.enum(['keychain', 'env']).nullable(),
  /** Accounts the token can see (to pick one), when known. */
  accounts: z
    .array(z.object({ id: accountId, name: z.string().max(300) }))
    .max(500)
    .optional(),
});
export type LoginStatus = z.infer<typeof LoginStatusSchema>;

export const ReportFormatSchema = z.enum(['markdown', 'json']);
export type ReportFormat = z.infer<typeof ReportFormatSchema>;
const reportRequest = z.strictObject({ format: ReportFormatSchema });

export const ExportedReportSchema = z.object({
  format: ReportFormatSchema,
  fileName: z.string().max(200),
  content: longText,
});
export type ExportedReport = z.infer<typeof ExportedReportSchema>;

export const EnvironmentSchema = z.object({
  kubeconfig: z.object({
    /** Every file kubectl reads, in order. */
    paths: z.array(filePath).min(1).max(50),
    /** Where that list came from. */
    source: z.enum(['setting', 'env', 'login-shell', 'default']),
    /** Where new entries go (kubectl's rule). */
    writeTarget: filePath,
  }),
  loginShell: z.object({
    status: z.enum(['ok', 'timeout', 'failed', 'skipped']),
    shell: z.string().max(300).nullable(),
    detail: shortText.nullable(),
    /** PATH / KUBECONFIG were taken from the login shell. */
    pathFromShell: z.boolean(),
    kubeconfigFromShell: z.boolean(),
  }),
  settingsFile: filePath.nullable(),
  appVersion: z.string().max(50),
  platform: z.string().max(20),
  kubectl: z.object({ path: z.string().max(4096).nullable(), version: z.string().max(100).nullable() }),
});
export type Environment = z.infer<typeof EnvironmentSchema>;

/** One of kubezt's own kubeconfig backups (see main/core/kubeconfig/backups.ts), for Settings. */
export const BackupViewSchema = z.object({
  /** What `kubezt restore ID` takes. */
  id: z.string().regex(/^\d{8}-\d{6}-\d{3}(?:-\d{1,4})?$/),
  time: isoTime,
  /** The kubeconfig it is a copy of. */
  path: filePath,
  /** What the write that followed it did ("setup: added zt-prod-us"). */
  what: shortText,
});
export type BackupView = z.infer<typeof BackupViewSchema>;

export const BackupListSchema = z.object({
  /** Where they are kept; null when this host keeps none. */
  folder: filePath.nullable(),
  /** Newest first. */
  backups: z.array(BackupViewSchema).max(100),
});
export type BackupList = z.infer<typeof BackupListSchema>;

export const ViewNameSchema = z.enum(['clusters', 'setup', 'diagnostics', 'settings']);
export type ViewName = z.infer<typeof ViewNameSchema>;

// ---------------------------------------------------------------------------------------------
// Requests (renderer → main, answered once)

const none = z.undefined();
const namesRequest = z.strictObject({ names: z.array(clusterName).min(1).max(5_000).optional() }).optional();

/**
 * Every request: its payload schema and its response schema. `KubeztApi` below has one method per
 * entry; a type-level check at the end of the file keeps the two in step.
 */
export const requests = {
  listClusters: { request: none, response: ClusterListSchema },
  /** Re-runs discovery (Cloudflare + catalog); progress arrives as `discoveryProgress` events. */
  refresh: { request: none, response: ClusterListSchema },
  /** Probes the named clusters (all when none given); results also stream as `probeResult`. */
  check: { request: namesRequest, response: CheckResultSchema },
  /** The full ladder with remedies, for the Diagnostics view; results stream as `probeResult`. */
  diagnose: { request: namesRequest, response: DiagnosticsReportSchema },
  previewSetup: { request: SetupInputSchema, response: SetupPreviewSchema },
  applySetup: { request: SetupInputSchema, response: SetupResultSchema },
  /** `name` is a cluster name or a context name, like `kubezt use`. */
  useContext: { request: z.strictObject({ name: contextName }), response: UseContextResultSchema },
  getSettings: { request: none, response: SettingsViewSchema },
  setSettings: { request: SettingsPatchSchema, response: SettingsViewSchema },
  getLoginStatus: { request: none, response: LoginStatusSchema },
  login: { request: LoginRequestSchema, response: LoginStatusSchema },
  logout: { request: none, response: LoginStatusSchema },
  getWarpState: { request: none, response: WarpStateSchema },
  /** The last diagnostics report (running diagnostics first when there is none). */
  exportReport: { request: reportRequest, response: ExportedReportSchema },
  /** Asks where to save (main's own dialog: the renderer never picks a path) and writes the report. */
  saveReport: {
    request: reportRequest,
    response: z.object({ saved: z.boolean(), path: filePath.nullable() }),
  },
  /** Puts the report on the clipboard from main (the renderer has no clipboard permission). */
  copyReport: { request: reportRequest, response: z.object({ copied: z.boolean(), characters: z.number().int() }) },
  /**
   * Main's open-file dialog for the team catalog: the chosen file becomes the catalogPath
   * setting, and the setup wizard may use it. null when cancelled (nothing changes).
   */
  chooseCatalogFile: { request: none, response: z.object({ path: filePath.nullable() }) },
  /**
   * Main's save dialog for the kubeconfig kubezt writes (an existing file is edited, never
   * replaced): it becomes the kubeconfigPath setting. null when cancelled (nothing changes).
   */
  chooseKubeconfigFile: { request: none, response: z.object({ path: filePath.nullable() }) },
  /** Opens an https link in the user's browser. */
  openExternal: {
    request: z.strictObject({
      url: z.url({ protocol: /^https$/, hostname: z.regexes.domain }).max(2_000),
    }),
    response: z.object({ opened: z.boolean() }),
  },
  getEnvironment: { request: none, response: EnvironmentSchema },
  /** kubezt's kubeconfig backups, newest first (read-only: restoring is `kubezt restore ID`). */
  listBackups: { request: none, response: BackupListSchema },
} as const;

export type RequestName = keyof typeof requests;
export type RequestOf<K extends RequestName> = z.input<(typeof requests)[K]['request']>;
export type ResponseOf<K extends RequestName> = z.output<(typeof requests)[K]['response']>;
export const REQUEST_NAMES = Object.keys(requests) as RequestName[];

export function isRequestName(name: string): name is RequestName {
  return Object.hasOwn(requests, name);
}

// ---------------------------------------------------------------------------------------------
// Events (main → renderer, pushed)

export const ProbeResultEventSchema = z.object({
  runId: z.string().max(60),
  origin: z.enum(['check', 'diagnose', 'background']),
  result: ProbeResultSchema,
  /** Clusters of this run still running after this one. */
  remaining: z.number().int().nonnegative(),
});
export type ProbeResultEvent = z.infer<typeof ProbeResultEventSchema>;

export const DiscoveryProgressSchema = z.object({
  phase: z.enum(['start', 'cloudflare', 'catalog', 'certificates', 'merge', 'done', 'error']),
  message: shortText,
  done: z.number().int().nonnegative().optional(),
  total: z.number().int().nonnegative().optional(),
});
export type DiscoveryProgress = z.infer<typeof DiscoveryProgressSchema>;

export const events = {
  warpState: WarpStateSchema,
  probeResult: ProbeResultEventSchema,
  discoveryProgress: DiscoveryProgressSchema,
  /** The cluster list or current-context changed (refresh, setup, a switch from the tray). */
  clustersChanged: ClusterListSchema,
  /** Main asks the window to show a view (tray menu: "Diagnostics…", "Settings…"). */
  navigate: z.object({ view: ViewNameSchema, cluster: clusterName.optional() }),
} as const;

export type EventName = keyof typeof events;
export type EventOf<K extends EventName> = z.output<(typeof events)[K]>;
export const EVENT_NAMES = Object.keys(events) as EventName[];

// ---------------------------------------------------------------------------------------------
// Channels and the wire envelope

export const CHANNEL_PREFIX = 'kubezt:';
export const EVENT_CHANNEL_PREFIX = 'kubezt-event:';
export const requestChannel = (name: RequestName): string => `${CHANNEL_PREFIX}${name}`;
export const eventChannel = (name: EventName): string => `${EVENT_CHANNEL_PREFIX}${name}`;

/** Codes that can cross the bridge: the core's user-facing codes plus the bridge's own. */
export type IpcErrorCode =
  | ErrorCode
  /** The payload did not match the contract. */
  | 'invalid-request'
  /** The request came from a frame that is not the app's own page. */
  | 'forbidden-sender'
  /** A bug: something other than a UserError escaped. */
  | 'internal';

export interface IpcError {
  code: IpcErrorCode;
  message: string;
}

export const IpcErrorSchema = z.object({ code: z.string().regex(/^[a-z-]{1,40}$/), message: shortText });

/** What every request channel answers (Teleport Connect style): errors are data, never thrown. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export const EnvelopeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: IpcErrorSchema }),
]);

/**
 * Thrown in the renderer when a request fails. Errors lose their own properties when they cross
 * Electron's contextBridge (only the message survives), so the code also travels at the start of
 * the message as "[code] " and `toKubeztError` recovers it on the other side.
 */
export class KubeztError extends Error {
  readonly code: IpcErrorCode;
  constructor(error: IpcError) {
    super(`[${error.code}] ${error.message}`);
    this.name = 'KubeztError';
    this.code = error.code;
  }
  /** The sentence for the user, without the code prefix. */
  get userMessage(): string {
    return this.message.replace(/^\[[a-z-]+\] /, '');
  }
}

/** Recovers `{ code, message }` from whatever a `window.kubezt` call rejected with. */
export function toIpcError(e: unknown): IpcError {
  if (e instanceof KubeztError) return { code: e.code, message: e.userMessage };
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : 'Unknown error.';
  // contextBridge may prefix the message ("Error invoking remote method…: Error: "); find our marker.
  const m = /\[([a-z-]{1,40})\] ([\s\S]*)$/.exec(message);
  if (m?.[1] && m[2] !== undefined) return { code: m[1] as IpcErrorCode, message: m[2] };
  return { code: 'internal', message };
}

/** Turns an envelope into its value, or throws a `KubeztError`. */
export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw new KubeztError(envelope.error);
}

// ---------------------------------------------------------------------------------------------
// The client API exposed to the renderer as `window.kubezt`

export type Unsubscribe = () => void;

export interface KubeztApi {
  listClusters(): Promise<ClusterList>;
  refresh(): Promise<ClusterList>;
  check(request?: { names?: string[] }): Promise<CheckResult>;
  diagnose(request?: { names?: string[] }): Promise<DiagnosticsReportView>;
  previewSetup(request: SetupInput): Promise<SetupPreview>;
  applySetup(request: SetupInput): Promise<SetupResult>;
  useContext(request: { name: string }): Promise<UseContextResult>;
  getSettings(): Promise<SettingsView>;
  setSettings(patch: SettingsPatchRequest): Promise<SettingsView>;
  getLoginStatus(): Promise<LoginStatus>;
  /** The token goes to main (keychain); the answer never contains it. */
  login(request: LoginRequest): Promise<LoginStatus>;
  logout(): Promise<LoginStatus>;
  getWarpState(): Promise<WarpStateView>;
  exportReport(request: { format: ReportFormat }): Promise<ExportedReport>;
  saveReport(request: { format: ReportFormat }): Promise<ResponseOf<'saveReport'>>;
  copyReport(request: { format: ReportFormat }): Promise<ResponseOf<'copyReport'>>;
  chooseCatalogFile(): Promise<ResponseOf<'chooseCatalogFile'>>;
  chooseKubeconfigFile(): Promise<ResponseOf<'chooseKubeconfigFile'>>;
  openExternal(request: { url: string }): Promise<ResponseOf<'openExternal'>>;
  getEnvironment(): Promise<Environment>;
  listBackups(): Promise<BackupList>;

  onWarpState(listener: (state: WarpStateView) => void): Unsubscribe;
  onProbeResult(listener: (event: ProbeResultEvent) => void): Unsubscribe;
  onDiscoveryProgress(listener: (event: DiscoveryProgress) => void): Unsubscribe;
  onClustersChanged(listener: (list: ClusterList) => void): Unsubscribe;
  onNavigate(listener: (event: EventOf<'navigate'>) => void): Unsubscribe;
}

/** `onWarpState` ↔ `warpState`. */
export type SubscriptionMethod<K extends EventName> = `on${Capitalize<K>}`;
export function subscriptionMethod<K extends EventName>(name: K): SubscriptionMethod<K> {
  return `on${name[0]?.toUpperCase()}${name.slice(1)}` as SubscriptionMethod<K>;
}

/** The transport a client needs: the preload gives ipcRenderer, browser tests a Playwright binding. */
export interface ClientTransport {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  /** Subscribes to an event channel; returns the cleanup. */
  on(channel: string, listener: (payload: unknown) => void): Unsubscribe;
}

/**
 * Builds the `KubeztApi` over a transport. Payloads are not re-validated here (main does that);
 * the answer must be an envelope, whose errors are thrown as `KubeztError`.
 */
export function createKubeztClient(transport: ClientTransport): KubeztApi {
  const api: Record<string, unknown> = {};
  for (const name of REQUEST_NAMES) {
    const channel = requestChannel(name);
    api[name] = async (payload?: unknown) => {
      const raw = await transport.invoke(channel, payload);
      const parsed = EnvelopeSchema.safeParse(raw);
      if (!parsed.success) {
        throw new KubeztError({ code: 'internal', message: `Main answered ${name} with something unexpected.` });
      }
      return unwrap(parsed.data as Envelope<unknown>);
    };
  }
  for (const name of EVENT_NAMES) {
    const channel = eventChannel(name);
    api[subscriptionMethod(name)] = (listener: (payload: unknown) => void): Unsubscribe => {
      if (typeof listener !== 'function') throw new TypeError(`${subscriptionMethod(name)} needs a function`);
      return transport.on(channel, (payload) => listener(payload));
    };
  }
  return Object.freeze(api) as unknown as KubeztApi;
}

// ---------------------------------------------------------------------------------------------
// Type-level checks: KubeztApi has exactly one method per request and per event, with the types
// the schemas define. A mismatch fails `tsc`.

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
type RequestMethods = { [K in RequestName]: KubeztApi[K] };
type ExpectedRequestMethods = {
  [K in RequestName]: undefined extends RequestOf<K>
    ? [RequestOf<K>] extends [undefined]
      ? () => Promise<ResponseOf<K>>
      : (request?: Exclude<RequestOf<K>, undefined>) => Promise<ResponseOf<K>>
    : (request: RequestOf<K>) => Promise<ResponseOf<K>>;
};
type ExpectedEventMethods = {
  [K in EventName as SubscriptionMethod<K>]: (listener: (event: EventOf<K>) => void) => Unsubscribe;
};
type ParamsAndResults<T> = { [K in keyof T]: T[K] extends (...a: infer A) => infer R ? [A, R] : never };
export type _ContractChecks = [
  Assert<Equals<keyof KubeztApi, RequestName | SubscriptionMethod<EventName>>>,
  Assert<Equals<ParamsAndResults<RequestMethods>, ParamsAndResults<ExpectedRequestMethods>>>,
  Assert<
    Equals<
      ParamsAndResults<{ [K in keyof ExpectedEventMethods]: KubeztApi[K] }>,
      ParamsAndResults<ExpectedEventMethods>
    >
  >,
];
