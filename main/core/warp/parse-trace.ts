/**
 * `/cdn-cgi/trace` answers `key=value` lines (`fl=`, `h=`, `ip=`, `ts=`, `visit_scheme=`, `uag=`,
 * `colo=`, `sliver=`, `http=`, `loc=`, `tls=`, `sni=`, `warp=`, `gateway=`, `rbi=`, `kex=`).
 * Only `warp` and `gateway` matter here, and only about how the request to cloudflare.com went.
 */
export interface TraceReading {
  fields: Record<string, string>;
  warp: 'on' | 'plus' | 'off' | null;
  gateway: 'on' | 'off' | null;
}

export function parseTrace(body: string): TraceReading {
  const fields: Record<string, string> = {};
  for (const line of body.replace(/\r\n?/g, '\n').split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (!/^[a-z_]+$/i.test(key)) continue;
    fields[key] = line.slice(eq + 1).trim();
  }
  const warp = fields.warp?.toLowerCase();
  const gateway = fields.gateway?.toLowerCase();
  return {
    fields,
    warp: warp === 'on' || warp === 'plus' || warp === 'off' ? warp : null,
    gateway: gateway === 'on' || gateway === 'off' ? gateway : null,
  };
}
