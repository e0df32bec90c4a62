import type fsTypes from 'node:fs';

/**
 * Bounded file reads. Every file kubezt parses is read through here with a cap, so a huge file,
 * or a path such as /dev/zero that never ends, costs at most the cap instead of memory without
 * bound. Synchronous for the same reason as kubeconfig/file-io.ts: a few system calls on small
 * files, and no fs/promises to load at start-up.
 */
const fs = process.getBuiltinModule('node:fs') as typeof fsTypes;

export const MIB = 1024 * 1024;

/**
 * Size caps, in bytes. A kubeconfig of 2,000 contexts with their CAs weighs about 2 MB; the cap
 * is eight times that. A catalog lists clusters by address and weighs a few KB per hundred.
 */
export const LIMITS = {
  kubeconfig: 16 * MIB,
  catalog: 4 * MIB,
  /** A CA bundle, token or client certificate file named by a kubeconfig or the catalog. */
  credentialFile: 1 * MIB,
} as const;

/** Thrown by readFileCapped; the caller words the error for its own file. */
export class FileTooLarge extends Error {
  readonly path: string;
  readonly limit: number;
  constructor(path: string, limit: number) {
    super(`${path} is larger than ${formatBytes(limit)}`);
    this.name = 'FileTooLarge';
    this.path = path;
    this.limit = limit;
  }
}

export function formatBytes(n: number): string {
  return n % MIB === 0 ? `${n / MIB} MiB` : `${n} bytes`;
}

const CHUNK = 64 * 1024;

/**
 * The bytes of `path`, at most `limit` of them; FileTooLarge when there are more. System errors
 * (ENOENT, EACCES, EISDIR...) are thrown as they come, with their `code`.
 */
export function readFileCapped(path: string, limit: number): Buffer {
  const fd = fs.openSync(path, 'r');
  try {
    const st = fs.fstatSync(fd);
    if (st.isFile() && st.size > limit) throw new FileTooLarge(path, limit);
    // A regular file is read in one go; devices and pipes (size 0) in chunks up to the cap.
    let buf = Buffer.allocUnsafe(Math.min(limit + 1, st.isFile() && st.size > 0 ? st.size + 1 : CHUNK));
    let length = 0;
    for (;;) {
      if (length === buf.length) {
        if (length > limit) break;
        const bigger = Buffer.allocUnsafe(Math.min(limit + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, length);
        buf = bigger;
      }
      const n = fs.readSync(fd, buf, length, buf.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > limit) throw new FileTooLarge(path, limit);
    return buf.subarray(0, length);
  } finally {
    fs.closeSync(fd);
  }
}

/** readFileCapped as UTF-8 text (invalid sequences become U+FFFD, as readFileSync(p, 'utf8') does). */
export function readTextCapped(path: string, limit: number): string {
  return readFileCapped(path, limit).toString('utf8');
}
