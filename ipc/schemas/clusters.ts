/** IPC schemas for WARP state, clusters and probe results (see ipc/contract.ts). */
import { z } from 'zod';
import { clusterName, contextName, isoTime, ms, shortText } from './common.ts';

export const WarpStatusSchema = z.enum(['connected', 'connecting', 'disconnected', 'unavailable', 'unknown']);
export type WarpStatus = z.infer<typeof WarpStatusSchema>;

export const WarpModeSchema = z.object({
  /** As the client printed it (`WarpWithDnsOverHttps`). */
  raw: z.string().max(200),
  kind: z.enum(['traffic-and-dns', 'traffic-only', 'dns-only', 'proxy', 'posture-only', 'unknown']),
  /** The current product name (`Traffic and DNS mode`). */
  label: z.string().max(200),
  privateRouting: z.boolean().nullable(),
  /** Set by the Zero Trust admin rather than the user; null when not said. */
  managed: z.boolean().nullable(),
});

export const WarpSplitTunnelSchema = z.object({
  mode: z.enum(['exclude', 'include']),
  entries: z.array(z.string().max(300)).max(500),
  managed: z.boolean().nullable(),
});

export const WarpVirtualNetworksSchema = z.object({
  active: z.string().max(100).nullable(),
  list: z
    .array(
      z.object({
        id: z.string().max(100),
        name: z.string().max(200),
        default: z.boolean(),
        active: z.boolean(),
      }),
    )
    .max(200),
});

export const WarpStateSchema = z.object({
  status: WarpStatusSchema,
  /** Gateway filtering active; null when no signal could tell. */
  gatewayOn: z.boolean().nullable(),
  /** Why, in words ("Manual Disconnection", "warp-cli not found"); null when nothing to say. */
  reason: shortText.nullable(),
  /** Every signal behind the verdict (warp-cli, trace, interface), most reliable first. */
  signals: z.array(z.object({ source: z.string().max(40), status: z.string().max(40), detail: shortText })).max(20),
  updatedAt: isoTime,
  /** The client's mode; absent when not read, null when the client did not say. */
  mode: WarpModeSchema.nullable().optional(),
  /** Whether the mode routes private IPs (only Traffic and DNS / Traffic only do). */
  privateRouting: z.boolean().nullable().optional(),
  /** The Zero Trust organization the device is registered to. */
  organization: z.string().max(200).nullable().optional(),
  splitTunnel: WarpSplitTunnelSchema.nullable().optional(),
  virtualNetworks: WarpVirtualNetworksSchema.nullable().optional(),
  /**
   * `organization` against the Zero Trust organization of the discovered Cloudflare account;
   * absent when discovery read none. `sentence` is what to show (a mismatch, or why it could not
   * be checked); null when there is nothing to say.
   */
  organizationMatch: z
    .object({
      state: z.enum(['match', 'mismatch', 'unknown']),
      deviceTeam: z.string().max(200),
      discoveryTeams: z.array(z.string().max(200)).max(50),
      sentence: shortText.nullable(),
    })
    .optional(),
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
  /** The tray submenu and dashboard group (main/core/inventory/group.ts decides it). */
  group: z.string().max(200).optional(),
  /** The Cloudflare virtual network the cluster's routes live in, when known. */
  virtualNetwork: z.object({ id: z.string().max(100), name: z.string().max(200), isDefault: z.boolean() }).optional(),
  /** The tunnel's connector health as discovery saw it (connections, their colos, since when). */
  tunnelState: z
    .object({
      status: TunnelHealthSchema,
      connections: z.number().int().nonnegative(),
      colos: z.array(z.string().max(20)).max(50),
      /** ISO 8601, as Cloudflare gave it. */
      since: z.string().max(60).optional(),
    })
    .optional(),
  /** The context's namespace in the kubeconfig; absent when the context sets none. */
  namespace: z.string().max(63).optional(),
});
export type ClusterView = z.infer<typeof ClusterViewSchema>;

export const StepNameSchema = z.enum(['warp', 'vnet', 'route', 'tcp', 'tls', 'version', 'auth']);
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

export const CredentialExpirySchema = z.object({
  kind: z.enum(['client-certificate', 'token', 'exec']),
  expiresAt: isoTime,
  /** Who issues a new one: the certificate's issuer CN, the token's `iss`. */
  issuer: z.string().max(200).optional(),
  /** exec: the plugin's command name. */
  plugin: z.string().max(200).optional(),
});
export type CredentialExpiryView = z.infer<typeof CredentialExpirySchema>;

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
  /** When the context's credentials expire, when known (no credential itself, only its dates and issuer). */
  expiry: CredentialExpirySchema.nullable().optional(),
  /** The verdict in a few words (the core's VERDICT_LABEL), for a table cell; absent for codes it does not label. */
  verdictLabel: z.string().max(100).optional(),
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

/**
 * The answer to `check`: what the run found, in counts. The results themselves reach the renderer
 * as `probeResult` events while the run streams; repeating all of them in the answer (about 900 KB
 * for 1,000 clusters) would cost the renderer one long structured-clone task at the end of a check.
 */
export const CheckResultSchema = z.object({
  runId: z.string().max(60),
  /** How many clusters the run probed. */
  checked: z.number().int().nonnegative(),
  counts: z.object({
    reachable: z.number().int().nonnegative(),
    degraded: z.number().int().nonnegative(),
    unreachable: z.number().int().nonnegative(),
  }),
});
export type CheckResult = z.infer<typeof CheckResultSchema>;

export const DiagnosticsReportSchema = z.object({
  runId: z.string().max(60),
  generatedAt: isoTime,
  warp: WarpStateSchema,
  kubectlVersion: z.string().max(100).nullable(),
  results: z.array(ProbeResultSchema),
});
export type DiagnosticsReportView = z.infer<typeof DiagnosticsReportSchema>;
