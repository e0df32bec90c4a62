/**
 * Fleet planning, shared by `kubezt check`, `diagnose` and `status`: which kubeconfig contexts to
 * probe, as what targets, and what to redact from everything the run prints.
 */
import { UserError } from '../core/errors.ts';
import { resolveContextIn } from '../core/kubeconfig/contexts.ts';
import { readKubeconfig } from '../core/kubeconfig/read.ts';
import { type TargetProblem, targetsFromMergedKubeconfig } from '../core/probe/targets.ts';
import type { ProbeTarget } from '../core/probe/types.ts';
import { kubeconfigUserSecrets } from '../core/secrets/user-fields.ts';
import { fleetSecrets } from './fleet-secrets.ts';

/** One context to probe. */
export interface PlannedCluster {
  /** The cluster's name: the inventory entry kubezt wrote the context for, else the context's cluster. */
  name: string;
  context: string;
  /** Written by kubezt (carries the `kubezt` extension). */
  managed: boolean;
  /** The inventory entry kubezt wrote it for, when the context says so. */
  sourceCluster?: string;
  target: ProbeTarget;
}

export interface FleetPlan {
  /** The kubeconfig files read, in KUBECONFIG order. */
  files: string[];
  /** kubectl's current-context; '' when unset. */
  currentContext: string;
  /** In the order asked for (NAME order, else kubeconfig order). */
  clusters: PlannedCluster[];
  /** Asked-for contexts that could not be resolved into something to probe. */
  problems: TargetProblem[];
  /** Every credential of the probed contexts, for redaction of everything printed. */
  secrets: string[];
}

export type Selection =
  /** The named contexts or clusters (as `kubezt use` resolves them); none named: every kubezt context. */
  | { kind: 'names'; names: readonly string[]; command: string }
  /** Every kubezt context plus the current context (`kubezt status`); empty is fine. */
  | { kind: 'status' };

export interface FleetPlanRequest {
  /** The kubeconfig files, in KUBECONFIG order (the front end resolves --kubeconfig and KUBECONFIG). */
  files: readonly string[];
  selection: Selection;
  /** The process environment, for the secrets to redact (CLOUDFLARE_API_TOKEN). */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Reads the kubeconfig and resolves the selection into probe targets, with every secret the run
 * must redact. Bad names are `UserError`s naming close matches.
 */
export async function planFleet(request: FleetPlanRequest): Promise<FleetPlan> {
  const { selection } = request;
  const files = [...request.files];
  const { merged, sources } = await readKubeconfig(files);
  const managed = merged.contexts.filter((c) => c.managed).map((c) => c.name);
  let wanted: string[];
  if (selection.kind === 'status') {
    wanted = [...managed];
    if (merged.currentContext && merged.contexts.some((c) => c.name === merged.currentContext)) {
      if (!wanted.includes(merged.currentContext)) wanted.unshift(merged.currentContext);
    }
  } else if (selection.names.length > 0) {
    const refs = merged.contexts.map((c) => ({
      name: c.name,
      cluster: c.cluster,
      owned: c.managed,
      ...(c.sourceCluster ? { ownerCluster: c.sourceCluster } : {}),
    }));
    wanted = [];
    for (const name of selection.names) {
      const context = resolveContextIn(refs, name, files.join(', '));
      if (!wanted.includes(context)) wanted.push(context);
    }
  } else {
    if (managed.length === 0) {
      throw new UserError(
        'not-found',
        `No kubezt contexts are in ${files.join(', ')}: run "kubezt setup" to add your clusters, or name a context ("kubezt ${selection.command} NAME").`,
      );
    }
    wanted = managed;
  }
  const { targets, problems } = await targetsFromMergedKubeconfig(merged, wanted);
  const byName = new Map(targets.map((t) => [t.name, t]));
  const clusters: PlannedCluster[] = [];
  for (const context of wanted) {
    const target = byName.get(context);
    const c = merged.contexts.find((x) => x.name === context);
    if (!target || !c) continue;
    clusters.push({
      name: c.sourceCluster ?? c.cluster,
      context,
      managed: c.managed,
      ...(c.sourceCluster ? { sourceCluster: c.sourceCluster } : {}),
      target,
    });
  }
  const secrets = fleetSecrets({
    targets,
    kubeconfigSecrets: kubeconfigUserSecrets(sources),
    users: merged.users,
    env: request.env,
  });
  return { files, currentContext: merged.currentContext, clusters, problems, secrets };
}
