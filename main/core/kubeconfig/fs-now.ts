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
 * node:fs comes through process.getBuiltinModule, not an import: the ES module facade of node:fs
 * evaluates every export, including the lazy `promises`, which loads fs/promises, readline and
 * streams (a few ms). The same holds for node:util.
 */
const fs = builtin('node:fs');

/** Runs `f` now; its result or its exception arrives as a promise, as with fs/promises. */
function now<T>(f: () => T): Promise<T> {
  try {
    return Promise.resolve(f());
  } catch (e) {
    return Promise.reject(e);
  }
}

export interface FileHandleNow {
  writeFile(data: string, encoding?: BufferEncoding): Promise<void>;
  chmod(mode: number): Promise<void>;
  chown(uid: number, gid: number): Promise<void>;
  sync(): Promise<void>;
  stat(): Promise<Stats>;
  close(): Promise<void>;
}

function handle(fd: number): FileHandleNow {
  return {
    writeFile: (data, encoding = 'utf8') => now(() => fs.writeFileSync(fd, data, encoding)),
    chmod: (mode) => now(() => fs.fchmodSync(fd, mode)),
    chown: (uid, gid) => now(() => fs.fchownSync(fd, uid, gid)),
    sync: () => now(() => fs.fsyncSync(fd)),
    stat: () => now(() => fs.fstatSync(fd)),
    close: () => now(() => fs.closeSync(fd)),
  };
}

export const open = (path: string, flags: string, mode?: number): Promise<FileHandleNow> =>
  now(() => handle(fs.openSync(path, flags, mode)));

export function readFile(path: string): Promise<Buffer>;
export function readFile(path: string, encoding: BufferEncoding): Promise<string>;
export function readFile(path: string, encoding?: BufferEncoding): Promise<Buffer | string> {
  return now(() => (encoding ? fs.readFileSync(path, encoding) : fs.readFileSync(path)));
}

export const access = (path: string, mode?: number): Promise<void> => now(() => fs.accessSync(path, mode));
export const stat = (path: string): Promise<Stats> => now(() => fs.statSync(path));
export const lstat = (path: string): Promise<Stats> => now(() => fs.lstatSync(path));
export const readlink = (path: string): Promise<string> => now(() => fs.readlinkSync(path));
export const rename = (from: string, to: string): Promise<void> => now(() => fs.renameSync(from, to));
export const unlink = (path: string): Promise<void> => now(() => fs.unlinkSync(path));
export const mkdir = (path: string, options: MakeDirectoryOptions): Promise<string | undefined> =>
  now(() => fs.mkdirSync(path, options));
