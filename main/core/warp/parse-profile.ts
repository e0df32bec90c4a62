import { parseSettingsSplitTunnel } from './parse-split-tunnel.ts';
import { cleanText, isDaemonDownText, isUnsupportedText } from './parse-status.ts';
import { isManagedSource } from './setting-source.ts';
import type { SplitTunnelConfig, SplitTunnelEntry, SplitTunnelMode, WarpMode, WarpModeKind } from './types.ts';

/**
 * The client profile: mode, split tunnel, organization, and whether each is the admin's (managed)
 * or the user's. Pure: text in, reading out; null for anything not recognised, never a throw.
 *
 * Forms handled:
 * - `warp-cli settings [list]`: `[(source)\t]Mode: WarpWithDnsOverHttps`, `Mode: WarpProxy on port
 *   40000`, `Organization: NAME`, the split-tunnel block; Cloudflare's docs add `# …` comments.
 * - `warp-cli -j settings`: `{"settings":{operation_mode, split_tunnel_mode, split_tunnel_ips,
 *   split_tunnel_hosts, organization, …}, "sources":{KEY: SOURCE}}`. The mode is a daemon name
 *   (`WarpWithDnsOverHttps`), a CLI name (`warp+doh`) or a one-key object (`{"WarpProxy":40000}`).
 * - `warp-cli registration organization`: the name alone, or `Organization: NAME`, or JSON.
 */

interface ModeFamily {
  kind: Exclude<WarpModeKind, 'unknown'>;
  label: string;
  /** Normalised names (lower case, letters, digits and `+` only). */
  names: readonly string[];
}

const FAMILIES: readonly ModeFamily[] = [
  {
    kind: 'traffic-and-dns',
    label: 'Traffic and DNS mode',
    // `Warp` tunnels everything, DNS included (the consumer "WARP" mode).
    names: [
      'warpwithdnsoverhttps',
      'warp+doh',
      'warpdoh',
      'warpwithdnsovertls',
      'warp+dot',
      'warpdot',
      'warp',
      'warponly',
      'gatewaywithwarp',
      'trafficanddns',
      'trafficanddnsmode',
    ],
  },
  {
    kind: 'traffic-only',
    label: 'Traffic only mode',
    names: [
      'tunnelonly',
      'gatewaywithoutdnsfiltering',
      'securewebgatewaywithoutdnsfiltering',
      'swgwithoutdnsfiltering',
      'trafficonly',
      'trafficonlymode',
    ],
  },
  {
    kind: 'dns-only',
    label: 'DNS only mode',
    names: ['dnsoverhttps', 'doh', 'dnsovertls', 'dot', 'gatewaywithdoh', 'dnsonly', 'dnsonlymode', '1111'],
  },
  {
    kind: 'proxy',
    label: 'Local proxy mode',
    names: ['warpproxy', 'proxy', 'proxyonly', 'proxymode', 'localproxy', 'localproxymode'],
  },
  {
    kind: 'posture-only',
    label: 'Posture only mode',
    names: ['postureonly', 'postureonlymode', 'deviceinformationonly', 'deviceinformationonlymode'],
  },
];

const ROUTES_PRIVATE: ReadonlySet<WarpModeKind> = new Set(['traffic-and-dns', 'traffic-only']);

const normalise = (s: string) => s.toLowerCase().replace(/[^a-z0-9+]/g, '');

/** A docs-style trailing comment (`Mode: Warp # The device's mode`) is not part of the value. */
function withoutComment(s: string): string {
  // A fixed-width search: `\s+#` would backtrack quadratically over a long run of spaces.
  const at = s.search(/\s#\s/);
  return (at >= 0 ? s.slice(0, at) : s).trim();
}

/** Reads a mode name in any of its spellings; the kind is `unknown` for a name not seen before. */
export function parseMode(value: unknown, extras: { managed?: boolean | null; origin?: string } = {}): WarpMode | null {
  let raw: string;
  let port: number | undefined;
  if (typeof value === 'string') raw = withoutComment(cleanText(value));
  else if (value && typeof value === 'object' && !Array.isArray(value)) {
    const [key, inner] = Object.entries(value)[0] ?? [];
    if (!key) return null;
    raw = key;
    if (typeof inner === 'number' && Number.isInteger(inner)) port = inner;
    else if (inner && typeof inner === 'object' && typeof (inner as { port?: unknown }).port === 'number') {
      port = (inner as { port: number }).port;
    }
  } else return null;
  if (!raw || raw.length > 200) return null;
  const onPort = /^(.*?)\s+on\s+port\s+(\d{1,5})\b/i.exec(raw);
  const name = onPort ? (onPort[1] ?? '') : raw;
  if (onPort) port = Number(onPort[2]);
  const family = FAMILIES.find((f) => f.names.includes(normalise(name)));
  const kind = family?.kind ?? 'unknown';
  return {
    raw: port !== undefined && !onPort ? `${raw} on port ${port}` : raw,
    kind,
    label: family?.label ?? raw,
    privateRouting: family ? ROUTES_PRIVATE.has(kind) : null,
    ...(port !== undefined ? { proxyPort: port } : {}),
    managed: extras.managed ?? null,
    ...(extras.origin ? { origin: extras.origin } : {}),
  };
}

/** `(network policy)\tMode: X` → { origin: 'network policy', rest: 'Mode: X' }. */
function splitSource(line: string): { origin: string | null; rest: string } {
  const m = /^\(([^)]{1,60})\)\s*(.*)$/.exec(line.trim());
  return m ? { origin: (m[1] ?? '').trim(), rest: m[2] ?? '' } : { origin: null, rest: line.trim() };
}

/** The first `Key: value` line of a settings text, with its source prefix. */
function settingLine(text: string, key: RegExp): { origin: string | null; value: string } | null {
  for (const line of cleanText(text).split('\n')) {
    if (/^[ \t]/.test(line)) continue;
    const { origin, rest } = splitSource(line);
    const m = /^([A-Za-z][A-Za-z ]{0,60}?)\s*:\s*(.*)$/.exec(rest);
    if (m && key.test(m[1] ?? '')) return { origin, value: withoutComment(m[2] ?? '') };
  }
  return null;
}

export interface SettingsReading {
  mode: WarpMode | null;
  splitTunnel: SplitTunnelConfig | null;
  organization: string | null;
  format: 'json' | 'text';
}

function originFields(origin: string | null): { managed: boolean | null; origin?: string } {
  return origin ? { managed: isManagedSource(origin), origin } : { managed: null };
}

/** `warp-cli settings [list]` text; null when it holds none of the three. */
export function parseSettingsText(
  text: string,
  source: 'settings list' | 'settings' = 'settings',
): SettingsReading | null {
  const modeLine = settingLine(text, /^(?:mode|operation mode|service mode)$/i);
  const orgLine = settingLine(text, /^organi[sz]ation$/i);
  const mode = modeLine?.value ? parseMode(modeLine.value, originFields(modeLine.origin)) : null;
  const split = parseSettingsSplitTunnel(text, source);
  const organization = orgLine?.value && orgLine.value.length <= 200 ? orgLine.value : null;
  if (!mode && !split && !organization) return null;
  return { mode, splitTunnel: split, organization, format: 'text' };
}

function asObject(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** One JSON object from a command's output (the last line that parses, as `-j` prints one). */
export function jsonObjectOf(text: string): Record<string, unknown> | null {
  const trimmed = cleanText(text).trim();
  for (const candidate of [trimmed, ...trimmed.split('\n').reverse()]) {
    const t = candidate.trim();
    if (!t.startsWith('{') || t.length > 2_000_000) continue;
    try {
      const obj = asObject(JSON.parse(t));
      if (obj) return obj;
    } catch {
      // not this one
    }
  }
  return null;
}

function entriesOf(list: unknown): SplitTunnelEntry[] {
  if (!Array.isArray(list)) return [];
  const out: SplitTunnelEntry[] = [];
  for (const item of list.slice(0, 10_000)) {
    const o = asObject(item);
    const value = typeof item === 'string' ? item : (o?.value ?? o?.address ?? o?.host ?? o?.ip);
    if (typeof value !== 'string' || !value.trim() || value.length > 300) continue;
    const description = typeof o?.description === 'string' ? o.description.trim() : '';
    const kind = /^[0-9a-f:.]+(?:\/\d{1,3})?$/i.test(value.trim()) && /[.:]/.test(value) ? 'cidr' : 'host';
    out.push({ value: value.trim(), kind, ...(description ? { description } : {}) });
  }
  return out;
}

/** The source of the first of `keys` that `sources` names, as a string. */
function sourceOf(sources: Record<string, unknown> | null, keys: readonly string[]): string | null {
  if (!sources) return null;
  for (const k of keys) {
    const v = sources[k];
    if (typeof v === 'string' && v.trim()) return v.trim();
    const o = asObject(v);
    for (const inner of [o?.source, o?.origin, o?.kind])
      if (typeof inner === 'string' && inner.trim()) return inner.trim();
  }
  return null;
}

function splitFromJson(settings: Record<string, unknown>, sources: Record<string, unknown> | null) {
  const rawMode = settings.split_tunnel_mode ?? settings.split_mode;
  let mode: SplitTunnelMode | null =
    typeof rawMode === 'string' && /^(exclude|include)$/i.test(rawMode.trim())
      ? (rawMode.trim().toLowerCase() as SplitTunnelMode)
      : null;
  let entries = [...entriesOf(settings.split_tunnel_ips), ...entriesOf(settings.split_tunnel_hosts)];
  // The API's device-policy shape: `exclude` / `include` lists.
  if (!mode && Array.isArray(settings.include) && settings.include.length > 0) {
    mode = 'include';
    entries = entriesOf(settings.include);
  } else if (!mode && Array.isArray(settings.exclude)) {
    mode = 'exclude';
    entries = entriesOf(settings.exclude);
  }
  if (!mode) return null;
  const origin = sourceOf(sources, ['split_tunnel_mode', 'split_tunnel_ips', 'split_tunnel_hosts', 'split_tunnel']);
  return { mode, entries, source: '-j settings' as const, ...originFields(origin) };
}

/** `warp-cli -j settings`; null when the output is not a settings object. */
export function parseSettingsJson(stdout: string): SettingsReading | null {
  const doc = jsonObjectOf(stdout);
  if (!doc || typeof doc.code === 'string') return null;
  const settings = asObject(doc.settings) ?? doc;
  const sources = asObject(doc.sources);
  const rawMode = settings.operation_mode ?? settings.mode ?? settings.service_mode;
  const modeOrigin = sourceOf(sources, ['operation_mode', 'mode', 'service_mode']);
  const mode = rawMode === undefined ? null : parseMode(rawMode, originFields(modeOrigin));
  const port = typeof settings.proxy_port === 'number' ? settings.proxy_port : undefined;
  const splitTunnel = splitFromJson(settings, sources);
  const org = settings.organization;
  const organization = typeof org === 'string' && org.trim() && org.length <= 200 ? org.trim() : null;
  if (!mode && !splitTunnel && !organization) return null;
  return {
    mode:
      mode && mode.kind === 'proxy' && mode.proxyPort === undefined && port
        ? { ...mode, raw: `${mode.raw} on port ${port}`, proxyPort: port }
        : mode,
    splitTunnel,
    organization,
    format: 'json',
  };
}

/** `warp-cli [-j] registration organization`; null when no name was printed (error, old client). */
export function parseOrganization(stdout: string, stderr = ''): string | null {
  const text = cleanText(stdout);
  if (isDaemonDownText(`${text}\n${stderr}`) || isUnsupportedText(`${text}\n${stderr}`)) return null;
  const json = jsonObjectOf(text);
  if (json) {
    const account = asObject(json.account);
    const name = json.organization ?? json.name ?? account?.organization;
    return typeof name === 'string' && name.trim() && name.length <= 200 ? name.trim() : null;
  }
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const labelled = lines.map((l) => /^organi[sz]ation\s*:\s*(\S.*)$/i.exec(l)?.[1]).find(Boolean);
  if (labelled) return labelled.trim().length <= 200 ? labelled.trim() : null;
  // The name alone on one line; anything wordier is a message, not a name.
  if (lines.length === 1 && /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(lines[0] ?? '')) {
    return /^(success|error|none)$/i.test(lines[0] ?? '') ? null : (lines[0] ?? null);
  }
  return null;
}
