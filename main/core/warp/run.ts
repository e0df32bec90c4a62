import type { RunResult } from '../process/runner.ts';
import type { WarpEnv } from './types.ts';

export const DEFAULT_SIGNAL_TIMEOUT_MS = 4_000;

export const timeoutOf = (env: Pick<WarpEnv, 'timeoutMs'>) => env.timeoutMs ?? DEFAULT_SIGNAL_TIMEOUT_MS;

/** One warp-cli call with the hard timeout every signal has. */
export function runWarpCli(
  env: Pick<WarpEnv, 'runner' | 'warpCliPath' | 'childEnv' | 'timeoutMs'>,
  args: readonly string[],
): Promise<RunResult> {
  return env.runner.run(env.warpCliPath, args, {
    timeoutMs: timeoutOf(env),
    ...(env.childEnv ? { env: env.childEnv } : {}),
  });
}
