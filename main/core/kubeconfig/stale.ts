/**
 * Which of kubezt's kubeconfig entries are stale. Each entry records the cluster sources that
 * listed it when written (the kubezt extension's `sources`); an entry whose cluster no source
 * lists any more is removed only when every source it came from was read in this run, since a
 * source that was not read cannot say the cluster is gone.
 */
import { CLUSTER_SOURCES } from '../model/cluster.ts';
import type { KubeconfigSet, ParsedEntry } from './parse.ts';
import { ENTRY_KINDS, type EntryKind, type HeldBackEntry } from './types.ts';

/** Known sources in their usual order, then any other recorded value (kept, never read as read). */
export function canonicalSources(sources: Iterable<string>): string[] {
  const unique = new Set(sources);
  const known = CLUSTER_SOURCES.filter((s) => unique.has(s));
  const other = [...unique].filter((s) => !(CLUSTER_SOURCES as readonly string[]).includes(s)).sort();
  return [...known, ...other];
}

/**
 * The sources recorded on kubezt's entries, per cluster (the extension's `cluster`, else the
 * entry's name); null when one of its entries records none (its source is unknown).
 */
export function recordedSources(set: KubeconfigSet): Map<string, string[] | null> {
  const out = new Map<string, string[] | null>();
  for (const file of set.files) {
    for (const kind of ENTRY_KINDS) {
      for (const entry of file.lists[kind].entries) {
        if (!entry.owned) continue;
        const owner = entry.ownerCluster ?? entry.name;
        const before = out.get(owner);
        if (before === null) continue;
        out.set(owner, entry.ownerSources ? canonicalSources([...(before ?? []), ...entry.ownerSources]) : null);
      }
    }
  }
  return out;
}

/** Of the sources a cluster was recorded from (every source when unknown), those not read now. */
export function unreadOf(recorded: readonly string[] | null, consulted: ReadonlySet<string>): string[] {
  return (recorded ?? CLUSTER_SOURCES).filter((s) => !consulted.has(s));
}

/**
 * kubezt's entries whose cluster no source lists any more (and that are not kept on purpose):
 * removed only when every source they were recorded from was read in this run; the others are
 * held back, one HeldBackEntry per cluster.
 */
export function staleEntries(
  set: KubeconfigSet,
  wanted: Readonly<Record<EntryKind, Set<string>>>,
  keptOwners: ReadonlySet<string>,
  recorded: ReadonlyMap<string, string[] | null>,
  consulted: ReadonlySet<string>,
): { stale: ParsedEntry[]; heldBack: HeldBackEntry[] } {
  const stale: ParsedEntry[] = [];
  const held = new Map<string, HeldBackEntry>();
  for (const file of set.files) {
    for (const kind of ENTRY_KINDS) {
      for (const entry of file.lists[kind].entries) {
        if (!entry.owned || wanted[kind].has(entry.name)) continue;
        if (entry.ownerCluster !== undefined && keptOwners.has(entry.ownerCluster)) continue;
        const owner = entry.ownerCluster ?? entry.name;
        const unread = unreadOf(recorded.get(owner) ?? null, consulted);
        if (unread.length === 0) {
          stale.push(entry);
          continue;
        }
        const h = held.get(owner) ?? { cluster: owner, unread };
        if (kind === 'context' && h.context === undefined) h.context = entry.name;
        held.set(owner, h);
      }
    }
  }
  return { stale, heldBack: [...held.values()] };
}
