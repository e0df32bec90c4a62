/**
 * The setup policy, shared by `kubezt setup` and the app's setup wizard: which sources a run reads
 * and may trust to say a cluster is gone (core/inventory/setup-sources), when a run is refused,
 * which CA a cluster is written with, and the plan and write with the notes every front end shows.
 * The front ends differ only in how the user answers (flags and prompts, or the wizard's choices)
 * and in how a refusal tells the user to fix it: each passes its own `SetupRemedies`.
 */
import type { CloudflareProgress } from '../core/discovery/cloudflare/api.ts';
import { UserError } from '../core/errors.ts';
import { type Inventory, loadInventory } from '../core/inventory/load.ts';
import { heldBackNotes, type SetupSources, setupSources } from '../core/inventory/setup-sources.ts';
import type { WriteCleanup } from '../core/kubeconfig/cleanup.ts';
import {
  applyNameTemplate,
  backupDirFor,
  type KubeconfigPlan,
  type KubeconfigSet,
  type MergedKubeconfig,
  planKubeconfig,
  type SetupKubeconfigResult,
  setupKubeconfig,
} from '../core/kubeconfig/index.ts';
import type { ClusterEntry, ClusterSource } from '../core/model/cluster.ts';
import type { Workspace } from '../core/workspace/index.ts';

/** How a refusal tells the user to set a source up, in the front end's own terms. */
export interface SetupRemedies {
  /** No API token: "run "kubezt login" or set CLOUDFLARE_API_TOKEN". */
  token: string;
  /** A token but no account: "run "kubezt login --account-id ID" or set CLOUDFLARE_ACCOUNT_ID". */
  account: string;
  /** The way on without Cloudflare: "set KUBEZT_CATALOG to a team catalog file". */
  withoutCloudflare: string;
  /** Neither source is set up: how to set up one. */
  anySource: string;
}

/** The sources the user chose; absent: every configured source (the CLI). */
export interface ChosenSources {
  cloudflare: boolean;
  catalogPath: string | null;
}

export interface SetupInventoryRequest {
  workspace: Workspace;
  /** Fetch from Cloudflare even when the cache is young enough. */
  refresh: boolean;
  chosen?: ChosenSources;
  remedies: SetupRemedies;
  onProgress?: (p: CloudflareProgress) => void;
}

export interface SetupInventory {
  inventory: Inventory;
  /** Pass `sources.consulted` to the plan; `heldBackNotes` explains the rest. */
  sources: SetupSources;
}

/** The workspace restricted to the sources the user chose. */
function workspaceFor(ws: Workspace, chosen: ChosenSources): Workspace {
  const env = { ...ws.base.env };
  // Without Cloudflare, the token must not even be looked at (nor warned about).
  if (!chosen.cloudflare) delete env.CLOUDFLARE_API_TOKEN;
  return {
    ...ws,
    base: { ...ws.base, env },
    catalogPath: () => chosen.catalogPath ?? undefined,
    accountId: () => (chosen.cloudflare ? ws.accountId() : undefined),
  };
}

/**
 * Refuses a run that has nothing to read from, or whose chosen Cloudflare source is not set up:
 * one sentence saying what is missing and how to fix it. `chosen` absent: any one source will do
 * (the CLI, the app's refresh).
 */
export function refuseUnconfiguredSources(inv: Inventory, chosen: ChosenSources | undefined, fix: SetupRemedies): void {
  const cf = inv.cloudflare;
  const needed = chosen ? chosen.cloudflare : inv.catalog.status !== 'loaded';
  if (!needed || cf.status !== 'not-configured') return;
  const sentence =
    cf.missing === 'account'
      ? `CLOUDFLARE_API_TOKEN is set but no account is selected: ${fix.account}, or ${fix.withoutCloudflare}.`
      : cf.missing === 'token'
        ? `Cloudflare account ${cf.accountId} is selected but no API token is available: ${fix.token}, or ${fix.withoutCloudflare}.`
        : chosen
          ? `No Cloudflare API token or account is available: ${fix.token}, or ${fix.withoutCloudflare}.`
          : `No cluster source is configured: ${fix.anySource}.`;
  throw new UserError('not-logged-in', sentence);
}

/**
 * The clusters of the chosen sources (fresh from Cloudflare when asked and it answers, else the
 * last known list), after the refusals, with the rule of which sources may remove stale entries.
 */
export async function loadSetupInventory(request: SetupInventoryRequest): Promise<SetupInventory> {
  const { chosen } = request;
  const ws = chosen ? workspaceFor(request.workspace, chosen) : request.workspace;
  const inventory = await loadInventory(ws, {
    refresh: request.refresh,
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
  refuseUnconfiguredSources(inventory, chosen, request.remedies);
  const leftOut: ClusterSource[] = chosen
    ? [...(chosen.cloudflare ? [] : (['cloudflare'] as const)), ...(chosen.catalogPath ? [] : (['catalog'] as const))]
    : [];
  return { inventory, sources: setupSources(inventory, leftOut) };
}

/** The CA kubezt pinned before for this cluster's context, if any. */
export function pinnedCertificate(
  merged: MergedKubeconfig,
  nameTemplate: string,
  entry: ClusterEntry,
): string | undefined {
  const name = applyNameTemplate(nameTemplate, entry.name);
  return merged.clusters.find((c) => c.managed && c.name === name)?.certificateAuthorityData;
}

/** A chain a Cloudflare Gateway CA issued is inspected traffic: it is never pinned. */
export function interceptedChainRefusal(entry: ClusterEntry, server: string): UserError {
  return new UserError(
    'bad-input',
    `The certificate of ${entry.name} (${server}) is issued by a Cloudflare Gateway CA: the connection is being inspected, so it cannot be pinned; add a Do Not Inspect rule for ${entry.ips[0] ?? server} and run setup again.`,
  );
}

/** What a setup tells the user about a plan: the engine's warnings and the entries it held back. */
export function setupNotes(plan: KubeconfigPlan, sources: SetupSources): string[] {
  return [
    ...plan.warnings,
    ...(plan.currentContextWarning ? [plan.currentContextWarning] : []),
    ...heldBackNotes(sources, plan.heldBack),
  ];
}

export interface SetupPlanRequest {
  /** The entries to write, with their CAs. */
  clusters: readonly ClusterEntry[];
  nameTemplate: string;
  /** Clusters whose existing entries stay as they are (the wizard's unticked ones). */
  keep?: readonly string[];
  sources: SetupSources;
}

/** The plan a setup would apply to these files, and its notes. Writes nothing. */
export function planSetup(files: KubeconfigSet, request: SetupPlanRequest): { plan: KubeconfigPlan; notes: string[] } {
  const plan = planKubeconfig({
    clusters: request.clusters,
    files,
    nameTemplate: request.nameTemplate,
    ...(request.keep ? { keep: request.keep } : {}),
    consulted: request.sources.consulted,
  });
  return { plan, notes: setupNotes(plan, request.sources) };
}

export interface SetupRunRequest extends SetupPlanRequest {
  paths: readonly string[];
  /** kubezt's settings folder: each changed file is backed up there first. */
  configDir: string;
  dryRun?: boolean;
  /** Asked with the plan before writing (see SetupKubeconfigInput.confirm). */
  confirm?: (plan: KubeconfigPlan, notes: readonly string[]) => boolean | Promise<boolean>;
  cleanup?: WriteCleanup;
}

/** Plans and writes (under kubectl's lock, with a backup), re-planning when kubectl wrote meanwhile. */
export async function runSetup(request: SetupRunRequest): Promise<SetupKubeconfigResult & { notes: string[] }> {
  const { confirm } = request;
  const result = await setupKubeconfig({
    paths: request.paths,
    clusters: request.clusters,
    nameTemplate: request.nameTemplate,
    ...(request.keep ? { keep: request.keep } : {}),
    consulted: request.sources.consulted,
    backupDir: backupDirFor(request.configDir),
    ...(request.dryRun ? { dryRun: true } : {}),
    ...(confirm ? { confirm: (plan: KubeconfigPlan) => confirm(plan, setupNotes(plan, request.sources)) } : {}),
    ...(request.cleanup ? { cleanup: request.cleanup } : {}),
  });
  return { ...result, notes: setupNotes(result.plan, request.sources) };
}
