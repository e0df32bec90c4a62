/**
 * The merged kubeconfig for the app's background checks, parsed again only when a file's bytes
 * change. Parsing keeps every YAML source token (the engine edits files in place), which costs
 * about 260 times the file's size in short-lived objects: 37 MB for a 100-cluster kubeconfig on
 * every check, the largest source of garbage in the soak benchmark (bench/soak). Reading the
 * bytes and comparing them costs one string of the file's size, and the comparison is exact,
 * whatever the file system's timestamps.
 */
import { type MergedKubeconfig, readKubeconfig, readKubeconfigBytes } from '../../core/kubeconfig/index.ts';
import { kubeconfigUserSecrets } from '../../core/secrets/user-fields.ts';

/** The merged view and the users' credentials in it (for redaction), from the same bytes. */
export interface MemoizedKubeconfig {
  merged: MergedKubeconfig;
  secrets: readonly string[];
}

export interface KubeconfigMemo {
  /** The merged view of these files (frozen: every caller shares it); throws as readKubeconfig does. */
  read(paths: readonly string[]): Promise<MemoizedKubeconfig>;
}

type ReadBytes = (path: string) => Promise<string | null>;

export function createKubeconfigMemo(readBytes: ReadBytes = readKubeconfigBytes): KubeconfigMemo {
  let last: { paths: readonly string[]; bytes: readonly (string | null)[]; value: MemoizedKubeconfig } | undefined;
  return {
    async read(paths) {
      const bytes = await Promise.all(paths.map((p) => readBytes(p)));
      if (last && sameItems(last.paths, paths) && sameItems(last.bytes, bytes)) return last.value;
      // The bytes just read are the first ones parsed; a retry (a file kubectl is rewriting) reads
      // again, and the memo remembers what was parsed in the end.
      const pending = new Map(paths.map((p, i) => [p, bytes[i] ?? null]));
      const parsed = new Map<string, string | null>();
      const read = await readKubeconfig(paths, {
        read: async (p) => {
          const b = pending.has(p) ? (pending.get(p) ?? null) : await readBytes(p);
          pending.delete(p);
          parsed.set(p, b);
          return b;
        },
      });
      const value = deepFreeze({ merged: read.merged, secrets: kubeconfigUserSecrets(read.sources) });
      last = { paths: [...paths], bytes: paths.map((p) => parsed.get(p) ?? null), value };
      return value;
    },
  };
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
