import { join } from 'node:path';
import { builtin } from '../../core/node-builtins.ts';
import { configDirFor } from '../../core/settings/paths.ts';
import type { SwitchVirtualNetworkPolicy } from '../../core/settings/schema.ts';
import { joinNetworkBeforeWrite, switchPolicyOf } from '../../usecases/join-network.ts';
import type { ContextSwitch } from '../../usecases/use-context.ts';
import type { CliContext } from '../command.ts';
import { PromptCancelled, readLine } from '../prompt.ts';

const { readFileSync } = builtin('node:fs');

/**
 * The CLI's side of joining a cluster's WARP virtual network (main/usecases/join-network.ts
 * decides and words it): the setting, the y/N question on a terminal, and one line on stderr per
 * switch or warning. warp-cli's machinery is loaded only for a context that records a network,
 * so a `use` on a plain kubeconfig loads no child_process.
 */

/** switchVirtualNetwork read straight from settings.json, as kubeconfig-paths.ts reads its setting. */
async function policyOf(ctx: CliContext): Promise<SwitchVirtualNetworkPolicy> {
  const dir = configDirFor({ env: ctx.env, platform: ctx.platform, homeDir: ctx.homeDir, cwd: ctx.cwd });
  let stored: unknown;
  try {
    stored = (JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>)
      .switchVirtualNetwork;
  } catch {
    stored = undefined; // no settings file, or one the commands that open the store report
  }
  return switchPolicyOf(stored);
}

const canAsk = (ctx: CliContext) => ctx.stdin.isTTY === true && ctx.stderr.isTTY === true;

async function askYesNo(ctx: CliContext, question: string): Promise<boolean> {
  try {
    return /^\s*y(es)?\s*$/i.test(await readLine(ctx.stdin, ctx.stderr, question));
  } catch (e) {
    if (e instanceof PromptCancelled) return false;
    throw e;
  }
}

/** The `beforeWrite` step of `kubezt use`: switch WARP per the setting, said on stderr. */
export function cliNetworkStep(ctx: CliContext): (target: ContextSwitch) => Promise<void> {
  return async (target) => {
    const step = joinNetworkBeforeWrite({
      // Only when the context records a network: a plain `use` loads no child_process.
      warp: async () =>
        (await import('../../core/warp/env.ts')).warpEnvFromProcess(ctx.env, ctx.platform, ctx.runner, fetch),
      policy: () => policyOf(ctx),
      ...(canAsk(ctx) ? { ask: (q: string) => askYesNo(ctx, q) } : { cannotAsk: 'there is no terminal to ask on' }),
      say: (n) => ctx.stderr.write(`kubezt: ${n.sentence}\n`),
    });
    await step(target);
  };
}
