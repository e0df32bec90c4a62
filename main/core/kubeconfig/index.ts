import { isUserError } from '../errors.ts';
import type { ClusterEntry } from '../model/cluster.ts';
import { type ApplyOptions, applyKubeconfigPlan } from './apply.ts';
import type { WriteCleanup } from './cleanup.ts';
import { type KubeconfigChange, type KubeconfigPlan, type PlanKubeconfigInput, planKubeconfig } from './plan.ts';
import { loadKubeconfig } from './read.ts';
import { DEFAULT_LOCK_TIMEOUT_MS, switchKubeconfigContext } from './switch.ts';

/**
 * kubezt's kubeconfig engine. readKubeconfig (read.ts) is the one reader of the merged model;
 * pure planning (bytes in, bytes out) lives in plan.ts; safe writing in apply.ts;
 * setupKubeconfig (below) and switchKubeconfigContext (switch.ts) are what
 * `kubezt setup` / `kubezt use` and the app call. `kubezt use` should import switch.ts itself:
 * this index loads the yaml Document API, which `use` does not need.
 */

export {
  type ApplyOptions,
  type ApplyResult,
  type ApplyStep,
  applyKubeconfigPlan,
  kubectlRaceHoldMs,
} from './apply.ts';
export {
  BACKUPS_KEPT,
  type BackupEntry,
  type BackupRecord,
  backupDirFor,
  listBackups,
} from './backups.ts';
export { createWriteCleanup, noWriteCleanup, type WriteCleanup } from './cleanup.ts';
export { type ContextRef, resolveContextIn } from './contexts.ts';
export { type DiffOptions, planDiff, unifiedDiff } from './diff.ts';
export { type ResolveKubeconfigFilesInput, readKubeconfigBytes, resolveKubeconfigFiles } from './file-io.ts';
export { lockPathFor } from './lock.ts';
export type { MergedCluster, MergedContext, MergedKubeconfig, MergedUser } from './merged.ts';
export { applyNameTemplate, checkNameTemplate, closeMatches, DEFAULT_NAME_TEMPLATE } from './names.ts';
export { type KubeconfigSet, type KubeconfigSource, parseKubeconfigSet } from './parse.ts';
export {
  type ChangeKind,
  type HeldBackEntry,
  type KubeconfigChange,
  type KubeconfigPlan,
  type KubeconfigWrite,
  type PlanKubeconfigInput,
  planKubeconfig,
  resolveContextName,
  setCurrentContext,
} from './plan.ts';
export {
  type KubeconfigRead,
  type LoadOptions,
  loadKubeconfig,
  type ReadKubeconfigOptions,
  readKubeconfig,
} from './read.ts';
export {
  DEFAULT_LOCK_TIMEOUT_MS,
  type SwitchKubeconfigContextInput,
  type SwitchKubeconfigContextResult,
  switchKubeconfigContext,
} from './switch.ts';

export interface SetupKubeconfigInput {
  /** From resolveKubeconfigFiles. */
  paths: readonly string[];
  clusters: readonly ClusterEntry[];
  nameTemplate?: string;
  /** See PlanKubeconfigInput.keep. */
  keep?: readonly string[];
  /** See PlanKubeconfigInput.consulted. */
  consulted?: PlanKubeconfigInput['consulted'];
  lockTimeoutMs?: number;
  /** Plan only. */
  dryRun?: boolean;
  /**
   * Asked before writing (show planDiff(plan)); false writes nothing. Not called when there is
   * nothing to write. Called again with the new plan if the files changed meanwhile.
   */
  confirm?: (plan: KubeconfigPlan) => boolean | Promise<boolean>;
  /** Plans made again after another program changed a file under us. Default 3. */
  attempts?: number;
  now?: () => number;
  /** kubezt's backups folder (backupDirFor(configDir)): each file is backed up before it is written. */
  backupDir?: string;
  /** Receives the write's locks and temp files while they exist (see cleanup.ts). */
  cleanup?: WriteCleanup;
}

export interface SetupKubeconfigResult {
  plan: KubeconfigPlan;
  /** True when the plan's writes are on disk (also true for an empty plan). */
  applied: boolean;
  /** kubezt's backup copies of the files as they were (see backups.ts). */
  backups: string[];
  /** Their ids, for `kubezt restore ID`. */
  backupIds: string[];
}

async function retryOnChange<T>(attempts: number, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (!isUserError(e) || e.code !== 'kubeconfig-changed' || attempt >= attempts) throw e;
    }
  }
}

/** `kubezt setup`: read, plan, (confirm,) write; re-plans if kubectl wrote in between. */
export async function setupKubeconfig(input: SetupKubeconfigInput): Promise<SetupKubeconfigResult> {
  return retryOnChange(input.attempts ?? 3, async () => {
    const set = await loadKubeconfig(input.paths);
    const planInput = {
      clusters: input.clusters,
      files: set,
      ...(input.nameTemplate === undefined ? {} : { nameTemplate: input.nameTemplate }),
      ...(input.keep ? { keep: input.keep } : {}),
      ...(input.consulted ? { consulted: input.consulted } : {}),
    };
    const plan = planKubeconfig(planInput);
    const none = { plan, backups: [], backupIds: [] };
    if (plan.writes.length === 0) return { ...none, applied: true };
    if (input.dryRun) return { ...none, applied: false };
    if (input.confirm && !(await input.confirm(plan))) return { ...none, applied: false };
    const result = await applyKubeconfigPlan(plan, applyOptions(input, plan));
    return { plan, applied: true, backups: result.backups, backupIds: result.backupIds };
  });
}

function applyOptions(input: SetupKubeconfigInput, plan: KubeconfigPlan): ApplyOptions {
  return {
    lockTimeoutMs: input.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    ...(input.now ? { now: input.now } : {}),
    ...(input.cleanup ? { cleanup: input.cleanup } : {}),
    ...(input.backupDir ? { backup: { dir: input.backupDir, what: `setup: ${backupSummary(plan)}` } } : {}),
  };
}

/** "added zt-prod-us, zt-staging; removed zt-old", for the backup list. */
function backupSummary(plan: KubeconfigPlan): string {
  const parts: string[] = [];
  for (const kind of ['added', 'updated', 'removed'] as const) {
    const names = plan.changes.filter((c) => c.kind === kind).map((c) => c.context);
    if (names.length === 0) continue;
    const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
    parts.push(`${kind} ${shown}`);
  }
  return parts.length > 0 ? parts.join('; ') : 'rewrote entries';
}

/**
 * One line per change, in the CLI's style: "added context zt-prod-us to ~/.kube/config".
 * Unchanged entries are left out; `display` shortens paths (e.g. home to ~).
 */
export function describeChanges(
  changes: readonly KubeconfigChange[],
  display: (path: string) => string = (p) => p,
): string[] {
  const lines: string[] = [];
  for (const c of changes) {
    const file = display(c.file);
    if (c.kind === 'added') lines.push(`added context ${c.context} to ${file}`);
    else if (c.kind === 'updated') lines.push(`updated context ${c.context} in ${file}`);
    else if (c.kind === 'removed' && !c.orphan) lines.push(`removed stale context ${c.context} from ${file}`);
    else if (c.kind === 'removed') {
      const what = [c.cluster ? `cluster ${c.cluster}` : '', c.user ? `user ${c.user}` : '']
        .filter(Boolean)
        .join(' and ');
      lines.push(`removed stale ${what} from ${file}`);
    }
  }
  return lines;
}

/** @deprecated The first name of switchKubeconfigContext; lint reads `use…` as a React hook. */
export const useKubeconfigContext = switchKubeconfigContext;
