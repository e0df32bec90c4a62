/**
 * Merges the team catalog with what Cloudflare discovery found (SPEC: "Two sources, merged by
 * server IP"). The catalog is the team's intent, discovery is the account's reality:
 * - an entry is matched by server IP first, then (for catalog entries without a server IP) by name;
 * - a matched entry keeps the catalog's name and adds the catalog's CA, TLS server name, port,
 *   namespace and user to what discovery knows (IPs, tunnel, health, Gateway audit);
 * - entries only one source knows are kept as they are, except catalog entries with no server that
 *   discovery did not find either: nothing could be written for them, so they are dropped with a warning;
 * - names stay unique: the catalog's win, a discovered entry that collides is renamed `-2`, `-3`...
 * - virtual networks: a catalog entry's `virtualNetwork:` (an id or a name) is resolved against
 *   the account's networks and picks, among discovered clusters sharing its IP, the one in that
 *   network; without it, a shared IP matches the default network's cluster (with a warning).
 * Pure: no I/O, inputs are not modified.
 */
import type { ClusterEntry, VirtualNetworkRef } from '../model/cluster.ts';
import { serverUrl } from '../model/cluster.ts';
import { virtualNetworkSlug } from './cloudflare/clusters.ts';

export interface MergeResult {
  /** Catalog entries in catalog order, then discovery-only entries in discovery order. */
  clusters: ClusterEntry[];
  warnings: string[];
}

/** Canonical IP text (IPv6 compressed, lower-case), or undefined when `text` is not an IP. */
function canonicalIp(text: string): string | undefined {
  const bare = text.trim().replace(/^\[(.*)\]$/, '$1');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(bare)) return bare;
  if (!bare.includes(':')) return undefined;
  try {
    return new URL(`http://[${bare}]`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

/** The IPs a catalog entry names: its `ips`, or the host of its server URL when that is an IP. */
function entryIps(entry: ClusterEntry): string[] {
  const ips = entry.ips.map(canonicalIp).filter((ip): ip is string => ip !== undefined);
  if (ips.length === 0 && entry.server) {
    try {
      const ip = canonicalIp(new URL(entry.server).hostname);
      if (ip) ips.push(ip);
    } catch {
      // A malformed server URL names no IP; the catalog loader reports it.
    }
  }
  return ips;
}

function orderIps(ips: string[]): string[] {
  const unique = [...new Set(ips)];
  return [...unique.filter((ip) => !ip.includes(':')), ...unique.filter((ip) => ip.includes(':'))];
}

function combine(catalog: ClusterEntry, found: ClusterEntry, catalogIps: string[]): ClusterEntry {
  const ips = orderIps([...found.ips.map((ip) => canonicalIp(ip) ?? ip), ...catalogIps]);
  const primary = ips[0];
  const server = catalog.server ?? (primary ? serverUrl(primary, catalog.port) : found.server);
  const merged: ClusterEntry = {
    ...found,
    name: catalog.name,
    sources: ['catalog', 'cloudflare'],
    ips,
    port: catalog.port,
  };
  if (server) merged.server = server;
  if (catalog.certificateAuthorityData !== undefined)
    merged.certificateAuthorityData = catalog.certificateAuthorityData;
  if (catalog.tlsServerName !== undefined) merged.tlsServerName = catalog.tlsServerName;
  if (catalog.namespace !== undefined) merged.namespace = catalog.namespace;
  if (catalog.user !== undefined) merged.user = catalog.user;
  if (catalog.group !== undefined) merged.group = catalog.group;
  if (catalog.catalogVirtualNetwork !== undefined) merged.catalogVirtualNetwork = catalog.catalogVirtualNetwork;
  return merged;
}

/** By id first (any case), then by exact name, then by name in any case. */
export function resolveVirtualNetwork(
  wanted: string,
  networks: readonly VirtualNetworkRef[],
): VirtualNetworkRef | undefined {
  const lower = wanted.toLowerCase();
  return (
    networks.find((n) => n.id.toLowerCase() === lower) ??
    networks.find((n) => n.name === wanted) ??
    networks.find((n) => n.name.toLowerCase() === lower)
  );
}

function networksOf(discovered: readonly ClusterEntry[], listed?: readonly VirtualNetworkRef[]): VirtualNetworkRef[] {
  const byId = new Map<string, VirtualNetworkRef>();
  for (const n of listed ?? []) byId.set(n.id, { id: n.id, name: n.name, isDefault: n.isDefault });
  for (const c of discovered)
    if (c.virtualNetwork && !byId.has(c.virtualNetwork.id)) byId.set(c.virtualNetwork.id, c.virtualNetwork);
  return [...byId.values()];
}

/**
 * Which discovered cluster a catalog entry is, among those sharing its IPs (or, without IPs, its
 * name): the one in its network when it names one; else the default network's, said when ambiguous.
 */
function pickCandidate(
  entry: ClusterEntry,
  candidates: number[],
  discovered: readonly ClusterEntry[],
  network: VirtualNetworkRef | undefined,
  warnings: string[],
): number | undefined {
  if (network) return candidates.find((i) => discovered[i]?.virtualNetwork?.id === network.id);
  if (candidates.length <= 1) return candidates[0];
  const preferred = candidates.find((i) => discovered[i]?.virtualNetwork?.isDefault) ?? candidates[0];
  const names = candidates.map((i) => discovered[i]?.virtualNetwork?.name ?? 'unknown');
  warnings.push(
    `Catalog cluster ${entry.name} matches Cloudflare clusters in several virtual networks (${names.join(', ')}): kubezt takes ${discovered[preferred as number]?.name}; add virtualNetwork: to the catalog entry to pick another.`,
  );
  return preferred;
}

/**
 * `discoveryRead`: false when Cloudflare was not read at all (not configured, or failed with no
 * cached list), so catalog entries that wait for its addresses are said to wait, not to be missing.
 */
export function mergeSources(
  catalog: readonly ClusterEntry[],
  discovered: readonly ClusterEntry[],
  opts: { discoveryRead?: boolean; virtualNetworks?: readonly VirtualNetworkRef[] } = {},
): MergeResult {
  const warnings: string[] = [];
  const waiting: string[] = [];
  const byIp = new Map<string, number[]>();
  const byName = new Map<string, number>();
  discovered.forEach((entry, i) => {
    for (const ip of entry.ips) {
      const key = canonicalIp(ip);
      if (!key) continue;
      const list = byIp.get(key) ?? [];
      if (!list.includes(i)) list.push(i);
      byIp.set(key, list);
    }
    if (!byName.has(entry.name)) byName.set(entry.name, i);
  });
  const networks = networksOf(discovered, opts.virtualNetworks);

  const used = new Map<number, string>();
  const clusters: ClusterEntry[] = [];
  for (const entry of catalog) {
    const ips = entryIps(entry);
    const network = entry.catalogVirtualNetwork
      ? resolveVirtualNetwork(entry.catalogVirtualNetwork, networks)
      : undefined;
    if (entry.catalogVirtualNetwork && !network && networks.length > 0) {
      warnings.push(
        `Catalog cluster ${entry.name} names the virtual network "${entry.catalogVirtualNetwork}", which the Cloudflare account does not have (it has ${networks.map((n) => n.name).join(', ')}): fix virtualNetwork: in the catalog.`,
      );
    }
    let match: number | undefined;
    if (ips.length > 0) {
      const candidates = [...new Set(ips.flatMap((ip) => byIp.get(ip) ?? []))];
      match = pickCandidate(entry, candidates, discovered, network, warnings);
      const sameName = byName.get(entry.name);
      if (match === undefined && sameName !== undefined) {
        const other = discovered[sameName];
        warnings.push(
          `Catalog cluster ${entry.name} points at ${ips.join(', ')} but Cloudflare routes ${other?.name} to ${other?.ips.join(', ')}: kubezt keeps both; fix the catalog's server if they are the same cluster.`,
        );
      }
    } else if (network) {
      // The non-default twin of a shared name carries its network's suffix (see clusters.ts).
      const suffixed = `${entry.name}-${virtualNetworkSlug(network.name)}`;
      match = discovered.findIndex(
        (d) => (d.name === entry.name || d.name === suffixed) && d.virtualNetwork?.id === network.id,
      );
      if (match < 0) match = undefined;
    } else {
      match = byName.get(entry.name);
    }
    if (match !== undefined && used.has(match)) {
      warnings.push(
        `Catalog clusters ${used.get(match)} and ${entry.name} both match the discovered cluster ${discovered[match]?.name}: kubezt merges it into ${used.get(match)} only; remove the duplicate from the catalog.`,
      );
      match = undefined;
    }
    const found = match === undefined ? undefined : discovered[match];
    if (found && match !== undefined) {
      used.set(match, entry.name);
      clusters.push(combine(entry, found, ips));
      continue;
    }
    if (!entry.server) {
      if (opts.discoveryRead === false) waiting.push(entry.name);
      else {
        warnings.push(
          `Catalog cluster ${entry.name} has no server and Cloudflare discovery found no cluster of that name: add server: to the catalog or check the tunnel's name; it is left out.`,
        );
      }
      continue;
    }
    clusters.push({
      ...entry,
      sources: ['catalog'],
      ips: ips.length > 0 ? orderIps(ips) : [...entry.ips],
      ...(network ? { virtualNetwork: network } : {}),
    });
  }

  if (waiting.length === 1) {
    warnings.push(
      `Catalog cluster ${waiting[0]} has no server and takes its address from Cloudflare discovery, which was not read: it is left out of this list.`,
    );
  } else if (waiting.length > 1) {
    warnings.push(
      `Catalog clusters ${waiting.join(', ')} have no server and take their addresses from Cloudflare discovery, which was not read: they are left out of this list.`,
    );
  }
  const taken = new Set(clusters.map((c) => c.name));
  discovered.forEach((entry, i) => {
    if (used.has(i)) return;
    let name = entry.name;
    for (let n = 2; taken.has(name); n++) name = `${entry.name}-${n}`;
    if (name !== entry.name) {
      warnings.push(
        `The discovered cluster ${entry.name} (${entry.ips.join(', ')}) is named ${name} because the catalog already has a different ${entry.name}.`,
      );
    }
    taken.add(name);
    clusters.push({ ...entry, name, sources: ['cloudflare'] });
  });
  return { clusters, warnings };
}
