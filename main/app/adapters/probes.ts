/**
 * Checks and diagnostics for the app: which target to probe for each cluster (its kubezt context,
 * as kubectl would use it; before setup, what the inventory knows), one fleet run with the
 * core's concurrency bound and per-step deadlines, a verdict per cluster (core/diagnostics), and
 * the adapter from the domain's ladder to the IPC contract's ProbeResultView.
 */
import type { ProbeResultView, ProbeStep, StepNameView } from '../../../ipc/contract.ts';
import { redactText, redactValue } from '../../core/diagnostics/redact.ts';
import { type ClusterDiagnosis, diagnose } from '../../core/diagnostics/verdict.ts';
import { isUserError, UserError } from '../../core/errors.ts';
import { closeMatches } from '../../core/kubeconfig/names.ts';
import { credentialFilesRead, readCredentialExpiry } from '../../core/probe/credential-expiry.ts';
import type { ExecPluginPool } from '../../core/probe/exec-plugin.ts';
import { streamFleet } from '../../core/probe/fleet.ts';
import { detectKubectlClient } from '../../core/probe/kube.ts';
import { targetFromClusterEntry, targetsFromMergedKubeconfig } from '../../core/probe/targets.ts';
import type { KubectlClientInfo, ProbeTarget, StepResult } from '../../core/probe/types.ts';
import { createFleetWarpView } from '../../core/probe/warp.ts';
import { LIMITS, readTextCapped } from '../../core/read-capped.ts';
import { BACKGROUND_EXEC_PLUGINS_LABEL } from '../../core/settings/schema.ts';
import { warpEnvFromProcess } from '../../core/warp/env.ts';
import type { WarpDetection } from '../../core/warp/types.ts';
import { ladderEnvironment, prefetchFleetRoutes } from '../../usecases/fleet-run.ts';
import { fleetSecrets } from '../../usecases/fleet-secrets.ts';
import type { AdapterEnv } from './context.ts';
import { clip, type FleetMember, type FleetSnapshot } from './fleet.ts';

export interface PlannedProbe {
  member: FleetMember;
  /** Named after the cluster (unique in the fleet), whatever the context is called. */
  target?: ProbeTarget;
  /** Why there is nothing to probe (a broken context, no address yet): one sentence. */
  problem?: string;
}

export interface ProbePlan {
  planned: PlannedProbe[];
  /** Every credential of the targets, so nothing that leaves main can carry one. */
  secrets: string[];
}

/** The named clusters (all when undefined); an unknown name is `not-found` with close matches. */
export async function planProbes(
  env: AdapterEnv,
  snapshot: FleetSnapshot,
  names: readonly string[] | undefined,
): Promise<ProbePlan> {
  const byName = new Map(snapshot.members.map((m) => [m.view.name, m]));
  const members: FleetMember[] = [];
  for (const name of names ?? [...byName.keys()]) {
    const member = byName.get(name);
    if (!member) {
      const near = closeMatches(name, byName.keys(), 3);
      throw new UserError(
        'not-found',
        `No cluster named "${name}" is known to kubezt; ${near.length > 0 ? `did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : 'refresh the list or run setup to add it.'}`,
      );
    }
    if (!members.includes(member)) members.push(member);
  }
  const planned = await Promise.all(members.map((m) => planOne(snapshot, m)));
  const secrets = fleetSecrets({
    targets: planned.flatMap((p) => (p.target ? [p.target] : [])),
    kubeconfigSecrets: snapshot.kubeconfigSecrets,
    users: snapshot.merged?.users ?? [],
    env: env.ctx.env,
  });
  return { planned, secrets };
}

/**
 * What to probe for one cluster. Only a kubeconfig context is probed with credentials (its own,
 * as kubectl would send them). A cluster with no context is probed without any, whatever its
 * inventory entry says about a user: the user has not chosen to send credentials there yet.
 */
async function planOne(snapshot: FleetSnapshot, member: FleetMember): Promise<PlannedProbe> {
  const name = member.view.name;
  const named = (target: ProbeTarget): PlannedProbe => ({ member, target: { ...target, name } });
  if (member.context && snapshot.merged) {
    const { targets, problems } = await targetsFromMergedKubeconfig(snapshot.merged, [member.context.name]);
    const [target] = targets;
    if (target) return named(target);
    return { member, problem: problems[0]?.message ?? `Context "${member.context.name}" cannot be probed.` };
  }
  const entry = member.entry;
  if (!entry) return { member, problem: `Cluster "${name}" has no kubeconfig context and no server address.` };
  try {
    return named(targetFromClusterEntry(entry));
  } catch (e) {
    if (isUserError(e)) return { member, problem: e.message };
    throw e;
  }
}

export interface ProbeRunResult {
  /** In plan order. */
  results: ProbeResultView[];
  /** The verdicts behind the results (clusters with a `problem` have none). */
  diagnoses: ClusterDiagnosis[];
  warp: WarpDetection | null;
  kubectl: KubectlClientInfo | null;
}

/**
 * Probes the plan (bounded concurrency, per-step deadlines), calling `onResult` as each cluster
 * finishes; clusters that cannot be probed are reported first. WARP and the kubectl client are
 * read once for the run.
 */
export interface ProbeRunOptions {
  /** Exec plugins and what they returned, kept across runs (in memory). */
  execPlugins: ExecPluginPool;
  /**
   * A periodic check, nobody pressed a button: exec plugins run only when the user allowed it in
   * Settings (an OIDC plugin may open a browser window). A check or diagnosis the user asks for
   * runs them.
   */
  background?: boolean;
}

/** The sentence an exec context's auth step shows when a background check does not run its plugin. */
export const BACKGROUND_PLUGINS_OFF = {
  run: false,
  detail: 'Exec credential plugins are not run by background checks, so this context was checked without credentials.',
  remedy: `Turn on "${BACKGROUND_EXEC_PLUGINS_LABEL}" in Settings, or press "Check now".`,
} as const;

export async function runProbes(
  env: AdapterEnv,
  plan: ProbePlan,
  onResult: (result: ProbeResultView) => void,
  opts: ProbeRunOptions,
): Promise<ProbeRunResult> {
  const { ctx } = env;
  const pluginsOff = opts.background === true && !ctx.settings.read().backgroundExecPlugins;
  const warp = createFleetWarpView(warpEnvFromProcess(ctx.env, ctx.platform, ctx.runner, env.fetch));
  const probed = plan.planned.filter((p): p is PlannedProbe & { target: ProbeTarget } => p.target !== undefined);
  prefetchFleetRoutes(
    warp,
    probed.map((p) => p.target),
  );
  const kubectl = detectKubectlClient(ctx.runner, 'kubectl', ctx.env).catch(() => null);
  const byCluster = new Map<string, ProbeResultView>();
  const diagnoses = new Map<string, ClusterDiagnosis>();
  const deliver = (result: ProbeResultView) => {
    const clean = redactValue(result, plan.secrets);
    byCluster.set(clean.cluster, clean);
    onResult(clean);
  };

  for (const p of plan.planned) {
    // Redacted before the contract's clipping, which could cut a secret in half.
    if (p.problem !== undefined) {
      deliver(problemResult(p.member.view.name, redactText(p.problem, plan.secrets), env.now()));
    }
  }
  const byTarget = new Map(probed.map((p) => [p.target.name, p]));
  for await (const ladder of streamFleet(
    probed.map((p) => p.target),
    {
      env: ladderEnvironment(
        ctx,
        { warp, kubectl },
        {
          execPlugins: opts.execPlugins,
          // The app has no terminal: a plugin that insists on one is skipped, as client-go would.
          terminal: false,
          ...(pluginsOff ? { execPolicy: BACKGROUND_PLUGINS_OFF } : {}),
        },
      ),
      ...(ctx.probe?.concurrency !== undefined ? { concurrency: ctx.probe.concurrency } : {}),
      ...(ctx.probe?.stepTimeoutMs !== undefined ? { stepTimeoutMs: ctx.probe.stepTimeoutMs } : {}),
    },
  )) {
    const p = byTarget.get(ladder.name);
    if (!p) continue;
    const expiry = await readCredentialExpiry(p.target, {
      readFile: async (path) => readTextCapped(path, LIMITS.credentialFile),
      readFiles: credentialFilesRead(ladder),
      execPlugins: opts.execPlugins,
      platform: ctx.platform,
    });
    const d = diagnose(ladder, p.member.entry, {
      name: p.member.view.name,
      ...(p.member.context ? { context: p.member.context.name } : {}),
      expiry,
      now: env.now(),
    });
    diagnoses.set(p.member.view.name, d);
    deliver(toProbeResult(redactValue(d, plan.secrets), await kubectl));
  }
  const order = plan.planned.map((p) => p.member.view.name);
  return {
    results: order.map((n) => byCluster.get(n)).filter((r): r is ProbeResultView => r !== undefined),
    diagnoses: order.map((n) => diagnoses.get(n)).filter((d): d is ClusterDiagnosis => d !== undefined),
    warp: await warp.detection().catch(() => null),
    kubectl: await kubectl,
  };
}

/** A cluster that could not be probed at all, as a row the user can read. */
export function problemResult(cluster: string, problem: string, now: Date): ProbeResultView {
  return {
    cluster,
    reachability: 'unreachable',
    latencyMs: null,
    serverVersion: null,
    skew: null,
    steps: [],
    verdict: 'not-checked',
    failingStep: null,
    summary: clip(problem, 2_000),
    remedy: null,
    checkedAt: now.toISOString(),
  };
}

const REACHABILITY = { ok: 'reachable', warn: 'degraded', fail: 'unreachable' } as const;

const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * A step's code: the cluster's verdict on the step it rests on (`tls-intercepted`), else the
 * step and its reason (`route-split-tunnel-excluded`); none for steps that passed or did not run.
 */
function stepCode(s: StepResult, d: ClusterDiagnosis): string | null {
  if (s.status === 'ok' || s.status === 'skip') return null;
  if (d.step === s.step) return d.verdict;
  return (s.reason.startsWith(`${s.step}-`) ? s.reason : `${s.step}-${s.reason}`).slice(0, 60);
}

/** The contract's view of one diagnosed ladder. */
export function toProbeResult(d: ClusterDiagnosis, kubectl: KubectlClientInfo | null): ProbeResultView {
  const steps = d.ladder.steps;
  const tcp = steps.find((s) => s.step === 'tcp');
  const version = steps.find((s) => s.step === 'version');
  const connectMs = tcp?.status === 'ok' ? tcp.data?.connectMs : undefined;
  const versionData = version?.status === 'ok' || version?.status === 'warn' ? version.data : undefined;
  const gitVersion = typeof versionData?.gitVersion === 'string' ? versionData.gitVersion : null;
  const skew = typeof versionData?.skew === 'number' ? versionData.skew : null;
  const mapped: ProbeStep[] = steps.map((s) => ({
    name: s.step as StepNameView,
    status: s.status,
    durationMs: s.status === 'skip' ? null : round(s.durationMs),
    detail: clip(s.detail, 2_000),
    // A skipped step may carry one too: why no credentials were sent, and how to send them.
    remedy: s.remedy && s.status !== 'ok' ? clip(s.remedy, 2_000) : null,
    code: stepCode(s, d),
  }));
  return {
    cluster: d.name,
    reachability: REACHABILITY[d.severity],
    latencyMs: typeof connectMs === 'number' ? round(connectMs) : null,
    serverVersion: gitVersion ? clip(gitVersion, 100) : null,
    skew:
      gitVersion && kubectl && skew !== null
        ? {
            clientVersion: clip(kubectl.gitVersion, 100),
            serverVersion: clip(gitVersion, 100),
            minorDelta: skew,
            supported: Math.abs(skew) <= 1,
          }
        : null,
    steps: mapped,
    verdict: d.verdict,
    failingStep: d.severity === 'ok' ? null : (d.step ?? null),
    summary: clip(d.summary, 2_000),
    remedy: d.remedy ? clip(d.remedy, 2_000) : null,
    checkedAt: d.ladder.startedAt,
    ...(d.expiry ? { expiry: { ...d.expiry } } : {}),
  };
}
