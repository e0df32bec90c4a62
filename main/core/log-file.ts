import { appendFileSync, chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LogSink } from './log.ts';

export const LOG_FILE_NAME = 'kubezt.log';
export const DEFAULT_LOG_MAX_BYTES = 1024 * 1024;
/** The current file and two older ones. */
export const DEFAULT_LOG_FILES = 3;

export interface RotatingFileSink extends LogSink {
  /** The current file. */
  readonly path: string;
  readonly dir: string;
  /** The last `n` lines over the current file and the rotated ones, oldest first. */
  tail(n: number): string[];
}

/**
 * A size-based rotating log: `kubezt.log` grows to `maxBytes`, then becomes `kubezt.log.1` (the
 * older ones shift, the oldest beyond `files` is removed). Files are owner-only (0600): a log
 * names servers, contexts and users. Writes are synchronous and small, so the last lines before a
 * crash are on disk.
 */
export function createRotatingFileSink(opts: {
  dir: string;
  name?: string;
  maxBytes?: number;
  files?: number;
}): RotatingFileSink {
  const name = opts.name ?? LOG_FILE_NAME;
  const maxBytes = Math.max(1, opts.maxBytes ?? DEFAULT_LOG_MAX_BYTES);
  const files = Math.max(1, Math.floor(opts.files ?? DEFAULT_LOG_FILES));
  const file = (i: number) => join(opts.dir, i === 0 ? name : `${name}.${i}`);
  const sizeOf = (path: string) => {
    try {
      return statSync(path).size;
    } catch {
      return 0;
    }
  };
  let size: number | undefined;

  const rotate = () => {
    rmSync(file(files - 1), { force: true });
    for (let i = files - 2; i >= 0; i--) {
      try {
        renameSync(file(i), file(i + 1));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    size = 0;
  };

  return {
    path: file(0),
    dir: opts.dir,
    write(line) {
      const text = `${line}\n`;
      const bytes = Buffer.byteLength(text);
      if (size === undefined) {
        mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
        size = sizeOf(file(0));
        // A file left by an older version, or created by hand, is narrowed once.
        if (size > 0) chmodSync(file(0), 0o600);
      }
      if (size > 0 && size + bytes > maxBytes) rotate();
      appendFileSync(file(0), text, { mode: 0o600 });
      size += bytes;
    },
    tail(n) {
      const out: string[] = [];
      for (let i = 0; i < files && out.length < n; i++) {
        let text: string;
        try {
          text = readFileSync(file(i), 'utf8');
        } catch {
          continue;
        }
        const lines = text.split('\n').filter((l) => l.length > 0);
        out.unshift(...lines.slice(Math.max(0, lines.length - (n - out.length))));
      }
      return out;
    },
  };
}
