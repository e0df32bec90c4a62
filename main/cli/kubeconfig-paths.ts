import { join } from 'node:path';
import { resolveKubeconfigFiles } from '../core/kubeconfig/file-io.ts';
import { builtin } from '../core/node-builtins.ts';
import { configDirFor } from '../core/settings/paths.ts';
import type { CliContext } from './command.ts';

const { readFileSync } = builtin('node:fs');

/**
 * The kubeconfig files a command works on: --kubeconfig, else the kubeconfigPath setting, else
 * KUBECONFIG, else ~/.kube/config (kubectl's own order, with kubezt's setting in the flag's place).
 *
 * The setting is read straight from settings.json rather than through the settings store: `use`
 * must start as fast as kubectl, and one optional string needs no schema compiler. A settings
 * file that does not parse is left for the commands that open the store to report.
 */
export function kubeconfigPathsFor(ctx: CliContext, flag?: string): string[] {
  const setting = flag ? undefined : kubeconfigSetting(ctx);
  const chosen = flag ?? setting;
  return resolveKubeconfigFiles({
    ...(chosen ? { flag: chosen } : {}),
    ...(ctx.env.KUBECONFIG ? { env: ctx.env.KUBECONFIG } : {}),
    homeDir: ctx.homeDir,
    cwd: ctx.cwd,
    platform: ctx.platform,
  });
}

function kubeconfigSetting(ctx: CliContext): string | undefined {
  const dir = configDirFor({ env: ctx.env, platform: ctx.platform, homeDir: ctx.homeDir, cwd: ctx.cwd });
  try {
    const value = (JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as { kubeconfigPath?: unknown })
      .kubeconfigPath;
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** `~/.kube/config` instead of the full home path, as users write it. */
export function displayPath(ctx: CliContext, path: string): string {
  return ctx.homeDir && path.startsWith(`${ctx.homeDir}/`) ? `~${path.slice(ctx.homeDir.length)}` : path;
}
