/**
 * The one IPC contract between the renderer, the preload and main: channel names, the shape of
 * every request, response and event, and their runtime validation (zod). Main validates every
 * request against it before any handler runs and every response and event before it leaves, so
 * a field the contract does not declare (a token, a full kubeconfig user) never crosses the bridge:
 * response and event schemas strip what they do not know, request schemas reject it.
 *
 * This module is imported by main (Node), the preload (sandboxed, bundled) and the renderer
 * (browser): it may only import zod, its own ipc/schemas/ and type-only modules.
 */
import { z } from 'zod';
import type { ErrorCode } from '../main/core/errors.ts';

import {
  type CheckResult,
  CheckResultSchema,
  type ClusterList,
  ClusterListSchema,
  DiagnosticsReportSchema,
  type DiagnosticsReportView,
  ProbeResultSchema,
  WarpStateSchema,
  type WarpStateView,
} from './schemas/clusters.ts';
import { clusterName, contextName, filePath, shortText } from './schemas/common.ts';
import {
  type Environment,
  EnvironmentSchema,
  type ExportedReport,
  ExportedReportSchema,
  type ReportFormat,
  ReportFormatSchema,
} from './schemas/diagnostics.ts';
import {
  type BackupList,
  BackupListSchema,
  type LoginRequest,
  LoginRequestSchema,
  type LoginStatus,
  LoginStatusSchema,
  type SettingsPatchRequest,
  SettingsPatchSchema,
  type SettingsView,
  SettingsViewSchema,
  ViewNameSchema,
} from './schemas/settings.ts';
import {
  type SetupInput,
  SetupInputSchema,
  type SetupPreview,
  SetupPreviewSchema,
  type SetupResult,
  SetupResultSchema,
  type UseContextResult,
  UseContextResultSchema,
} from './schemas/setup.ts';

export { BACKGROUND_EXEC_PLUGINS_LABEL } from '../main/core/settings/schema.ts';
// A credential's expiry is judged and worded by one pure module for the renderer, the tray and the CLI.
export { expiryPhrase, expiryState } from './expiry.ts';
// Cluster pickers rank with the same pure matcher in the renderer and the CLI.
export { type FuzzyMatch, fuzzyFilter, fuzzyMatch, fuzzyScore, queryTerms } from './fuzzy.ts';
// The schemas live by topic under ipc/schemas/; this module stays the one entry point.
export * from './schemas/clusters.ts';
export { NAMESPACE_PATTERN } from './schemas/common.ts';
export * from './schemas/diagnostics.ts';
export * from './schemas/settings.ts';
export * from './schemas/setup.ts';

// ---------------------------------------------------------------------------------------------
// Requests (renderer → main, answered once)

const none = z.undefined();
const reportRequest = z.strictObject({ format: ReportFormatSchema });
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
  /** Shows the folder of kubezt's log files in the file manager (main's shell: the renderer names no path). */
  openLogFolder: { request: none, response: z.object({ opened: z.boolean(), path: filePath.nullable() }) },
  /**
   * Sets the namespace of a cluster's context (a cluster or context name) in the kubeconfig, with
   * the byte splice, lock and atomic write of `kubezt ns`.
   */
  setNamespace: {
    request: z.strictObject({ cluster: contextName, namespace: z.string().min(1).max(63) }),
    response: z.object({
      context: contextName,
      namespace: z.string().max(63),
      previous: z.string().max(63),
      file: filePath,
      changed: z.boolean(),
    }),
  },
  /** Switches WARP to a virtual network (id or name), like `kubezt vnet NAME`; answers the new state. */
  switchVirtualNetwork: { request: z.strictObject({ id: z.string().min(1).max(200) }), response: WarpStateSchema },
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

/**
 * A kubezt:// link the user opened: the window prefills `action` on `cluster` and waits for a
 * click. `error`: one sentence instead (unknown name, malformed link); nothing is prefilled.
 */
export const DeepLinkEventSchema = z.object({
  action: z.enum(['use', 'diagnose']).nullable(),
  cluster: clusterName.optional(),
  error: shortText.optional(),
});
export type DeepLinkEvent = z.infer<typeof DeepLinkEventSchema>;

export const events = {
  warpState: WarpStateSchema,
  probeResult: ProbeResultEventSchema,
  discoveryProgress: DiscoveryProgressSchema,
  /** The cluster list or current-context changed (refresh, setup, a switch from the tray). */
  clustersChanged: ClusterListSchema,
  /** Main asks the window to show a view (tray menu: "Diagnostics…", "Settings…"). */
  navigate: z.object({ view: ViewNameSchema, cluster: clusterName.optional() }),
  deepLink: DeepLinkEventSchema,
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
  openLogFolder(): Promise<ResponseOf<'openLogFolder'>>;
  setNamespace(request: { cluster: string; namespace: string }): Promise<ResponseOf<'setNamespace'>>;
  switchVirtualNetwork(request: { id: string }): Promise<WarpStateView>;

  onWarpState(listener: (state: WarpStateView) => void): Unsubscribe;
  onProbeResult(listener: (event: ProbeResultEvent) => void): Unsubscribe;
  onDiscoveryProgress(listener: (event: DiscoveryProgress) => void): Unsubscribe;
  onClustersChanged(listener: (list: ClusterList) => void): Unsubscribe;
  onNavigate(listener: (event: EventOf<'navigate'>) => void): Unsubscribe;
  onDeepLink(listener: (event: DeepLinkEvent) => void): Unsubscribe;
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
