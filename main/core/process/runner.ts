import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { builtin } from '../node-builtins.ts';

/**
 * Every external command kubezt runs (warp-cli, ip, route, powershell, kubectl) goes through a
 * `ProcessRunner`, so tests can point it at real fake executables or replay recorded outputs,
 * and so every call has a hard timeout: a hanging warp-cli must never hang the tray.
 */
export interface RunOptions {
  timeoutMs: number;
  input?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /**
   * A string the command prints as its last act. Once stdout holds it and the child has exited,
   * the run is over even if its output pipes stay open: a background process the child started
   * (a daemon launched from a shell's rc file) inherits them and may hold them for hours. Without
   * it, a run ends when the pipes close.
   */
  closingMarker?: string;
  /**
   * The child shares this process's stdin and stderr (a terminal, for a credential plugin that
   * prompts) and stays in this process's group, so a terminal it reads from is its controlling
   * one; stdout is still captured and `input` is ignored.
   */
  interactive?: boolean;
  /** Windows only: the arguments are passed exactly as given (a command line built for cmd.exe). */
  windowsVerbatimArguments?: boolean;
}

export interface RunResult {
  /** Exit code; null when killed (timeout) or when the command could not start. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the executable could not be started at all (ENOENT, EACCES). */
  spawnError?: string;
  durationMs: number;
}

export interface ProcessRunner {
  run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult>;
}

/** Caps captured output so a chatty or runaway child cannot exhaust memory. */
const MAX_CAPTURE = 4 * 1024 * 1024;

export const nodeProcessRunner: ProcessRunner = {
  run(command, args, options) {
    const started = performance.now();
    // Loaded on first use: commands that run no process (`kubezt use`) skip compiling it.
    const { spawn } = builtin('node:child_process');
    return new Promise((resolve) => {
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      let settled = false;
      let child: ChildProcess;
      try {
        child = spawn(command, [...args], {
          cwd: options.cwd,
          env: options.env ? stripUndefined(options.env) : process.env,
          stdio: options.interactive ? ['inherit', 'pipe', 'inherit'] : ['pipe', 'pipe', 'pipe'],
          // Own process group, so a timeout kills grandchildren too (a shell wrapper's sleep).
          detached: process.platform !== 'win32' && !options.interactive,
          windowsHide: true,
          ...(options.windowsVerbatimArguments ? { windowsVerbatimArguments: true } : {}),
        });
      } catch (e) {
        resolve({
          code: null,
          stdout: '',
          stderr: '',
          timedOut: false,
          spawnError: (e as Error).message,
          durationMs: performance.now() - started,
        });
        return;
      }
      const finish = (r: Omit<RunResult, 'stdout' | 'stderr' | 'timedOut' | 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // A pipe still held by a grandchild must not keep this process alive; it keeps draining,
        // so the grandchild's writes neither block nor fail.
        unrefPipe(child.stdout);
        unrefPipe(child.stderr);
        resolve({ ...r, stdout, stderr, timedOut, durationMs: performance.now() - started });
      };
      const timer = setTimeout(() => {
        timedOut = true;
        killTree(child);
        finish({ code: null });
      }, options.timeoutMs);
      const closing = closingWatch(options.closingMarker);
      /** Set once the child has exited while its pipes were still open. */
      let exitCode: number | null | undefined;
      child.stdout?.setEncoding('utf8');
      child.stderr?.setEncoding('utf8');
      child.stdout?.on('data', (d: string) => {
        if (settled || stdout.length >= MAX_CAPTURE) return;
        stdout += d;
        if (closing.seenIn(stdout) && exitCode !== undefined) finish({ code: exitCode });
      });
      child.stderr?.on('data', (d: string) => {
        if (!settled && stderr.length < MAX_CAPTURE) stderr += d;
      });
      child.on('error', (e) => finish({ code: null, spawnError: e.message }));
      child.on('exit', (code) => {
        exitCode = code;
        if (closing.seenIn(stdout)) finish({ code });
      });
      child.on('close', (code) => finish({ code }));
      child.stdin?.on('error', () => {});
      child.stdin?.end(options.input ?? '');
    });
  },
};

/** Whether the closing marker has appeared; scans only the new tail of the output each time. */
function closingWatch(marker: string | undefined): { seenIn(output: string): boolean } {
  let seen = false;
  let scanned = 0;
  return {
    seenIn(output) {
      if (seen || !marker) return seen;
      seen = output.includes(marker, Math.max(0, scanned - marker.length + 1));
      scanned = output.length;
      return seen;
    },
  };
}

/** A child's pipe is a net.Socket, which can stop holding the event loop open. */
function unrefPipe(stream: Readable | null): void {
  (stream as Partial<Pick<Socket, 'unref'>> | null)?.unref?.();
}

function killTree(child: ChildProcess): void {
  try {
    // An interactive child has no group of its own: the kill below throws and kills it alone.
    if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function stripUndefined(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
