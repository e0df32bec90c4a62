/**
 * Reading the kubeconfig: the one entry point for everything outside the engine that wants the
 * merged kubeconfig (probes, diagnostics, setup, the app). It picks how to read:
 *
 * - the fast strategies (read-fast.ts: the block recognizer for the files kubectl writes, else
 *   js-yaml), when only the merged model is needed and every file reads the plain way;
 * - the full path (the yaml Document API, read-full.ts), for anything unusual, which it reports
 *   precisely, and whenever the caller needs the parsed documents to plan a write.
 *
 * This module loads no YAML library until the full path is taken: `kubezt check` on a plain
 * kubeconfig never pays for the Document API.
 */
import { isUserError, UserError } from '../errors.ts';
import { delay, pathExists, readKubeconfigBytes } from './file-io.ts';
import { lockPathFor } from './lock.ts';
import type { MergedKubeconfig } from './merged.ts';
import type { KubeconfigSet, ParsedKubeconfigFile } from './parse.ts';
import { quickMergedKubeconfig } from './read-fast.ts';
import type { KubeconfigSource } from './types.ts';

type ReadBytes = (path: string) => Promise<string | null>;

export interface LoadOptions {
  /** Reads of a file that fails to parse before it is reported as invalid. Default 5. */
  attempts?: number;
  /** How a file is read (tests replay torn reads through this). Default readKubeconfigBytes. */
  read?: ReadBytes;
}

export interface ReadKubeconfigOptions extends LoadOptions {
  /**
   * `merged` (default): the merged model, the fast way when the files allow it.
   * `documents`: also the parsed documents (`set`), which planning a write needs.
   */
  need?: 'merged' | 'documents';
}

export interface KubeconfigRead {
  merged: MergedKubeconfig;
  /** The bytes the model was read from, in KUBECONFIG order (for the credentials to redact). */
  sources: KubeconfigSource[];
  /** The parsed documents; always present with `need: 'documents'`. */
  set?: KubeconfigSet;
}

/** The merged kubeconfig of these files (KUBECONFIG order); invalid files are `UserError`s. */
export async function readKubeconfig(
  paths: readonly string[],
  options: ReadKubeconfigOptions & { need: 'documents' },
): Promise<KubeconfigRead & { set: KubeconfigSet }>;
export async function readKubeconfig(
  paths: readonly string[],
  options?: ReadKubeconfigOptions,
): Promise<KubeconfigRead>;
export async function readKubeconfig(
  paths: readonly string[],
  options: ReadKubeconfigOptions = {},
): Promise<KubeconfigRead> {
  if (options.need !== 'documents') {
    const read = options.read ?? readKubeconfigBytes;
    const sources = await Promise.all(paths.map(async (path) => ({ path, bytes: await read(path) })));
    // An empty file may be kubectl between truncating and rewriting: the full path waits that out.
    const merged = sources.some((s) => s.bytes === '') ? null : quickMergedKubeconfig(sources);
    if (merged) return { merged, sources };
    // The bytes just read are the first ones the full path parses, so nothing is read twice.
    const pending = new Map(sources.map((s) => [s.path, s.bytes]));
    options = {
      ...options,
      read: async (p) => {
        const bytes = pending.has(p) ? (pending.get(p) ?? null) : await read(p);
        pending.delete(p);
        return bytes;
      },
    };
  }
  const { attempts, read } = options;
  const set = await loadKubeconfig(paths, { ...(attempts ? { attempts } : {}), ...(read ? { read } : {}) });
  const { readMergedKubeconfig } = await import('./read-full.ts');
  return { merged: readMergedKubeconfig(set), sources: set.files.map((f) => ({ path: f.path, bytes: f.bytes })), set };
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
  const { parseKubeconfigFile } = await import('./parse.ts');
  const attempts = options.attempts ?? 5;
  const read = options.read ?? readKubeconfigBytes;
  let previous: string | null | undefined;
  for (let attempt = 1; ; attempt++) {
    const bytes = await read(path);
    // An empty file is a valid (empty) kubeconfig, but with kubectl's lock present it is most
    // likely kubectl between truncating and writing: look again before believing it.
    if (bytes === '' && attempt < attempts && (await pathExists(lockPathFor(path)))) {
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

/**
 * Reads and parses every file of the KUBECONFIG list into the documents the engine plans writes
 * on (see resolveKubeconfigFiles). Readers of the merged model use readKubeconfig.
 */
export async function loadKubeconfig(paths: readonly string[], options: LoadOptions = {}): Promise<KubeconfigSet> {
  if (paths.length === 0) throw new UserError('bad-input', 'No kubeconfig file was given; pass --kubeconfig PATH.');
  const files = await Promise.all(paths.map((p, i) => loadKubeconfigFile(p, i, options)));
  const { buildKubeconfigSet } = await import('./parse.ts');
  return buildKubeconfigSet(files);
}
