import { isAlias, isMap, isScalar, isSeq, type LineCounter, type Node, type parseDocument, type YAMLMap } from 'yaml';
import { oneLine, shown } from '../../message-text.ts';
import { type ClusterEntry, serverUrl, type UserSpec } from '../../model/cluster.ts';
import type { YamlDocIndex } from '../../yaml-guard.ts';
import { aliasIssue } from '../catalog-limits.ts';
import { type CatalogIssue, suggest } from './errors.ts';
import { CLUSTER_KEYS, DEFAULT_PORT, DEFAULTS_KEYS, NAME_RE, ROOT_KEYS, STR_TAG } from './keys.ts';
import type { ParseCatalogOptions } from './parse.ts';
import {
  readCaData,
  readCaFile,
  readGroup,
  readIp,
  readNamespace,
  readPort,
  readServer,
  readTlsServerName,
  readVirtualNetwork,
} from './servers.ts';
import { readUser } from './users.ts';

export interface Where {
  /** Human phrase for the enclosing object: "in cluster "prod-us"", "in defaults". */
  in: string;
}

export interface RawUser {
  spec: UserSpec;
}

export interface RawDefaults {
  port?: number;
  namespace?: string;
  user?: RawUser;
}

/** Walks a parsed catalog document, collecting every problem rather than stopping at the first. */
export class CatalogReader {
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
    if (port) out.port = readPort(this, port, where);
    const namespace = keys.get('namespace');
    if (namespace) out.namespace = readNamespace(this, namespace, where);
    const user = keys.get('user');
    if (user) out.user = readUser(this, user, where);
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
      const parsed = readServer(this, serverNode, where);
      if (parsed) {
        server = parsed.server;
        ips = parsed.ip ? [parsed.ip] : [];
        port = parsed.port;
      }
    } else {
      if (ipNode) {
        const ip = readIp(this, ipNode, where);
        if (ip) ips = [ip];
      }
      if (portNode) {
        const p = readPort(this, portNode, where);
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
      certificateAuthorityData = readCaData(this, caDataNode, where);
    } else if (caFileNode) {
      certificateAuthorityData = readCaFile(this, caFileNode, where);
    }

    const tlsNode = keys.get('tlsServerName');
    const tlsServerName = tlsNode ? readTlsServerName(this, tlsNode, where) : undefined;
    const nsNode = keys.get('namespace');
    const namespace = nsNode ? readNamespace(this, nsNode, where) : defaults.namespace;
    const userNode = keys.get('user');
    const user = userNode ? readUser(this, userNode, where) : defaults.user;
    const vnetNode = keys.get('virtualNetwork');
    const virtualNetwork = vnetNode ? readVirtualNetwork(this, vnetNode, where) : undefined;
    const groupNode = keys.get('group');
    const group = groupNode ? readGroup(this, groupNode, where) : undefined;

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
      ...(virtualNetwork !== undefined ? { catalogVirtualNetwork: virtualNetwork } : {}),
      ...(group !== undefined ? { group } : {}),
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

export interface KeyedNode {
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

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
