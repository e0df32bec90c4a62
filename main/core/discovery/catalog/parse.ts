import { dirname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { UserError } from '../../errors.ts';
import { oneLine } from '../../message-text.ts';
import type { ClusterEntry } from '../../model/cluster.ts';
import { FileTooLarge, LIMITS, readTextCapped } from '../../read-capped.ts';
import { indexYamlDocument } from '../../yaml-guard.ts';
import { CATALOG_GUARD, tooLarge } from '../catalog-limits.ts';
import { CatalogError } from './errors.ts';
import { CatalogReader } from './reader.ts';

export interface ParseCatalogOptions {
  /** Reads a `certificateAuthority` file, given its absolute path; throw when it cannot be read. */
  readCaFile(path: string): string;
}

export interface LoadCatalogOptions {
  readFile?: (path: string) => Promise<string>;
  readCaFile?: (path: string) => string;
}

/** Reads and parses a catalog file; relative paths inside it are resolved against its folder. */
export async function loadCatalog(path: string, opts: LoadCatalogOptions = {}): Promise<ClusterEntry[]> {
  const readFile = opts.readFile ?? (async (p: string) => readTextCapped(p, LIMITS.catalog));
  let text: string;
  try {
    text = await readFile(path);
  } catch (e) {
    if (e instanceof FileTooLarge) throw tooLarge(path, e.limit);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UserError(
        'not-found',
        `The catalog file ${path} does not exist; fix KUBEZT_CATALOG or the catalogPath setting.`,
        { cause: e },
      );
    }
    throw new UserError(
      'catalog-invalid',
      `The catalog file ${path} cannot be read (${code ?? (e as Error).message}); check that it is a readable file.`,
      { cause: e },
    );
  }
  return parseCatalog(text, path, {
    readCaFile: opts.readCaFile ?? ((p) => readTextCapped(p, LIMITS.credentialFile)),
  });
}

export function parseCatalog(text: string, file: string, opts: ParseCatalogOptions): ClusterEntry[] {
  if (text.length > LIMITS.catalog) throw tooLarge(file, LIMITS.catalog);
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, {
      lineCounter,
      // Every scalar stays a string, so types are decided here (and `no`/`on`/`0x10` never surprise).
      schema: 'failsafe',
      // Both cost quadratic time on hostile input (every key compared with every other; each error
      // copying its whole line): indexYamlDocument finds duplicate keys, lineCounter places errors.
      uniqueKeys: false,
      prettyErrors: false,
    });
  } catch (e) {
    // The parser recurses per level of nesting and can run out of stack (`a: a: a: ...`).
    if (!(e instanceof RangeError)) throw e;
    throw new CatalogError(file, [
      { line: 1, message: `${oneLine(file)} line 1: lists and mappings nest too deeply to read; flatten them.` },
    ]);
  }
  const index = indexYamlDocument(doc, CATALOG_GUARD);
  const reader = new CatalogReader(doc, index, lineCounter, file, dirname(file), opts);
  const entries = reader.read();
  if (reader.issues.length > 0) {
    // Found in walking order (a key before the checks of its siblings); people read top-down.
    throw new CatalogError(
      file,
      reader.issues.toSorted((a, b) => a.line - b.line),
    );
  }
  return entries;
}
