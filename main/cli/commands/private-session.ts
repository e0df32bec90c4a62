import { constants, tmpdir } from 'node:os';
import { UserError } from '../../core/errors.ts';
import { checkNamespaceName } from '../../core/kubeconfig/namespace.ts';
import { extractPrivateContext, type PrivateContext } from '../../core/kubeconfig/private-context.ts';
import {
  ensureRuntimeFolder,
  type PrivateFileKind,
  privateFileKind,
  processIsAlive,
  runtimeFolderFor,
  sweepPrivateFiles,
  writePrivateFile,
} from '../../core/kubeconfig/private-file.ts';
import { loadKubeconfig } from '../../core/kubeconfig/read.ts';
import { builtin } from '../../core/node-builtins.ts';
import type { CliContext } from '../command.ts';
import { kubeconfigPathsFor } from '../kubeconfig-paths.ts';
// Type only: a value import would split signals.ts out of the entry chunk, one file more for `use`.
import type { StopSignal } from '../signals.ts';
import { warnDeviceWideNetwork } from './network-warning.ts';

/**
 * What `kubezt shell`, `exec` and `env` share: the private kubeconfig of one context, the
 * environment a child gets, and running that child with its exit status and signals passed on.
 *
 * Inside a kubezt shell KUBECONFIG is the private file, which holds one context; the user's own
 * files are found again through KUBEZT_KUBECONFIG (their KUBECONFIG as it was, '' for unset).
 */

export interface PrivateSession extends PrivateContext {
  /** The runtime folder the private files live in. */
  dir: string;
  /** The user's own KUBECONFIG value ('' when unset), handed down as KUBEZT_KUBECONFIG. */
  original: string;
}

export function runtimeFolder(ctx: CliContext): string {
  return runtimeFolderFor({ env: ctx.env, tmpDir: tmpdir(), uid: process.getuid?.() });
}

/** The private file this process runs under (a kubezt shell or env), with its kind; null if none. */
export function currentPrivateFile(ctx: CliContext): { path: string; kind: PrivateFileKind } | null {
  const path = ctx.env.KUBECONFIG;
  const kind = privateFileKind(runtimeFolder(ctx), path);
  return path && kind && ctx.env.KUBEZT_CONTEXT ? { path, kind } : null;
}

/** Builds the private kubeconfig of NAME from the user's own kubeconfig files. */
export async function privateSession(
  ctx: CliContext,
  name: string,
  namespace: string | undefined,
  kubeconfigFlag: string | undefined,
): Promise<PrivateSession> {
  if (namespace !== undefined) checkNamespaceName(namespace);
  const inside = currentPrivateFile(ctx);
  const original = inside ? (ctx.env.KUBEZT_KUBECONFIG ?? '') : (ctx.env.KUBECONFIG ?? '');
  // Only env differs; the rest of ctx (getters included) is read through the prototype.
  const own: CliContext = Object.create(ctx, { env: { value: { ...ctx.env, KUBECONFIG: original } } });
  const paths = kubeconfigPathsFor(own, kubeconfigFlag);
  const set = await loadKubeconfig(paths);
  const extracted = extractPrivateContext(set, namespace === undefined ? { name } : { name, namespace });
  await warnDeviceWideNetwork(ctx, paths, extracted.context);
  const dir = runtimeFolder(ctx);
  ensureRuntimeFolder(dir, process.getuid?.());
  sweepPrivateFiles(dir, { now: Date.now(), isAlive: processIsAlive });
  return { ...extracted, dir, original };
}

export function writeSessionFile(session: PrivateSession, kind: PrivateFileKind): string {
  return writePrivateFile(session.dir, kind, session.bytes, process.pid);
}

/** The variables a child (or an `eval`) gets. */
export function sessionVariables(session: PrivateSession, file: string): Record<string, string> {
  return {
    KUBECONFIG: file,
    KUBEZT_CONTEXT: session.context,
    KUBEZT_NAMESPACE: session.namespace || 'default',
    KUBEZT_KUBECONFIG: session.original,
  };
}

export interface ChildOptions {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  /**
   * What a signal to kubezt does: 'forward' sends it on (exec); 'hangup' ignores SIGINT, which
   * the interactive shell handles itself, and hangs up the shell on SIGTERM or SIGHUP (shell).
   * A second SIGTERM or SIGHUP kills the child.
   */
  signals: 'forward' | 'hangup';
  /** Runs once the child is gone (or could not start), before kubezt's exit code is returned. */
  finished(): void;
}

/** Runs the child on kubezt's own terminal; resolves with its exit code (128 + n for signal n). */
export function runChild(ctx: CliContext, options: ChildOptions): Promise<number> {
  const { spawn } = builtin('node:child_process');
  return new Promise((resolve) => {
    let stopping = 0;
    let stoppedBy: StopSignal | null = null;
    const child = spawn(options.command, options.args, { stdio: 'inherit', env: options.env });
    const onSignal = (signal: StopSignal) => {
      if (options.signals === 'hangup' && signal === 'SIGINT') return;
      stoppedBy ??= signal;
      if (signal !== 'SIGINT' && stopping++ > 0) {
        child.kill('SIGKILL');
        return;
      }
      child.kill(options.signals === 'hangup' ? 'SIGHUP' : signal);
    };
    const release = ctx.forwardSignals?.(onSignal) ?? (() => {});
    let settled = false;
    // Node may emit 'exit' after 'error' (or not): the first one decides.
    const done = (code: number) => {
      if (settled) return;
      settled = true;
      release();
      options.finished();
      resolve(code);
    };
    child.once('error', (e: NodeJS.ErrnoException) => {
      const missing = e.code === 'ENOENT';
      ctx.stderr.write(
        missing
          ? `kubezt: cannot run "${options.command}": no such command on PATH; check its name.\n`
          : `kubezt: cannot run "${options.command}": ${e.message}.\n`,
      );
      done(missing ? 127 : 126);
    });
    child.once('exit', (code, signal) => {
      // A shell kubezt hung up ends as kubezt was ended; a command reports its own end.
      if (options.signals === 'hangup' && stoppedBy) return done(128 + constants.signals[stoppedBy]);
      const n = signal ? (constants.signals[signal] ?? 0) : 0;
      done(signal ? 128 + n : (code ?? 1));
    });
  });
}

/** Splits `ARGS -- CMD…`; the command part is null when there is no `--`. */
export function splitAtDashes(args: string[]): { own: string[]; command: string[] | null } {
  const at = args.indexOf('--');
  return at === -1 ? { own: args, command: null } : { own: args.slice(0, at), command: args.slice(at + 1) };
}

export function oneName(command: string, positionals: string[]): string {
  if (positionals.length === 1) return positionals[0] as string;
  throw new UserError(
    'bad-usage',
    `"kubezt ${command}" takes exactly one NAME, a context or cluster name; "kubezt clusters" lists them.`,
  );
}
