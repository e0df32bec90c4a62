import type { Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { builtin } from '../node-builtins.ts';
import type { PendingBackup } from './backups.ts';
import { noWriteCleanup, type WriteCleanup } from './cleanup.ts';
import { delay, type FsNow, nodeFsNow, readKubeconfigBytes } from './file-io.ts';
import { acquireLock, type HeldLock, readOnlyFolder } from './lock.ts';
import { spliceProvenWithoutYamlLibrary } from './quick-file.ts';
import { type KubeconfigPlan, type KubeconfigWrite, sourcesAfter } from './types.ts';
import { type FileOwner, isReadOnlyCode, removeDeadWritersTemps, writeFileAtomically } from './write-file.ts';

// Not an import: see file-io.ts.
const { constants } = builtin('node:fs');

export type ApplyStep = 'locked' | 'verified' | 'backup-written' | 'temp-written' | 'renamed';

export interface ApplyOptions {
  /** How long to wait for a lock held by kubectl or another kubezt before giving up. */
  lockTimeoutMs: number;
  /** Clock for the lock deadline (ms). */
  now?: () => number;
  /** Called as each step completes, for crash tests that kill the writer at a chosen point. */
  onStep?: (step: ApplyStep, path: string) => void | Promise<void>;
  /**
   * How long to keep the locks after the last rename. Default: kubectlRaceHoldMs(plan). kubectl
   * reads the kubeconfig BEFORE taking the lock and then writes back the config it read, which
   * deletes anything added in between; a kubectl that read the old file while kubezt was writing
   * finds the lock still held and fails ("file exists") instead of silently dropping kubezt's change.
   */
  holdLockMs?: number;
  /**
   * Keep a backup of each existing file before writing it (see backups.ts): the backups folder
   * and what the write does, in one line. Omitted for writes that need none (a context switch).
   */
  backup?: { dir: string; what: string; now?: () => Date };
  /** Receives every lock, temp file and uncommitted backup while it exists (see cleanup.ts). */
  cleanup?: WriteCleanup;
  /** The file system; tests inject faults. */
  fs?: FsNow;
  /** Decides the rename retry policy (see write-file.ts). Default: this process's platform. */
  platform?: NodeJS.Platform;
}

/**
 * kubectl's window between reading the kubeconfig and taking its lock is mostly YAML parsing
 * (about 2 MB/s here), plus scheduling slack.
 */
export function kubectlRaceHoldMs(plan: KubeconfigPlan): number {
  const bytes = plan.files.reduce(
    (n, f) => n + Math.max(f.bytes?.length ?? 0, plan.writes.find((w) => w.path === f.path)?.after.length ?? 0),
    0,
  );
  return 100 + Math.ceil(bytes / 2048);
}

export interface ApplyResult {
  /** Paths as listed in KUBECONFIG that were written. */
  written: string[];
  /** kubezt's backup copies of the previous versions (see backups.ts). */
  backups: string[];
  /** Their ids, for `kubezt restore ID`. */
  backupIds: string[];
}

/**
 * Writes a plan safely:
 * 1. takes kubectl's lock for every file written, in sorted order, waiting up to lockTimeoutMs;
 * 2. re-reads every KUBECONFIG file under the locks and refuses with `kubeconfig-changed` if any
 *    differs from what was planned (the caller re-plans: see setupKubeconfig / switchKubeconfigContext);
 * 3. re-parses the new bytes as kubectl would and checks no context names a missing cluster or user
 *    (a current-context-only edit is checked through its splice, see KubeconfigWrite);
 * 4. per file: with `backup`, keeps the previous version in kubezt's backups folder; writes a temp
 *    file next to the target (through symlinks), fsyncs it, renames it over the target (in place
 *    for a mount point, see write-file.ts) and fsyncs the folder, keeping the mode (0600 for a new
 *    file) and, when run as root, the owner. Temp files a killed kubezt left beside a target are
 *    removed first (see removeDeadWritersTemps);
 * 5. keeps the locks a moment longer (holdLockMs), then removes them if they are still its own.
 * Any error removes what it created (lock, temp file, backup). A signal does the same through
 * `cleanup`. A crash (SIGKILL) leaves each file either old or new, never partial, and may leave
 * the lock, exactly as a crashed kubectl does: the lock error says how to clear it, and the next
 * write removes the temp file.
 * Writing several files is not atomic as a whole: a crash between two renames leaves the first
 * one new and the second one old (each of them whole).
 */
export async function applyKubeconfigPlan(plan: KubeconfigPlan, options: ApplyOptions): Promise<ApplyResult> {
  const result: ApplyResult = { written: [], backups: [], backupIds: [] };
  if (plan.writes.length === 0) return result;
  const fs = options.fs ?? nodeFsNow;
  const cleanup = options.cleanup ?? noWriteCleanup;
  const step = async (s: ApplyStep, path: string) => {
    await options.onStep?.(s, path);
  };
  const locks: HeldLock[] = [];
  try {
    for (const path of [...new Set(plan.writes.map((w) => w.path))].sort()) {
      const lockOptions = {
        timeoutMs: options.lockTimeoutMs,
        fs,
        cleanup,
        ...(options.now ? { now: options.now } : {}),
      };
      locks.push(await acquireLock(path, lockOptions));
      await step('locked', path);
    }
    for (const file of plan.files) {
      const current = await readKubeconfigBytes(file.path);
      if (current !== file.bytes) {
        throw new UserError(
          'kubeconfig-changed',
          `The kubeconfig ${file.path} changed while kubezt was preparing its edit (another program wrote it); run the command again to start from its new contents (kubezt changed nothing).`,
        );
      }
    }
    await validate(plan);
    const targets = await Promise.all(plan.writes.map((w) => writeTarget(fs, w.path)));
    const existing: (Stats | null)[] = [];
    for (let i = 0; i < plan.writes.length; i++) {
      existing.push(await checkWritable(fs, plan.writes[i]?.path ?? '', targets[i] ?? ''));
    }
    for (const target of targets) removeDeadWritersTemps(fs, target);
    for (const write of plan.writes) await step('verified', write.path);
    for (let i = 0; i < plan.writes.length; i++) {
      const write = plan.writes[i];
      const target = targets[i];
      if (!write || !target) continue;
      const st = existing[i];
      const owner: FileOwner = st ? { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid } : { mode: 0o600 };
      const backup = await backUp(write, options, fs, cleanup);
      if (backup) await step('backup-written', write.path);
      try {
        await writeFileAtomically(target, write.after, owner, {
          fs,
          cleanup,
          platform: options.platform ?? process.platform,
          listedPath: write.path,
          previous: write.before,
          afterTemp: () => step('temp-written', write.path),
        });
      } catch (e) {
        // Kept when the file did change (an in-place write that failed its read-back): the user may need it.
        const now = await readKubeconfigBytes(write.path).catch(() => undefined);
        if (now === write.before) backup?.discard();
        else backup?.commit();
        throw e;
      }
      // In the same synchronous step as the rename: a signal sees the backup kept or removed, never half.
      backup?.commit();
      if (backup) {
        result.backups.push(backup.file);
        result.backupIds.push(backup.id);
      }
      result.written.push(write.path);
      await step('renamed', write.path);
    }
    if (options.backup && result.backupIds.length > 0) await pruneBackups(options.backup.dir, fs);
    const hold = options.holdLockMs ?? kubectlRaceHoldMs(plan);
    if (hold > 0) await delay(hold);
  } finally {
    for (const lock of locks.reverse()) await lock.release();
  }
  return result;
}

async function backUp(
  write: KubeconfigWrite,
  options: ApplyOptions,
  fs: FsNow,
  cleanup: WriteCleanup,
): Promise<PendingBackup | null> {
  if (!options.backup || write.before === null) return null;
  // Loaded here, not at the top: node:crypto is not for `kubezt use`, which backs nothing up.
  const { saveBackup } = await import('./backups.ts');
  const { dir, what } = options.backup;
  const now = options.backup.now?.() ?? new Date();
  return saveBackup({ dir, path: write.path, before: write.before, after: write.after, what, now, fs, cleanup });
}

async function pruneBackups(dir: string, fs: FsNow): Promise<void> {
  const backups = await import('./backups.ts');
  try {
    backups.pruneBackups(dir, backups.BACKUPS_KEPT, fs);
  } catch {
    // An old backup that could not be removed costs disk space, not correctness.
  }
}

async function validate(plan: KubeconfigPlan): Promise<void> {
  const spliced = plan.writes.filter((w) => w.currentContextSplice);
  for (const write of spliced) {
    if (!spliceProvenWithoutYamlLibrary(write)) (await import('./quick.ts')).checkCurrentContextSplice(write);
  }
  if (spliced.length === plan.writes.length) return;
  // Loaded here, not at the top: `kubezt use` never needs the yaml Document API.
  const [{ parseKubeconfigSet }, { danglingReferences }] = await Promise.all([
    import('./parse.ts'),
    import('./plan.ts'),
  ]);
  const after = parseKubeconfigSet(sourcesAfter(plan.files, plan.writes));
  let dangling = danglingReferences(null, after);
  if (dangling.length > 0) dangling = danglingReferences(parseKubeconfigSet(plan.files), after);
  if (dangling.length > 0) {
    throw new UserError(
      'kubeconfig-invalid',
      `kubezt refused to write the kubeconfig because the result would be broken (${dangling.join('; ')}); nothing was changed, please report this.`,
    );
  }
}

/** The file a write lands in: the final target of a symlink chain (which may not exist yet). */
async function writeTarget(fs: FsNow, path: string): Promise<string> {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let st: Stats;
    try {
      st = await fs.lstat(current);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return current;
      throw e;
    }
    if (!st.isSymbolicLink()) return current;
    current = resolve(dirname(current), await fs.readlink(current));
  }
  throw new UserError('kubeconfig-invalid', `The kubeconfig ${path} is a symlink loop; point it at a real file.`);
}

function readOnlyFile(path: string, target: string, code?: string): UserError {
  const via = target === resolve(path) ? '' : ` (a link to ${target})`;
  const what =
    code === 'EROFS'
      ? 'is on a read-only file system; remount it writable'
      : code === 'EPERM'
        ? `is marked immutable (EPERM); clear that mark (chattr -i ${target} on Linux, chflags nouchg on macOS)`
        : `is read-only; make it writable (chmod u+w ${target})`;
  return new UserError(
    'kubeconfig-readonly',
    `The kubeconfig ${path}${via} ${what} or choose another file with --kubeconfig (nothing was changed).`,
  );
}

function codeOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Refuses before anything is written. A file without any write bit counts as read-only even for
 * root: somebody marked it so on purpose (rename would replace it regardless of its mode).
 */
async function checkWritable(fs: FsNow, path: string, target: string): Promise<Stats | null> {
  const folder = dirname(target);
  const st = await fs.stat(target).catch(() => null);
  try {
    if (!st) await fs.mkdir(folder, { recursive: true, mode: 0o700 });
    await fs.access(folder, constants.W_OK);
  } catch (e) {
    if (isReadOnlyCode(codeOf(e))) throw readOnlyFolder(path, folder, codeOf(e));
    throw e;
  }
  if (!st) return null;
  if ((st.mode & 0o222) === 0) throw readOnlyFile(path, target);
  try {
    await fs.access(target, constants.W_OK);
  } catch (e) {
    if (isReadOnlyCode(codeOf(e))) throw readOnlyFile(path, target, codeOf(e));
    throw e;
  }
  return st;
}
