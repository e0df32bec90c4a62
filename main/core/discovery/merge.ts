/**
 * Merges the team catalog with what Cloudflare discovery found (SPEC: "Two sources, merged by
 * server IP"). The catalog is the team's intent, discovery is the account's reality:
 * - an entry is matched by server IP first, then (for catalog entries without a server IP) by name;
 * - a matched entry keeps the catalog's name and adds the catalog's CA, TLS server name, port,
 *   namespace and user to what discovery knows (IPs, tunnel, health, Gateway audit);
 * - entries only one source knows are kept as they are, except catalog entries with no server that
 *   discovery did not find either: nothing could be written for them, so they are dropped with a warning;
 * - names stay unique: the catalog's win, a discovered entry that collides is renamed `-2`, `-3`...
 * Pure: no I/O, inputs are not modified.
 */
import type { ClusterEntry } from '../model/cluster.ts';
import { serverUrl } from '../model/cluster.ts';

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
  return merged;
}

/**
 * `discoveryRead`: false when Cloudflare was not read at all (not configured, or failed with no
 * cached list), so catalog entries that wait for its addresses are said to wait, not to be missing.
 */
export function mergeSources(
  catalog: readonly ClusterEntry[],
  discovered: readonly ClusterEntry[],
  opts: { discoveryRead?: boolean } = {},
): MergeResult {
  const warnings: string[] = [];
  const waiting: string[] = [];
  const byIp = new Map<string, number>();
  const byName = new Map<string, number>();
  discovered.forEach((entry, i) => {
    for (const ip of entry.ips) {
      const key = canonicalIp(ip);
      if (key && !byIp.has(key)) byIp.set(key, i);
    }
    if (!byName.has(entry.name)) byName.set(entry.name, i);
  });

  const used = new Map<number, string>();
  const clusters: ClusterEntry[] = [];
  for (const entry of catalog) {
    const ips = entryIps(entry);
    let match: number | undefined;
    if (ips.length > 0) {
      match = ips.map((ip) => byIp.get(ip)).find((i) => i !== undefined);
      const sameName = byName.get(entry.name);
      if (match === undefined && sameName !== undefined) {
        const other = discovered[sameName];
        warnings.push(
          `Catalog cluster ${entry.name} points at ${ips.join(', ')} but Cloudflare routes ${other?.name} to ${other?.ips.join(', ')}: kubezt keeps both; fix the catalog's server if they are the same cluster.`,
        );
      }
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
    clusters.push({ ...entry, sources: ['catalog'], ips: ips.length > 0 ? orderIps(ips) : [...entry.ips] });
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
