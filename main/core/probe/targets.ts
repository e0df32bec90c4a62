/**
 * What a probe is pointed at: a context of the merged kubeconfig (with the credentials kubectl
 * would use), or a cluster entry that has no context yet.
 */
import { dirname } from 'node:path';
import { UserError } from '../errors.ts';
import type { MergedKubeconfig } from '../kubeconfig/merged.ts';
import { type ClusterEntry, serverUrl } from '../model/cluster.ts';
import { FileTooLarge, formatBytes, LIMITS, readTextCapped } from '../read-capped.ts';
import type { PemSource, ProbeCredentials, ProbeTarget } from './types.ts';

/**
 * A probe target straight from a ClusterEntry (catalog or discovery) that has no kubeconfig
 * context: the app's "check before setup". It carries no credentials, whatever the entry's
 * `user` says: only a context the user set up is probed with credentials.
 */
export function targetFromClusterEntry(entry: ClusterEntry, opts: { name?: string } = {}): ProbeTarget {
  const ip = entry.ips[0];
  const server = entry.server ?? (ip ? serverUrl(ip, entry.port) : undefined);
  if (!server) throw new UserError('bad-input', `Cluster "${entry.name}" has no server URL and no IP to probe.`);
  return {
    name: opts.name ?? entry.name,
    server,
    ...(entry.certificateAuthorityData ? { certificateAuthorityData: entry.certificateAuthorityData } : {}),
    ...(entry.tlsServerName ? { tlsServerName: entry.tlsServerName } : {}),
    credentials: { kind: 'notSetUp' },
    ...(entry.virtualNetwork
      ? { virtualNetwork: { id: entry.virtualNetwork.id, name: entry.virtualNetwork.name } }
      : {}),
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
  merged: Pick<MergedKubeconfig, 'contexts' | 'clusters' | 'users'>,
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
        ...(ctx.virtualNetwork ? { virtualNetwork: ctx.virtualNetwork } : {}),
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

function mergedCredentials(user: MergedKubeconfig['users'][number], baseDir: string): ProbeCredentials {
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
