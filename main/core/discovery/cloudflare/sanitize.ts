/**
 * The Cloudflare SDK types its answers but does not check them: a field the types call a string
 * may arrive as a number, null or an object, and a list item as anything. Discovery reads every
 * list through here first, keeping the items that are objects and, of those, only the fields it
 * uses when they have the type it expects; so the pure readers (clusters.ts, gateway.ts) never
 * meet a value of the wrong type, whatever the API (or something posing as it) answers.
 */
import type { CloudflareTunnel } from 'cloudflare/resources/shared';
import type { SplitTunnelExclude } from 'cloudflare/resources/zero-trust/devices/policies/policies';
import type { GatewayItem, GatewayList } from 'cloudflare/resources/zero-trust/gateway/lists/lists';
import type { GatewayRule } from 'cloudflare/resources/zero-trust/gateway/rules';
import type { Teamnet } from 'cloudflare/resources/zero-trust/networks/routes/routes';
import type { VirtualNetwork } from 'cloudflare/resources/zero-trust/networks/virtual-networks';

type Obj = Record<string, unknown>;
type Check = (v: unknown) => unknown;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str: Check = (v) => (typeof v === 'string' ? v : undefined);
const num: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const bool: Check = (v) => (typeof v === 'boolean' ? v : undefined);
const strings: Check = (v) => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : undefined);
const HEALTH = new Set(['inactive', 'degraded', 'healthy', 'down']);
const health: Check = (v) => (typeof v === 'string' && HEALTH.has(v) ? v : undefined);

/** The object items of `items`, each with only the listed fields whose values pass their check. */
function pick<T>(items: unknown, fields: Record<string, Check>): T[] {
  if (!Array.isArray(items)) return [];
  const out: T[] = [];
  for (const item of items) {
    if (!isObj(item)) continue;
    const clean: Obj = {};
    for (const [key, check] of Object.entries(fields)) {
      const v = check(item[key]);
      if (v !== undefined) clean[key] = v;
    }
    out.push(clean as T);
  }
  return out;
}

export const cleanRoutes = (items: unknown): Teamnet[] =>
  pick(items, {
    id: str,
    network: str,
    tunnel_id: str,
    tunnel_name: str,
    comment: str,
    deleted_at: str,
    virtual_network_id: str,
    virtual_network_name: str,
  });

const connectionList: Check = (v) =>
  Array.isArray(v) ? pick(v, { colo_name: str, opened_at: str, id: str, client_id: str }) : undefined;

export const cleanTunnels = (items: unknown): CloudflareTunnel[] =>
  pick(items, {
    id: str,
    name: str,
    status: health,
    connections: connectionList,
    conns_active_at: str,
    conns_inactive_at: str,
  });

export const cleanVirtualNetworks = (items: unknown): VirtualNetwork[] =>
  pick<VirtualNetwork>(items, { id: str, name: str, comment: str, is_default_network: bool, deleted_at: str }).filter(
    (v) => typeof v.id === 'string' && !v.deleted_at,
  );

/** `GET …/cfd_tunnel/{id}/connections`: connectors, each with its connections (`conns`). */
export const cleanTunnelClients = (items: unknown): { conns: { colo_name?: string; opened_at?: string }[] }[] =>
  pick<{ conns?: unknown }>(items, { conns: connectionList }).map((c) => ({
    conns: (c.conns as { colo_name?: string; opened_at?: string }[] | undefined) ?? [],
  }));

export const cleanGatewayItems = (items: unknown): GatewayItem[] => pick(items, { value: str });

/** List items come as `[{value}]` or wrapped once more, `[[{value}]]`: both are read. */
export const cleanGatewayItemPages = (items: unknown): GatewayItem[] =>
  Array.isArray(items) ? items.flatMap((item) => cleanGatewayItems(Array.isArray(item) ? item : [item])) : [];

export const cleanGatewayLists = (items: unknown): GatewayList[] =>
  pick<GatewayList>(items, { id: str, name: str, type: str, count: num, items: (v) => v }).map((list) => {
    const inline = cleanGatewayItems(list.items);
    const { items: _raw, ...rest } = list;
    return (Array.isArray(_raw) ? { ...rest, items: inline } : rest) as GatewayList;
  });

export const cleanGatewayRules = (items: unknown): GatewayRule[] =>
  pick<GatewayRule>(items, {
    id: str,
    name: str,
    enabled: bool,
    action: str,
    filters: strings,
    deleted_at: str,
    traffic: str,
  }).map((rule) => ({ ...rule, name: rule.name ?? '', filters: rule.filters ?? [], traffic: rule.traffic ?? '' }));

export const cleanSplitTunnelEntries = (items: unknown): SplitTunnelExclude[] =>
  pick(items, { address: str, host: str, description: str });
