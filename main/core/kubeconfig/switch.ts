import { isUserError } from '../errors.ts';
import { applyKubeconfigPlan } from './apply.ts';
import type { WriteCleanup } from './cleanup.ts';
import { pathExists, readKubeconfigBytes } from './file-io.ts';
import { lockPathFor } from './lock.ts';
import { planSwitchWithoutYamlLibrary } from './quick-file.ts';
import type { NamespaceChange } from './switch-namespace.ts';
import type { ContextNetwork, KubeconfigPlan } from './types.ts';

/**
 * `kubezt use NAME` with as little as possible between the user and the write: this module and
 * what it imports statically load no YAML library. js-yaml (quick.ts) is loaded only when the
 * block reader hands a file over, and the yaml Document API only when js-yaml does.
 */

export const DEFAULT_LOCK_TIMEOUT_MS = 5000;

export interface SwitchKubeconfigContextInput {
  /** From resolveKubeconfigFiles. */
  paths: readonly string[];
  /** A context name, or a cluster name (kubezt's ClusterEntry name or a kubeconfig cluster). */
  name: string;
  lockTimeoutMs?: number;
  /** Plans made again after another program changed a file under us. Default 3. */
  attempts?: number;
  now?: () => number;
  /** Receives the write's lock and temp file while they exist (see cleanup.ts). */
  cleanup?: WriteCleanup;
  /**
   * Runs once the context to switch to is known, before anything is written (also when it is
   * already current); when it throws, nothing is written. Called again only if a re-plan picks
   * another context.
   */
  beforeWrite?: (target: SwitchKubeconfigContextResult) => Promise<void>;
  /** Also sets this namespace on the context, in the same write (`kubezt use NAME -n NS`). */
  namespace?: string;
}

export interface SwitchKubeconfigContextResult {
  /** The context switched to. */
  context: string;
  /** The merged current-context before ('' when unset). */
  previous: string;
  /** The file current-context is written to (kubectl's default file; '' when none was read). */
  file: string;
  /** False when it already was the current context (nothing written, like kubectl). */
  changed: boolean;
  /** Set when a namespace was asked for (its `changed` says whether that value was written). */
  namespace?: NamespaceChange;
  /**
   * The WARP virtual network kubezt recorded on the context, when it records one: read with the
   * plan, so joining it (join-network.ts) costs no second read of the kubeconfig.
   */
  virtualNetwork?: ContextNetwork;
}

async function planSwitch(paths: readonly string[], name: string): Promise<KubeconfigPlan> {
  const sources = await Promise.all(paths.map(async (path) => ({ path, bytes: await readKubeconfigBytes(path) })));
  // An empty file next to kubectl's lock is most likely kubectl between truncating and writing:
  // the full path's reader waits for it.
  const suspicious = sources.some((s) => s.bytes === '');
  if (!suspicious) {
    // The block reader answers for the files kubectl writes; js-yaml is loaded only for the rest.
    const simple = planSwitchWithoutYamlLibrary(sources, name);
    if (simple) return simple;
    const quick = (await import('./quick.ts')).planSwitchQuick(sources, name);
    if (quick) return quick;
  }
  const [{ loadKubeconfig }, { resolveContextName, setCurrentContext }] = await Promise.all([
    import('./read.ts'),
    import('./plan.ts'),
  ]);
  const set = await loadKubeconfig(paths);
  return setCurrentContext(set, resolveContextName(set, name));
}

/** `kubezt use NAME`: like `kubectl config use-context`, but NAME may also be a cluster. */
export async function switchKubeconfigContext(
  input: SwitchKubeconfigContextInput,
): Promise<SwitchKubeconfigContextResult> {
  const attempts = input.attempts ?? 3;
  let announced: string | undefined;
  for (let attempt = 1; ; attempt++) {
    const locked = await Promise.all(input.paths.map((p) => pathExists(lockPathFor(p))));
    try {
      const planned: { plan: KubeconfigPlan; namespace?: NamespaceChange } =
        input.namespace === undefined
          ? { plan: await planSwitch(input.paths, input.name) }
          : await (await import('./switch-namespace.ts')).planSwitchWithNamespace(
              input.paths,
              input.name,
              input.namespace,
            );
      const plan = planned.plan;
      const target: SwitchKubeconfigContextResult = {
        context: plan.currentContext?.to ?? input.name,
        previous: plan.currentContext?.from ?? '',
        file: plan.currentContext?.file ?? '',
        changed: plan.currentContext !== undefined && plan.currentContext.from !== plan.currentContext.to,
        ...(planned.namespace ? { namespace: planned.namespace } : {}),
        ...(plan.currentContext?.virtualNetwork ? { virtualNetwork: plan.currentContext.virtualNetwork } : {}),
      };
      if (input.beforeWrite && announced !== target.context) {
        await input.beforeWrite(target);
        announced = target.context;
      }
      const lockTimeoutMs = input.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
      // No lingering lock (see ApplyOptions.holdLockMs): a kubectl racing a context switch can at
      // worst switch it back, which its user sees at once; `use` stays as quick as kubectl's.
      // No backup either: only current-context changes, and the previous one is in the output.
      await applyKubeconfigPlan(plan, {
        lockTimeoutMs,
        holdLockMs: 0,
        ...(input.now ? { now: input.now } : {}),
        ...(input.cleanup ? { cleanup: input.cleanup } : {}),
      });
      return target;
    } catch (e) {
      if (attempt >= attempts || !isUserError(e)) throw e;
      // Changed under us: plan again. Not found while a writer held its lock: the read may have
      // caught a file kubectl was rewriting, so look again before saying the name is unknown.
      const retry = e.code === 'kubeconfig-changed' || (e.code === 'not-found' && locked.some(Boolean));
      if (!retry) throw e;
    }
  }
}
