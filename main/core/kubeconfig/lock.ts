import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { UserError } from '../errors.ts';
import { mkdir, open, readFile, stat, unlink } from './fs-now.ts';
import { delay, uniqueSuffix } from './io.ts';

/**
 * kubectl's lock: `<path-as-listed>.lock`, created with O_EXCL (client-go's lockFile). kubectl
 * itself fails at once when the lock exists; kubezt waits for it with a bound. A lock is removed
 * only by the process that created it, and only if it is still the same file (inode).
 */

export interface HeldLock {
  readonly lockPath: string;
  release(): Promise<void>;
}

export interface LockOptions {
  timeoutMs: number;
  now?: () => number;
}

export function lockPathFor(path: string): string {
  return `${path}.lock`;
}

function isReadOnlyError(code: string | undefined): boolean {
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
}

const MARK = /^kubezt pid (\d+) host (.*)$/m;

async function lockOwnerNote(lockPath: string): Promise<string> {
  try {
    const text = await readFile(lockPath, 'utf8');
    const m = MARK.exec(text);
    if (!m || m[2] !== hostname()) return '';
    const pid = Number(m[1]);
    try {
      process.kill(pid, 0);
      return ` (kubezt process ${pid} holds it)`;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') {
        return ` (it was left by kubezt process ${pid}, which is no longer running)`;
      }
      return '';
    }
  } catch {
    return '';
  }
}

export async function acquireLock(path: string, options: LockOptions): Promise<HeldLock> {
  const now = options.now ?? Date.now;
  const lockPath = lockPathFor(path);
  const deadline = now() + options.timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(lockPath, 'wx', 0o600).catch(async (e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
        // client-go creates the folder before locking, so a first kubeconfig in a new ~/.kube works.
        await mkdir(dirname(lockPath), { recursive: true, mode: 0o700 });
        return open(lockPath, 'wx', 0o600);
      });
      // A nonce, because inode numbers are reused at once: a lock someone deleted and recreated
      // can have our inode, but never our content.
      const mark = `kubezt pid ${process.pid} host ${hostname()}\nnonce ${uniqueSuffix()}\n`;
      let ino: number;
      try {
        await fh.writeFile(mark);
        ino = (await fh.stat()).ino;
      } finally {
        await fh.close();
      }
      return {
        lockPath,
        async release() {
          try {
            const [st, text] = await Promise.all([stat(lockPath), readFile(lockPath, 'utf8')]);
            // Someone removed our lock and another writer took it: theirs now, leave it.
            if (st.ino === ino && text === mark) await unlink(lockPath);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
          }
        },
      };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (isReadOnlyError(code)) throw readOnlyFolder(path, dirname(lockPath));
      if (code !== 'EEXIST') throw e;
    }
    const remaining = deadline - now();
    if (remaining <= 0) {
      const note = await lockOwnerNote(lockPath);
      const seconds = Math.round(options.timeoutMs / 100) / 10;
      throw new UserError(
        'kubeconfig-locked',
        `The kubeconfig ${path} is locked by ${lockPath}, which stayed in place for ${seconds} s${note}; another kubectl or kubezt may be writing it, so wait for it to finish, or if none is running delete ${lockPath} and try again.`,
      );
    }
    await delay(Math.min(remaining, 5 * 2 ** Math.min(attempt, 5)));
  }
}

export function readOnlyFolder(path: string, folder: string): UserError {
  return new UserError(
    'kubeconfig-readonly',
    `kubezt cannot create files in ${folder}, the folder of the kubeconfig ${path}; make that folder writable or choose another file with --kubeconfig (nothing was changed).`,
  );
}
