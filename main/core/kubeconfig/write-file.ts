import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.ts';
import type { WriteCleanup } from './cleanup.ts';
import type { FsNow } from './file-io.ts';
import { delay, uniqueSuffix } from './file-io.ts';
import { readOnlyFolder, writeFailed } from './lock.ts';

/**
 * One file's atomic replacement: a temp file next to the target, fsynced, renamed over it. Where
 * rename cannot replace the target (a file bind mount, as Docker and Kubernetes mount a kubeconfig
 * into a container), the bytes are written in place, as kubectl always writes, and read back.
 */

export interface FileOwner {
  mode: number;
  uid?: number;
  gid?: number;
}

export interface WriteFileOptions {
  fs: FsNow;
  cleanup: WriteCleanup;
  platform: NodeJS.Platform;
  /** The path as the user listed it, for messages. */
  listedPath: string;
  /** Runs once the temp file is complete, before the rename (crash tests stop the writer there). */
  afterTemp?: () => Promise<void>;
  /** The target's bytes now (null: it does not exist): an in-place write that fails puts them back. */
  previous: string | null;
}

/**
 * Windows refuses a rename while another process (an editor, an antivirus scanner, a second
 * kubectl reading) has the target open: EPERM or EBUSY, which clears in a moment. About 0.3 s in all.
 */
export const RENAME_RETRY_DELAYS_MS: readonly number[] = [10, 20, 40, 80, 160];

function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

export function isReadOnlyCode(code: string | undefined): boolean {
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
}

export async function writeFileAtomically(
  dest: string,
  data: string,
  owner: FileOwner,
  options: WriteFileOptions,
): Promise<void> {
  const { fs, listedPath } = options;
  const folder = dirname(dest);
  const temp = join(folder, `.${basename(dest)}.kubezt-${uniqueSuffix()}.tmp`);
  let unregister: (() => void) | undefined;
  const removeTemp = () => {
    try {
      fs.sync.unlinkSync(temp);
    } catch {}
    unregister?.();
    unregister = undefined;
  };
  try {
    // 0600 from the first byte: a kubeconfig holds credentials.
    const fh = await fs.open(temp, 'wx', 0o600);
    // The name is unique to this process, so whatever is at it until the rename is ours.
    unregister = options.cleanup.register(() => {
      try {
        fs.sync.unlinkSync(temp);
      } catch {}
    });
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
      await fh.sync();
    } finally {
      await fh.close();
    }
    await options.afterTemp?.();
    const renamed = await renameOrWriteInPlace(temp, dest, data, options);
    if (renamed) {
      unregister?.();
      unregister = undefined;
    } else {
      removeTemp();
    }
  } catch (e) {
    if (unregister) removeTemp();
    throw writeError(e, listedPath, folder);
  }
  await syncFolder(fs, folder, options.platform);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errorCode(e) === 'EPERM';
  }
}

/**
 * Removes the temp files a killed kubezt (SIGKILL, power loss) left beside `dest`. Called with the
 * kubeconfig's lock held, so no live writer of this file can own one; the pid in the name must
 * also be gone, in case the same file is reached through another path and locked as that.
 */
export function removeDeadWritersTemps(fs: FsNow, dest: string): void {
  const prefix = `.${basename(dest)}.kubezt-`;
  let names: string[];
  try {
    names = fs.sync.readdirSync(dirname(dest));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = /^(\d+)-[0-9a-z]+-[0-9a-z]+\.tmp$/.exec(name.slice(prefix.length))?.[1];
    if (!pid || Number(pid) === process.pid || isRunning(Number(pid))) continue;
    try {
      fs.sync.unlinkSync(join(dirname(dest), name));
    } catch {}
  }
}

function writeError(e: unknown, listedPath: string, folder: string): unknown {
  if (e instanceof UserError) return e;
  const code = errorCode(e);
  if (isReadOnlyCode(code)) return readOnlyFolder(listedPath, folder, code);
  return writeFailed(`the kubeconfig ${listedPath}`, e);
}

/**
 * Renames `temp` over `dest`; true when it did, false when it wrote `dest` in place instead.
 * On Windows EPERM and EBUSY are retried with a bounded backoff. EBUSY that stays means the
 * target is a mount point (Linux returns it at once and for good for a file bind mount).
 */
async function renameOrWriteInPlace(
  temp: string,
  dest: string,
  data: string,
  options: WriteFileOptions,
): Promise<boolean> {
  const retrying = options.platform === 'win32';
  for (let attempt = 0; ; attempt++) {
    try {
      await options.fs.rename(temp, dest);
      return true;
    } catch (e) {
      const code = errorCode(e);
      const wait = RENAME_RETRY_DELAYS_MS[attempt];
      if (retrying && (code === 'EPERM' || code === 'EBUSY') && wait !== undefined) {
        await delay(wait);
        continue;
      }
      if (retrying && code === 'EPERM') throw inUse(options.listedPath);
      if (code !== 'EBUSY') throw e;
      await writeInPlace(dest, data, options);
      return false;
    }
  }
}

function inUse(listedPath: string): UserError {
  const seconds = RENAME_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0) / 1000;
  return new UserError(
    'kubeconfig-readonly',
    `Windows did not let kubezt replace the kubeconfig ${listedPath} for ${seconds} s because another program has it open; close that program (an editor, a sync or antivirus tool) and try again (nothing was changed).`,
  );
}

/**
 * kubectl's own way (it truncates and writes): here the new bytes go over the old from offset 0
 * and the file is cut to their length afterwards, so a reader sees a short file for no longer than
 * the write. A write that fails half way (a full disk) puts the previous bytes back, which fit
 * where they were. Then the file is read back: a mount that drops or mangles writes is reported.
 */
async function writeInPlace(dest: string, data: string, options: WriteFileOptions): Promise<void> {
  const overwrite = async (bytes: string) => {
    const fh = await options.fs.open(dest, 'r+');
    try {
      await fh.writeFile(bytes, 'utf8');
      await fh.truncate(Buffer.byteLength(bytes, 'utf8'));
      await fh.sync();
    } finally {
      await fh.close();
    }
  };
  try {
    await overwrite(data);
  } catch (e) {
    if (options.previous !== null) await overwrite(options.previous).catch(() => {});
    throw e;
  }
  const back = await options.fs.readFile(dest, 'utf8');
  if (back !== data) {
    throw new UserError(
      'kubeconfig-readonly',
      `The kubeconfig ${options.listedPath} is a mount point that kubezt had to write in place, and reading it back did not give what was written; check that mount (it may be read-only or full), and if the file is damaged put it back from a backup ("kubezt restore --list").`,
    );
  }
}

async function syncFolder(fs: FsNow, folder: string, platform: NodeJS.Platform): Promise<void> {
  if (platform === 'win32') return;
  const fh = await fs.open(folder, 'r');
  try {
    await fh.sync();
  } catch (e) {
    const code = errorCode(e);
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw e;
  } finally {
    await fh.close();
  }
}
