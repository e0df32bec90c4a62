import { isIP } from 'node:net';
import { constants } from 'node:os';
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

/**
 * The context picked; or the exit code: 0 after listing, 130 when the picker was cancelled, 128 +
 * the signal's number when a signal stopped it.
 */
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
  // A signal closes the picker like Esc, so the terminal is restored before the line saying so:
  // written on the alternate screen, the line would vanish with it.
  const stop = new AbortController();
  let stoppedBy: StopSignal | null = null;
  const release =
    ctx.forwardSignals?.((signal) => {
      stoppedBy ??= signal;
      stop.abort();
    }) ?? (() => {});
  const session = openTerminalSession(ctx);
  let row: PickerRow | null;
  try {
    row = await runPicker(pickerRows(merged), session, stop.signal);
  } finally {
    session.restore();
    release();
  }
  if (stoppedBy) return stoppedExit(ctx, stoppedBy);
  return row ? row.context : 130;
}

type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

function stoppedExit(ctx: CliContext, signal: StopSignal): number {
  // After SIGHUP the terminal is gone: nothing is written to it.
  if (signal !== 'SIGHUP') ctx.stderr.write(`kubezt: stopped by ${signal}; the kubeconfig is unchanged.\n`);
  return 128 + constants.signals[signal];
}
