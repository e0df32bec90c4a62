import { UserError } from '../errors.ts';
import { type ClusterEntry, serverUrl } from '../model/cluster.ts';
import type { ProbeTarget } from './types.ts';

export { type TargetProblem, targetsFromMergedKubeconfig } from './kubeconfig-view.ts';

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
