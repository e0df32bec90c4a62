import { jsonObjectOf } from './parse-profile.ts';
import { cleanText } from './parse-status.ts';
import type { VirtualNetwork, VirtualNetworks } from './types.ts';

/**
 * `warp-cli vnet`, in its two forms. The JSON shape is undocumented; the tools that parse it
 * agree on `{"active_vnet_id": "…", "virtual_networks": [{"id", "name", "description",
 * "default"}]}`. The text form is `Currently selected: <uuid>` followed by indented blocks of
 * `ID:`, `Name:`, `Description:`, `Default:` lines. Null when neither form is recognised.
 */

const MAX_NETWORKS = 1_000;

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

/** `None`, `(none)` or an empty value mean no network is selected. */
function activeOf(v: string): string | null {
  return !v || /^\(?none\)?$|^-$|^null$/i.test(v) ? null : v;
}

export function parseVnetJson(stdout: string): VirtualNetworks | null {
  const doc = jsonObjectOf(stdout);
  if (!doc || typeof doc.code === 'string') return null;
  const raw = doc.virtual_networks ?? doc.vnets;
  if (!Array.isArray(raw) && !('active_vnet_id' in doc)) return null;
  const list: VirtualNetwork[] = [];
  for (const item of Array.isArray(raw) ? raw.slice(0, MAX_NETWORKS) : []) {
    if (!item || typeof item !== 'object') continue;
    const o = item as Record<string, unknown>;
    const id = str(o.id);
    if (!id || id.length > 100) continue;
    list.push({
      id,
      name: str(o.name).slice(0, 200) || id,
      description: str(o.description ?? o.comment).slice(0, 500),
      default: o.default === true || o.is_default === true || o.is_default_network === true,
    });
  }
  return { active: activeOf(str(doc.active_vnet_id ?? doc.active)), list, format: 'json' };
}

export function parseVnetText(stdout: string): VirtualNetworks | null {
  const lines = cleanText(stdout).split('\n');
  let active: string | null | undefined;
  const list: VirtualNetwork[] = [];
  let current: VirtualNetwork | null = null;
  for (const line of lines) {
    const m = /^\s*([A-Za-z][A-Za-z ]{0,40}?)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = (m[1] ?? '').toLowerCase();
    const value = (m[2] ?? '').trim();
    if (key === 'currently selected' || key === 'active' || key === 'selected') {
      active = activeOf(value.split(/\s+/)[0] ?? '');
    } else if (key === 'id') {
      if (list.length >= MAX_NETWORKS || !value || value.length > 100) {
        current = null;
        continue;
      }
      current = { id: value, name: value, description: '', default: false };
      list.push(current);
    } else if (current && key === 'name') current.name = value.slice(0, 200) || current.id;
    else if (current && (key === 'description' || key === 'comment')) current.description = value.slice(0, 500);
    else if (current && (key === 'default' || key === 'is default')) current.default = /^(true|yes)$/i.test(value);
  }
  if (active === undefined && list.length === 0) return null;
  return { active: active ?? null, list, format: 'text' };
}

/** The network an id or a name names (ids first: a name could look like another's id). */
export function findVirtualNetwork(list: readonly VirtualNetwork[], idOrName: string): VirtualNetwork | null {
  const want = idOrName.trim();
  return (
    list.find((n) => n.id.toLowerCase() === want.toLowerCase()) ??
    list.find((n) => n.name === want) ??
    list.find((n) => n.name.toLowerCase() === want.toLowerCase()) ??
    null
  );
}
