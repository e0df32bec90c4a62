import { homedir } from 'node:os';
import pkg from '../../package.json' with { type: 'json' };
import { isUserError } from '../core/errors.ts';
import { nodeProcessRunner } from '../core/process/runner.ts';
import type { CliContext, CommandEntry } from './command.ts';
import { commands } from './commands/index.ts';
import { installSignalGuard, SIGNAL_NUMBERS, type SignalGuard } from './signals.ts';

export const VERSION: string = pkg.version;

function helpText(list: readonly CommandEntry[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return [
    `kubezt ${VERSION}: kubectl access to Kubernetes API servers behind Cloudflare Zero Trust`,
    '',
    'Usage: kubezt <command> [options]',
    '',
    'Commands:',
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  --help, -h     show help (also "kubezt <command> --help")',
    '  --version, -v  print the version',
    '',
    'Exit codes: 0 success, 1 a check failed, 2 bad usage or input (nothing was written).',
    '',
  ].join('\n');
}

/**
 * The stderr line of a refusal. Sentences shared with the app may open with kubezt as their
 * subject ("kubezt cannot create files in …"); those already say who speaks, so they get no
 * "kubezt: " prefix (which would read "kubezt: kubezt cannot …").
 */
export function refusalLine(message: string): string {
  return /^kubezt /.test(message) ? `${message}\n` : `kubezt: ${message}\n`;
}

/** Runs one CLI invocation in-process and returns its exit code; tests call this directly. */
export async function run(args: string[], ctx: CliContext, list: readonly CommandEntry[] = commands): Promise<number> {
  const [first, ...rest] = args;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    ctx.stdout.write(helpText(list));
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v') {
    ctx.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const entry = list.find((c) => c.name === first);
  if (!entry) {
    ctx.stderr.write(`kubezt: unknown command "${first}"; run "kubezt --help" to list the commands.\n`);
    return 2;
  }
  const command = await entry.load();
  // After `--` the words belong to another program (`kubezt exec NAME -- kubectl --help`).
  const own = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (own.includes('--help') || own.includes('-h')) {
    ctx.stdout.write(`${command.usage.trimEnd()}\n`);
    return 0;
  }
  try {
    return await command.run(rest, ctx);
  } catch (e) {
    if (isUserError(e)) {
      ctx.stderr.write(refusalLine(e.message));
      return 2;
    }
    ctx.stderr.write(`kubezt: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}

export function processContext(guard: SignalGuard = installSignalGuard()): CliContext {
  return {
    argv0: 'kubezt',
    env: process.env,
    cwd: process.cwd(),
    homeDir: homedir(),
    platform: process.platform,
    // Getters: Node builds each stream on first touch, and `kubezt use` never reads stdin.
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    runner: nodeProcessRunner,
    now: () => new Date(),
    get interrupted() {
      guard.claim();
      return guard.interrupted;
    },
    cleanup: guard.cleanup,
    forwardSignals: (handler) => guard.forward(handler),
  };
}

export interface RunFromProcessOptions {
  /**
   * The launcher's own signal listener (bin/kubezt.js), taken off once the guard is in place, so
   * a signal at any moment, even while the CLI loads, finds a handler.
   */
  launcherSignalListener?: () => void;
}

export async function runFromProcess(options: RunFromProcessOptions = {}): Promise<void> {
  const guard = installSignalGuard();
  const early = options.launcherSignalListener;
  if (early) for (const signal of Object.keys(SIGNAL_NUMBERS)) process.removeListener(signal, early);
  const code = await run(process.argv.slice(2), processContext(guard));
  process.exitCode = code;
  // Open handles (a lingering keep-alive socket) must not keep a finished command alive.
  process.stdout.write('', () => process.exit(code));
}

if (import.meta.main) await runFromProcess();
