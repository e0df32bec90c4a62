import { X509Certificate } from 'node:crypto';
import { isIP, isIPv4 } from 'node:net';
import { dirname, resolve as resolvePath } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml';
import { UserError } from '../errors.ts';
import { oneLine, shown } from '../message-text.ts';
import { type ClusterEntry, type ExecSpec, serverUrl, type UserSpec } from '../model/cluster.ts';
import { FileTooLarge, formatBytes, LIMITS, readTextCapped } from '../read-capped.ts';
import { indexYamlDocument, type YamlDocIndex } from '../yaml-guard.ts';
import { aliasIssue, CATALOG_GUARD, pemBlocks, tooLarge } from './catalog-limits.ts';

/**
 * The team catalog (SPEC: Cluster discovery → Catalog file). Parsing is strict on purpose: a
 * typo in a file many people share must fail loudly with the file, line and key, never produce a
 * context that half works.
 */

export const DEFAULT_PORT = 6443;
export const DEFAULT_EXEC_API_VERSION = 'client.authentication.k8s.io/v1';
const EXEC_API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];
const INTERACTIVE_MODES = ['Never', 'IfAvailable', 'Always'] as const;

/** Every key the catalog accepts, per level; anything else is an error. */
export const CATALOG_KEYS = {
  root: ['defaults', 'clusters'],
  defaults: ['port', 'namespace', 'user'],
  cluster: [
    'name',
    'server',
    'ip',
    'port',
    'certificateAuthorityData',
    'certificateAuthority',
    'tlsServerName',
    'namespace',
    'user',
  ],
  user: ['existing', 'exec', 'token', 'tokenFile', 'clientCertificate', 'clientKey'],
  exec: ['apiVersion', 'command', 'args', 'env', 'interactiveMode', 'provideClusterInfo', 'installHint'],
  env: ['name', 'value'],
} as const satisfies Record<string, readonly string[]>;
const ROOT_KEYS: readonly string[] = CATALOG_KEYS.root;
const DEFAULTS_KEYS: readonly string[] = CATALOG_KEYS.defaults;
const CLUSTER_KEYS: readonly string[] = CATALOG_KEYS.cluster;
const USER_KEYS: readonly string[] = CATALOG_KEYS.user;
const EXEC_KEYS: readonly string[] = CATALOG_KEYS.exec;
const ENV_KEYS: readonly string[] = CATALOG_KEYS.env;

const NAME_RE = /^[a-z0-9-]+$/;
const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const HOSTNAME_RE =
  /^(?=.{1,253}\.?$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STR_TAG = 'tag:yaml.org,2002:str';

export interface CatalogIssue {
  /** 1-based line in the catalog file. */
  line: number;
  /** The key the problem is about, when there is one. */
  key?: string;
  /** One sentence, prefixed with the file and line. */
  message: string;
}

/**
 * `catalog-invalid` with every problem found, so the CLI and the app can list them all; the
 * message itself is the first one (plus a count), keeping the one-sentence rule.
 */
export class CatalogError extends UserError {
  readonly file: string;
  readonly issues: CatalogIssue[];
  constructor(file: string, issues: CatalogIssue[]) {
    const [first] = issues;
    const more =
      issues.length > 1 ? ` (${issues.length - 1} more problem${issues.length > 2 ? 's' : ''} in this file)` : '';
    super('catalog-invalid', first ? withMore(first.message, more) : `${file}: the catalog is invalid.`);
    this.file = file;
    this.issues = issues;
  }
}

function withMore(message: string, more: string): string {
  if (!more) return message;
  const end = message.at(-1);
  return `${message.slice(0, -1)}${more}${end}`;
}

export interface ParseCatalogOptions {
  /** Reads a `certificateAuthority` file, given its absolute path; throw when it cannot be read. */
  readCaFile(path: string): string;
}

export interface LoadCatalogOptions {
  readFile?: (path: string) => Promise<string>;
  readCaFile?: (path: string) => string;
}

/** Reads and parses a catalog file; relative paths inside it are resolved against its folder. */
export async function loadCatalog(path: string, opts: LoadCatalogOptions = {}): Promise<ClusterEntry[]> {
  const readFile = opts.readFile ?? (async (p: string) => readTextCapped(p, LIMITS.catalog));
  let text: string;
  try {
    text = await readFile(path);
  } catch (e) {
    if (e instanceof FileTooLarge) throw tooLarge(path, e.limit);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UserError(
        'not-found',
        `The catalog file ${path} does not exist; fix KUBEZT_CATALOG or the catalogPath setting.`,
        { cause: e },
      );
    }
    throw new UserError(
      'catalog-invalid',
      `The catalog file ${path} cannot be read (${code ?? (e as Error).message}); check that it is a readable file.`,
      { cause: e },
    );
  }
  return parseCatalog(text, path, {
    readCaFile: opts.readCaFile ?? ((p) => readTextCapped(p, LIMITS.credentialFile)),
  });
}

interface Where {
  /** Human phrase for the enclosing object: "in cluster "prod-us"", "in defaults". */
  in: string;
}

interface RawUser {
  spec: UserSpec;
}

interface RawDefaults {
  port?: number;
  namespace?: string;
  user?: RawUser;
}

/** Pure: catalog text in, cluster entries out, or a CatalogError naming file, line and key. */
export function parseCatalog(text: string, file: string, opts: ParseCatalogOptions): ClusterEntry[] {
  if (text.length > LIMITS.catalog) throw tooLarge(file, LIMITS.catalog);
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, {
      lineCounter,
      // Every scalar stays a string, so types are decided here (and `no`/`on`/`0x10` never surprise).
      schema: 'failsafe',
      // Both cost quadratic time on hostile input (every key compared with every other; each error
      // copying its whole line): indexYamlDocument finds duplicate keys, lineCounter places errors.
      uniqueKeys: false,
      prettyErrors: false,
    });
  } catch (e) {
    // The parser recurses per level of nesting and can run out of stack (`a: a: a: ...`).
    if (!(e instanceof RangeError)) throw e;
    throw new CatalogError(file, [
      { line: 1, message: `${oneLine(file)} line 1: lists and mappings nest too deeply to read; flatten them.` },
    ]);
  }
  const index = indexYamlDocument(doc, CATALOG_GUARD);
  const reader = new CatalogReader(doc, index, lineCounter, file, dirname(file), opts);
  const entries = reader.read();
  if (reader.issues.length > 0) {
    // Found in walking order (a key before the checks of its siblings); people read top-down.
    throw new CatalogError(
      file,
      reader.issues.toSorted((a, b) => a.line - b.line),
    );
  }
  return entries;
}

class CatalogReader {
  readonly issues: CatalogIssue[] = [];
  readonly doc: ReturnType<typeof parseDocument>;
  readonly index: YamlDocIndex;
  readonly lineCounter: LineCounter;
  readonly file: string;
  readonly baseDir: string;
  readonly opts: ParseCatalogOptions;
  /** One read per CA file, however many clusters (or aliases of one) name it. */
  readonly caFiles = new Map<string, { pem: string } | { error: unknown }>();

  constructor(
    doc: ReturnType<typeof parseDocument>,
    index: YamlDocIndex,
    lineCounter: LineCounter,
    file: string,
    baseDir: string,
    opts: ParseCatalogOptions,
  ) {
    this.doc = doc;
    this.index = index;
    this.lineCounter = lineCounter;
    this.file = file;
    this.baseDir = baseDir;
    this.opts = opts;
  }

  read(): ClusterEntry[] {
    const yamlProblems: { pos: number; code: string; message: string }[] = [
      ...this.doc.errors,
      ...this.doc.warnings,
    ].map((e) => ({ pos: e.pos[0], code: e.code, message: e.message }));
    for (const pos of this.index.duplicateKeyOffsets) {
      yamlProblems.push({ pos, code: 'DUPLICATE_KEY', message: 'Map keys must be unique' });
    }
    if (yamlProblems.length > 0) {
      for (const e of yamlProblems) {
        const line = this.lineCounter.linePos(Math.max(0, e.pos)).line;
        const what = e.message.replace(/\s+/g, ' ').trim() || e.code;
        const problem =
          e.code === 'MULTIPLE_DOCS'
            ? 'the catalog must be a single YAML document; remove the extra "---"'
            : e.code === 'RESOURCE_EXHAUSTION'
              ? 'lists and mappings nest too deeply to read; flatten them'
              : `the YAML does not parse (${lowerFirst(what)}); fix the syntax there`;
        this.issues.push({ line, message: oneLine(`${this.file} line ${line}: ${problem}.`) });
      }
      return [];
    }
    const aliasProblem = this.index.aliasProblem;
    if (aliasProblem) {
      this.issueAt(aliasProblem.offset, undefined, aliasIssue(aliasProblem));
      return [];
    }
    const root = this.resolve(this.doc.contents as Node | null);
    if (!isMap(root)) {
      this.issue(
        root,
        undefined,
        'the catalog must be a mapping with a "clusters" list; start the file with "clusters:"',
      );
      return [];
    }
    const keys = this.keysOf(root, ROOT_KEYS, { in: 'at the top level' });
    const defaultsNode = keys.get('defaults');
    const defaults = defaultsNode ? this.readDefaults(defaultsNode) : {};
    const clustersNode = keys.get('clusters');
    if (!clustersNode) {
      this.issue(root, 'clusters', 'the catalog has no "clusters" list; add "clusters:" with at least one entry');
      return [];
    }
    const clusters = this.resolve(clustersNode.value);
    if (!isSeq(clusters)) {
      this.issue(
        clustersNode.value ?? clustersNode.key,
        'clusters',
        '"clusters" must be a list of clusters ("- name: …")',
      );
      return [];
    }
    const entries: ClusterEntry[] = [];
    const seen = new Map<string, number>();
    for (const item of clusters.items) {
      const entry = this.readCluster(item as Node, defaults, seen);
      if (entry) entries.push(entry);
    }
    return entries;
  }

  // ---- clusters ----------------------------------------------------------------------------

  readDefaults(pair: KeyedNode): RawDefaults {
    const node = this.resolve(pair.value);
    const where = { in: 'in defaults' };
    if (!isMap(node)) {
      this.issue(pair.value ?? pair.key, 'defaults', '"defaults" must be a mapping (port, namespace, user)');
      return {};
    }
    const keys = this.keysOf(node, DEFAULTS_KEYS, where);
    const out: RawDefaults = {};
    const port = keys.get('port');
    if (port) out.port = this.readPort(port, where);
    const namespace = keys.get('namespace');
    if (namespace) out.namespace = this.readNamespace(namespace, where);
    const user = keys.get('user');
    if (user) out.user = this.readUser(user, where);
    return out;
  }

  readCluster(item: Node, defaults: RawDefaults, seen: Map<string, number>): ClusterEntry | undefined {
    const node = this.resolve(item);
    if (!isMap(node)) {
      this.issue(item, undefined, 'each entry of "clusters" must be a mapping starting with "name:"');
      return undefined;
    }
    const startLine = this.lineOf(node);
    // Worked out once: a cluster with many unknown keys would otherwise scan its keys once per key.
    let late: Where | undefined;
    const keys = this.keysOf(node, CLUSTER_KEYS, { in: `in the cluster on line ${startLine}` }, () => {
      if (!late) {
        const name = namePeek(node);
        late = name ? { in: `in cluster "${shown(name)}"` } : { in: `in the cluster on line ${startLine}` };
      }
      return late;
    });
    const nameNode = keys.get('name');
    let name: string | undefined;
    if (!nameNode) {
      this.issue(node, 'name', `the cluster on line ${startLine} has no "name"; add one such as "name: prod-us"`);
    } else {
      name = this.readName(nameNode, seen, { in: `in the cluster on line ${startLine}` });
    }
    const where: Where = name ? { in: `in cluster "${name}"` } : { in: `in the cluster on line ${startLine}` };
    const before = this.issues.length;

    const serverNode = keys.get('server');
    const ipNode = keys.get('ip');
    const portNode = keys.get('port');
    let server: string | undefined;
    let ips: string[] = [];
    let port = defaults.port ?? DEFAULT_PORT;
    if (serverNode && ipNode) {
      this.issue(
        ipNode.key,
        'ip',
        `"server" and "ip" are both given ${where.in}; keep one (server: https://IP:port, or ip: + port:)`,
      );
    } else if (serverNode) {
      if (portNode) {
        this.issue(
          portNode.key,
          'port',
          `"port" ${where.in} is only used with "ip"; the server URL carries its own port, so remove "port"`,
        );
      }
      const parsed = this.readServer(serverNode, where);
      if (parsed) {
        server = parsed.server;
        ips = parsed.ip ? [parsed.ip] : [];
        port = parsed.port;
      }
    } else {
      if (ipNode) {
        const ip = this.readIp(ipNode, where);
        if (ip) ips = [ip];
      }
      if (portNode) {
        const p = this.readPort(portNode, where);
        if (p !== undefined) port = p;
      }
      if (ips[0] !== undefined) server = serverUrl(ips[0], port);
    }

    const caDataNode = keys.get('certificateAuthorityData');
    const caFileNode = keys.get('certificateAuthority');
    let certificateAuthorityData: string | undefined;
    if (caDataNode && caFileNode) {
      this.issue(
        caFileNode.key,
        'certificateAuthority',
        `"certificateAuthorityData" and "certificateAuthority" are both given ${where.in}; keep one`,
      );
    } else if (caDataNode) {
      certificateAuthorityData = this.readCaData(caDataNode, where);
    } else if (caFileNode) {
      certificateAuthorityData = this.readCaFile(caFileNode, where);
    }

    const tlsNode = keys.get('tlsServerName');
    const tlsServerName = tlsNode ? this.readTlsServerName(tlsNode, where) : undefined;
    const nsNode = keys.get('namespace');
    const namespace = nsNode ? this.readNamespace(nsNode, where) : defaults.namespace;
    const userNode = keys.get('user');
    const user = userNode ? this.readUser(userNode, where) : defaults.user;

    if (name === undefined || this.issues.length > before) return undefined;
    // Key order is the JSON order users see in `kubezt clusters --json`; absent stays absent.
    const entry: ClusterEntry = {
      name,
      sources: ['catalog'],
      ...(server !== undefined ? { server } : {}),
      ips,
      port,
      ...(certificateAuthorityData !== undefined ? { certificateAuthorityData } : {}),
      ...(tlsServerName !== undefined ? { tlsServerName } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      ...(user !== undefined ? { user: structuredClone(user.spec) } : {}),
    };
    return entry;
  }

  readName(pair: KeyedNode, seen: Map<string, number>, where: Where): string | undefined {
    const name = this.readString(pair, where);
    if (name === undefined) return undefined;
    const line = this.lineOf(pair.value ?? pair.key);
    if (!NAME_RE.test(name) || name.length > 253) {
      const suggestion = name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '');
      this.issue(
        pair.value,
        'name',
        `cluster name "${shown(name)}" may only use lower-case letters, digits and "-"${suggestion ? `; try "${shown(suggestion)}"` : ''}`,
      );
      return undefined;
    }
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      this.issue(
        pair.value,
        'name',
        `cluster name "${name}" is already used on line ${earlier}; every cluster needs its own name`,
      );
      return undefined;
    }
    seen.set(name, line);
    return name;
  }

  readServer(pair: KeyedNode, where: Where): { server: string; ip?: string; port: number } | undefined {
    const raw = this.readString(pair, where);
    if (raw === undefined) return undefined;
    const bad = (why: string) => {
      this.issue(pair.value, 'server', `server "${shown(raw)}" ${where.in} ${why}`);
      return undefined;
    };
    // The URL pattern below backtracks quadratically when its final $ cannot match (a line break).
    if (/[\r\n\u2028\u2029]/.test(raw)) return bad('is not a URL; write it as https://IP:port');
    const authority = raw.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//, '').split(/[/?#]/)[0] ?? '';
    if (authority.includes('@')) {
      // Not echoed: the part before "@" is a user name and maybe a password.
      this.issue(
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
    if (portText === undefined || portText === '')
      return bad('has no port; write it as https://IP:port, e.g. port 6443');
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

  readIp(pair: KeyedNode, where: Where): string | undefined {
    const raw = this.readString(pair, where);
    if (raw === undefined) return undefined;
    const bare = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
    const family = isIP(bare);
    if (family === 0 || bare.includes('%')) {
      this.issue(
        pair.value,
        'ip',
        `ip "${shown(raw)}" ${where.in} is not an IPv4 or IPv6 address, e.g. 198.51.100.101`,
      );
      return undefined;
    }
    return canonicalIp(bare);
  }

  readPort(pair: KeyedNode, where: Where): number | undefined {
    const node = this.resolve(pair.value);
    const text = isScalar(node) && node.type === 'PLAIN' ? String(node.value) : undefined;
    const port = text === undefined ? undefined : parsePortText(text);
    if (isScalar(node) && node.type !== 'PLAIN' && parsePortText(String(node.value)) !== undefined) {
      this.issue(
        pair.value,
        'port',
        `port ${where.in} must be a number without quotes, e.g. port: ${String(node.value)}`,
      );
      return undefined;
    }
    if (port === undefined) {
      this.issue(
        pair.value ?? pair.key,
        'port',
        `port ${where.in} must be a whole number from 1 to 65535${text !== undefined ? `, not "${shown(text)}"` : ''}`,
      );
    }
    return port;
  }

  readCaData(pair: KeyedNode, where: Where): string | undefined {
    const raw = this.readString(pair, where);
    if (raw === undefined) return undefined;
    const bad = (why: string) => {
      this.issue(pair.value, 'certificateAuthorityData', `certificateAuthorityData ${where.in} ${why}`);
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

  readCaFile(pair: KeyedNode, where: Where): string | undefined {
    const raw = this.readString(pair, where);
    if (raw === undefined) return undefined;
    const path = resolvePath(this.baseDir, raw);
    let read = this.caFiles.get(path);
    if (!read) {
      try {
        read = { pem: this.opts.readCaFile(path) };
      } catch (error) {
        read = { error };
      }
      this.caFiles.set(path, read);
    }
    if ('error' in read) {
      const e = read.error;
      const code =
        e instanceof FileTooLarge
          ? `larger than ${formatBytes(e.limit)}`
          : ((e as NodeJS.ErrnoException).code ?? (e as Error).message);
      this.issue(
        pair.value,
        'certificateAuthority',
        `certificateAuthority file ${shown(path)} ${where.in} cannot be read (${code}); fix the path (relative paths start at the catalog's folder)`,
      );
      return undefined;
    }
    const pem = read.pem;
    const problem = pemProblem(pem);
    if (problem) {
      this.issue(
        pair.value,
        'certificateAuthority',
        `certificateAuthority file ${shown(path)} ${where.in} holds ${problem}`,
      );
      return undefined;
    }
    return Buffer.from(pem, 'utf8').toString('base64');
  }

  readTlsServerName(pair: KeyedNode, where: Where): string | undefined {
    const raw = this.readString(pair, where);
    if (raw === undefined) return undefined;
    if (!HOSTNAME_RE.test(raw) && isIP(raw) === 0) {
      this.issue(
        pair.value,
        'tlsServerName',
        `tlsServerName "${shown(raw)}" ${where.in} is not a host name; use a name from the server certificate, e.g. kubernetes.default.svc`,
      );
      return undefined;
    }
    return raw;
  }

  readNamespace(pair: KeyedNode, where: Where): string | undefined {
    const raw = this.readString(pair, where);
    if (raw === undefined) return undefined;
    if (!DNS_LABEL_RE.test(raw)) {
      this.issue(
        pair.value,
        'namespace',
        `namespace "${shown(raw)}" ${where.in} is not a valid Kubernetes namespace (lower-case letters, digits and "-", at most 63)`,
      );
      return undefined;
    }
    return raw;
  }

  // ---- users -------------------------------------------------------------------------------

  readUser(pair: KeyedNode, outer: Where): RawUser | undefined {
    const node = this.resolve(pair.value);
    const where = { in: `in the user ${outer.in.replace(/^in /, 'of ')}` };
    const kinds = 'existing, exec, token, tokenFile or clientCertificate + clientKey';
    if (!isMap(node)) {
      this.issue(pair.value ?? pair.key, 'user', `"user" ${outer.in} must be a mapping with one of ${kinds}`);
      return undefined;
    }
    const keys = this.keysOf(node, USER_KEYS, where);
    const present = USER_KEYS.filter((k) => keys.has(k));
    const groups = new Set(present.map((k) => (k === 'clientKey' ? 'clientCertificate' : k)));
    if (groups.size === 0) {
      // An unknown key (a typo of one of these) has been reported already; only an empty map is left.
      if (node.items.length === 0) this.issue(node, 'user', `"user" ${outer.in} needs one of ${kinds}`);
      return undefined;
    }
    if (groups.size > 1) {
      const [a, b] = [...groups];
      const second = keys.get(b as string);
      this.issue(second?.key ?? node, b, `"user" ${outer.in} has both "${a}" and "${b}"; keep only one way to log in`);
      return undefined;
    }
    const [kind] = groups;
    switch (kind) {
      case 'existing': {
        const name = this.readString(keys.get('existing') as KeyedNode, where);
        return name === undefined ? undefined : { spec: { kind: 'existing', name } };
      }
      case 'token': {
        const tokenPair = keys.get('token') as KeyedNode;
        // Never echo the value: it is a credential.
        const token = this.readString(tokenPair, where, { secret: true });
        if (token === undefined) return undefined;
        if (/\s/.test(token)) {
          this.issue(tokenPair.value, 'token', `token ${where.in} must be one line without spaces`);
          return undefined;
        }
        return { spec: { kind: 'token', token } };
      }
      case 'tokenFile': {
        const p = this.readString(keys.get('tokenFile') as KeyedNode, where);
        return p === undefined ? undefined : { spec: { kind: 'tokenFile', tokenFile: resolvePath(this.baseDir, p) } };
      }
      case 'clientCertificate': {
        const cert = keys.get('clientCertificate');
        const key = keys.get('clientKey');
        if (!cert || !key) {
          const [have, missing] = cert ? ['clientCertificate', 'clientKey'] : ['clientKey', 'clientCertificate'];
          this.issue((cert ?? key)?.key ?? node, missing, `"${have}" ${where.in} needs "${missing}" next to it`);
          return undefined;
        }
        const c = this.readString(cert, where);
        const k = this.readString(key, where);
        if (c === undefined || k === undefined) return undefined;
        return {
          spec: {
            kind: 'clientCertificate',
            clientCertificate: resolvePath(this.baseDir, c),
            clientKey: resolvePath(this.baseDir, k),
          },
        };
      }
      case 'exec': {
        const exec = this.readExec(keys.get('exec') as KeyedNode, outer);
        return exec ? { spec: { kind: 'exec', exec } } : undefined;
      }
    }
    return undefined;
  }

  readExec(pair: KeyedNode, outer: Where): ExecSpec | undefined {
    const node = this.resolve(pair.value);
    const where = { in: `in the exec user ${outer.in.replace(/^in /, 'of ')}` };
    const outerUser = `in the user ${outer.in.replace(/^in /, 'of ')}`;
    if (!isMap(node)) {
      this.issue(pair.value ?? pair.key, 'exec', `"exec" ${outerUser} must be a mapping with at least "command"`);
      return undefined;
    }
    const before = this.issues.length;
    const keys = this.keysOf(node, EXEC_KEYS, where);
    const commandPair = keys.get('command');
    if (!commandPair) {
      this.issue(
        node,
        'command',
        `"exec" ${outerUser} has no "command"; add the plugin to run, e.g. command: kubelogin`,
      );
    }
    const command = commandPair ? this.readString(commandPair, where) : undefined;

    let apiVersion = DEFAULT_EXEC_API_VERSION;
    const apiPair = keys.get('apiVersion');
    if (apiPair) {
      const v = this.readString(apiPair, where);
      if (v !== undefined && !EXEC_API_VERSIONS.includes(v)) {
        this.issue(
          apiPair.value,
          'apiVersion',
          `apiVersion "${shown(v)}" ${where.in} is not supported; use ${EXEC_API_VERSIONS.join(' or ')}`,
        );
      } else if (v !== undefined) {
        apiVersion = v;
      }
    }
    const exec: ExecSpec = { apiVersion, command: command ?? '' };

    const argsPair = keys.get('args');
    if (argsPair) {
      const seq = this.resolve(argsPair.value);
      if (!isSeq(seq)) {
        this.issue(argsPair.value ?? argsPair.key, 'args', `"args" ${where.in} must be a list of strings`);
      } else {
        const args: string[] = [];
        for (const item of seq.items) {
          const s = this.scalarString(item as Node, 'args', where, { allowEmpty: true });
          if (s !== undefined) args.push(s);
        }
        exec.args = args;
      }
    }

    const envPair = keys.get('env');
    if (envPair) {
      const seq = this.resolve(envPair.value);
      if (!isSeq(seq)) {
        this.issue(
          envPair.value ?? envPair.key,
          'env',
          `"env" ${where.in} must be a list of "- name: …, value: …" entries`,
        );
      } else {
        const env: { name: string; value: string }[] = [];
        for (const item of seq.items) {
          const m = this.resolve(item as Node);
          if (!isMap(m)) {
            this.issue(item as Node, 'env', `each "env" entry ${where.in} must be a mapping with "name" and "value"`);
            continue;
          }
          const envWhere = { in: `in an env entry ${where.in.replace(/^in /, 'of ')}` };
          const ek = this.keysOf(m, ENV_KEYS, envWhere);
          const n = ek.get('name');
          const v = ek.get('value');
          if (!n || !v) {
            this.issue(
              m,
              n ? 'value' : 'name',
              `an "env" entry ${where.in} has no "${n ? 'value' : 'name'}"; give both name and value`,
            );
            continue;
          }
          const name = this.readString(n, envWhere);
          // Env values often hold secrets: never echo them; an empty value is legitimate.
          const value = this.readString(v, envWhere, { secret: true, allowEmpty: true });
          if (name !== undefined && !ENV_NAME_RE.test(name)) {
            this.issue(n.value, 'name', `env name "${shown(name)}" ${where.in} is not a valid variable name`);
            continue;
          }
          if (name !== undefined && value !== undefined) env.push({ name, value });
        }
        exec.env = env;
      }
    }

    const modePair = keys.get('interactiveMode');
    if (modePair) {
      const mode = this.readString(modePair, where);
      if (mode !== undefined) {
        if ((INTERACTIVE_MODES as readonly string[]).includes(mode)) {
          exec.interactiveMode = mode as ExecSpec['interactiveMode'];
        } else {
          this.issue(
            modePair.value,
            'interactiveMode',
            `interactiveMode "${shown(mode)}" ${where.in} must be one of ${INTERACTIVE_MODES.join(', ')}`,
          );
        }
      }
    }
    const pciPair = keys.get('provideClusterInfo');
    if (pciPair) {
      const b = this.readBool(pciPair, where);
      if (b !== undefined) exec.provideClusterInfo = b;
    }
    const hintPair = keys.get('installHint');
    if (hintPair) {
      const hint = this.readString(hintPair, where);
      if (hint !== undefined) exec.installHint = hint;
    }
    return this.issues.length > before || command === undefined ? undefined : exec;
  }

  // ---- primitives --------------------------------------------------------------------------

  /**
   * Maps the keys of `node`, reporting unknown keys (with a suggestion), non-string keys and
   * merge keys. `whereLate` lets the cluster reader name the cluster even when `name` comes last.
   */
  keysOf(node: YAMLMap, allowed: readonly string[], where: Where, whereLate?: () => Where): Map<string, KeyedNode> {
    const out = new Map<string, KeyedNode>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
        const w = whereLate ? whereLate() : where;
        this.issue(keyNode ?? node, undefined, `keys ${w.in} must be plain words such as "name"`);
        continue;
      }
      const key = keyNode.value;
      if (!allowed.includes(key)) {
        const hint = suggest(key, allowed);
        const w = whereLate ? whereLate() : where;
        this.issue(
          keyNode,
          key,
          hint
            ? `unknown key "${shown(key)}" ${w.in}; did you mean "${hint}"?`
            : `unknown key "${shown(key)}" ${w.in}; allowed keys are ${allowed.join(', ')}`,
        );
        continue;
      }
      out.set(key, { key: keyNode, value: (pair.value as Node | null) ?? null });
    }
    return out;
  }

  readString(pair: KeyedNode, where: Where, o: { secret?: boolean; allowEmpty?: boolean } = {}): string | undefined {
    const keyName = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (pair.value === null) {
      this.issue(pair.key, keyName, `"${keyName}" ${where.in} has no value; give one or remove the key`);
      return undefined;
    }
    return this.scalarString(pair.value, keyName, where, o);
  }

  scalarString(
    raw: Node,
    keyName: string | undefined,
    where: Where,
    o: { secret?: boolean; allowEmpty?: boolean } = {},
  ): string | undefined {
    const node = this.resolve(raw);
    if (!isScalar(node)) {
      this.issue(
        raw,
        keyName,
        `"${keyName}" ${where.in} must be a single value, not a ${isSeq(node) ? 'list' : 'mapping'}`,
      );
      return undefined;
    }
    if (node.tag !== undefined && node.tag !== STR_TAG) {
      this.issue(raw, keyName, `"${keyName}" ${where.in} has the tag ${shown(node.tag)}; remove the tag`);
      return undefined;
    }
    const value = String(node.value);
    if (value === '') {
      if (o.allowEmpty) return value;
      this.issue(raw, keyName, `"${keyName}" ${where.in} is empty; give a value or remove the key`);
      return undefined;
    }
    if (node.type === 'PLAIN' && /^(~|null|Null|NULL)$/.test(value)) {
      this.issue(raw, keyName, `"${keyName}" ${where.in} has no value; give one or remove the key`);
      return undefined;
    }
    return value;
  }

  readBool(pair: KeyedNode, where: Where): boolean | undefined {
    const node = this.resolve(pair.value);
    const keyName = String((pair.key as { value?: unknown }).value);
    if (isScalar(node) && node.type === 'PLAIN' && /^(true|True|TRUE|false|False|FALSE)$/.test(String(node.value))) {
      return String(node.value).toLowerCase() === 'true';
    }
    this.issue(pair.value ?? pair.key, keyName, `"${keyName}" ${where.in} must be true or false`);
    return undefined;
  }

  resolve(node: Node | null | undefined): Node | null {
    // The index, not node.resolve(doc): that walks the whole document on every call.
    if (node && isAlias(node)) return this.index.target(node) ?? null;
    return node ?? null;
  }

  lineOf(node: Node | null | undefined): number {
    const start = node?.range?.[0];
    return start === undefined ? 1 : this.lineCounter.linePos(start).line;
  }

  issue(node: Node | null | undefined, key: string | undefined, problem: string): void {
    this.issueAt(node?.range?.[0], key, problem);
  }

  issueAt(offset: number | undefined, key: string | undefined, problem: string): void {
    const line = offset === undefined ? 1 : this.lineCounter.linePos(offset).line;
    const end = /[?.]$/.test(problem) ? '' : '.';
    // oneLine: whatever the file holds, the message stays one line.
    const issue: CatalogIssue = { line, message: oneLine(`${this.file} line ${line}: ${problem}${end}`) };
    if (key !== undefined) issue.key = key;
    this.issues.push(issue);
  }
}

interface KeyedNode {
  key: Node;
  value: Node | null;
}

function namePeek(node: YAMLMap): string | undefined {
  for (const pair of node.items) {
    if (
      isScalar(pair.key) &&
      pair.key.value === 'name' &&
      isScalar(pair.value) &&
      typeof pair.value.value === 'string'
    ) {
      return NAME_RE.test(pair.value.value) ? pair.value.value : undefined;
    }
  }
  return undefined;
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

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** The closest allowed key for a typo, kubeconfig-style spelling (`tls-server-name`) included. */
export function suggest(key: string, allowed: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const exact = allowed.find((a) => norm(a) === norm(key));
  if (exact) return exact;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of allowed) {
    const d = levenshtein(norm(key), norm(candidate));
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  const limit = Math.max(2, Math.floor(norm(key).length / 3));
  return bestDistance <= limit ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
