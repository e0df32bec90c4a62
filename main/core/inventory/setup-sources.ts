/**
 * Which cluster sources a setup may trust to say a cluster is gone (SPEC: Kubeconfig): only a
 * fresh, successful list from the source itself. A source that is not configured, that failed
 * (even with a cached list to fall back on) or that the user left out keeps its contexts, and
 * setup says so. The CLI and the app's wizard both plan with this and print its sentences.
 */
import type { HeldBackEntry } from '../kubeconfig/types.ts';
import { CLUSTER_SOURCES, type ClusterSource } from '../model/cluster.ts';
import { formatAge } from './format.ts';
import type { Inventory } from './load.ts';

export interface UnreadSource {
  source: ClusterSource;
  /** Why its list cannot tell that a cluster is gone, and what to do: "no API token: run kubezt login". */
  reason: string;
}

export interface SetupSources {
  /** Pass to the kubeconfig plan as `consulted`. */
  consulted: ClusterSource[];
  unread: UnreadSource[];
}

const LABEL: Readonly<Record<ClusterSource, string>> = {
  catalog: 'The team catalog was not read',
  cloudflare: 'Cloudflare was not consulted',
};

/** `leftOut`: sources the user chose not to use in this run (the app's wizard). */
export function setupSources(inv: Inventory, leftOut: readonly ClusterSource[] = []): SetupSources {
  const unread: UnreadSource[] = [];
  for (const source of CLUSTER_SOURCES) {
    const reason = leftOut.includes(source) ? 'you left it out of this setup' : unreadReason(inv, source);
    if (reason !== undefined) unread.push({ source, reason });
  }
  const skipped = new Set(unread.map((u) => u.source));
  return { consulted: CLUSTER_SOURCES.filter((s) => !skipped.has(s)), unread };
}

function unreadReason(inv: Inventory, source: ClusterSource): string | undefined {
  if (source === 'catalog') {
    return inv.catalog.status === 'loaded'
      ? undefined
      : 'no catalog file is set: set KUBEZT_CATALOG or the catalogPath setting';
  }
  const cf = inv.cloudflare;
  switch (cf.status) {
    case 'fresh':
    case 'cached':
      return undefined;
    case 'stale':
      return `discovery failed, and its list from cache (${formatAge(cf.ageMs ?? 0)} old) cannot tell that a cluster is gone`;
    case 'error':
      return 'discovery failed and there is no cached list';
    case 'not-configured':
      return cf.missing === 'token'
        ? 'no API token: run kubezt login'
        : cf.missing === 'account'
          ? 'no account is selected: run kubezt login --account-id ID, or set CLOUDFLARE_ACCOUNT_ID'
          : 'no Cloudflare account is selected: run kubezt login';
  }
}

/**
 * One sentence per unread source whose contexts the plan kept:
 * "Cloudflare was not consulted (no API token: run kubezt login); its 3 contexts were kept: …".
 * Entries kubezt wrote without recording their source count for every unread source.
 */
export function heldBackNotes(sources: SetupSources, heldBack: readonly HeldBackEntry[] | undefined): string[] {
  const notes: string[] = [];
  for (const { source, reason } of sources.unread) {
    const names = (heldBack ?? []).filter((h) => h.unread.includes(source)).map((h) => h.context ?? h.cluster);
    if (names.length === 0) continue;
    const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
    const kept =
      names.length === 1 ? `its context ${shown} was kept` : `its ${names.length} contexts were kept: ${shown}`;
    notes.push(`${LABEL[source]} (${reason}); ${kept}.`);
  }
  return notes;
}
