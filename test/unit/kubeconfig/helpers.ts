import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterEntry } from '../../../main/core/model/cluster.ts';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'kubeconfig');
export const MERGE_CASES = join(FIXTURES, 'merge');

export function clusterSet(name: string): ClusterEntry[] {
  const sets = JSON.parse(readFileSync(join(FIXTURES, 'clusters.json'), 'utf8')) as Record<string, ClusterEntry[]>;
  const set = sets[name];
  if (!set) throw new Error(`no cluster set ${name} in clusters.json`);
  return set;
}

export interface MergeCase {
  name: string;
  dir: string;
  /** File names in KUBECONFIG order. */
  names: string[];
  bytes: (string | null)[];
  clusters: ClusterEntry[];
  nameTemplate?: string;
  changes?: { kind: string; context: string; file?: string }[];
  currentContextWarning?: boolean;
  noWrites?: boolean;
  writesOnly?: string[];
}

interface CaseJson {
  files: (string | null)[];
  names?: string[];
  clusters: string;
  nameTemplate?: string;
  changes?: { kind: string; context: string; file?: string }[];
  currentContextWarning?: boolean;
  noWrites?: boolean;
  writesOnly?: string[];
}

export function mergeCases(): MergeCase[] {
  return readdirSync(MERGE_CASES)
    .sort()
    .map((name) => {
      const dir = join(MERGE_CASES, name);
      const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseJson;
      const names = spec.names ?? spec.files.map((f) => f ?? 'config');
      const c: MergeCase = {
        name,
        dir,
        names,
        bytes: spec.files.map((f) => (f === null ? null : readFileSync(join(dir, f), 'utf8'))),
        clusters: clusterSet(spec.clusters),
      };
      if (spec.nameTemplate !== undefined) c.nameTemplate = spec.nameTemplate;
      if (spec.changes) c.changes = spec.changes;
      if (spec.currentContextWarning) c.currentContextWarning = true;
      if (spec.noWrites) c.noWrites = true;
      if (spec.writesOnly) c.writesOnly = spec.writesOnly;
      return c;
    });
}

/** The lines of `before` must all appear, in order and unchanged, in `after` (pure additions). */
export function isPureAddition(before: string, after: string): boolean {
  const b = before.split('\n');
  const a = after.split('\n');
  let j = 0;
  for (const line of a) {
    if (j < b.length && line === b[j]) j++;
  }
  return j === b.length;
}
