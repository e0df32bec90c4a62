import { allocateIpv6, type Binding, createIpv4Allocator } from './address.ts';
import { createCertificateAuthority, gatewayCaSubject, issueClientCertificate, randomHex } from './pki.ts';
import { type FarmAuthorities, type RunningServer, startFakeApiServer } from './server.ts';
import type { ApiServerFarm, ApiServerFarmOptions, FakeApiServer } from './types.ts';

export const DEFAULT_API_PORT = 6443;

/**
 * Starts simulated kube-apiservers with real TLS, each on its own loopback IP (IPv4) or its own
 * port on ::1 (IPv6). Close it when done: it holds listeners, sockets and address reservations.
 */
export async function startApiServerFarm(opts: ApiServerFarmOptions): Promise<ApiServerFarm> {
  const port = opts.port ?? DEFAULT_API_PORT;
  const names = new Set<string>();
  for (const s of opts.servers) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(s.name)) throw new Error(`Server name "${s.name}" must be [a-z0-9-].`);
    if (names.has(s.name)) throw new Error(`Server name "${s.name}" appears twice in the farm.`);
    names.add(s.name);
  }

  const [cluster, client, gateway, unknown] = await Promise.all([
    createCertificateAuthority({ CN: 'kubernetes' }),
    createCertificateAuthority({ CN: 'kubernetes-client-ca' }),
    createCertificateAuthority(gatewayCaSubject(randomHex(16))),
    createCertificateAuthority({ O: 'Elsewhere Ltd', CN: 'elsewhere-root-ca' }),
  ]);
  const cas: FarmAuthorities = { cluster, client, gateway, unknown };

  const allocateIpv4 = createIpv4Allocator(port);
  const bindings: Binding[] = [];
  const running: RunningServer[] = [];
  const closeAll = async () => {
    await Promise.all(running.map((s) => s.close()));
    for (const b of bindings.slice(running.length)) {
      b.listener.close();
      b.reservation?.close();
    }
  };
  try {
    // Allocation is sequential (each IPv4 allocator step depends on the previous), start-up is not.
    for (const spec of opts.servers) bindings.push(spec.family === 6 ? await allocateIpv6() : await allocateIpv4());
    const started = await Promise.all(
      opts.servers.map((spec, i) => startFakeApiServer(spec, bindings[i] as Binding, cas)),
    );
    running.push(...started);
  } catch (e) {
    await closeAll();
    throw e;
  }

  const byName = new Map(running.map((s) => [s.name, s]));
  const get = (name: string): RunningServer => {
    const s = byName.get(name);
    if (!s) throw new Error(`No server named "${name}" in this farm.`);
    return s;
  };

  return {
    servers: running as readonly FakeApiServer[],
    server: get,
    caPem: cluster.certPem,
    caData: Buffer.from(cluster.certPem).toString('base64'),
    clientCaPem: client.certPem,
    gatewayCaPem: gateway.certPem,
    gatewayCaSubject: gateway.subject,
    unknownCaPem: unknown.certPem,
    issueClientCert: (user, groups, o) => issueClientCertificate(client, user, groups, o),
    setFault: (name, fault) => get(name).setFault(fault),
    setLatency: (name, ms) => get(name).setLatency(ms),
    close: closeAll,
  };
}
