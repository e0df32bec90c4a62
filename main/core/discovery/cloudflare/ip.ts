/**
 * IP helpers for routes, Gateway list items and Gateway expressions. Addresses are compared in
 * canonical form (IPv6 compressed and lower-cased), because the dashboard accepts
 * `2001:DB8:0::101` and `2001:db8::101` for the same host.
 */
import { BlockList, isIP } from 'node:net';

export type IpFamily = 4 | 6;

export interface Cidr {
  /** Canonical address (for a host route: the host itself). */
  ip: string;
  prefix: number;
  family: IpFamily;
}

/** Canonical text of an IP address, or undefined when `text` is not one. */
export function normalizeIp(text: string): string | undefined {
  const bare = text.trim().replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  if (family === 4) return bare;
  if (family === 6) return new URL(`http://[${bare}]`).hostname.slice(1, -1);
  return undefined;
}

/** `198.51.100.101/32`, `2001:db8::/32`, or a bare address (a host). */
export function parseCidr(text: string): Cidr | undefined {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0) return undefined;
  const ip = normalizeIp(address);
  if (!ip) return undefined;
  const family: IpFamily = ip.includes(':') ? 6 : 4;
  const max = family === 4 ? 32 : 128;
  if (prefixText === undefined) return { ip, prefix: max, family };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > max) return undefined;
  return { ip, prefix, family };
}

export function isSingleHost(cidr: Cidr): boolean {
  return cidr.prefix === (cidr.family === 4 ? 32 : 128);
}

/** A set of addresses and ranges that answers "does it contain this IP?". */
export class IpSet {
  readonly #list = new BlockList();
  #size = 0;

  /** Adds an IP or CIDR; returns false (and ignores it) when the text is neither. */
  add(text: string): boolean {
    const cidr = parseCidr(text);
    if (!cidr) return false;
    const type = cidr.family === 4 ? 'ipv4' : 'ipv6';
    if (isSingleHost(cidr)) this.#list.addAddress(cidr.ip, type);
    else this.#list.addSubnet(cidr.ip, cidr.prefix, type);
    this.#size += 1;
    return true;
  }

  has(ip: string): boolean {
    const normalized = normalizeIp(ip);
    if (!normalized) return false;
    return this.#list.check(normalized, normalized.includes(':') ? 'ipv6' : 'ipv4');
  }

  get size(): number {
    return this.#size;
  }
}

/** Orders IPv4 before IPv6, then numerically, so names and output are stable. */
export function compareIps(a: string, b: string): number {
  const fa = a.includes(':') ? 6 : 4;
  const fb = b.includes(':') ? 6 : 4;
  if (fa !== fb) return fa - fb;
  const ka = ipBytes(a);
  const kb = ipBytes(b);
  for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
    const d = (ka[i] ?? 0) - (kb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function ipBytes(ip: string): number[] {
  if (!ip.includes(':')) return ip.split('.').map(Number);
  const [head = '', tail = ''] = ip.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const groups = ip.includes('::') ? [...headParts, ...Array(missing).fill('0'), ...tailParts] : headParts;
  return groups.map((g) => Number.parseInt(g, 16) || 0);
}
