import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { ClusterDiagnosis, Severity, Verdict } from '../../core/diagnostics/index.ts';
import { UserError } from '../../core/errors.ts';
import type { ClusterEntry } from '../../core/model/cluster.ts';
import { expiryPhrase, formatExpiry } from '../../core/probe/credential-expiry.ts';
import type { FleetWarpView, KubectlClientInfo, StepName, StepResult } from '../../core/probe/index.ts';
import { configDirFor } from '../../core/settings/paths.ts';
import type { DiscoveryTeam, WarpDetection } from '../../core/warp/index.ts';
import type { FleetPlan, Selection } from '../../usecases/fleet-plan.ts';
import { ladderEnvironment, prefetchFleetRoutes } from '../../usecases/fleet-run.ts';
import type { CliContext } from '../command.ts';
import { intOption, plural } from '../command.ts';
import { kubeconfigPathsFor } from '../kubeconfig-paths.ts';

/**
 * What `kubezt check`, `diagnose` and `status` share: which kubeconfig contexts to probe, the
 * probe environment of one run (WARP, kubectl, the cached inventory), the fleet run itself and the
 * JSON shape of one checked cluster.
 */

/** The fleet plan for a command's selection, from the kubeconfig files kubectl would read. */
export async function fleetPlanFor(ctx: CliContext, selection: Selection, kubeconfigFlag?: string): Promise<FleetPlan> {
  // Loaded on first use: `kubezt check --help` and the flag errors need none of the kubeconfig readers.
  const { planFleet } = await import('../../usecases/fleet-plan.ts');
  return planFleet({ files: kubeconfigPathsFor(ctx, kubeconfigFlag), selection, env: ctx.env });
}

/** A started run: its plan, and the environment its ladders share (still being prepared). */
export interface FleetStart {
  plan: FleetPlan;
  prepared: Promise<FleetEnvironment>;
}

/**
 * Starts a run: WARP and kubectl are asked (child processes, on another core) while the
 * kubeconfig is read and the selection planned.
 */
export async function startFleet(ctx: CliContext, selection: Selection, kubeconfigFlag?: string): Promise<FleetStart> {
  const prepared = prepareFleet(ctx);
  // Its failure is reported where it is awaited (runFleet), not as an unhandled rejection here.
  prepared.catch(() => {});
  return { plan: await fleetPlanFor(ctx, selection, kubeconfigFlag), prepared };
}

/**
 * Runs a started fleet behind a progress line on a terminal ("Checking 3 clusters…", then
 * "Checked 1/3…"). `print` gives the line a finished cluster prints on stdout, if any: it goes
 * above the progress line.
 */
export async function runFleetShowingProgress(
  ctx: CliContext,
  start: FleetStart,
  flags: { stepTimeoutMs: number; concurrency: number },
  opts: {
    verbs: readonly [running: string, finished: string];
    print?: (d: ClusterDiagnosis) => string | undefined;
    onDiagnosis?: (d: ClusterDiagnosis) => void;
  },
): Promise<FleetRun> {
  const progress = progressLine(ctx);
  const total = start.plan.clusters.length;
  const [running, finished] = opts.verbs;
  if (total > 0) progress.show(`${running} ${plural(total, 'cluster')}…`);
  const fleet = await runFleet(ctx, start.plan, start.prepared, {
    ...flags,
    onDiagnosis(d, done) {
      opts.onDiagnosis?.(d);
      const line = opts.print?.(d);
      if (line !== undefined) {
        progress.clear();
        ctx.stdout.write(`${line}\n`);
      }
      if (line === undefined || done < total) progress.show(`${finished} ${done}/${total}…`);
    },
  });
  progress.clear();
  return fleet;
}

/** --timeout and --concurrency, checked the same way by every probing command. */
export function fleetFlags(
  command: string,
  values: { timeout?: string; concurrency?: string },
): { stepTimeoutMs: number; concurrency: number } {
  const stepTimeoutMs = intOption(command, 'timeout', values.timeout, 5_000);
  const concurrency = intOption(command, 'concurrency', values.concurrency, 16);
  if (stepTimeoutMs > 600_000) {
    throw new UserError(
      'bad-usage',
      `--timeout is the deadline of each step in milliseconds, at most 600000, not ${stepTimeoutMs}.`,
    );
  }
  return { stepTimeoutMs, concurrency: Math.min(concurrency, 1_000) };
}

/** Settings read straight from settings.json, as kubeconfig-paths.ts does: a check must start fast. */
function setting(ctx: CliContext, key: 'catalogPath' | 'accountId'): string | undefined {
  const dir = configDirFor({ env: ctx.env, platform: ctx.platform, homeDir: ctx.homeDir, cwd: ctx.cwd });
  try {
    const value = (JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>)[key];
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  } catch {
    return undefined;
  }
}

function userPath(ctx: CliContext, path: string): string {
  if (path === '~') return ctx.homeDir;
  if (path.startsWith('~/')) return join(ctx.homeDir, path.slice(2));
  return isAbsolute(path) ? path : resolve(ctx.cwd, path);
}

/**
 * The catalog and the last Cloudflare discovery, from disk only. Nothing configured (no catalog,
 * no account) skips even loading the reader and its schema.
 */
export async function cachedInventory(ctx: CliContext): Promise<{
  entryFor: (context: { sourceCluster?: string; server: string }) => ClusterEntry | undefined;
  warnings: string[];
  /** The account's Zero Trust organization as the last discovery read it. */
  organization?: DiscoveryTeam;
}> {
  const catalog = ctx.env.KUBEZT_CATALOG?.trim() || setting(ctx, 'catalogPath');
  const accountId = ctx.env.CLOUDFLARE_ACCOUNT_ID?.trim() || setting(ctx, 'accountId');
  if (!catalog && !accountId) return { entryFor: () => undefined, warnings: [] };
  try {
    const { entryForContext, readCachedInventory } = await import('../../core/inventory/cached.ts');
    const inv = await readCachedInventory({
      cacheDir: configDirFor({ env: ctx.env, platform: ctx.platform, homeDir: ctx.homeDir, cwd: ctx.cwd }),
      ...(accountId ? { accountId } : {}),
      ...(catalog ? { catalogPath: userPath(ctx, catalog) } : {}),
      now: ctx.now(),
    });
    return {
      entryFor: (c) => entryForContext(c, inv.clusters),
      warnings: inv.warnings,
      ...(inv.organization ? { organization: inv.organization } : {}),
    };
  } catch (e) {
    return { entryFor: () => undefined, warnings: [`The cached inventory was not read: ${(e as Error).message}`] };
  }
}

export interface FleetRun {
  /** In plan order. */
  diagnoses: ClusterDiagnosis[];
  warp: WarpDetection | null;
  kubectl: KubectlClientInfo | null;
  /** From the cached inventory (a catalog that no longer parses, say); never fatal. */
  warnings: string[];
  /** The account's Zero Trust organization, from the cached discovery. */
  organization?: DiscoveryTeam;
  interrupted: boolean;
}

/** What every ladder of one run shares; see `prepareFleet`. */
export interface FleetEnvironment {
  streamFleet: typeof import('../../core/probe/fleet.ts').streamFleet;
  warp: FleetWarpView;
  kubectl: Promise<KubectlClientInfo | null>;
}

/**
 * Starts what the ladders will share before the kubeconfig is even read: the WARP state and the
 * kubectl client version come from child processes, which then run on another core while this one
 * parses the kubeconfig.
 */
export async function prepareFleet(ctx: CliContext): Promise<FleetEnvironment> {
  // Module by module rather than the probe's index: a check starts with only what it runs.
  const [
    { streamFleet },
    { detectKubectlClientCached },
    { createFleetWarpView },
    { warpEnvFromProcess },
    { lightFetch },
  ] = await Promise.all([
    import('../../core/probe/fleet.ts'),
    import('../../core/probe/kube.ts'),
    import('../../core/probe/warp.ts'),
    import('../../core/warp/env.ts'),
    import('../../core/probe/light-fetch.ts'),
  ]);
  const warp = createFleetWarpView(warpEnvFromProcess(ctx.env, ctx.platform, ctx.runner, lightFetch));
  warp.detection().catch(() => {});
  const configDir = configDirFor({ env: ctx.env, platform: ctx.platform, homeDir: ctx.homeDir, cwd: ctx.cwd });
  const kubectl = detectKubectlClientCached(
    ctx.runner,
    'kubectl',
    ctx.env,
    join(configDir, 'kubectl-client.json'),
  ).catch(() => null);
  return { streamFleet, warp, kubectl };
}

/**
 * Probes the planned clusters (bounded concurrency, per-step deadlines) and diagnoses each with
 * its inventory entry, calling `onDiagnosis` as each finishes. The cached inventory is read while
 * the first ladders run.
 */
export async function runFleet(
  ctx: CliContext,
  plan: FleetPlan,
  prepared: FleetEnvironment | Promise<FleetEnvironment>,
  opts: { stepTimeoutMs: number; concurrency: number; onDiagnosis?: (d: ClusterDiagnosis, done: number) => void },
): Promise<FleetRun> {
  const { streamFleet, warp, kubectl } = await prepared;
  const [{ createExecPluginPool }, { credentialFilesRead, readCredentialExpiry }, { LIMITS, readTextCapped }] =
    await Promise.all([
      import('../../core/probe/exec-plugin.ts'),
      import('../../core/probe/credential-expiry.ts'),
      import('../../core/read-capped.ts'),
    ]);
  // The run's own pool, so the expiry of what each plugin returned can be read afterwards.
  const execPlugins = createExecPluginPool();
  const stop = new AbortController();
  let interrupted = false;
  ctx.interrupted.then(() => {
    interrupted = true;
    stop.abort(new Error('interrupted'));
  });
  // Every route in one lookup, asked before the first ladder asks for its own.
  prefetchFleetRoutes(
    warp,
    plan.clusters.map((c) => c.target),
  );
  // What is loaded after this (diagnostics, the inventory's schema) loads while the ladders wait
  // on the network.
  const results = streamFleet(
    plan.clusters.map((c) => c.target),
    {
      // client-go's test: a plugin may be interactive (and gets stdin) when stdin is a terminal.
      env: ladderEnvironment(ctx, { warp, kubectl }, { terminal: ctx.stdin.isTTY === true, execPlugins }),
      concurrency: opts.concurrency,
      stepTimeoutMs: opts.stepTimeoutMs,
      signal: stop.signal,
    },
  );
  const first = results.next();
  const { diagnose } = await import('../../core/diagnostics/verdict.ts');
  const inventory = cachedInventory(ctx);
  const byContext = new Map(plan.clusters.map((c) => [c.context, c]));
  const found = new Map<string, ClusterDiagnosis>();
  for (let next = await first; !next.done; next = await results.next()) {
    const ladder = next.value;
    const planned = byContext.get(ladder.name);
    if (!planned) continue;
    const { entryFor } = await inventory;
    const entry = entryFor({
      ...(planned.sourceCluster ? { sourceCluster: planned.sourceCluster } : {}),
      server: planned.target.server,
    });
    const expiry = await readCredentialExpiry(planned.target, {
      readFile: async (p) => readTextCapped(p, LIMITS.credentialFile),
      readFiles: credentialFilesRead(ladder),
      execPlugins,
      platform: ctx.platform,
    });
    const d = diagnose(ladder, entry, { name: planned.name, context: planned.context, expiry, now: ctx.now() });
    found.set(planned.context, d);
    // A ladder cut short by Ctrl-C says nothing true about its cluster.
    if (!interrupted) opts.onDiagnosis?.(d, found.size);
  }
  const detection = await warp.detection().catch(() => null);
  const { warnings, organization } = await inventory;
  return {
    diagnoses: plan.clusters.map((c) => found.get(c.context)).filter((d): d is ClusterDiagnosis => d !== undefined),
    warp: detection,
    kubectl: await kubectl,
    warnings,
    ...(organization ? { organization } : {}),
    interrupted,
  };
}

/** One checked cluster in `check --json` and `status --json` (version 1; fields are only ever added). */
export interface CheckedClusterJson {
  /** The cluster's name (the inventory's for kubezt contexts, else the context's cluster). */
  name: string;
  /** The kubeconfig context probed. */
  context: string;
  /** The context's server URL. */
  server: string;
  /** The IP the server resolved to. */
  ip?: string;
  /**
   * One of: ok, warp-disconnected, not-routed, split-tunnel-excluded, tunnel-down, tcp-refused,
   * tcp-timeout, tls-timeout, tls-intercepted, tls-untrusted, tls-name-mismatch, unauthorized,
   * forbidden, version-skew, http-error, credentials-expired, credentials-expiring,
   * wrong-virtual-network, warp-mode-unsupported.
   */
  verdict: Verdict;
  /** ok, warn (usable, with something to fix: version-skew, forbidden, WARP still connecting…) or fail. */
  severity: Severity;
  /** Healthy: severity is ok or warn. Any unhealthy cluster makes the command exit 1. */
  ok: boolean;
  /** One sentence: what was found. */
  summary: string;
  /** What to do, when something is wrong. */
  remedy?: string;
  /** The ladder step the verdict rests on. */
  step?: StepName;
  /** Facts that did not decide the verdict (tunnel health, Gateway audit). */
  notes: string[];
  /** Round trip of GET /version in ms; null when the ladder did not get that far. */
  latencyMs: number | null;
  /** The whole ladder, in ms. */
  durationMs: number;
  /** The server's gitVersion. */
  serverVersion?: string;
  /** Server minor minus kubectl's minor, when both are known. */
  skew?: number;
  /** Who the credentials authenticate as (selfsubjectreviews). */
  username?: string;
  /**
   * When the context's credentials expire, when known: `kind` client-certificate, token or exec,
   * `expiresAt` ISO 8601, `text` as shown ("expires in 3 days", "expired 2 hours ago").
   */
  expiry?: { kind: string; expiresAt: string; issuer?: string; plugin?: string; text: string };
  /** Every step, in ladder order: warp, vnet, route, tcp, tls, version, auth (without their data). */
  steps: Omit<StepResult, 'data'>[];
}

export function checkedClusterJson(d: ClusterDiagnosis, now: Date = new Date()): CheckedClusterJson {
  const version = d.ladder.steps.find((s) => s.step === 'version');
  const auth = d.ladder.steps.find((s) => s.step === 'auth');
  const vd = version?.status === 'ok' || version?.status === 'warn' ? version.data : undefined;
  const latency = vd?.roundTripMs;
  return {
    name: d.name,
    context: d.context ?? d.ladder.name,
    server: d.server,
    ...(d.ladder.ip ? { ip: d.ladder.ip } : {}),
    verdict: d.verdict,
    severity: d.severity,
    ok: d.severity !== 'fail',
    summary: d.summary,
    ...(d.remedy ? { remedy: d.remedy } : {}),
    ...(d.step ? { step: d.step } : {}),
    notes: d.notes,
    latencyMs: typeof latency === 'number' ? latency : null,
    durationMs: d.ladder.durationMs,
    ...(typeof vd?.gitVersion === 'string' ? { serverVersion: vd.gitVersion } : {}),
    ...(typeof vd?.skew === 'number' ? { skew: vd.skew } : {}),
    ...(auth?.status === 'ok' && typeof auth.data?.username === 'string' ? { username: auth.data.username } : {}),
    ...(d.expiry ? { expiry: { ...d.expiry, text: formatExpiry(d.expiry.expiresAt, now) } } : {}),
    steps: d.ladder.steps.map((s) => ({
      step: s.step,
      status: s.status,
      reason: s.reason,
      durationMs: s.durationMs,
      detail: s.detail,
      ...(s.remedy ? { remedy: s.remedy } : {}),
    })),
  };
}

const MARK: Record<Severity, string> = { ok: '✓', warn: '!', fail: '✗' };

/** `✓ zt-prod-us  v1.32.3  42 ms` / `✗ zt-dev  tls-intercepted: <remedy>`: one line per cluster. */
export function clusterLine(d: ClusterDiagnosis, width: number, now: Date = new Date()): string {
  const j = checkedClusterJson(d, now);
  const name = j.context.padEnd(width);
  const credentials = d.expiry && d.verdict !== 'credentials-expired' ? expiryPhrase(d.expiry, now) : undefined;
  const facts = [j.serverVersion, j.latencyMs === null ? undefined : `${Math.round(j.latencyMs)} ms`, credentials]
    .filter(Boolean)
    .join('  ');
  if (d.severity === 'ok') return `${MARK.ok} ${name}  ${facts}`.trimEnd();
  const what = `${d.verdict}: ${d.remedy ?? d.summary}`;
  return `${MARK[d.severity]} ${name}  ${facts ? `${facts}  ` : ''}${what}`;
}

/** A status line on stderr, rewritten in place (\r), on a terminal only; cleared before every other write. */
export function progressLine(ctx: CliContext): { show(text: string): void; clear(): void } {
  if (!ctx.stderr.isTTY) return { show() {}, clear() {} };
  let shown = false;
  return {
    show(text) {
      ctx.stderr.write(`\r\x1b[K${text}`);
      shown = true;
    },
    clear() {
      if (shown) ctx.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}
