import type fsTypes from 'node:fs';
import type { MakeDirectoryOptions, Stats } from 'node:fs';
import { builtin } from '../node-builtins.ts';

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
