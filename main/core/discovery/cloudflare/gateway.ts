/**
 * Gateway audit: is each Kubernetes API IP exempt from HTTP inspection? Gateway evaluates
 * Do Not Inspect (`action: off`) HTTP policies before every other HTTP policy, so one enabled
 * `off` policy whose traffic expression matches the IP is enough, whatever its precedence.
 *
 * Traffic expressions are Cloudflare's wirefilter language. Only the destination-IP conditions
 * matter here; anything else (host names, paths, ports...) is "unknown" for a given IP. They are
 * combined with three-valued logic, so `dst_ip in {...} or host == "x"` still counts as covering
 * the IP, while `dst_ip in {...} and host == "x"` does not (it is reported as uncertain).
 */
import type { GatewayRule } from 'cloudflare/resources/zero-trust/gateway/rules';
import { IpSet, normalizeIp } from './ip.ts';

/** Three-valued truth for "does this expression match traffic to the IP?". */
type Truth = 'yes' | 'no' | 'unknown';

type Node =
  | { kind: 'and' | 'or' | 'xor'; left: Node; right: Node }
  | { kind: 'not'; operand: Node }
  | { kind: 'ip-in-set'; set: IpSet; negated: boolean }
  | { kind: 'ip-in-list'; listRef: string; negated: boolean }
  | { kind: 'other' };

const DST_IP_FIELDS = new Set(['http.conn.dst_ip']);

class ParseError extends Error {}

/**
 * Nesting (parentheses, `not`, function calls) the parser follows; deeper is unreadable, so
 * unknown. Operator chains (`a or b or c...`) are loops, not nesting, at any length.
 */
const MAX_NESTING = 200;

class Parser {
  readonly #text: string;
  #pos = 0;
  #depth = 0;

  constructor(text: string) {
    this.#text = text;
  }

  parse(): Node {
    const node = this.#or();
    this.#skipSpace();
    if (this.#pos < this.#text.length) throw new ParseError(`unexpected text at ${this.#pos}`);
    return node;
  }

  #skipSpace(): void {
    while (this.#pos < this.#text.length && /\s/.test(this.#text[this.#pos] ?? '')) this.#pos++;
  }

  /** Consumes one of the operators if it comes next (words must end at a word boundary). */
  #eat(...ops: string[]): string | undefined {
    this.#skipSpace();
    for (const op of ops) {
      if (!this.#text.startsWith(op, this.#pos)) continue;
      const after = this.#text[this.#pos + op.length] ?? '';
      if (/^[a-z]/i.test(op) && /[\w.]/.test(after)) continue;
      this.#pos += op.length;
      return op;
    }
    return undefined;
  }

  #or(): Node {
    let left = this.#and();
    for (;;) {
      const op = this.#eat('or', '||', 'xor', '^^');
      if (!op) return left;
      const right = this.#and();
      left = { kind: op === 'xor' || op === '^^' ? 'xor' : 'or', left, right };
    }
  }

  #and(): Node {
    let left = this.#not();
    while (this.#eat('and', '&&')) {
      left = { kind: 'and', left, right: this.#not() };
    }
    return left;
  }

  #not(): Node {
    if (this.#eat('not', '!')) return { kind: 'not', operand: this.#nested(() => this.#not()) };
    return this.#primary();
  }

  #nested<T>(parse: () => T): T {
    if (++this.#depth > MAX_NESTING) throw new ParseError('nested too deeply');
    const node = parse();
    this.#depth--;
    return node;
  }

  #primary(): Node {
    if (this.#eat('(')) {
      const inner = this.#nested(() => this.#or());
      if (!this.#eat(')')) throw new ParseError('missing )');
      return inner;
    }
    const name = this.#identifier();
    if (this.#eat('(')) {
      // Function call: any(...)/all(...) wrap a condition on an array field; other functions
      // (lower, ends_with...) take values, so what they say about the IP is unknown.
      const inner = this.#nested(() => this.#or());
      while (this.#eat(',')) this.#nested(() => this.#or());
      if (!this.#eat(')')) throw new ParseError('missing ) after function arguments');
      return name === 'any' || name === 'all' ? inner : this.#comparisonTail({ kind: 'other' });
    }
    this.#eat('[*]');
    if (/^\[/.test(this.#text.slice(this.#pos))) {
      const close = this.#text.indexOf(']', this.#pos);
      if (close < 0) throw new ParseError('missing ]');
      this.#pos = close + 1;
    }
    return this.#comparison(name);
  }

  #identifier(): string {
    this.#skipSpace();
    const m = /^[A-Za-z_][\w.]*/.exec(this.#text.slice(this.#pos));
    if (!m) {
      // A bare value (number, string) on the left side: skip it, it says nothing about the IP.
      this.#value();
      return '';
    }
    this.#pos += m[0].length;
    return m[0];
  }

  #comparison(field: string): Node {
    const isDstIp = DST_IP_FIELDS.has(field);
    const negatedIn = this.#peekNotIn();
    if (negatedIn || this.#eat('in')) {
      const target = this.#setOrList();
      if (!isDstIp) return { kind: 'other' };
      if (target.kind === 'list') return { kind: 'ip-in-list', listRef: target.ref, negated: negatedIn };
      return { kind: 'ip-in-set', set: target.set, negated: negatedIn };
    }
    const op = this.#eat(
      '==',
      'eq',
      '!=',
      'ne',
      '>=',
      '<=',
      '>',
      '<',
      'ge',
      'le',
      'gt',
      'lt',
      'contains',
      'matches',
      '~',
    );
    if (!op) return { kind: 'other' };
    const value = this.#value();
    if (!isDstIp || !['==', 'eq', '!=', 'ne'].includes(op)) return { kind: 'other' };
    const set = new IpSet();
    if (!set.add(value)) return { kind: 'other' };
    return { kind: 'ip-in-set', set, negated: op === '!=' || op === 'ne' };
  }

  #comparisonTail(left: Node): Node {
    // `lower(x) == "y"`: consume the comparison, keep the verdict unknown.
    if (this.#eat('in')) {
      this.#setOrList();
      return left;
    }
    if (this.#eat('==', 'eq', '!=', 'ne', 'contains', 'matches', '~')) this.#value();
    return left;
  }

  #peekNotIn(): boolean {
    const save = this.#pos;
    if (this.#eat('not') && this.#eat('in')) return true;
    this.#pos = save;
    return false;
  }

  #setOrList(): { kind: 'set'; set: IpSet } | { kind: 'list'; ref: string } {
    this.#skipSpace();
    const rest = this.#text.slice(this.#pos);
    const list = /^\$([A-Za-z0-9_-]+)/.exec(rest);
    if (list?.[1]) {
      this.#pos += list[0].length;
      return { kind: 'list', ref: list[1] };
    }
    if (!this.#eat('{')) throw new ParseError('expected a set or a list after "in"');
    const close = this.#text.indexOf('}', this.#pos);
    if (close < 0) throw new ParseError('missing }');
    const body = this.#text.slice(this.#pos, close);
    this.#pos = close + 1;
    const set = new IpSet();
    for (const raw of body.split(/[\s,]+/)) {
      const value = raw.replace(/^"(.*)"$/, '$1');
      if (value) set.add(value);
    }
    return { kind: 'set', set };
  }

  #value(): string {
    this.#skipSpace();
    const rest = this.#text.slice(this.#pos);
    const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
    if (quoted) {
      this.#pos += quoted[0].length;
      return quoted[1] ?? '';
    }
    const raw = /^r?#*"[^"]*"#*|^[^\s()]+/.exec(rest);
    if (!raw) throw new ParseError('expected a value');
    this.#pos += raw[0].length;
    return raw[0];
  }
}

export interface ParsedTraffic {
  /** Whether the expression matches traffic to `ip`, given the Gateway lists' contents. */
  matches(ip: string, lists: ReadonlyMap<string, IpSet>): Truth;
  /** List ids (as written after `$`) that decide destination IPs. */
  listRefs: string[];
}

/** Normalises a list reference: `$` ids are written with or without dashes. */
export function listKey(id: string): string {
  return id.replaceAll('-', '').toLowerCase();
}

type Binary = Extract<Node, { left: Node }>;
const isBinary = (n: Node): n is Binary => n.kind === 'and' || n.kind === 'or' || n.kind === 'xor';

/**
 * Operator chains parse into left-deep trees as long as the chain (`a or b or c...`): their left
 * spine is walked in a loop, so only real nesting (at most MAX_NESTING) costs stack.
 */
function evaluate(root: Node, ip: string, lists: ReadonlyMap<string, IpSet>): Truth {
  const spine: Binary[] = [];
  let node = root;
  while (isBinary(node)) {
    spine.push(node);
    node = node.left;
  }
  let value = evaluateLeaf(node, ip, lists);
  for (let i = spine.length - 1; i >= 0; i--) {
    const n = spine[i] as Binary;
    value = combine(n.kind, value, evaluate(n.right, ip, lists));
  }
  return value;
}

function combine(kind: Binary['kind'], l: Truth, r: Truth): Truth {
  switch (kind) {
    case 'and':
      if (l === 'no' || r === 'no') return 'no';
      return l === 'yes' && r === 'yes' ? 'yes' : 'unknown';
    case 'or':
      if (l === 'yes' || r === 'yes') return 'yes';
      return l === 'no' && r === 'no' ? 'no' : 'unknown';
    case 'xor':
      if (l === 'unknown' || r === 'unknown') return 'unknown';
      return l !== r ? 'yes' : 'no';
  }
}

function evaluateLeaf(node: Exclude<Node, Binary>, ip: string, lists: ReadonlyMap<string, IpSet>): Truth {
  switch (node.kind) {
    case 'other':
      return 'unknown';
    case 'ip-in-set': {
      const hit = node.set.has(ip);
      return hit !== node.negated ? 'yes' : 'no';
    }
    case 'ip-in-list': {
      const set = lists.get(listKey(node.listRef));
      if (!set) return 'unknown';
      return set.has(ip) !== node.negated ? 'yes' : 'no';
    }
    case 'not': {
      const v = evaluate(node.operand, ip, lists);
      return v === 'unknown' ? v : v === 'yes' ? 'no' : 'yes';
    }
  }
}

/** List references in document order, with an explicit stack (chains are as deep as they are long). */
function collectListRefs(root: Node, out: string[]): void {
  const stack: Node[] = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.kind === 'ip-in-list') out.push(node.listRef);
    else if (node.kind === 'not') stack.push(node.operand);
    else if (isBinary(node)) stack.push(node.right, node.left);
  }
}

/** Parses a traffic expression; an expression kubezt cannot read matches nothing for sure. */
export function parseTraffic(expression: string): ParsedTraffic {
  let root: Node;
  try {
    root = expression.trim() ? new Parser(expression).parse() : { kind: 'other' };
  } catch {
    root = { kind: 'other' };
  }
  const listRefs: string[] = [];
  collectListRefs(root, listRefs);
  return { matches: (ip, lists) => evaluate(root, ip, lists), listRefs };
}

/** Enabled HTTP policies with action `off` (Do Not Inspect): the only ones that matter here. */
export function doNotInspectRules(rules: readonly GatewayRule[]): GatewayRule[] {
  return rules.filter((r) => r.enabled && r.action === 'off' && r.filters.includes('http') && !r.deleted_at);
}

export interface RuleRef {
  ruleId: string;
  ruleName: string;
}

export interface GatewayAuditEntry {
  ip: string;
  /** Name of the cluster the IP belongs to. */
  cluster: string;
  /** True when at least one enabled Do Not Inspect HTTP policy surely matches the IP. */
  doNotInspect: boolean;
  coveredBy: (RuleRef & { listId?: string; listName?: string })[];
  /** Enabled Do Not Inspect policies that may match, depending on conditions kubezt cannot evaluate. */
  uncertain: RuleRef[];
}

export interface GatewayListContents {
  id: string;
  name: string;
  /** Item values (IPs or CIDRs). */
  values: string[];
}

/** Audits every IP of every cluster against the account's Gateway HTTP policies. */
export function auditGateway(
  targets: readonly { cluster: string; ip: string }[],
  rules: readonly GatewayRule[],
  lists: readonly GatewayListContents[],
): GatewayAuditEntry[] {
  const listSets = new Map<string, IpSet>();
  const listsByKey = new Map<string, GatewayListContents>();
  for (const list of lists) {
    const set = new IpSet();
    for (const value of list.values) set.add(value);
    listSets.set(listKey(list.id), set);
    listsByKey.set(listKey(list.id), list);
  }
  const parsed = doNotInspectRules(rules).map((rule) => ({ rule, traffic: parseTraffic(rule.traffic) }));
  return targets.map(({ cluster, ip }) => {
    const canonical = normalizeIp(ip) ?? ip;
    const coveredBy: GatewayAuditEntry['coveredBy'] = [];
    const uncertain: RuleRef[] = [];
    for (const { rule, traffic } of parsed) {
      const ref: RuleRef = { ruleId: rule.id ?? '', ruleName: rule.name };
      const verdict = traffic.matches(canonical, listSets);
      if (verdict === 'yes') {
        const via = traffic.listRefs
          .map((r) => listsByKey.get(listKey(r)))
          .find((l) => l !== undefined && listSets.get(listKey(l.id))?.has(canonical));
        coveredBy.push(via ? { ...ref, listId: via.id, listName: via.name } : ref);
      } else if (verdict === 'unknown' && mentions(traffic, canonical, listSets, rule.traffic)) {
        uncertain.push(ref);
      }
    }
    return { ip: canonical, cluster, doNotInspect: coveredBy.length > 0, coveredBy, uncertain };
  });
}

/** Whether an undecided rule names the IP at all (directly or via a list), so it is worth reporting. */
function mentions(traffic: ParsedTraffic, ip: string, lists: ReadonlyMap<string, IpSet>, text: string): boolean {
  if (traffic.listRefs.some((r) => lists.get(listKey(r))?.has(ip))) return true;
  // Each `{...}` set, as /\{([^}]*)\}/g finds them, with indexOf: that pattern rescans to the end
  // from every '{' that has no '}' after it.
  for (let open = text.indexOf('{'); open >= 0; ) {
    const close = text.indexOf('}', open + 1);
    if (close < 0) break;
    const set = new IpSet();
    for (const v of text.slice(open + 1, close).split(/[\s,]+/)) if (v) set.add(v.replace(/^"(.*)"$/, '$1'));
    if (set.has(ip)) return true;
    open = text.indexOf('{', close + 1);
  }
  return false;
}

/**
 * Gateway's TLS decryption settings (`GET /accounts/{id}/gateway/configuration`). Decryption
 * inspects only port 443 unless the proxy's inspection mode is `dynamic` (the dashboard's
 * "inspect on all ports"), which is when the Kubernetes API port gets inspected too.
 */
export interface GatewayTlsSettings {
  /** settings.tls_decrypt.enabled; undefined when the account does not say. */
  tlsDecrypt?: boolean;
  /** settings.inspection.mode === 'dynamic'; undefined when the account does not say. */
  inspectAllPorts?: boolean;
}

/** Reads the two settings from a configuration answer of any shape; absent or odd fields stay unknown. */
export function readTlsSettings(config: unknown): GatewayTlsSettings {
  const settings = (config as { settings?: unknown } | null | undefined)?.settings;
  if (typeof settings !== 'object' || settings === null) return {};
  const s = settings as { tls_decrypt?: { enabled?: unknown } | null; inspection?: { mode?: unknown } | null };
  const enabled = s.tls_decrypt?.enabled;
  const mode = s.inspection?.mode;
  return {
    ...(typeof enabled === 'boolean' ? { tlsDecrypt: enabled } : {}),
    ...(mode === 'dynamic' || mode === 'static' ? { inspectAllPorts: mode === 'dynamic' } : {}),
  };
}

export interface GatewayInspection extends GatewayTlsSettings {
  /** The API port, as audited. */
  port: number;
  /**
   * Whether Gateway decrypts TLS on that port: yes only with TLS decryption on and (for any port
   * but 443) "inspect on all ports" on; undefined when a setting is unknown.
   */
  portInspected?: boolean;
  /** API IPs no enabled Do Not Inspect HTTP policy surely covers. */
  lacking: string[];
}

export function inspectionOf(
  tls: GatewayTlsSettings,
  audit: readonly GatewayAuditEntry[],
  port: number,
): GatewayInspection {
  const lacking = [...new Set(audit.filter((a) => !a.doNotInspect).map((a) => a.ip))];
  let portInspected: boolean | undefined;
  if (tls.tlsDecrypt === false) portInspected = false;
  else if (tls.tlsDecrypt === true && port === 443) portInspected = true;
  else if (tls.tlsDecrypt === true && tls.inspectAllPorts !== undefined) portInspected = tls.inspectAllPorts;
  return { ...tls, port, ...(portInspected !== undefined ? { portInspected } : {}), lacking };
}

/**
 * Why the API port is inspected, as a clause for the per-cluster warnings: only said when it is
 * because "inspect on all ports" is on (decryption alone inspects 443 only).
 */
export function inspectedBecause(g: GatewayInspection): string {
  return g.portInspected === true && g.port !== 443
    ? ` Gateway inspects port ${g.port} only because "inspect on all ports" is on (TLS decryption with inspection mode dynamic).`
    : '';
}

/**
 * The account-wide sentence when some API IPs lack a Do Not Inspect rule but Gateway does not
 * inspect their port today; undefined otherwise (the per-cluster warnings then say it).
 */
export function inspectionFinding(g: GatewayInspection): string | undefined {
  if (g.lacking.length === 0 || g.portInspected !== false) return undefined;
  const why =
    g.tlsDecrypt === false ? 'TLS decryption is off' : 'Gateway inspects only port 443 ("inspect on all ports" is off)';
  return `No Do Not Inspect rule covers ${g.lacking.join(', ')}; harmless while ${why}, but kubectl's TLS breaks the day it is turned on: run "kubezt gateway-policy" for the IP list and Do Not Inspect rule to add.`;
}
