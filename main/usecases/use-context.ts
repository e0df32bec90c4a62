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
import { UserError } from '../core/errors.ts';
import type { WriteCleanup } from '../core/kubeconfig/cleanup.ts';
import { pathExists } from '../core/kubeconfig/file-io.ts';
import { type SwitchKubeconfigContextResult, switchKubeconfigContext } from '../core/kubeconfig/switch.ts';
import { defaultFileIndex } from '../core/kubeconfig/types.ts';
import { readPreviousContext, rememberPreviousContext } from '../core/settings/previous-context.ts';

/** The switch once NAME is resolved; what `beforeWrite` is given and the run returns. */
export type ContextSwitch = SwitchKubeconfigContextResult;

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
  /** Also sets the context's namespace, in the same write (same lock, one atomic rename per file). */
  namespace?: string;
  /**
   * kubezt's settings folder: a switch that changes the context remembers the one it left there,
   * per kubeconfig file, for runUseContextBack. Without it nothing is remembered.
   */
  configDir?: string;
  /** Told in one sentence when that memory could not be saved; the switch itself stands. */
  warn?: (sentence: string) => void;
}

/** Resolves NAME and writes the switch; bad names are `UserError`s naming close matches. */
export async function runUseContext(request: UseContextRequest): Promise<ContextSwitch> {
  const result = await switchKubeconfigContext({
    paths: request.paths,
    name: request.name,
    ...(request.beforeWrite ? { beforeWrite: request.beforeWrite } : {}),
    ...(request.cleanup ? { cleanup: request.cleanup } : {}),
    ...(request.namespace !== undefined ? { namespace: request.namespace } : {}),
  });
  rememberLeftContext(request, result);
  return result;
}

function rememberLeftContext(request: UseContextRequest, result: ContextSwitch): void {
  if (!request.configDir || !result.changed || !result.previous || !result.file) return;
  try {
    rememberPreviousContext(request.configDir, result.file, result.previous);
  } catch (e) {
    request.warn?.(
      `the switch is done, but the context it left could not be remembered in ${request.configDir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}), so "use -" cannot switch back to it`,
    );
  }
}

/** The file current-context is written to (kubectl's default file), as the switch will pick it. */
async function defaultFileOf(paths: readonly string[]): Promise<string> {
  const sources = await Promise.all(paths.map(async (path) => ({ path, bytes: (await pathExists(path)) ? '' : null })));
  return sources[defaultFileIndex(sources)]?.path ?? '';
}

/**
 * `kubezt use -`, as `kubectx -`: switches to the context the kubeconfig had before kubezt's last
 * switch of it (by the CLI or the tray), and remembers the one it leaves, so a second run swaps back.
 */
export async function runUseContextBack(
  request: Omit<UseContextRequest, 'name'> & { configDir: string },
): Promise<ContextSwitch> {
  const file = await defaultFileOf(request.paths);
  const name = readPreviousContext(request.configDir, file);
  if (!name) {
    throw new UserError(
      'not-found',
      `No previous context is recorded for ${file}; switch once with "kubezt use NAME" (or the tray), then "kubezt use -" switches back.`,
    );
  }
  return runUseContext({ ...request, name });
}
