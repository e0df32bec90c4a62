import { dirname, isAbsolute, resolve } from 'node:path';
import { loadKubeconfigData } from '../kubeconfig/quick.ts';
import { acceptedByKubectl, isMapping, ownerOf, stringOrEmpty } from '../kubeconfig/quick-file.ts';
import type { KubeconfigSource } from '../kubeconfig/types.ts';
import type { ExecSpec } from '../model/cluster.ts';
import { FileTooLarge, formatBytes, LIMITS, readTextCapped } from '../read-capped.ts';
import type { PemSource, ProbeCredentials, ProbeTarget } from './types.ts';

/**
 * The merged kubeconfig as the probe needs it: kubectl's view of every KUBECONFIG file (first file
 * wins for a name, the first non-empty current-context), file paths absolute, and which contexts
 * kubezt manages. The same shape as main/core/kubeconfig's MergedKubeconfig, which satisfies it.
 */
export interface MergedKubeconfigView {
  currentContext: string;
  contexts: readonly {
    name: string;
    cluster: string;
    user: string;
    file: string;
    managed: boolean;
    sourceCluster?: string;
  }[];
  clusters: readonly {
    name: string;
    server: string;
    certificateAuthorityData?: string;
    certificateAuthority?: string;
    tlsServerName?: string;
    insecureSkipTlsVerify?: boolean;
  }[];
  users: readonly {
    name: string;
    token?: string;
    tokenFile?: string;
    clientCertificate?: string;
    clientCertificateData?: string;
    clientKey?: string;
    clientKeyData?: string;
    password?: string;
    exec?: ExecSpec;
  }[];
}

type Obj = Record<string, unknown>;

function localPath(file: string, value: unknown): string | undefined {
  const s = stringOrEmpty(value);
  if (s === '') return undefined;
  return isAbsolute(s) ? s : resolve(dirname(file), s);
}

function managedBy(inner: Obj): { managed: boolean; sourceCluster?: string } {
  const { owned, ownerCluster } = ownerOf(inner);
  return ownerCluster ? { managed: owned, sourceCluster: ownerCluster } : { managed: owned };
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

/**
 * Reads the merged kubeconfig as kubectl does (YAML 1.1), with the kubeconfig fast path's readers
 * (block-yaml.ts, else js-yaml): several times faster to load and run than the yaml Document API that main/core/kubeconfig needs for byte-preserving edits:
 * a check only reads. Anything unusual (a parse error, a type kubectl would refuse, merge keys,
 * several documents, duplicate names) returns null, and the caller reads through
 * main/core/kubeconfig, which reports the problem precisely.
 */
export function quickMergedKubeconfig(sources: readonly KubeconfigSource[]): MergedKubeconfigView | null {
  const contexts = new Map<string, MergedKubeconfigView['contexts'][number]>();
  const clusters = new Map<string, MergedKubeconfigView['clusters'][number]>();
  const users = new Map<string, MergedKubeconfigView['users'][number]>();
  let currentContext = '';
  for (const { path: file, bytes } of sources) {
    const loaded = loadKubeconfigData({ path: file, bytes });
    if (!loaded) return null;
    const { data } = loaded;
    if (data === null || data === undefined) continue;
    if (!acceptedByKubectl(data)) return null;
    for (const raw of Array.isArray(data.contexts) ? data.contexts : []) {
      if (!isMapping(raw) || contexts.has(stringOrEmpty(raw.name))) continue;
      const inner = isMapping(raw.context) ? raw.context : {};
      contexts.set(stringOrEmpty(raw.name), {
        name: stringOrEmpty(raw.name),
        cluster: stringOrEmpty(inner.cluster),
        user: stringOrEmpty(inner.user),
        file,
        ...managedBy(inner),
      });
    }
    for (const raw of Array.isArray(data.clusters) ? data.clusters : []) {
      if (!isMapping(raw) || clusters.has(stringOrEmpty(raw.name))) continue;
      const c = isMapping(raw.cluster) ? raw.cluster : {};
      const caData = stringOrEmpty(c['certificate-authority-data']).replace(/[\r\n]/g, '');
      const ca = localPath(file, c['certificate-authority']);
      clusters.set(stringOrEmpty(raw.name), {
        name: stringOrEmpty(raw.name),
        server: stringOrEmpty(c.server),
        ...(caData ? { certificateAuthorityData: caData } : {}),
        ...(ca ? { certificateAuthority: ca } : {}),
        ...(stringOrEmpty(c['tls-server-name']) ? { tlsServerName: stringOrEmpty(c['tls-server-name']) } : {}),
        ...(c['insecure-skip-tls-verify'] === true ? { insecureSkipTlsVerify: true } : {}),
      });
    }
    for (const raw of Array.isArray(data.users) ? data.users : []) {
      if (!isMapping(raw) || users.has(stringOrEmpty(raw.name))) continue;
      const u = isMapping(raw.user) ? raw.user : {};
      const certData = stringOrEmpty(u['client-certificate-data']).replace(/[\r\n]/g, '');
      const keyData = stringOrEmpty(u['client-key-data']).replace(/[\r\n]/g, '');
      const exec = execOf(file, u.exec);
      const entry: MergedKubeconfigView['users'][number] = { name: stringOrEmpty(raw.name) };
      users.set(stringOrEmpty(raw.name), {
        ...entry,
        ...(stringOrEmpty(u.token) ? { token: stringOrEmpty(u.token) } : {}),
        ...(localPath(file, u.tokenFile) ? { tokenFile: localPath(file, u.tokenFile) } : {}),
        ...(localPath(file, u['client-certificate'])
          ? { clientCertificate: localPath(file, u['client-certificate']) }
          : {}),
        ...(certData ? { clientCertificateData: certData } : {}),
        ...(localPath(file, u['client-key']) ? { clientKey: localPath(file, u['client-key']) } : {}),
        ...(keyData ? { clientKeyData: keyData } : {}),
        ...(stringOrEmpty(u.password) ? { password: stringOrEmpty(u.password) } : {}),
        ...(exec ? { exec } : {}),
      });
    }
    if (currentContext === '' && stringOrEmpty(data['current-context']) !== '')
      currentContext = stringOrEmpty(data['current-context']);
  }
  return {
    currentContext,
    contexts: [...contexts.values()],
    clusters: [...clusters.values()],
    users: [...users.values()],
  };
}

export interface TargetProblem {
  context: string;
  /** One sentence: what is wrong with this context and how to fix it. */
  message: string;
}

/**
 * Probe targets for contexts of the merged kubeconfig. Credentials are chosen as kubectl chooses
 * them: token before tokenFile, then a client certificate (`*-data` before files), then exec; a
 * credential file is named, not read (the ladder reads it once TLS has passed). A context that
 * cannot be resolved is a problem (one sentence), not an exception.
 */
export async function targetsFromMergedKubeconfig(
  merged: {
    contexts: readonly { name: string; cluster: string; user: string; file: string }[];
    clusters: MergedKubeconfigView['clusters'];
    users: MergedKubeconfigView['users'];
  },
  contexts: readonly string[],
  opts: { readFile?: (path: string) => Promise<string> } = {},
): Promise<{ targets: ProbeTarget[]; problems: TargetProblem[] }> {
  // Capped: a tokenFile or CA path may name /dev/zero or a huge file; that is a problem, not a hang.
  const read = opts.readFile ?? (async (p: string) => readTextCapped(p, LIMITS.credentialFile));
  const targets: ProbeTarget[] = [];
  const problems: TargetProblem[] = [];
  // First of each name wins, as kubectl's merge; Maps keep a check of every context linear.
  const byName = <T extends { name: string }>(items: readonly T[]) => {
    const map = new Map<string, T>();
    for (const item of items) if (!map.has(item.name)) map.set(item.name, item);
    return map;
  };
  const contextsByName = byName(merged.contexts);
  const clustersByName = byName(merged.clusters);
  const usersByName = byName(merged.users);
  for (const name of contexts) {
    const ctx = contextsByName.get(name);
    if (!ctx) {
      problems.push({ context: name, message: `There is no context named "${name}" in the kubeconfig.` });
      continue;
    }
    const cluster = clustersByName.get(ctx.cluster);
    if (!cluster?.server) {
      problems.push({
        context: name,
        message: `Context "${name}" points at cluster "${ctx.cluster}", which is missing or has no server: run kubezt setup again, or fix it in ${ctx.file}.`,
      });
      continue;
    }
    try {
      const caData =
        cluster.certificateAuthorityData ||
        (cluster.certificateAuthority
          ? Buffer.from(await read(cluster.certificateAuthority)).toString('base64')
          : undefined);
      const user = usersByName.get(ctx.user);
      targets.push({
        name,
        server: cluster.server,
        ...(caData ? { certificateAuthorityData: caData } : {}),
        ...(cluster.tlsServerName ? { tlsServerName: cluster.tlsServerName } : {}),
        ...(cluster.insecureSkipTlsVerify ? { insecureSkipTlsVerify: true } : {}),
        credentials: user ? mergedCredentials(user, dirname(ctx.file)) : { kind: 'none' },
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      problems.push({
        context: name,
        message:
          e instanceof FileTooLarge
            ? `Context "${name}" refers to ${e.path}, which is larger than ${formatBytes(e.limit)}; point it at the right file.`
            : err.code && err.path
              ? `Context "${name}" refers to ${err.path}, which cannot be read (${err.code}).`
              : `Context "${name}": ${err.message}`,
      });
    }
  }
  return { targets, problems };
}

function mergedCredentials(user: MergedKubeconfigView['users'][number], baseDir: string): ProbeCredentials {
  if (user.token) return { kind: 'token', token: user.token };
  if (user.tokenFile) return { kind: 'tokenFile', tokenFile: user.tokenFile };
  const cert = pemSource(user.clientCertificateData, user.clientCertificate);
  const key = pemSource(user.clientKeyData, user.clientKey);
  if (cert && key) {
    return 'pem' in cert && 'pem' in key
      ? { kind: 'clientCertificate', certPem: cert.pem, keyPem: key.pem }
      : { kind: 'clientCertificateFiles', cert, key };
  }
  if (user.exec?.command) return { kind: 'exec', exec: user.exec, baseDir };
  return { kind: 'none' };
}

function pemSource(data: string | undefined, file: string | undefined): PemSource | undefined {
  if (data) return { pem: Buffer.from(data, 'base64').toString('utf8') };
  return file ? { file } : undefined;
}
