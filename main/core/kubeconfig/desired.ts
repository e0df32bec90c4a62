import { UserError } from '../errors.ts';
import { type ClusterEntry, serverUrl, type UserSpec } from '../model/cluster.ts';
import { applyNameTemplate } from './names.ts';
import { ENTRY_KINDS, type EntryKind, KUBEZT_EXTENSION, type KubeconfigSet } from './parse.ts';
import { canonicalSources, unreadOf } from './stale.ts';

export type Obj = Record<string, unknown>;

export interface Target {
  clusterName: string;
  name: string;
  inner: Partial<Record<EntryKind, Obj>>;
}

function extensionFor(clusterName: string, sources: readonly string[], vnet?: ClusterEntry['virtualNetwork']): Obj {
  const extension: Obj = { managed: true, cluster: clusterName, sources: [...sources] };
  // The network the context's IP belongs to: with overlapping IPs, the IP alone is ambiguous.
  if (vnet) extension.virtualNetwork = { id: vnet.id, name: vnet.name };
  return { name: KUBEZT_EXTENSION, extension };
}

const EXEC_V1 = 'client.authentication.k8s.io/v1';

function userInner(spec: UserSpec): Obj | undefined {
  switch (spec.kind) {
    case 'existing':
      return undefined;
    case 'token':
      return { token: spec.token };
    case 'tokenFile':
      return { tokenFile: spec.tokenFile };
    case 'clientCertificate':
      return { 'client-certificate': spec.clientCertificate, 'client-key': spec.clientKey };
    case 'exec': {
      const e = spec.exec;
      const exec: Obj = { apiVersion: e.apiVersion, command: e.command };
      if (e.args?.length) exec.args = [...e.args];
      if (e.env?.length) exec.env = e.env.map((v) => ({ name: v.name, value: v.value }));
      // kubectl refuses a v1 exec plugin without interactiveMode; kubezt's default never prompts.
      const mode = e.interactiveMode ?? (e.apiVersion === EXEC_V1 ? 'Never' : undefined);
      if (mode) exec.interactiveMode = mode;
      if (e.provideClusterInfo !== undefined) exec.provideClusterInfo = e.provideClusterInfo;
      if (e.installHint) exec.installHint = e.installHint;
      return { exec };
    }
  }
}

export function fileList(set: KubeconfigSet): string {
  return set.files.map((f) => f.path).join(', ');
}

export type Recorded = ReadonlyMap<string, string[] | null>;
type Wanted = Record<EntryKind, Set<string>>;

/** What the clusters given ask for: entries to write, names to keep, and who owns each name. */
export interface Desired {
  targets: Target[];
  wanted: Wanted;
  keptOwners: Set<string>;
  nameOwner: Map<string, string>;
  warnings: string[];
}

function duplicateName(other: string, entry: ClusterEntry, name: string, template: string): UserError {
  const why =
    other === entry.name
      ? `the cluster "${other}" is listed twice`
      : `the clusters "${other}" and "${entry.name}" both map to "${name}"`;
  return new UserError(
    'bad-input',
    `Cannot write the kubeconfig: ${why} under the name template "${template}"; give every cluster its own name.`,
  );
}

/** The cluster, context and (when kubezt writes one) user entry for one cluster with a known server. */
function targetFor(
  set: KubeconfigSet,
  entry: ClusterEntry,
  name: string,
  server: string,
  recorded: Recorded,
  consulted: ReadonlySet<string>,
): Target {
  // A source not read now may still list this cluster: what it recorded before is kept.
  const previous = recorded.get(entry.name);
  const unread = previous === undefined ? [] : unreadOf(previous, consulted);
  const sources = canonicalSources([...entry.sources, ...unread]);
  const ext = extensionFor(entry.name, sources, entry.virtualNetwork);
  const cluster: Obj = { server };
  if (entry.certificateAuthorityData) cluster['certificate-authority-data'] = entry.certificateAuthorityData;
  if (entry.tlsServerName) cluster['tls-server-name'] = entry.tlsServerName;
  cluster.extensions = [ext];
  const context: Obj = { cluster: name };
  const creds = entry.user ? userInner(entry.user) : undefined;
  if (entry.user?.kind === 'existing') {
    if (!set.merged.user.has(entry.user.name)) {
      throw new UserError(
        'not-found',
        `The cluster "${entry.name}" should use the existing kubeconfig user "${entry.user.name}", but no user of that name is in ${fileList(set)}; add that user to the kubeconfig or change the cluster's user in the catalog.`,
      );
    }
    context.user = entry.user.name;
  } else if (creds) {
    context.user = name;
  }
  if (entry.namespace) context.namespace = entry.namespace;
  context.extensions = [ext];
  const inner: Target['inner'] = { cluster, context };
  // The user entry's extension leaves the network out: every other string in a user entry is
  // treated as a possible credential (secrets/user-fields.ts), and a network name is not one.
  if (creds) inner.user = { ...creds, extensions: [extensionFor(entry.name, sources)] };
  return { clusterName: entry.name, name, inner };
}

export function desiredEntries(
  input: { readonly clusters: readonly ClusterEntry[]; readonly keep?: readonly string[] | undefined },
  set: KubeconfigSet,
  template: string,
  recorded: Recorded,
  consulted: ReadonlySet<string>,
): Desired {
  const d: Desired = {
    targets: [],
    wanted: { cluster: new Set(), context: new Set(), user: new Set() },
    keptOwners: new Set(),
    nameOwner: new Map(),
    warnings: [],
  };
  for (const kept of input.keep ?? []) {
    d.keptOwners.add(kept);
    for (const kind of ENTRY_KINDS) d.wanted[kind].add(applyNameTemplate(template, kept));
  }
  for (const entry of input.clusters) {
    const name = applyNameTemplate(template, entry.name);
    const other = d.nameOwner.get(name);
    if (other !== undefined) throw duplicateName(other, entry, name, template);
    d.nameOwner.set(name, entry.name);
    const server = entry.server ?? (entry.ips[0] !== undefined ? serverUrl(entry.ips[0], entry.port) : undefined);
    if (!server) {
      d.warnings.push(
        `skipped cluster ${entry.name}: no server address is known for it yet, so its kubeconfig entries are left as they are`,
      );
      d.keptOwners.add(entry.name);
      for (const kind of ENTRY_KINDS) d.wanted[kind].add(name);
      continue;
    }
    const target = targetFor(set, entry, name, server, recorded, consulted);
    d.targets.push(target);
    for (const kind of ENTRY_KINDS) if (target.inner[kind]) d.wanted[kind].add(name);
  }
  return d;
}
