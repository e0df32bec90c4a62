/**
 * Switching kubectl's current context, shared by `kubezt use NAME` and the tray's click on a
 * cluster: resolve NAME (a context or a cluster name) to a context, then write current-context
 * where kubectl writes it, under kubectl's lock. Each front end only says what happened.
 *
 * The request is the one place a switch is described, so what a switch may grow plugs in here:
 * a step that must succeed before the write (a virtual network to join) is `beforeWrite`; a
 * memory of the context switched away from reads `previous` in the result; a namespace set in
 * the same write belongs in the request beside `name`, carried into the plan by core/kubeconfig.
 * Nothing here loads a YAML library up front: `use` stays as quick as kubectl's own switch.
 */
import type { WriteCleanup } from '../core/kubeconfig/cleanup.ts';
import { switchKubeconfigContext } from '../core/kubeconfig/switch.ts';

/** The switch once NAME is resolved; what `beforeWrite` is given and the run returns. */
export interface ContextSwitch {
  /** The context switched to. */
  context: string;
  /** kubectl's current-context before ('' when unset). */
  previous: string;
  /** The file current-context is written to (kubectl's default file; '' when none was read). */
  file: string;
  /** False when it already was the current context: nothing is written. */
  changed: boolean;
}

export interface UseContextRequest {
  /** The kubeconfig files in KUBECONFIG order (each front end resolves its own flag or setting). */
  paths: readonly string[];
  /** A context name, or a cluster name (kubezt's cluster or a kubeconfig cluster). */
  name: string;
  /**
   * Runs after NAME is resolved and before anything is written (also when the context is
   * already current, so a step it depends on can be redone); when it throws, nothing is written
   * and the switch fails with that error.
   */
  beforeWrite?: (target: ContextSwitch) => Promise<void>;
  /** Receives the write's lock and temp file while they exist (the CLI removes them on Ctrl-C). */
  cleanup?: WriteCleanup;
}

/** Resolves NAME and writes the switch; bad names are `UserError`s naming close matches. */
export async function runUseContext(request: UseContextRequest): Promise<ContextSwitch> {
  return switchKubeconfigContext({
    paths: request.paths,
    name: request.name,
    ...(request.beforeWrite ? { beforeWrite: request.beforeWrite } : {}),
    ...(request.cleanup ? { cleanup: request.cleanup } : {}),
  });
}
