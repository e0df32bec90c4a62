import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.ts';
import { builtin } from '../node-builtins.ts';

const fs = builtin('node:fs');

/**
 * Where the private kubeconfigs of `kubezt shell`, `exec` and `env` live: a per-user folder
 * (`$XDG_RUNTIME_DIR/kubezt`, else `<temp>/kubezt-<uid>`), 0700, each file 0600 with a random
 * name. Synchronous on purpose: removal runs from signal handlers, where nothing may be awaited.
 *
 * File names say who cleans them up:
 * - `run-<pid>-<random>.yaml` (shell, exec): removed by that kubezt process when its child exits
 *   or a signal stops it; a file whose process is gone (SIGKILL) is swept by the next kubezt
 *   that writes one.
 * - `env-<random>.yaml` (env): removed by `kubezt env --unset`, or swept once older than
 *   ENV_FILE_MAX_AGE_MS (by modification time).
 */

export const ENV_FILE_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

export type PrivateFileKind = 'run' | 'env';

export interface RuntimeFolderInput {
  env: Record<string, string | undefined>;
  /** os.tmpdir() */
  tmpDir: string;
  /** process.getuid?.(); undefined on Windows. */
  uid: number | undefined;
}

export function runtimeFolderFor(input: RuntimeFolderInput): string {
  const xdg = input.env.XDG_RUNTIME_DIR;
  if (xdg?.startsWith('/')) return join(xdg, 'kubezt');
  return join(input.tmpDir, `kubezt-${input.uid ?? input.env.USERNAME ?? 'user'}`);
}

/**
 * Creates the folder (0700) or checks the one there: a directory, not a symlink, owned by this
 * user and closed to others. In a shared temp folder another user could have made it first.
 */
export function ensureRuntimeFolder(dir: string, uid: number | undefined): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new UserError(
      'bad-input',
      `kubezt cannot create its private folder ${dir} (${(e as NodeJS.ErrnoException).code ?? 'error'}); set XDG_RUNTIME_DIR to a folder of yours.`,
    );
  }
  const st = fs.lstatSync(dir);
  const foreign = uid !== undefined && st.uid !== uid;
  if (!st.isDirectory() || foreign || (uid !== undefined && (st.mode & 0o077) !== 0)) {
    throw new UserError(
      'bad-input',
      `kubezt will not keep credentials in ${dir}: it must be a folder of yours that only you can open (mode 0700); remove it or set XDG_RUNTIME_DIR to a folder of yours.`,
    );
  }
}

function fileName(kind: PrivateFileKind, pid: number): string {
  const random = randomBytes(12).toString('hex');
  return kind === 'run' ? `run-${pid}-${random}.yaml` : `env-${random}.yaml`;
}

/** Writes a new private file (exclusive create, 0600) and returns its path. */
export function writePrivateFile(dir: string, kind: PrivateFileKind, bytes: string, pid: number): string {
  const path = join(dir, fileName(kind, pid));
  const fd = fs.openSync(path, 'wx', 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeFileSync(fd, bytes);
  } finally {
    fs.closeSync(fd);
  }
  return path;
}

/** Replaces a private file's content at once (a temp file renamed over it), keeping its path. */
export function replacePrivateFile(path: string, bytes: string): void {
  const temp = join(dirname(path), `.tmp-${randomBytes(8).toString('hex')}`);
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeFileSync(fd, bytes);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(temp, path);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw e;
  }
}

export function removePrivateFile(path: string): void {
  try {
    fs.rmSync(path, { force: true });
  } catch {
    // Best effort: a sweep removes what is left.
  }
}

/** The kind of a private file kubezt wrote in `dir`; null for any other path. */
export function privateFileKind(dir: string, path: string | undefined): PrivateFileKind | null {
  if (!path || dirname(path) !== dir) return null;
  const name = basename(path);
  if (/^run-\d+-[0-9a-f]{24}\.yaml$/.test(name)) return 'run';
  if (/^env-[0-9a-f]{24}\.yaml$/.test(name)) return 'env';
  return null;
}

export interface SweepInput {
  now: number;
  /** Whether a process id is still running. */
  isAlive(pid: number): boolean;
}

/** Removes run files whose kubezt is gone and env files past their age; returns what it removed. */
export function sweepPrivateFiles(dir: string, input: SweepInput): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const run = /^run-(\d+)-[0-9a-f]{24}\.yaml$/.exec(name);
    let stale = false;
    if (run) stale = !input.isAlive(Number(run[1]));
    else if (/^env-[0-9a-f]{24}\.yaml$/.test(name)) {
      try {
        stale = input.now - fs.statSync(path).mtimeMs > ENV_FILE_MAX_AGE_MS;
      } catch {}
    }
    if (stale) {
      removePrivateFile(path);
      removed.push(path);
    }
  }
  return removed;
}

/** process.kill(pid, 0): ESRCH means gone; EPERM means alive under another user. */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
