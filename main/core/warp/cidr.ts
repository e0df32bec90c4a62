import { isIP } from 'node:net';

/**
 * Address arithmetic for split-tunnel entries. BigInt keeps IPv4 and IPv6 on one code path, and
 * IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is folded to IPv4 because that is how the OS routes it.
 */
export interface ParsedIp {
  family: 4 | 6;
  value: bigint;
}

export interface ParsedCidr extends ParsedIp {
  prefix: number;
}

function parseV4(ip: string): bigint {
  return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseV6(ip: string): bigint {
  let text = ip;
  let v4Tail: bigint | null = null;
  // An embedded dotted quad (`::ffff:1.2.3.4`) is the last 32 bits.
  const lastColon = text.lastIndexOf(':');
  const lastPart = text.slice(lastColon + 1);
  if (lastPart.includes('.')) {
    v4Tail = parseV4(lastPart);
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length > 1 ? 8 - head.length - rest.length : 0;
  const groups = [...head, ...Array.from({ length: fill }, () => '0'), ...rest];
  const value = groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
  return v4Tail === null ? value : (value & ~0xffffffffn) | v4Tail;
}

export function parseIp(ip: string): ParsedIp | null {
  const bare = ip
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return { family: 4, value: parseV4(bare) };
  if (family === 6) {
    const value = parseV6(bare);
    if (value >> 32n === 0xffffn) return { family: 4, value: value & 0xffffffffn };
    return { family: 6, value };
  }
  return null;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a host route). */
export function parseCidr(text: string): ParsedCidr | null {
  const [addr = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const bare = addr.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (!family) return null;
  const maxBits = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? maxBits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > maxBits || (prefixText ?? '0').trim() === '') return null;
  const value = family === 4 ? parseV4(bare) : parseV6(bare);
  // A mapped IPv6 network (`::ffff:10.0.0.0/104`) means the IPv4 network.
  if (family === 6 && prefix >= 96 && value >> 32n === 0xffffn) {
    return { family: 4, value: value & 0xffffffffn, prefix: prefix - 96 };
  }
  return { family: family as 4 | 6, value, prefix };
}

export function cidrContains(cidr: ParsedCidr | string, ip: ParsedIp | string): boolean {
  const net = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  const addr = typeof ip === 'string' ? parseIp(ip) : ip;
  if (!net || !addr || net.family !== addr.family) return false;
  const bits = BigInt(net.family === 4 ? 32 : 128);
  const shift = bits - BigInt(net.prefix);
  return net.value >> shift === addr.value >> shift;
}

/** `/32` for IPv4, `/128` for IPv6: the split-tunnel entry that covers exactly one host. */
export function hostCidr(ip: string): string {
  const parsed = parseIp(ip);
  const bare = ip.trim().replace(/^\[|\]$/g, '');
  return parsed?.family === 6 ? `${bare}/128` : `${bare}/32`;
}

/**
 * WARP's default Split Tunnel Exclude list (Exclude mode, no custom entries), as `warp-cli
 * settings` prints it. Private ranges are in it, which is why routed cluster IPs in 10/8 and
 * friends are the classic "WARP is on but kubectl times out".
 */
export const WARP_DEFAULT_EXCLUDES: readonly string[] = [
  '10.0.0.0/8',
  '100.64.0.0/10',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '224.0.0.0/24',
  '240.0.0.0/4',
  '239.255.255.250/32',
  '255.255.255.255/32',
  'fe80::/10',
  'fd00::/8',
  'ff01::/16',
  'ff02::/16',
  'ff03::/16',
  'ff04::/16',
  'ff05::/16',
  'fc00::/7',
];

/** Names for the default-excluded private ranges, for the "why" in a verdict. */
const PRIVATE_RANGES: readonly { cidr: string; name: string }[] = [
  { cidr: '10.0.0.0/8', name: 'RFC 1918 private' },
  { cidr: '172.16.0.0/12', name: 'RFC 1918 private' },
  { cidr: '192.168.0.0/16', name: 'RFC 1918 private' },
  { cidr: '100.64.0.0/10', name: 'RFC 6598 shared (CGNAT)' },
  { cidr: '169.254.0.0/16', name: 'link-local' },
  { cidr: 'fc00::/7', name: 'unique local (RFC 4193)' },
  { cidr: 'fe80::/10', name: 'link-local' },
];

/** The private range an IP falls in (`RFC 1918 private`), or null for public/other space. */
export function privateRangeOf(ip: string): { cidr: string; name: string } | null {
  const addr = parseIp(ip);
  if (!addr) return null;
  return PRIVATE_RANGES.find((r) => familyOf(r.cidr) === addr.family && cidrContains(r.cidr, addr)) ?? null;
}

/**
 * The family of a well-formed table entry, without parsing it. Tables are compared only within
 * the address's family because node:net's isIPv6 compiles a costly regular expression on its
 * first call (about 10 ms): a fleet of IPv4 clusters never needs it.
 */
function familyOf(cidr: string): 4 | 6 {
  return cidr.includes(':') ? 6 : 4;
}

export function isDefaultExclude(entry: string): boolean {
  const net = parseCidr(entry);
  if (!net) return false;
  return WARP_DEFAULT_EXCLUDES.some((d) => {
    if (familyOf(d) !== net.family) return false;
    const dn = parseCidr(d);
    return dn !== null && dn.family === net.family && dn.prefix === net.prefix && dn.value === net.value;
  });
}
