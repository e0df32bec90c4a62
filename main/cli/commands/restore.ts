import { UserError } from '../../core/errors.ts';
import type { BackupEntry } from '../../core/kubeconfig/backups.ts';
import { configDirFor } from '../../core/settings/paths.ts';
import { type CliContext, type Command, parseCommandArgs, writeJson } from '../command.ts';
import { displayPath } from '../kubeconfig-paths.ts';

const usage = `Usage: kubezt restore [--list] [ID] [--force] [--json]

Puts back a kubeconfig backup kubezt kept. Before each write that adds, changes or removes
entries (setup, the app's setup, restore itself), kubezt copies the file as it was into the
"backups" folder of its settings folder (files 0600, folder 0700; the last 10 are kept). A
current-context switch ("kubezt use") keeps none. kubezt never writes a .bak beside the kubeconfig.

Restoring takes kubectl's lock and replaces the file atomically, after backing up the file as it
is (so a restore can be undone the same way). It refuses when the file is no longer what kubezt
wrote right after that backup (another program, or a later kubezt write, changed it), unless
--force.

Options:
  --list    list the backups, newest first: ID, time, kubeconfig, what the write did
  --force   restore even though the kubeconfig changed since
  --json    print { version, folder, backups: [{ id, time, path, what, file }] } with --list,
            { version, restored, changed, id, path, backup } otherwise

Exit codes: 0 restored (or already as in the backup) or listed, 2 bad usage, an unknown or
damaged backup, or a kubeconfig that changed since (nothing was written).
`;

export interface RestoreListJson {
  version: 1;
  folder: string;
  backups: { id: string; time: string; path: string; what: string; file: string }[];
}

export interface RestoreJson {
  version: 1;
  restored: boolean;
  /** False when the file already held the backup's content. */
  changed: boolean;
  id: string;
  path: string;
  /** The backup of the file as it was just before the restore; null when nothing was written. */
  backup: string | null;
}

function backupFolder(ctx: CliContext): Promise<string> {
  return import('../../core/kubeconfig/backups.ts').then(({ backupDirFor }) =>
    backupDirFor(configDirFor({ env: ctx.env, platform: ctx.platform, homeDir: ctx.homeDir, cwd: ctx.cwd })),
  );
}

function listText(ctx: CliContext, folder: string, backups: readonly BackupEntry[]): string {
  if (backups.length === 0) return `No kubezt backups yet (they are kept in ${displayPath(ctx, folder)}).\n`;
  const rows = backups.map((b) => [b.id, b.time.replace(/\.\d+Z$/, 'Z'), displayPath(ctx, b.path), b.what]);
  const head = ['ID', 'TIME', 'KUBECONFIG', 'WHAT'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[head, ...rows].map(line).join('\n')}\n\nKept in ${displayPath(ctx, folder)}; "kubezt restore ID" puts one back.\n`;
}

export const restoreCommand: Command = {
  name: 'restore',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      'restore',
      args,
      { list: { type: 'boolean' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
      true,
    );
    const folder = await backupFolder(ctx);
    const { listBackups } = await import('../../core/kubeconfig/backups.ts');
    if (values.list) {
      if (positionals.length > 0 || values.force) {
        throw new UserError('bad-usage', '"kubezt restore --list" takes no ID and no --force; run it alone.');
      }
      const backups = listBackups(folder);
      if (values.json) {
        const out: RestoreListJson = {
          version: 1,
          folder,
          backups: backups.map(({ id, time, path, what, file }) => ({ id, time, path, what, file })),
        };
        writeJson(ctx, out);
      } else {
        ctx.stdout.write(listText(ctx, folder, backups));
      }
      return 0;
    }
    const [id, ...extra] = positionals;
    if (id === undefined || extra.length > 0) {
      throw new UserError(
        'bad-usage',
        '"kubezt restore" takes exactly one backup ID; run "kubezt restore --list" to see the backups kept.',
      );
    }
    const [{ restoreKubeconfigBackup }, { DEFAULT_LOCK_TIMEOUT_MS }] = await Promise.all([
      import('../../core/kubeconfig/restore.ts'),
      import('../../core/kubeconfig/switch.ts'),
    ]);
    const r = await restoreKubeconfigBackup({
      dir: folder,
      id,
      force: values.force === true,
      lockTimeoutMs: DEFAULT_LOCK_TIMEOUT_MS,
      now: ctx.now,
      ...(ctx.cleanup ? { cleanup: ctx.cleanup } : {}),
    });
    if (values.json) {
      const out: RestoreJson = {
        version: 1,
        restored: true,
        changed: r.changed,
        id,
        path: r.entry.path,
        backup: r.backupId,
      };
      writeJson(ctx, out);
      return 0;
    }
    const path = displayPath(ctx, r.entry.path);
    if (!r.changed) {
      ctx.stdout.write(`${path} already holds backup ${id}; nothing was written.\n`);
      return 0;
    }
    ctx.stdout.write(`Restored ${path} from backup ${id} (${r.entry.time.replace(/\.\d+Z$/, 'Z')}).\n`);
    if (r.backupId) {
      ctx.stdout.write(
        `The version it replaced is backup ${r.backupId} ("kubezt restore ${r.backupId}" puts it back).\n`,
      );
    }
    return 0;
  },
};
