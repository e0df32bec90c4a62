/**
 * The group a cluster belongs to, for the tray's submenus and the dashboard's group column. The
 * one place the rule lives: the catalog's `group:` key, else the Cloudflare account or virtual
 * network the cluster was discovered in (not the one every account has, "default"), else the
 * part of its name before the first `-` ("prod-us" → "prod"; a name without `-` is its own group).
 */

/** What the rule reads; every source field is optional, so entries and views both fit. */
export interface Groupable {
  name: string;
  group?: string | undefined;
  virtualNetwork?: { name?: string | undefined } | undefined;
  account?: { name?: string | undefined } | undefined;
  cloudflare?: { accountName?: string | undefined; virtualNetworkName?: string | undefined } | undefined;
}

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Every account has a virtual network named "default": it tells no cluster apart. */
function network(name: string | undefined): string | undefined {
  const n = present(name);
  return n === 'default' ? undefined : n;
}

export function clusterGroup(cluster: Groupable): string {
  return (
    present(cluster.group) ??
    present(cluster.account?.name) ??
    present(cluster.cloudflare?.accountName) ??
    network(cluster.virtualNetwork?.name) ??
    network(cluster.cloudflare?.virtualNetworkName) ??
    cluster.name.split('-')[0] ??
    cluster.name
  );
}
