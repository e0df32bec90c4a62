import { PassThrough } from 'node:stream';
import type { CliContext } from '../../main/cli/command.ts';
import { run } from '../../main/cli/index.ts';
import { nodeProcessRunner } from '../../main/core/process/runner.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI in-process with captured streams. Use `runCliProcess` (below) when the test
 * is about the process itself: exit codes, signals, argv.
 */
export async function runCli(
  args: string[],
  opts: { env?: Record<string, string | undefined>; stdin?: string; homeDir?: string; cwd?: string } = {},
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  stdin.end(opts.stdin ?? '');
  const ctx: CliContext = {
    argv0: 'kubezt',
    env: opts.env ?? {},
    cwd: opts.cwd ?? process.cwd(),
    homeDir: opts.homeDir ?? '/nonexistent-home',
    platform: process.platform,
    stdout,
    stderr,
    stdin,
    runner: nodeProcessRunner,
    now: () => new Date(),
    interrupted: new Promise(() => {}),
  };
  const code = await run(args, ctx);
  return { code, stdout: out, stderr: err };
}
