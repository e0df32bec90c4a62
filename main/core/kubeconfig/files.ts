import { isUserError, UserError } from '../errors.ts';
import { delay, pathExists, readKubeconfigBytes } from './file-io.ts';
import { lockPathFor } from './lock.ts';
import { buildKubeconfigSet, type KubeconfigSet, type ParsedKubeconfigFile, parseKubeconfigFile } from './parse.ts';

export { type ResolveKubeconfigFilesInput, readKubeconfigBytes, resolveKubeconfigFiles } from './file-io.ts';

export interface LoadOptions {
  /** Reads of a file that fails to parse before it is reported as invalid. Default 5. */
  attempts?: number;
  /** How a file is read (tests replay torn reads through this). Default readKubeconfigBytes. */
  read?: (path: string) => Promise<string | null>;
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

/** Reads and parses every file of the KUBECONFIG list (see resolveKubeconfigFiles). */
export async function loadKubeconfig(paths: readonly string[], options: LoadOptions = {}): Promise<KubeconfigSet> {
  if (paths.length === 0) throw new UserError('bad-input', 'No kubeconfig file was given; pass --kubeconfig PATH.');
  const files = await Promise.all(paths.map((p, i) => loadKubeconfigFile(p, i, options)));
  return buildKubeconfigSet(files);
}
