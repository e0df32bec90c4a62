import { configDirFor } from '../core/settings/paths.ts';
import type { CliContext } from './command.ts';

/**
 * The inventory warnings one command prints, by the policy of core/inventory/warning-memory.ts:
 * `status` and `clusters` pass `always`, every other command `daily`.
 */
export async function warningsForRun(
  ctx: CliContext,
  warnings: readonly string[],
  place: 'always' | 'daily',
): Promise<string[]> {
  if (warnings.length === 0) return [];
  const { warningsToShow } = await import('../core/inventory/warning-memory.ts');
  const configDir = configDirFor({ env: ctx.env, platform: ctx.platform, homeDir: ctx.homeDir, cwd: ctx.cwd });
  return warningsToShow(warnings, { configDir, now: ctx.now(), place });
}
