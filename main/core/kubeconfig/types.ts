/**
 * Shapes shared by every part of the kubeconfig engine, with no YAML library behind them: the
 * `kubezt use` path imports only these, js-yaml and node:fs.
 */

export type EntryKind = 'cluster' | 'context' | 'user';
export const ENTRY_KINDS: readonly EntryKind[] = ['cluster', 'context', 'user'];
export const LIST_KEY: Readonly<Record<EntryKind, string>> = {
  cluster: 'clusters',
  context: 'contexts',
  user: 'users',
};
export const KUBEZT_EXTENSION = 'kubezt';

/** One file of the KUBECONFIG list, in order; `bytes: null` when the file does not exist. */
export interface KubeconfigSource {
  path: string;
  bytes: string | null;
}

export interface Splice {
  start: number;
  end: number;
  text: string;
}

export interface KubeconfigWrite {
  path: string;
  /** The bytes the plan was made from; null when the file did not exist. */
  before: string | null;
  after: string;
  /**
   * Set when the only edit is the value of the top-level current-context (`kubezt use`): the
   * splice that turns `before` into `after`. `before` was fully validated when planned, so
   * applying re-checks the splice instead of re-parsing a large file.
   */
  currentContextSplice?: Splice & { value: string };
}

export type ChangeKind = 'added' | 'updated' | 'removed' | 'unchanged';

/** The WARP virtual network kubezt recorded on a context (its `kubezt` extension, see desired.ts). */
export interface ContextNetwork {
  id: string;
  name: string;
}

export interface KubeconfigChange {
  kind: ChangeKind;
  context: string;
  cluster?: string;
  user?: string;
  /** The file the context lives in (after the change). */
  file: string;
  /** A removal of kubezt's cluster and/or user whose context was already gone (`context` is their name). */
  orphan?: boolean;
}

export interface KubeconfigPlan {
  /** Every file of the KUBECONFIG list as read when planning, in order. */
  files: KubeconfigSource[];
  /** Only files whose bytes change. Empty: nothing to do. */
  writes: KubeconfigWrite[];
  changes: KubeconfigChange[];
  /** Set when current-context names a context this plan removes; it is left as it is. */
  currentContextWarning?: string;
  /** Clusters skipped (no server address known yet); their existing entries are kept. */
  warnings: string[];
  /**
   * For `use`: the merged current-context before and after, and the file that gets it; with the
   * network recorded on the `to` context when it records one, so `use` need not read it again.
   */
  currentContext?: { from: string; to: string; file: string; virtualNetwork?: ContextNetwork };
  /**
   * kubezt's entries that no source listed but that stay, because a source they came from was not
   * read in this run (see PlanKubeconfigInput.consulted): one per cluster, with its context name
   * when it has one, and the sources that were not read.
   */
  heldBack?: HeldBackEntry[];
}

export interface HeldBackEntry {
  /** The ClusterEntry name recorded in kubezt's extension (or the entry name when none is). */
  cluster: string;
  context?: string;
  /** Sources it came from (all of them when kubezt did not record any) that were not read. */
  unread: string[];
}

/** The KUBECONFIG files as they will be after `writes`. */
export function sourcesAfter(
  files: readonly KubeconfigSource[],
  writes: readonly KubeconfigWrite[],
): KubeconfigSource[] {
  const byPath = new Map(writes.map((w) => [w.path, w.after]));
  return files.map((f) => ({ path: f.path, bytes: byPath.has(f.path) ? (byPath.get(f.path) as string) : f.bytes }));
}

/** kubectl's GetDefaultFilename: the only file; else the first that exists; else the last. */
export function defaultFileIndex(sources: readonly KubeconfigSource[]): number {
  if (sources.length <= 1) return 0;
  const existing = sources.findIndex((s) => s.bytes !== null);
  return existing === -1 ? sources.length - 1 : existing;
}

// client-go's clientcmd/api/v1 types: what kubectl decodes into. Unknown keys are ignored by
// kubectl (and kept by kubezt); a known key with the wrong type makes kubectl reject the file.
export type Shape =
  | 'string'
  | 'bool'
  | 'bytes'
  | 'any'
  | { list: Shape }
  | { map: Shape }
  | { fields: Record<string, Shape> };

// client-go's clientcmd/api/v1 types: what kubectl decodes into. Unknown keys are ignored by
// kubectl (and kept by kubezt); a known key with the wrong type makes kubectl reject the file.
const EXTENSIONS: Shape = { list: { fields: { name: 'string', extension: 'any' } } };
const CLUSTER: Shape = {
  fields: {
    server: 'string',
    'tls-server-name': 'string',
    'insecure-skip-tls-verify': 'bool',
    'certificate-authority': 'string',
    'certificate-authority-data': 'bytes',
    'proxy-url': 'string',
    'disable-compression': 'bool',
    extensions: EXTENSIONS,
  },
};
const CONTEXT: Shape = { fields: { cluster: 'string', user: 'string', namespace: 'string', extensions: EXTENSIONS } };
const EXEC: Shape = {
  fields: {
    command: 'string',
    args: { list: 'string' },
    env: { list: { fields: { name: 'string', value: 'string' } } },
    apiVersion: 'string',
    installHint: 'string',
    provideClusterInfo: 'bool',
    interactiveMode: 'string',
  },
};
const USER: Shape = {
  fields: {
    'client-certificate': 'string',
    'client-certificate-data': 'bytes',
    'client-key': 'string',
    'client-key-data': 'bytes',
    token: 'string',
    tokenFile: 'string',
    as: 'string',
    'as-uid': 'string',
    'as-groups': { list: 'string' },
    'as-user-extra': { map: { list: 'string' } },
    username: 'string',
    password: 'string',
    'auth-provider': { fields: { name: 'string', config: { map: 'string' } } },
    exec: EXEC,
    extensions: EXTENSIONS,
  },
};
export const CONFIG: Shape = {
  fields: {
    kind: 'string',
    apiVersion: 'string',
    preferences: { fields: { colors: 'bool', extensions: EXTENSIONS } },
    clusters: { list: { fields: { name: 'string', cluster: CLUSTER } } },
    contexts: { list: { fields: { name: 'string', context: CONTEXT } } },
    users: { list: { fields: { name: 'string', user: USER } } },
    'current-context': 'string',
    extensions: EXTENSIONS,
  },
};

/** What Go's base64 decoder (StdEncoding, after dropping CR/LF) accepts. */
export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const BASE64_LINEAR = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * BASE64.test after dropping CR/LF, in one linear scan: with the length a multiple of 4, the
 * alphabet followed by at most two `=` is exactly BASE64's language, without its groups of four
 * (a measurable share of `kubezt use` on a 10,000-context file, see bench/README.md).
 */
export function isBase64(value: string): boolean {
  const text = value.includes('\n') || value.includes('\r') ? value.replace(/[\r\n]/g, '') : value;
  return text.length % 4 === 0 && BASE64_LINEAR.test(text);
}
