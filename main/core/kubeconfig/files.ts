import { access, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isUserError, UserError } from '../errors.ts';
import { lockPathFor } from './lock.ts';
import { buildKubeconfigSet, type KubeconfigSet, type ParsedKubeconfigFile, parseKubeconfigFile } from './parse.ts';

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
    buf = await readFile(path);
  } catch (e) {
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

export interface LoadOptions {
  /** Reads of a file that fails to parse before it is reported as invalid. Default 5. */
  attempts?: number;
  /** How a file is read (tests replay torn reads through this). Default readKubeconfigBytes. */
  read?: (path: string) => Promise<string | null>;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads one file and parses it, retrying when the parse fails and the bytes are still changing:
 * kubectl truncates and rewrites in place, so a read can catch half a file. A file that fails
 * twice with the same bytes is really invalid; kubezt never tries to repair it.
 */
export async function loadKubeconfigFile(
  path: string,
  fileIndex: number,
  options: LoadOptions = {},
): Promise<ParsedKubeconfigFile> {
  const attempts = options.attempts ?? 5;
  const read = options.read ?? readKubeconfigBytes;
  let previous: string | null | undefined;
  for (let attempt = 1; ; attempt++) {
    const bytes = await read(path);
    // An empty file is a valid (empty) kubeconfig, but with kubectl's lock present it is most
    // likely kubectl between truncating and writing: look again before believing it.
    if (bytes === '' && attempt < attempts && (await exists(lockPathFor(path)))) {
      await delay(10 * 2 ** (attempt - 1));
      continue;
    }
    try {
      return parseKubeconfigFile({ path, bytes }, fileIndex);
    } catch (e) {
      if (!isUserError(e) || e.code !== 'kubeconfig-invalid' || bytes === previous || attempt >= attempts) throw e;
      previous = bytes;
      await delay(10 * 2 ** (attempt - 1));
    }
  }
}

/** Reads and parses every file of the KUBECONFIG list (see resolveKubeconfigFiles). */
export async function loadKubeconfig(paths: readonly string[], options: LoadOptions = {}): Promise<KubeconfigSet> {
  if (paths.length === 0) throw new UserError('bad-input', 'No kubeconfig file was given; pass --kubeconfig PATH.');
  const files = await Promise.all(paths.map((p, i) => loadKubeconfigFile(p, i, options)));
  return buildKubeconfigSet(files);
}
