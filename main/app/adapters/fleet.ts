/**
 * The clusters the app shows: the inventory (team catalog + Cloudflare discovery, from the cache
 * or fresh) joined with the kubeconfig kubectl reads (which context kubezt manages for each, and
 * which one is current). kubezt contexts whose cluster no source knows any more are listed too, so
 * an offline start without a cache still shows what kubectl can use.
 */
import { dirname } from 'node:path';
import { type ClusterView, ClusterViewSchema } from '../../../ipc/contract.ts';
import { isUserError } from '../../core/errors.ts';
import { readCachedInventory } from '../../core/inventory/cached.ts';
import { clusterGroup } from '../../core/inventory/group.ts';
import type { Inventory } from '../../core/inventory/load.ts';
import { applyNameTemplate, type MergedContext, type MergedKubeconfig } from '../../core/kubeconfig/index.ts';
import { type ClusterEntry, serverUrl } from '../../core/model/cluster.ts';
import type { DiscoveryTeam } from '../../core/warp/organization-match.ts';
import type { Fleet } from '../ports.ts';
import type { AdapterEnv } from './context.ts';
import type { KubeconfigMemo } from './kubeconfig-memo.ts';

/** One row of the fleet with what probing and setup need behind it. */
export interface FleetMember {
  view: ClusterView;
  /** The inventory entry; absent for a kubezt context whose cluster no source lists now. */
  entry?: ClusterEntry;
  /** The kubezt context written for this cluster. */
  context?: MergedContext;
}

export interface FleetSnapshot {
  fleet: Fleet;
  members: FleetMember[];
  /** null when the kubeconfig could not be read (the reason is among the warnings). */
  merged: MergedKubeconfig | null;
  /** Every credential of every kubeconfig user (core/secrets/user-fields.ts), for redaction. */
  kubeconfigSecrets: string[];
  paths: string[];
  /** The catalog's folder, against which its relative paths resolve. */
  catalogDir?: string;
}

/** What an inventory source contributes, however it was read. */
export interface InventorySource {
  clusters: ClusterEntry[];
  warnings: string[];
  /** When the Cloudflare part was fetched from the API; null when never. */
  fetchedAt: string | null;
  /** The Cloudflare part comes from the on-disk cache. */
  fromCache: boolean;
  /** The account's Zero Trust organization as discovery read it. */
  organization?: DiscoveryTeam;
}

/** Catalog + the cached Cloudflare list however old: no network, no keychain. */
export async function cachedInventory(env: AdapterEnv): Promise<InventorySource> {
  const accountId = env.workspace.accountId();
  const catalogPath = env.catalogPath();
  const inv = await readCachedInventory({
    cacheDir: env.workspace.cacheDir(),
    ...(accountId ? { accountId } : {}),
    ...(catalogPath ? { catalogPath } : {}),
    now: env.now(),
  });
  const warnings = [...inv.warnings];
  if (accountId && !inv.cloudflareFetchedAt) {
    warnings.push(
      `The clusters of Cloudflare account ${accountId} have not been fetched yet: press "Refresh list" to discover them.`,
    );
  }
  return {
    clusters: inv.clusters,
    warnings,
    fetchedAt: inv.cloudflareFetchedAt ?? null,
    fromCache: inv.cloudflareFetchedAt !== undefined,
    ...(inv.organization ? { organization: inv.organization } : {}),
  };
}

export function inventorySource(inv: Inventory): InventorySource {
  return {
    clusters: inv.clusters,
    warnings: inv.warnings,
    fetchedAt: inv.cloudflare.fetchedAt ?? null,
    fromCache: inv.cloudflare.status === 'cached' || inv.cloudflare.status === 'stale',
    ...(inv.organization ? { organization: inv.organization } : {}),
  };
}

/**
 * The merged kubeconfig and its users' credentials, or null with a warning when it cannot be
 * read (the list still shows).
 */
export async function readKubeconfigForFleet(
  memo: KubeconfigMemo,
  paths: readonly string[],
  warnings: string[],
): Promise<{ merged: MergedKubeconfig | null; secrets: string[] }> {
  try {
    const { merged, secrets } = await memo.read(paths);
    return { merged, secrets: [...secrets] };
  } catch (e) {
    if (!isUserError(e)) throw e;
    warnings.push(e.message);
    return { merged: null, secrets: [] };
  }
}

/** The kubezt context written for `entry`: by the cluster it records, else by the name template. */
export function managedContextFor(
  merged: MergedKubeconfig | null,
  clusterName: string,
  template: string,
): MergedContext | undefined {
  if (!merged) return undefined;
  const managed = merged.contexts.filter((c) => c.managed);
  return (
    managed.find((c) => c.sourceCluster === clusterName) ??
    managed.find((c) => c.sourceCluster === undefined && c.name === applyNameTemplate(template, clusterName))
  );
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function hostOf(server: string): { ip: string; port: number } | null {
  try {
    const u = new URL(server);
    return { ip: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : 443 };
  } catch {
    return null;
  }
}

/** The cluster's virtual network and connector health, as the view carries them. */
function networkAndTunnel(entry: ClusterEntry): Pick<ClusterView, 'virtualNetwork' | 'tunnelState'> {
  const out: Pick<ClusterView, 'virtualNetwork' | 'tunnelState'> = {};
  const vnet = entry.virtualNetwork;
  if (vnet) out.virtualNetwork = { id: clip(vnet.id, 100), name: clip(vnet.name, 200), isDefault: vnet.isDefault };
  const t = entry.tunnel;
  if (t) {
    out.tunnelState = {
      status: t.status,
      connections: t.connections,
      colos: t.colos.slice(0, 50).map((c) => clip(c, 20)),
      ...(t.since ? { since: t.since } : {}),
    };
  }
  return out;
}

export async function snapshotFleet(env: AdapterEnv, source: InventorySource): Promise<FleetSnapshot> {
  const warnings = [...source.warnings];
  if (env.ctx.settingsWarning) warnings.unshift(env.ctx.settingsWarning);
  const { paths } = env.kubeconfig();
  const { merged, secrets: kubeconfigSecrets } = await readKubeconfigForFleet(env.kubeconfigMemo, paths, warnings);
  const template = env.nameTemplate();
  const current = merged?.currentContext || null;
  const members: FleetMember[] = [];
  const claimed = new Set<string>();
  const add = (member: FleetMember) => {
    // A name the bridge would refuse would fail the whole list: leave that one out, say so.
    const checked = ClusterViewSchema.safeParse(member.view);
    if (!checked.success) {
      warnings.push(
        `The cluster "${member.view.name}" cannot be shown (its name or address is unusual) and is left out.`,
      );
      return;
    }
    members.push(member);
  };

  for (const entry of source.clusters) {
    const context = managedContextFor(merged, entry.name, template);
    if (context) claimed.add(context.name);
    const ip = entry.ips[0];
    const server = entry.server ?? (ip !== undefined ? serverUrl(ip, entry.port) : null);
    const cf = entry.cloudflare;
    add({
      entry,
      ...(context ? { context } : {}),
      view: {
        name: entry.name,
        sources: [...entry.sources],
        server,
        ips: [...entry.ips],
        port: entry.port,
        tunnel: cf ? { name: cf.tunnelName, health: cf.tunnelHealth } : null,
        doNotInspect: cf?.doNotInspect ?? null,
        context: context?.name ?? null,
        current: context !== undefined && context.name === current,
        group: clusterGroup(entry),
        ...networkAndTunnel(entry),
        ...(context?.namespace ? { namespace: context.namespace } : {}),
      },
    });
  }

  const names = new Set(members.map((m) => m.view.name));
  for (const context of merged?.contexts ?? []) {
    if (!context.managed || claimed.has(context.name)) continue;
    const name = context.sourceCluster ?? context.cluster;
    if (names.has(name)) continue;
    const server = merged?.clusters.find((c) => c.name === context.cluster)?.server ?? null;
    const at = server ? hostOf(server) : null;
    names.add(name);
    add({
      context,
      view: {
        name,
        sources: [],
        server,
        ips: at ? [at.ip] : [],
        port: at?.port ?? 6443,
        tunnel: null,
        doNotInspect: null,
        context: context.name,
        current: context.name === current,
        ...(context.namespace ? { namespace: context.namespace } : {}),
      },
    });
  }

  const catalogPath = env.catalogPath();
  return {
    fleet: {
      clusters: members.map((m) => m.view),
      currentContext: current,
      fetchedAt: source.fetchedAt,
      fromCache: source.fromCache,
      warnings: [...new Set(warnings)].slice(0, 100).map((w) => clip(w, 2_000)),
    },
    members,
    merged,
    kubeconfigSecrets,
    paths,
    ...(catalogPath ? { catalogDir: dirname(catalogPath) } : {}),
  };
}
