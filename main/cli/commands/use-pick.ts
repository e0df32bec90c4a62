import { isIP } from 'node:net';
import { UserError } from '../../core/errors.ts';
import { clusterGroup } from '../../core/inventory/group.ts';
import type { MergedKubeconfig } from '../../core/kubeconfig/merged.ts';
import { readKubeconfig } from '../../core/kubeconfig/read.ts';
import type { CliContext } from '../command.ts';
import type { PickerRow } from '../picker.ts';
import { canPick } from '../terminal.ts';

/**
 * `kubezt use` without NAME: the picker on a terminal, the names one per line otherwise. Read
 * from the kubeconfig alone (no network, no inventory), so the first frame comes as fast as the
 * file can be read.
 */

function hostIp(server: string): string {
  try {
    const host = new URL(server).hostname.replace(/^\[|\]$/g, '');
    return isIP(host) ? host : '';
  } catch {
    return '';
  }
}

export function pickerRows(merged: MergedKubeconfig): PickerRow[] {
  const servers = new Map(merged.clusters.map((c) => [c.name, c.server]));
  return merged.contexts.map((c) => {
    const name = c.sourceCluster || c.cluster || c.name;
    return {
      context: c.name,
      name,
      group: clusterGroup({ name }),
      ip: hostIp(servers.get(c.cluster) ?? ''),
      current: c.name === merged.currentContext,
    };
  });
}

/** The context picked; or the exit code: 0 after listing, 130 when the picker was cancelled. */
export async function pickContext(ctx: CliContext, paths: string[], withNamespace: boolean): Promise<string | number> {
  const { merged } = await readKubeconfig(paths);
  if (!canPick(ctx)) {
    if (withNamespace) {
      throw new UserError(
        'bad-usage',
        '"kubezt use -n NS" needs a NAME when there is no terminal to pick one on; write "kubezt use NAME -n NS".',
      );
    }
    ctx.stdout.write(merged.contexts.map((c) => `${c.name}\n`).join(''));
    return 0;
  }
  if (merged.contexts.length === 0) {
    throw new UserError(
      'not-found',
      `The kubeconfig (${paths.join(', ')}) has no contexts to pick from; run "kubezt setup" to add kubezt's.`,
    );
  }
  const [{ runPicker }, { openTerminalSession }] = await Promise.all([
    import('../picker.ts'),
    import('../terminal.ts'),
  ]);
  const session = openTerminalSession(ctx);
  try {
    const row = await runPicker(pickerRows(merged), session);
    return row ? row.context : 130;
  } finally {
    session.restore();
  }
}
