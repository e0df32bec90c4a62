import { isUserError, UserError } from '../errors.ts';
import { applyKubeconfigPlan } from './apply.ts';
import { type BackupEntry, readBackup, sha256 } from './backups.ts';
import type { WriteCleanup } from './cleanup.ts';
import type { FsNow } from './file-io.ts';
import { readKubeconfigBytes } from './file-io.ts';
import type { KubeconfigPlan } from './types.ts';

export interface RestoreBackupInput {
  /** kubezt's backups folder (backupDirFor(configDir)). */
  dir: string;
  id: string;
  /** Restore even when the file changed since kubezt wrote it after this backup. */
  force?: boolean;
  lockTimeoutMs: number;
  cleanup?: WriteCleanup;
  now?: () => Date;
  fs?: FsNow;
  /** Tries when another program writes the file between reading it and locking it. Default 3. */
  attempts?: number;
}

export interface RestoreBackupResult {
  entry: BackupEntry;
  /** False when the file already held the backup's content (nothing written). */
  changed: boolean;
  /** The backup of the file as it was just before the restore. */
  backupId: string | null;
}

function changedSince(entry: BackupEntry, current: string | null): UserError {
  const state =
    current === null
      ? `no longer exists`
      : `changed after kubezt wrote it when it took backup ${entry.id} (${entry.what})`;
  return new UserError(
    'kubeconfig-conflict',
    `The kubeconfig ${entry.path} ${state}, so restoring that backup would also undo the later changes; run "kubezt restore ${entry.id} --force" to restore it anyway (nothing was changed).`,
  );
}

/**
 * `kubezt restore ID`: puts a backup back under kubectl's lock with the same atomic write as
 * every other change, after taking a backup of the file as it is. Refused, unless forced, when
 * the file is no longer what kubezt wrote right after taking that backup.
 */
export async function restoreKubeconfigBackup(input: RestoreBackupInput): Promise<RestoreBackupResult> {
  const { entry, bytes } = readBackup(input.dir, input.id, input.fs);
  const attempts = input.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const current = await readKubeconfigBytes(entry.path);
    if (current === bytes) return { entry, changed: false, backupId: null };
    if (!input.force && (current === null || sha256(current) !== entry.afterSha256)) throw changedSince(entry, current);
    const plan: KubeconfigPlan = {
      files: [{ path: entry.path, bytes: current }],
      writes: [{ path: entry.path, before: current, after: bytes }],
      changes: [],
      warnings: [],
    };
    try {
      const result = await applyKubeconfigPlan(plan, {
        lockTimeoutMs: input.lockTimeoutMs,
        backup: { dir: input.dir, what: `restore of backup ${entry.id}`, ...(input.now ? { now: input.now } : {}) },
        ...(input.cleanup ? { cleanup: input.cleanup } : {}),
        ...(input.fs ? { fs: input.fs } : {}),
      });
      return { entry, changed: true, backupId: result.backupIds[0] ?? null };
    } catch (e) {
      // Written by someone between our read and our lock: judge the new bytes.
      if (!isUserError(e) || e.code !== 'kubeconfig-changed' || attempt >= attempts) throw e;
    }
  }
}
