import type { ParseArgsConfig } from 'node:util';
import { UserError } from '../core/errors.ts';
import type { WriteCleanup } from '../core/kubeconfig/cleanup.ts';
import { builtin } from '../core/node-builtins.ts';
import type { ProcessRunner } from '../core/process/runner.ts';
import { parseErrorSentence } from './parse-errors.ts';

const { parseArgs } = builtin('node:util');

/** Everything a command may touch, injected so tests run commands in-process with real files. */
export interface CliContext {
  argv0: string;
  env: Record<string, string | undefined>;
  cwd: string;
  homeDir: string;
  platform: NodeJS.Platform;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  runner: ProcessRunner;
  now: () => Date;
  /**
   * Resolves when the user asks to stop (Ctrl-C); long-running commands await it. Reading it tells
   * the CLI that the command handles the first signal itself (main/cli/signals.ts); a command
   * that never reads it is ended by the signal.
   */
  interrupted: Promise<void>;
  /** Where kubeconfig writes register their locks and temp files for the signal handler. */
  cleanup?: WriteCleanup;
  /**
   * Receives SIGINT, SIGTERM and SIGHUP instead of the default stop, until the returned function
   * is called (exec and shell pass them to their child). Absent in-process (tests).
   */
  forwardSignals?: (handler: (signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP') => void) => () => void;
}

export interface Command {
  name: string;
  /** Full usage text for `kubezt NAME --help`. */
  usage: string;
  /** Returns the exit code: 0 ok, 1 a check failed, 2 bad usage or input. */
  run(args: string[], ctx: CliContext): Promise<number>;
}

/** What `kubezt --help` lists; the command's module is loaded only when it runs. */
export interface CommandEntry {
  name: string;
  /** One line for `kubezt --help`. */
  summary: string;
  load(): Promise<Command>;
}

/**
 * `util.parseArgs` in strict mode, with its errors turned into one sentence that names the flag
 * and the fix (exit 2 through UserError).
 */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UserError('bad-usage', parseErrorSentence(command, e as Error & { code?: string }, options, args));
  }
}

/** Parses a positive integer option, or fails with a sentence naming the option. */
export function intOption(command: string, name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new UserError(
      'bad-usage',
      `--${name} must be a positive whole number, not "${value}" ("kubezt ${command} --help").`,
    );
  }
  return n;
}

/** "1 cluster", "3 clusters"; `many` for the irregular ones ("1 entry", "2 entries"). */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

export function writeJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
