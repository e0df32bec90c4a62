import type { Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { builtin } from '../node-builtins.ts';
import { access, lstat, mkdir, open, readlink, rename, stat, unlink } from './fs-now.ts';
import { delay, readKubeconfigBytes, uniqueSuffix } from './io.ts';
import { acquireLock, type HeldLock, readOnlyFolder } from './lock.ts';
import { spliceProvenWithoutYamlLibrary } from './quick-file.ts';
import { type KubeconfigPlan, sourcesAfter } from './types.ts';

// Not an import: see fs-now.ts.
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
  /** `<target>.bak` files holding the previous versions. */
  backups: string[];
}

/**
 * Writes a plan safely:
 * 1. takes kubectl's lock for every file written, in sorted order, waiting up to lockTimeoutMs;
 * 2. re-reads every KUBECONFIG file under the locks and refuses with `kubeconfig-changed` if any
 *    differs from what was planned (the caller re-plans: see setupKubeconfig / switchKubeconfigContext);
 * 3. re-parses the new bytes as kubectl would and checks no context names a missing cluster or user
 *    (a current-context-only edit is checked through its splice, see KubeconfigWrite);
 * 4. per file: keeps the previous version as `<target>.bak`, writes a temp file next to the target
 *    (through symlinks), fsyncs it, renames it over the target and fsyncs the folder, keeping the
 *    mode (0600 for a new file) and, when run as root, the owner;
 * 5. keeps the locks a moment longer (holdLockMs), then removes them if they are still its own.
 * A crash at any point leaves each file either old or new, never partial; a crash also leaves the
 * lock behind, exactly as a crashed kubectl does, and the lock error says how to clear it.
 * Writing several files is not atomic as a whole: a crash between two renames leaves the first
 * one new and the second one old (each of them whole).
 */
export async function applyKubeconfigPlan(plan: KubeconfigPlan, options: ApplyOptions): Promise<ApplyResult> {
  const result: ApplyResult = { written: [], backups: [] };
  if (plan.writes.length === 0) return result;
  const step = async (s: ApplyStep, path: string) => {
    await options.onStep?.(s, path);
  };
  const locks: HeldLock[] = [];
  try {
    for (const path of [...new Set(plan.writes.map((w) => w.path))].sort()) {
      const lockOptions = options.now
        ? { timeoutMs: options.lockTimeoutMs, now: options.now }
        : { timeoutMs: options.lockTimeoutMs };
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
    const targets = await Promise.all(plan.writes.map((w) => writeTarget(w.path)));
    const existing: (Stats | null)[] = [];
    for (let i = 0; i < plan.writes.length; i++) {
      existing.push(await checkWritable(plan.writes[i]?.path ?? '', targets[i] ?? ''));
    }
    for (const write of plan.writes) await step('verified', write.path);
    for (let i = 0; i < plan.writes.length; i++) {
      const write = plan.writes[i];
      const target = targets[i];
      if (!write || !target) continue;
      const st = existing[i];
      const owner = st ? { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid } : { mode: 0o600 };
      if (write.before !== null) {
        // A convenience copy, not the user's config: no fsync of its own. The folder is synced
        // once, after the rename of the kubeconfig itself, which is fsynced before it.
        await writeFileAtomically(`${target}.bak`, write.before, owner, write.path, { sync: false, syncFolder: false });
        result.backups.push(`${target}.bak`);
        await step('backup-written', write.path);
      }
      await writeFileAtomically(target, write.after, owner, write.path, {
        sync: true,
        syncFolder: true,
        afterTemp: () => step('temp-written', write.path),
      });
      result.written.push(write.path);
      await step('renamed', write.path);
    }
    const hold = options.holdLockMs ?? kubectlRaceHoldMs(plan);
    if (hold > 0) await delay(hold);
  } finally {
    for (const lock of locks.reverse()) await lock.release();
  }
  return result;
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
async function writeTarget(path: string): Promise<string> {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let st: Awaited<ReturnType<typeof lstat>>;
    try {
      st = await lstat(current);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return current;
      throw e;
    }
    if (!st.isSymbolicLink()) return current;
    current = resolve(dirname(current), await readlink(current));
  }
  throw new UserError('kubeconfig-invalid', `The kubeconfig ${path} is a symlink loop; point it at a real file.`);
}

function readOnlyFile(path: string, target: string): UserError {
  const via = target === resolve(path) ? '' : ` (a link to ${target})`;
  return new UserError(
    'kubeconfig-readonly',
    `The kubeconfig ${path}${via} is read-only; make it writable (chmod u+w ${target}) or choose another file with --kubeconfig (nothing was changed).`,
  );
}

function isReadOnlyCode(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
}

/**
 * Refuses before anything is written. A file without any write bit counts as read-only even for
 * root: somebody marked it so on purpose (rename would replace it regardless of its mode).
 */
async function checkWritable(path: string, target: string): Promise<Stats | null> {
  const folder = dirname(target);
  const st = await stat(target).catch(() => null);
  try {
    if (!st) await mkdir(folder, { recursive: true, mode: 0o700 });
    await access(folder, constants.W_OK);
  } catch (e) {
    if (isReadOnlyCode(e)) throw readOnlyFolder(path, folder);
    throw e;
  }
  if (!st) return null;
  if ((st.mode & 0o222) === 0) throw readOnlyFile(path, target);
  try {
    await access(target, constants.W_OK);
  } catch (e) {
    if (isReadOnlyCode(e)) throw readOnlyFile(path, target);
    throw e;
  }
  return st;
}

async function writeFileAtomically(
  dest: string,
  data: string,
  owner: { mode: number; uid?: number; gid?: number },
  listedPath: string,
  options: { sync: boolean; syncFolder: boolean; afterTemp?: () => Promise<void> },
): Promise<void> {
  const folder = dirname(dest);
  const temp = join(folder, `.${basename(dest)}.kubezt-${uniqueSuffix()}.tmp`);
  let created = false;
  try {
    // 0600 from the first byte: a kubeconfig holds credentials.
    const fh = await open(temp, 'wx', 0o600);
    created = true;
    try {
      await fh.writeFile(data, 'utf8');
      await fh.chmod(owner.mode);
      // Root editing someone's kubeconfig (sudo) must not hand it over to root.
      const { uid, gid } = owner;
      if (
        uid !== undefined &&
        gid !== undefined &&
        process.getuid?.() === 0 &&
        (uid !== 0 || gid !== process.getgid?.())
      ) {
        await fh.chown(uid, gid).catch(() => {});
      }
      if (options.sync) await fh.sync();
    } finally {
      await fh.close();
    }
    await options.afterTemp?.();
    await rename(temp, dest);
    created = false;
  } catch (e) {
    if (created) await unlink(temp).catch(() => {});
    if (isReadOnlyCode(e)) throw readOnlyFolder(listedPath, folder);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new UserError(
        'kubeconfig-readonly',
        `There is no space left to write the kubeconfig ${listedPath}; free some disk space and try again (nothing was changed).`,
      );
    }
    throw e;
  }
  if (options.syncFolder) await syncFolder(folder);
}

async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(folder, 'r');
  try {
    await fh.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw e;
  } finally {
    await fh.close();
  }
}
