import { X509Certificate } from 'node:crypto';
import { isIP, isIPv4 } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { isScalar } from 'yaml';
import { shown } from '../../message-text.ts';
import { serverUrl } from '../../model/cluster.ts';
import { FileTooLarge, formatBytes } from '../../read-capped.ts';
import { pemBlocks } from '../catalog-limits.ts';
import { DNS_LABEL_RE, HOSTNAME_RE } from './keys.ts';
import type { CatalogReader, KeyedNode, Where } from './reader.ts';

/* Where a cluster is and how it is trusted: server, ip, port, CA, TLS name, namespace. */

export function readServer(
  r: CatalogReader,
  pair: KeyedNode,
  where: Where,
): { server: string; ip?: string; port: number } | undefined {
  const raw = r.readString(pair, where);
  if (raw === undefined) return undefined;
  const bad = (why: string) => {
    r.issue(pair.value, 'server', `server "${shown(raw)}" ${where.in} ${why}`);
    return undefined;
  };
  // The URL pattern below backtracks quadratically when its final $ cannot match (a line break).
  if (/[\r\n\u2028\u2029]/.test(raw)) return bad('is not a URL; write it as https://IP:port');
  const authority = raw.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//, '').split(/[/?#]/)[0] ?? '';
  if (authority.includes('@')) {
    // Not echoed: the part before "@" is a user name and maybe a password.
    r.issue(
      pair.value,
      'server',
      `server ${where.in} must not contain a user name or password; put credentials under "user"`,
    );
    return undefined;
  }
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(\[[^\]]*\]|[^/:?#@[\]]*)(?::([^/?#]*))?([^?#]*)(\?[^#]*)?(#.*)?$/.exec(
    raw,
  );
  if (!m) {
    if (raw.includes('@')) return bad('must not contain credentials; put them under "user"');
    return bad('is not a URL; write it as https://IP:port');
  }
  const [, scheme = '', host = '', portText, path = '', query, fragment] = m;
  if (scheme.toLowerCase() !== 'https') return bad(`must use https://, not ${shown(scheme)}://`);
  if (query !== undefined || fragment !== undefined)
    return bad('must not have a query or fragment; write it as https://IP:port');
  if (portText?.includes(':')) return bad('must put an IPv6 address in brackets, e.g. https://[2001:db8::1]:6443');
  if (portText === undefined || portText === '') return bad('has no port; write it as https://IP:port, e.g. port 6443');
  const port = parsePortText(portText);
  if (port === undefined) return bad(`has an invalid port "${shown(portText)}"; use a number from 1 to 65535`);
  const normalizedPath = path === '/' ? '' : path;
  if (host.startsWith('[')) {
    const inner = host.slice(1, -1);
    if (isIP(inner) !== 6 || inner.includes('%')) return bad(`has an invalid IPv6 address "${shown(inner)}"`);
    const ip = canonicalIp(inner);
    return { server: serverUrl(ip, port) + normalizedPath, ip, port };
  }
  if (host === '') return bad('has no host; write it as https://IP:port');
  if (isIPv4(host)) return { server: serverUrl(host, port) + normalizedPath, ip: host, port };
  if (/^[0-9.]+$/.test(host)) return bad(`has an invalid IPv4 address "${shown(host)}"`);
  if (host.includes(':')) return bad('must put an IPv6 address in brackets, e.g. https://[2001:db8::1]:6443');
  if (!HOSTNAME_RE.test(host)) return bad(`has an invalid host name "${shown(host)}"`);
  return { server: `https://${host.toLowerCase()}:${port}${normalizedPath}`, port };
}

export function readIp(r: CatalogReader, pair: KeyedNode, where: Where): string | undefined {
  const raw = r.readString(pair, where);
  if (raw === undefined) return undefined;
  const bare = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  const family = isIP(bare);
  if (family === 0 || bare.includes('%')) {
    r.issue(pair.value, 'ip', `ip "${shown(raw)}" ${where.in} is not an IPv4 or IPv6 address, e.g. 198.51.100.101`);
    return undefined;
  }
  return canonicalIp(bare);
}

export function readPort(r: CatalogReader, pair: KeyedNode, where: Where): number | undefined {
  const node = r.resolve(pair.value);
  const text = isScalar(node) && node.type === 'PLAIN' ? String(node.value) : undefined;
  const port = text === undefined ? undefined : parsePortText(text);
  if (isScalar(node) && node.type !== 'PLAIN' && parsePortText(String(node.value)) !== undefined) {
    r.issue(pair.value, 'port', `port ${where.in} must be a number without quotes, e.g. port: ${String(node.value)}`);
    return undefined;
  }
  if (port === undefined) {
    r.issue(
      pair.value ?? pair.key,
      'port',
      `port ${where.in} must be a whole number from 1 to 65535${text !== undefined ? `, not "${shown(text)}"` : ''}`,
    );
  }
  return port;
}

export function readCaData(r: CatalogReader, pair: KeyedNode, where: Where): string | undefined {
  const raw = r.readString(pair, where);
  if (raw === undefined) return undefined;
  const bad = (why: string) => {
    r.issue(pair.value, 'certificateAuthorityData', `certificateAuthorityData ${where.in} ${why}`);
    return undefined;
  };
  if (raw.includes('-----BEGIN')) {
    return bad(
      'must be the base64 of the PEM, not the PEM itself; encode it with "base64 -w0 ca.crt" or use certificateAuthority: with the file path',
    );
  }
  const compact = raw.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    return bad('is not valid base64; encode the CA file with "base64 -w0 ca.crt"');
  }
  const pem = Buffer.from(compact, 'base64').toString('utf8');
  const problem = pemProblem(pem);
  if (problem) return bad(`decodes to ${problem}`);
  return compact;
}

export function readCaFile(r: CatalogReader, pair: KeyedNode, where: Where): string | undefined {
  const raw = r.readString(pair, where);
  if (raw === undefined) return undefined;
  const path = resolvePath(r.baseDir, raw);
  let read = r.caFiles.get(path);
  if (!read) {
    try {
      read = { pem: r.opts.readCaFile(path) };
    } catch (error) {
      read = { error };
    }
    r.caFiles.set(path, read);
  }
  if ('error' in read) {
    const e = read.error;
    const code =
      e instanceof FileTooLarge
        ? `larger than ${formatBytes(e.limit)}`
        : ((e as NodeJS.ErrnoException).code ?? (e as Error).message);
    r.issue(
      pair.value,
      'certificateAuthority',
      `certificateAuthority file ${shown(path)} ${where.in} cannot be read (${code}); fix the path (relative paths start at the catalog's folder)`,
    );
    return undefined;
  }
  const pem = read.pem;
  const problem = pemProblem(pem);
  if (problem) {
    r.issue(
      pair.value,
      'certificateAuthority',
      `certificateAuthority file ${shown(path)} ${where.in} holds ${problem}`,
    );
    return undefined;
  }
  return Buffer.from(pem, 'utf8').toString('base64');
}

export function readTlsServerName(r: CatalogReader, pair: KeyedNode, where: Where): string | undefined {
  const raw = r.readString(pair, where);
  if (raw === undefined) return undefined;
  if (!HOSTNAME_RE.test(raw) && isIP(raw) === 0) {
    r.issue(
      pair.value,
      'tlsServerName',
      `tlsServerName "${shown(raw)}" ${where.in} is not a host name; use a name from the server certificate, e.g. kubernetes.default.svc`,
    );
    return undefined;
  }
  return raw;
}

export function readNamespace(r: CatalogReader, pair: KeyedNode, where: Where): string | undefined {
  const raw = r.readString(pair, where);
  if (raw === undefined) return undefined;
  if (!DNS_LABEL_RE.test(raw)) {
    r.issue(
      pair.value,
      'namespace',
      `namespace "${shown(raw)}" ${where.in} is not a valid Kubernetes namespace (lower-case letters, digits and "-", at most 63)`,
    );
    return undefined;
  }
  return raw;
}

/**
 * A one-line label of at most `max` characters: `virtualNetwork:` (a network's name, which
 * Cloudflare limits to 255, or its id) and `group:` (free text the tray and dashboard group by).
 */
function readLabel(
  r: CatalogReader,
  pair: KeyedNode,
  where: Where,
  key: 'virtualNetwork' | 'group',
  max: number,
  example: string,
): string | undefined {
  const raw = r.readString(pair, where);
  if (raw === undefined) return undefined;
  const text = raw.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (text === '' || text.length > max || /[\u0000-\u001f\u007f\u2028\u2029]/.test(text)) {
    r.issue(pair.value, key, `${key} ${where.in} must be one line of 1 to ${max} characters, e.g. ${key}: ${example}`);
    return undefined;
  }
  return text;
}

/** `virtualNetwork:`: resolved against the account's networks by id, then by name (any case). */
export function readVirtualNetwork(r: CatalogReader, pair: KeyedNode, where: Where): string | undefined {
  return readLabel(r, pair, where, 'virtualNetwork', 255, 'staging-vnet');
}

export function readGroup(r: CatalogReader, pair: KeyedNode, where: Where): string | undefined {
  return readLabel(r, pair, where, 'group', 100, 'production');
}

function parsePortText(text: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** IPv6 in the compressed lower-case form URL parsers produce, so IPs from any source compare equal. */
function canonicalIp(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  return new URL(`https://[${ip}]/`).hostname.slice(1, -1);
}

/** Why a PEM bundle is not a usable CA bundle, or undefined when it is. */
function pemProblem(pem: string): string | undefined {
  if (/PRIVATE KEY-----/.test(pem)) return 'a private key; only the CA certificate belongs here, so remove the key';
  const blocks = pemBlocks(pem);
  if (blocks.length === 0)
    return 'no PEM certificate ("-----BEGIN CERTIFICATE-----"); convert a DER file with "openssl x509 -inform der"';
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      return 'a certificate that does not parse; copy the CA certificate again';
    }
  }
  return undefined;
}
