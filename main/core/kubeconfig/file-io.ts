import type fsTypes from 'node:fs';
import type { MakeDirectoryOptions, Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { builtin } from '../node-builtins.ts';
import { FileTooLarge, formatBytes, LIMITS, readFileCapped } from '../read-capped.ts';

/*
 * Kubeconfig file I/O: which files kubectl would use, their bytes (capped, decoded, with one
 * sentence per failure), the synchronous file system the reader and writer run on, and the small
 * helpers around them (pathExists, uniqueSuffix, delay). Parsing lives elsewhere: this module
 * loads no YAML library, so `kubezt use` pays only for what it runs.
 */

/**
 * The few node:fs/promises calls the kubeconfig reader and writer make, with the same shapes but
 * done synchronously.
 *
 * Why: a kubeconfig read or write is a handful of small system calls. Through fs/promises each
 * is a round trip through libuv's thread pool, and the first one starts the pool and loads the
 * promises API: a cold `kubezt use` paid about 10 ms for that, more than its actual file work,
 * in a command that has to keep up with `kubectl config use-context`. Blocking is harmless in
 * the CLI; in the app a kubeconfig write happens on a user's click and blocks the main process
 * for about as long as its fsync.
 *
 * Synchronous calls also mean a signal handler never runs in the middle of one: between two
 * awaits the files on disk are exactly what the writer has registered for clean-up (cleanup.ts).
 *
 * node:fs comes through node-builtins.ts, not an import (see there why).
 */

/** The synchronous node:fs calls underneath; tests pass a copy with faults injected. */
export type SyncFs = Pick<
  typeof fsTypes,
  | 'openSync'
  | 'writeFileSync'
  | 'writeSync'
  | 'ftruncateSync'
  | 'fchmodSync'
  | 'fchownSync'
  | 'fsyncSync'
  | 'fstatSync'
  | 'closeSync'
  | 'readFileSync'
  | 'accessSync'
  | 'statSync'
  | 'lstatSync'
  | 'readlinkSync'
  | 'renameSync'
  | 'unlinkSync'
  | 'mkdirSync'
  | 'readdirSync'
  | 'chmodSync'
>;

export const nodeSyncFs: SyncFs = builtin('node:fs');

/** Runs `f` now; its result or its exception arrives as a promise, as with fs/promises. */
function now<T>(f: () => T): Promise<T> {
  try {
    return Promise.resolve(f());
  } catch (e) {
    return Promise.reject(e);
  }
}

export interface FileHandleNow {
  readonly fd: number;
  writeFile(data: string, encoding?: BufferEncoding): Promise<void>;
  truncate(length: number): Promise<void>;
  chmod(mode: number): Promise<void>;
  chown(uid: number, gid: number): Promise<void>;
  sync(): Promise<void>;
  stat(): Promise<Stats>;
  close(): Promise<void>;
}

export interface FsNow {
  /** The synchronous calls behind these, for clean-up that must finish before the process exits. */
  readonly sync: SyncFs;
  open(path: string, flags: string, mode?: number): Promise<FileHandleNow>;
  readFile(path: string): Promise<Buffer>;
  readFile(path: string, encoding: BufferEncoding): Promise<string>;
  access(path: string, mode?: number): Promise<void>;
  stat(path: string): Promise<Stats>;
  lstat(path: string): Promise<Stats>;
  readlink(path: string): Promise<string>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string, options: MakeDirectoryOptions): Promise<string | undefined>;
}

export function fsNow(fs: SyncFs = nodeSyncFs): FsNow {
  const handle = (fd: number): FileHandleNow => ({
    fd,
    writeFile: (data, encoding = 'utf8') => now(() => fs.writeFileSync(fd, data, encoding)),
    truncate: (length) => now(() => fs.ftruncateSync(fd, length)),
    chmod: (mode) => now(() => fs.fchmodSync(fd, mode)),
    chown: (uid, gid) => now(() => fs.fchownSync(fd, uid, gid)),
    sync: () => now(() => fs.fsyncSync(fd)),
    stat: () => now(() => fs.fstatSync(fd)),
    close: () => now(() => fs.closeSync(fd)),
  });
  function readFile(path: string): Promise<Buffer>;
  function readFile(path: string, encoding: BufferEncoding): Promise<string>;
  function readFile(path: string, encoding?: BufferEncoding): Promise<Buffer | string> {
    return now(() => (encoding ? fs.readFileSync(path, encoding) : fs.readFileSync(path)));
  }
  return {
    sync: fs,
    open: (path, flags, mode) => now(() => handle(fs.openSync(path, flags, mode))),
    readFile,
    access: (path, mode) => now(() => fs.accessSync(path, mode)),
    stat: (path) => now(() => fs.statSync(path)),
    lstat: (path) => now(() => fs.lstatSync(path)),
    readlink: (path) => now(() => fs.readlinkSync(path)),
    rename: (from, to) => now(() => fs.renameSync(from, to)),
    unlink: (path) => now(() => fs.unlinkSync(path)),
    mkdir: (path, options) => now(() => fs.mkdirSync(path, options)),
  };
}

/** The real file system. */
export const nodeFsNow: FsNow = fsNow();
export const { open, readFile, access, stat, lstat, readlink, rename, unlink, mkdir } = nodeFsNow;

export interface ResolveKubeconfigFilesInput {
  /** `--kubeconfig` or the kubeconfig setting: that one file, nothing else. */
  flag?: string;
  /** The KUBECONFIG environment variable. */
  env?: string;
  homeDir: string;
  /** Relative paths are resolved against this folder (the user's working directory). */
  cwd?: string;
  platform?: NodeJS.Platform;
}

/**
 * The kubeconfig files kubectl would use, in its order: the flag; else KUBECONFIG split on the
 * platform's list separator with empty entries dropped and duplicates removed (client-go's
 * deduplicate); else ~/.kube/config.
 */
export function resolveKubeconfigFiles(input: ResolveKubeconfigFilesInput): string[] {
  const abs = (p: string) => (input.cwd ? resolve(input.cwd, p) : p);
  if (input.flag) return [abs(input.flag)];
  if (input.env) {
    const separator = (input.platform ?? process.platform) === 'win32' ? ';' : ':';
    const seen = new Set<string>();
    const files: string[] = [];
    for (const raw of input.env.split(separator)) {
      if (raw === '' || seen.has(raw)) continue;
      seen.add(raw);
      files.push(abs(raw));
    }
    if (files.length > 0) return files;
  }
  return [join(input.homeDir, '.kube', 'config')];
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The file's text, or null when it does not exist. */
export async function readKubeconfigBytes(path: string): Promise<string | null> {
  let buf: Buffer;
  try {
    buf = readFileCapped(path, LIMITS.kubeconfig);
  } catch (e) {
    if (e instanceof FileTooLarge) {
      throw new UserError(
        'kubeconfig-invalid',
        `The kubeconfig ${path} is larger than ${formatBytes(e.limit)}, kubezt's limit; split it into several files listed in KUBECONFIG (kubezt did not change it).`,
      );
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    if (code === 'EISDIR') {
      throw new UserError(
        'kubeconfig-invalid',
        `The kubeconfig ${path} is a folder, not a file; point kubezt at a kubeconfig file.`,
      );
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new UserError(
        'kubeconfig-invalid',
        `kubezt is not allowed to read the kubeconfig ${path}; fix its permissions (chmod u+rw) and try again.`,
      );
    }
    throw e;
  }
  try {
    return UTF8.decode(buf);
  } catch {
    throw new UserError(
      'kubeconfig-invalid',
      `The kubeconfig ${path} is not valid UTF-8 text, which kubectl cannot read either; restore it from a backup (kubezt did not change it).`,
    );
  }
}

/** Whether something exists at `path` (following symlinks). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * A name part unique enough for temp files and lock nonces. Not a secret: O_EXCL creation
 * guards against a clash. (node:crypto would cost `kubezt use` ~10 ms of startup.)
 */
export function uniqueSuffix(): string {
  return `${process.pid}-${process.hrtime.bigint().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** A pause (lock retries, the post-write hold) without loading node:timers/promises at start-up. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
