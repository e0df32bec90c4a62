import { stringify } from 'yaml';
import type { FakeApiServer } from './types.ts';

/**
 * Kubeconfig text pointing at farm servers, for tests, benchmarks and the demo. It writes what
 * kubectl reads (one cluster, user and context per entry, named after the context), nothing more:
 * kubezt's own kubeconfig engine lives in main/core/kubeconfig.
 */

export type SimUser =
  | { token: string }
  | { clientCertificatePem: string; clientKeyPem: string }
  | { clientCertificate: string; clientKey: string }
  | {
      exec: {
        command: string;
        args?: string[];
        env?: { name: string; value: string }[];
        apiVersion?: string;
      };
    }
  | { anonymous: true };

export interface SimContext {
  server: FakeApiServer;
  /** Default: the server's name. */
  name?: string;
  /** Default: the server's first token. */
  user?: SimUser;
  /** Default: the server's CA. */
  caData?: string;
  tlsServerName?: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

function userEntry(user: SimUser): Record<string, unknown> {
  if ('token' in user) return { token: user.token };
  if ('clientCertificatePem' in user) {
    return { 'client-certificate-data': b64(user.clientCertificatePem), 'client-key-data': b64(user.clientKeyPem) };
  }
  if ('clientCertificate' in user)
    return { 'client-certificate': user.clientCertificate, 'client-key': user.clientKey };
  if ('exec' in user) {
    return {
      exec: {
        apiVersion: user.exec.apiVersion ?? 'client.authentication.k8s.io/v1',
        command: user.exec.command,
        args: user.exec.args ?? [],
        env: user.exec.env ?? null,
        interactiveMode: 'Never',
        provideClusterInfo: false,
      },
    };
  }
  return {};
}

export function buildKubeconfig(contexts: SimContext[], currentContext?: string): string {
  const entries = contexts.map((c) => {
    const name = c.name ?? c.server.name;
    const cluster: Record<string, unknown> = {
      server: c.server.url,
      'certificate-authority-data': c.caData ?? c.server.caData,
    };
    if (c.tlsServerName) cluster['tls-server-name'] = c.tlsServerName;
    return {
      cluster: { name, cluster },
      user: { name, user: userEntry(c.user ?? { token: c.server.token }) },
      context: { name, context: { cluster: name, user: name } },
    };
  });
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: entries.map((e) => e.cluster),
    users: entries.map((e) => e.user),
    contexts: entries.map((e) => e.context),
    'current-context': currentContext ?? entries[0]?.context.name ?? '',
  });
}

/**
 * The server as one cluster of a team catalog would list it (its CA, its first token), in the
 * shape of kubezt's ClusterEntry, for tests and benchmarks that let kubezt write the kubeconfig.
 */
export function catalogEntryFor(server: FakeApiServer): {
  name: string;
  sources: ['catalog'];
  server: string;
  ips: string[];
  port: number;
  certificateAuthorityData: string;
  user: { kind: 'token'; token: string };
} {
  return {
    name: server.name,
    sources: ['catalog'],
    server: server.url,
    ips: [server.ip],
    port: server.port,
    certificateAuthorityData: server.caData,
    user: { kind: 'token', token: server.token },
  };
}
