import { join, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { FileTooLarge, formatBytes, LIMITS, readFileCapped } from '../read-capped.ts';
import { access } from './fs-now.ts';

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
