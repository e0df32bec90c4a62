import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { UserError } from '../errors.ts';
import { noWriteCleanup, type WriteCleanup } from './cleanup.ts';
import { delay, type FileHandleNow, type FsNow, nodeFsNow, uniqueSuffix } from './file-io.ts';

/**
 * kubectl's lock: `<path-as-listed>.lock`, created with O_EXCL (client-go's lockFile). kubectl
 * itself fails at once when the lock exists; kubezt waits for it with a bound. A lock is removed
 * only by the process that created it, and only if it is still the same file (inode and content).
 *
 * A lock left by a kubezt that was killed (SIGKILL, power loss) is never removed automatically:
 * its pid may belong to another pid namespace (a container sharing the kubeconfig), where it
 * looks dead while it is writing. kubezt stops waiting for it at once and says how to clear it.
 */

export interface HeldLock {
  readonly lockPath: string;
  release(): Promise<void>;
}

export interface LockOptions {
  timeoutMs: number;
  now?: () => number;
  /** The file system (tests inject faults). */
  fs?: FsNow;
  /** Where the lock is registered while held, so a signal handler can remove it. */
  cleanup?: WriteCleanup;
}

export function lockPathFor(path: string): string {
  return `${path}.lock`;
}

function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function isReadOnlyError(code: string | undefined): boolean {
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
}

const MARK = /^kubezt pid (\d+) host (.*)$/m;

type LockOwner = { pid: number; running: boolean } | null;

/** The kubezt process on this host that wrote the lock, if any, and whether it still runs. */
async function lockOwner(fs: FsNow, lockPath: string): Promise<LockOwner> {
  let text: string;
  try {
    text = await fs.readFile(lockPath, 'utf8');
  } catch {
    return null;
  }
  const m = MARK.exec(text);
  if (!m || m[2] !== hostname()) return null;
  const pid = Number(m[1]);
  try {
    process.kill(pid, 0);
    return { pid, running: true };
  } catch (e) {
    // EPERM: it runs, as another user.
    return errorCode(e) === 'ESRCH' ? { pid, running: false } : { pid, running: true };
  }
}

function staleLockError(path: string, lockPath: string, pid: number): UserError {
  return new UserError(
    'kubeconfig-locked',
    `The kubeconfig ${path} is locked by ${lockPath}, left by kubezt process ${pid}, which was stopped in the middle of a write and is no longer running; if no kubectl or kubezt is writing ${path} now, delete ${lockPath} and try again (kubezt changed nothing).`,
  );
}

async function createLockFile(fs: FsNow, lockPath: string): Promise<FileHandleNow> {
  try {
    return await fs.open(lockPath, 'wx', 0o600);
  } catch (e) {
    if (errorCode(e) !== 'ENOENT') throw e;
    // client-go creates the folder before locking, so a first kubeconfig in a new ~/.kube works.
    await fs.mkdir(dirname(lockPath), { recursive: true, mode: 0o700 });
    return fs.open(lockPath, 'wx', 0o600);
  }
}

export async function acquireLock(path: string, options: LockOptions): Promise<HeldLock> {
  const fs = options.fs ?? nodeFsNow;
  const now = options.now ?? Date.now;
  const lockPath = lockPathFor(path);
  const deadline = now() + options.timeoutMs;
  for (let attempt = 0; ; attempt++) {
    let fh: FileHandleNow;
    try {
      fh = await createLockFile(fs, lockPath);
    } catch (e) {
      const code = errorCode(e);
      if (isReadOnlyError(code)) throw readOnlyFolder(path, dirname(lockPath), code);
      if (code !== 'EEXIST') throw writeFailed(`the lock file ${lockPath} of the kubeconfig ${path}`, e);
      const owner = attempt === 0 ? await lockOwner(fs, lockPath) : null;
      if (owner && !owner.running) throw staleLockError(path, lockPath, owner.pid);
      const remaining = deadline - now();
      if (remaining <= 0) throw await lockTimeout(fs, path, lockPath, options.timeoutMs);
      await delay(Math.min(remaining, 5 * 2 ** Math.min(attempt, 5)));
      continue;
    }
    return holdLock(fs, path, lockPath, fh, options.cleanup ?? noWriteCleanup);
  }
}

async function lockTimeout(fs: FsNow, path: string, lockPath: string, timeoutMs: number): Promise<UserError> {
  const owner = await lockOwner(fs, lockPath);
  if (owner && !owner.running) return staleLockError(path, lockPath, owner.pid);
  const note = owner ? ` (kubezt process ${owner.pid} holds it)` : '';
  const seconds = Math.round(timeoutMs / 100) / 10;
  return new UserError(
    'kubeconfig-locked',
    `The kubeconfig ${path} is locked by ${lockPath}, which stayed in place for ${seconds} s${note}; another kubectl or kubezt may be writing it, so wait for it to finish, or if none is running delete ${lockPath} and try again.`,
  );
}

/**
 * Writes our mark into the lock just created. From the moment the file exists until it is
 * released, it is registered with `cleanup`, and every error path removes it.
 */
async function holdLock(
  fs: FsNow,
  path: string,
  lockPath: string,
  fh: FileHandleNow,
  cleanup: WriteCleanup,
): Promise<HeldLock> {
  // A nonce, because inode numbers are reused at once: a lock someone deleted and recreated
  // can have our inode, but never our content.
  const mark = `kubezt pid ${process.pid} host ${hostname()}\nnonce ${uniqueSuffix()}\n`;
  let ino: number | undefined;
  let marked = false;
  /** Whether the lock file is still the one we created: same inode, and our mark (or, before the mark is complete, a prefix of it). */
  const ours = (): boolean => {
    const st = fs.sync.statSync(lockPath);
    if (ino !== undefined && st.ino !== ino) return false;
    const text = fs.sync.readFileSync(lockPath, 'utf8');
    return marked ? text === mark : mark.startsWith(text);
  };
  const removeIfOurs = (): void => {
    try {
      if (ours()) fs.sync.unlinkSync(lockPath);
    } catch (e) {
      if (errorCode(e) !== 'ENOENT') throw e;
    }
  };
  const unregister = cleanup.register(() => {
    try {
      removeIfOurs();
    } catch {}
  });
  try {
    try {
      ino = (await fh.stat()).ino;
      await fh.writeFile(mark);
      marked = true;
    } finally {
      await fh.close();
    }
  } catch (e) {
    try {
      removeIfOurs();
    } catch {}
    unregister();
    throw writeFailed(`the lock file ${lockPath} of the kubeconfig ${path}`, e);
  }
  return {
    lockPath,
    async release() {
      try {
        // Someone removed our lock and another writer took it: theirs now, leave it.
        removeIfOurs();
      } finally {
        unregister();
      }
    },
  };
}

/**
 * A write that failed for lack of room, or an I/O error, as one sentence; other errors pass
 * through. `what` names the file: "the kubeconfig X", "the lock file X.lock of the kubeconfig X".
 */
export function writeFailed(what: string, e: unknown): unknown {
  const code = errorCode(e);
  if (code === 'ENOSPC') {
    return new UserError(
      'kubeconfig-readonly',
      `There is no space left to write ${what}; free some space on its disk and try again (nothing was changed).`,
      { cause: e },
    );
  }
  if (code === 'EDQUOT') {
    return new UserError(
      'kubeconfig-readonly',
      `Your disk quota is used up, so kubezt cannot write ${what}; free some space and try again (nothing was changed).`,
      { cause: e },
    );
  }
  if (code === 'EIO') {
    return new UserError(
      'kubeconfig-readonly',
      `The disk reported an I/O error (EIO) while kubezt wrote ${what}; check that disk and try again (nothing was changed).`,
      { cause: e },
    );
  }
  return e;
}

export function readOnlyFolder(path: string, folder: string, code?: string): UserError {
  const why =
    code === 'EROFS'
      ? ', because it is on a read-only file system; remount it writable'
      : code === 'EPERM'
        ? `, because it is marked immutable (EPERM); clear that mark (chattr -i ${folder} on Linux, chflags nouchg on macOS)`
        : '; make that folder writable';
  return new UserError(
    'kubeconfig-readonly',
    `kubezt cannot create files in ${folder}, the folder of the kubeconfig ${path}${why} or choose another file with --kubeconfig (nothing was changed).`,
  );
}
