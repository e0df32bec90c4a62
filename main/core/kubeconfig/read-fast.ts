import { dirname, isAbsolute, resolve } from 'node:path';
import type { ExecSpec } from '../model/cluster.ts';
import type { MergedCluster, MergedContext, MergedKubeconfig, MergedUser } from './merged.ts';
import { loadKubeconfigData } from './quick.ts';
import { acceptedByKubectl, isMapping, ownerOf, stringOrEmpty } from './quick-file.ts';
import { defaultFileIndex, type KubeconfigSource } from './types.ts';

/**
 * The fast strategies of the merged-kubeconfig reader: the block recognizer (block-yaml.ts) for
 * the kubeconfigs kubectl writes, else js-yaml (through quick.ts), both reading YAML 1.1 as
 * kubectl does. Why not the yaml Document API here: measured in bench/README.md, it is several
 * times slower to load and run, and `kubezt check` and `kubezt use` start within kubectl's time;
 * the Document API stays the full path (read-full.ts) and the write path (edits that keep comments
 * and key order). Anything unusual (a parse error, a type kubectl would refuse, merge keys,
 * several documents, duplicate names) returns null, and readKubeconfig (read.ts) takes the full path, which
 * reports the problem precisely. The result is the same MergedKubeconfig read-full.ts returns
 * (test/integration/cli-check/kubeconfig-view.test.ts compares the two).
 */
export function quickMergedKubeconfig(sources: readonly KubeconfigSource[]): MergedKubeconfig | null {
  const contexts = new Map<string, MergedContext>();
  const clusters = new Map<string, MergedCluster>();
  const users = new Map<string, MergedUser>();
  let currentContext = '';
  for (const { path: file, bytes } of sources) {
    const loaded = loadKubeconfigData({ path: file, bytes });
    if (!loaded) return null;
    const { data } = loaded;
    if (data === null || data === undefined) continue;
    if (!acceptedByKubectl(data)) return null;
    for (const raw of items(data.contexts)) {
      if (!contexts.has(stringOrEmpty(raw.name))) contexts.set(stringOrEmpty(raw.name), contextOf(file, raw));
    }
    for (const raw of items(data.clusters)) {
      if (!clusters.has(stringOrEmpty(raw.name))) clusters.set(stringOrEmpty(raw.name), clusterOf(file, raw));
    }
    for (const raw of items(data.users)) {
      if (!users.has(stringOrEmpty(raw.name))) users.set(stringOrEmpty(raw.name), userOf(file, raw));
    }
    if (currentContext === '' && stringOrEmpty(data['current-context']) !== '') {
      currentContext = stringOrEmpty(data['current-context']);
    }
  }
  return {
    currentContext,
    contexts: [...contexts.values()],
    clusters: [...clusters.values()],
    users: [...users.values()],
    defaultFile: sources[defaultFileIndex(sources)]?.path ?? '',
  };
}

function items(list: unknown): Record<string, unknown>[] {
  return Array.isArray(list) ? list.filter(isMapping) : [];
}

function innerOf(raw: Record<string, unknown>, key: string): Record<string, unknown> {
  const inner = raw[key];
  return isMapping(inner) ? inner : {};
}

function contextOf(file: string, raw: Record<string, unknown>): MergedContext {
  const inner = innerOf(raw, 'context');
  return {
    name: stringOrEmpty(raw.name),
    cluster: stringOrEmpty(inner.cluster),
    user: stringOrEmpty(inner.user),
    ...field('namespace', stringOrEmpty(inner.namespace)),
    file,
    ...managedBy(inner),
  };
}

function clusterOf(file: string, raw: Record<string, unknown>): MergedCluster {
  const c = innerOf(raw, 'cluster');
  return {
    name: stringOrEmpty(raw.name),
    server: stringOrEmpty(c.server),
    ...field('certificateAuthorityData', stringOrEmpty(c['certificate-authority-data']).replace(/[\r\n]/g, '')),
    ...field('certificateAuthority', localPath(file, c['certificate-authority'])),
    ...field('tlsServerName', stringOrEmpty(c['tls-server-name'])),
    ...(c['insecure-skip-tls-verify'] === true ? { insecureSkipTlsVerify: true } : {}),
    ...field('proxyUrl', stringOrEmpty(c['proxy-url'])),
    file,
    managed: ownerOf(c).owned,
  };
}

function userOf(file: string, raw: Record<string, unknown>): MergedUser {
  const u = innerOf(raw, 'user');
  const exec = execOf(file, u.exec);
  const authProvider = isMapping(u['auth-provider']) ? stringOrEmpty(u['auth-provider'].name) : '';
  return {
    name: stringOrEmpty(raw.name),
    ...field('token', stringOrEmpty(u.token)),
    ...field('tokenFile', localPath(file, u.tokenFile)),
    ...field('clientCertificate', localPath(file, u['client-certificate'])),
    ...field('clientCertificateData', stringOrEmpty(u['client-certificate-data']).replace(/[\r\n]/g, '')),
    ...field('clientKey', localPath(file, u['client-key'])),
    ...field('clientKeyData', stringOrEmpty(u['client-key-data']).replace(/[\r\n]/g, '')),
    ...field('username', stringOrEmpty(u.username)),
    ...field('password', stringOrEmpty(u.password)),
    ...(exec ? { exec } : {}),
    ...field('authProvider', authProvider),
    file,
    managed: ownerOf(u).owned,
  };
}

function localPath(file: string, value: unknown): string | undefined {
  const s = stringOrEmpty(value);
  if (s === '') return undefined;
  return isAbsolute(s) ? s : resolve(dirname(file), s);
}

function managedBy(
  inner: Record<string, unknown>,
): Pick<MergedContext, 'managed' | 'sourceCluster' | 'virtualNetwork'> {
  const { owned, ownerCluster, ownerVirtualNetwork } = ownerOf(inner);
  return {
    managed: owned,
    ...(ownerCluster ? { sourceCluster: ownerCluster } : {}),
    ...(ownerVirtualNetwork ? { virtualNetwork: ownerVirtualNetwork } : {}),
  };
}

/** `value` under `key` when it is a non-empty string: absent fields stay absent, as in read-full.ts. */
function field<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value ? { [key]: value } : {}) as { [P in K]?: string };
}

function execOf(file: string, e: unknown): ExecSpec | undefined {
  if (!isMapping(e)) return undefined;
  const command = stringOrEmpty(e.command);
  // kubectl resolves a relative command only when it has a path separator (./bin/x, not aws).
  const resolved = command.includes('/') && !isAbsolute(command) ? resolve(dirname(file), command) : command;
  const spec: ExecSpec = { apiVersion: stringOrEmpty(e.apiVersion), command: resolved };
  if (Array.isArray(e.args)) spec.args = e.args.map(String);
  if (Array.isArray(e.env)) {
    spec.env = e.env.filter(isMapping).map((v) => ({ name: stringOrEmpty(v.name), value: stringOrEmpty(v.value) }));
  }
  const mode = e.interactiveMode;
  if (mode === 'Never' || mode === 'IfAvailable' || mode === 'Always') spec.interactiveMode = mode;
  if (typeof e.provideClusterInfo === 'boolean') spec.provideClusterInfo = e.provideClusterInfo;
  if (typeof e.installHint === 'string') spec.installHint = e.installHint;
  return spec;
}
