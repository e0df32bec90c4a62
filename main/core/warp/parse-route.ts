import { cleanText } from './parse-status.ts';
import type { OsRoute } from './types.ts';

/**
 * Parsers for the OS route lookups, one per platform, each fed the raw output of the command
 * (tested with recorded outputs). A failed lookup is `ok: false` with the tool's own words.
 */

function firstLine(text: string): string {
  return (
    cleanText(text)
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? ''
  );
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

/** Linux: `ip -j route get IP` → `[{"dst":…,"gateway":…,"dev":"CloudflareWARP","prefsrc":…}]`. */
export function parseLinuxRoute(stdout: string, stderr: string, command = 'ip -j route get'): OsRoute {
  const raw = `${stdout}${stderr ? `\n${stderr}` : ''}`.trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.trim());
  } catch {
    return {
      ok: false,
      interface: null,
      gateway: null,
      source: null,
      error: firstLine(stderr) || firstLine(stdout) || 'ip printed nothing',
      command,
      raw,
    };
  }
  const route = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!route || typeof route !== 'object') {
    return { ok: false, interface: null, gateway: null, source: null, error: 'ip returned no route', command, raw };
  }
  const r = route as Record<string, unknown>;
  const type = str(r.type) ?? undefined;
  const dev = str(r.dev);
  const unroutable = type === 'unreachable' || type === 'blackhole' || type === 'prohibit' || type === 'throw';
  return {
    ok: !unroutable && dev !== null,
    interface: unroutable ? null : dev,
    gateway: str(r.gateway),
    source: str(r.prefsrc),
    ...(type ? { type } : {}),
    ...(unroutable ? { error: `the route is ${type}` } : dev === null ? { error: 'ip named no interface' } : {}),
    command,
    raw,
  };
}

/** macOS: `route -n get [-inet6] IP`, the `interface:` and `gateway:` lines. */
export function parseMacRoute(stdout: string, stderr: string, command = 'route -n get'): OsRoute {
  const raw = `${stdout}${stderr ? `\n${stderr}` : ''}`.trim();
  const fields: Record<string, string> = {};
  for (const line of cleanText(stdout).split('\n')) {
    // `  key: value`, as /^\s*([a-z ]+):\s*(.*)$/i reads it; that pattern's overlapping \s* and
    // [a-z ]+ make a long run of spaces quadratic.
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trimStart();
    const value = line.slice(colon + 1).replace(/^\s+/, '');
    if (!/^[a-z ]+$/i.test(key) || /[\r\u2028\u2029]/.test(value)) continue;
    fields[key.trim().toLowerCase()] = value.trim();
  }
  const iface = fields.interface || null;
  const flags = fields.flags ?? '';
  const reject = /\b(REJECT|BLACKHOLE)\b/.test(flags);
  if (!iface || reject) {
    return {
      ok: false,
      interface: null,
      gateway: null,
      source: null,
      ...(reject ? { type: /BLACKHOLE/.test(flags) ? 'blackhole' : 'unreachable' } : {}),
      error: reject
        ? `the route is ${/BLACKHOLE/.test(flags) ? 'a blackhole' : 'a reject route'}`
        : firstLine(stderr) || 'route printed no interface line',
      command,
      raw,
    };
  }
  const gateway = fields.gateway && !/^link#/i.test(fields.gateway) ? fields.gateway : null;
  return { ok: true, interface: iface, gateway, source: null, command, raw };
}

/**
 * Windows: `Find-NetRoute -RemoteIPAddress IP | ConvertTo-Json` prints two objects, the local
 * MSFT_NetIPAddress (source address) and the MSFT_NetRoute; both carry `InterfaceAlias`. A
 * `Select-Object` of a few properties gives the same keys in a smaller document.
 */
export function parseWindowsRoute(stdout: string, stderr: string, command = 'Find-NetRoute'): OsRoute {
  const raw = `${stdout}${stderr ? `\n${stderr}` : ''}`.trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.trim().replace(/^\uFEFF/, ''));
  } catch {
    return {
      ok: false,
      interface: null,
      gateway: null,
      source: null,
      error: firstLine(stderr) || firstLine(stdout) || 'Find-NetRoute printed nothing',
      command,
      raw,
    };
  }
  const items = (Array.isArray(parsed) ? parsed : [parsed]).filter(
    (x): x is Record<string, unknown> => !!x && typeof x === 'object',
  );
  const route = items.find((x) => str(x.DestinationPrefix) !== null && str(x.InterfaceAlias) !== null);
  const address = items.find((x) => str(x.IPAddress) !== null);
  const withAlias = route ?? items.find((x) => str(x.InterfaceAlias) !== null);
  if (!withAlias) {
    return {
      ok: false,
      interface: null,
      gateway: null,
      source: null,
      error: 'no route object in the answer',
      command,
      raw,
    };
  }
  const nextHop = str(route?.NextHop);
  return {
    ok: true,
    interface: str(withAlias.InterfaceAlias),
    // 0.0.0.0 / :: as next hop means on-link.
    gateway: nextHop && nextHop !== '0.0.0.0' && nextHop !== '::' ? nextHop : null,
    source: str(address?.IPAddress),
    command,
    raw,
  };
}
