import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createIpv4Allocator } from './apiserver/address.ts';
import { type ApiServerFarm, buildKubeconfig, DEFAULT_API_PORT, startApiServerFarm } from './apiserver/index.ts';
import { type FakeCloudflareApi, type SeedCluster, seedFromClusters, startCloudflareApi } from './cloudflare/index.ts';
import { type DataPlane, startDataPlane } from './dataplane/index.ts';
import { effectiveStatus, type FakeVirtualNetwork, type FakeWarp, startFakeWarp } from './warp/index.ts';

/**
 * The whole simulated world in one call: API servers on their own loopback IPs, a Cloudflare
 * account whose tunnel routes point at them, and a WARP client, plus a throwaway settings folder,
 * catalog and kubeconfig. `kubezt demo` and `npm run demo` run it; tests and benchmarks use it
 * (or its parts) too.
 */
export interface SimulatorOptions {
  /** Folder for everything the simulator writes; the caller creates and removes it. */
  dir: string;
  /** How many clusters (default 5). */
  clusters?: number;
  /**
   * Give the demo its classic problems (default true): with 4+ clusters the 4th is behind
   * Gateway TLS inspection with no Do Not Inspect rule, so diagnostics has something to find,
   * and the 3rd runs a Kubernetes two minors older than the others (version skew).
   */
  problems?: boolean;
  /**
   * Two clusters on one routed IP:port in two virtual networks (default false; `kubezt demo`
   * turns it on): `prod-eu` in the default network and `prod-eu-staging` in "staging", both at
   * the same address, which a data plane forwards to one API server or the other according to
   * WARP's selected network. Needs 2+ clusters.
   */
  overlapping?: boolean;
  /**
   * The Zero Trust team of the Cloudflare account (its Access organization's auth_domain) and of
   * the WARP client (`registration organization`). Default `demo-corp` for both; `warpTeam` set to
   * another team has the device enrolled elsewhere than the account discovery reads.
   */
  team?: string;
  warpTeam?: string;
}

export interface SimulatedCluster {
  name: string;
  ip: string;
  url: string;
  /** Known to Cloudflare (a tunnel route) or only to the team catalog. */
  source: 'cloudflare' | 'catalog';
  /** Its virtual network's name, when it is not the default one. */
  virtualNetwork?: string;
}

export interface Simulator {
  dir: string;
  /** The environment that points kubezt and kubectl at the simulator. */
  env: Record<string, string>;
  clusters: SimulatedCluster[];
  farm: ApiServerFarm;
  cloudflare: FakeCloudflareApi;
  /**
   * Connected, Gateway on, Exclude mode with WARP's defaults, listing the account's virtual
   * networks with the default one selected; `warp.setState` flips it.
   */
  warp: FakeWarp;
  /** The account's virtual networks, as the Cloudflare API and WARP both list them. */
  networks: FakeVirtualNetwork[];
  /** With `overlapping`: the forwarder on the shared IP:port. */
  dataPlane: DataPlane | null;
  configDir: string;
  kubeconfigPath: string;
  catalogPath: string;
  close(): Promise<void>;
}

const NAMES = ['prod-us', 'prod-eu', 'staging', 'dev', 'payments', 'analytics', 'ml-platform', 'edge'];

export function demoClusterName(i: number): string {
  return NAMES[i] ?? `cluster-${i + 1}`;
}

/** The twin of `prod-eu` in the "staging" network: same address, another server. */
export const OVERLAP = { name: 'prod-eu', twin: 'prod-eu-staging', network: 'staging' } as const;

/** Told apart from prod-eu by kubectl alone: another version, another user. */
const TWIN_VERSION = 'v1.33.1';
const TWIN_USER = 'staging-admin';

/** A loopback address of its own for the shared IP, held (UDP reservation) until close. */
async function sharedAddress(): Promise<{ ip: string; release(): void }> {
  const binding = await createIpv4Allocator(DEFAULT_API_PORT)();
  await new Promise<void>((r) => binding.listener.close(() => r()));
  return { ip: binding.ip, release: () => binding.reservation?.close() };
}

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const count = opts.clusters ?? 5;
  const problems = opts.problems ?? true;
  const names = Array.from({ length: count }, (_, i) => demoClusterName(i));
  const overlapping = opts.overlapping === true && names.includes(OVERLAP.name);
  const intercepted = problems && count >= 4 ? names[3] : undefined;
  // With 5+ clusters, the last one lives only in the team catalog (a cluster whose route the
  // token cannot see), so both sources show up in the demo.
  const catalogOnly = count >= 5 ? names[count - 1] : undefined;

  const farm = await startApiServerFarm({
    servers: [
      ...names.map((name, i) => ({
        name,
        gitVersion: problems && i === 2 ? 'v1.30.6' : 'v1.32.3',
        fault: name === intercepted ? ('intercepted' as const) : ('none' as const),
      })),
      ...(overlapping
        ? [{ name: OVERLAP.twin, gitVersion: TWIN_VERSION, tokens: { [randomToken()]: { username: TWIN_USER } } }]
        : []),
    ],
  });
  let cloudflare: FakeCloudflareApi | undefined;
  let warp: FakeWarp | undefined;
  let shared: Awaited<ReturnType<typeof sharedAddress>> | undefined;
  let dataPlane: DataPlane | null = null;
  try {
    shared = overlapping ? await sharedAddress() : undefined;
    const sharedIp = shared?.ip;
    // The routed address of each cluster: its own, except the pair that shares one.
    const routedIp = (name: string, own: string) =>
      sharedIp && (name === OVERLAP.name || name === OVERLAP.twin) ? sharedIp : own;
    const seedClusters: SeedCluster[] = farm.servers
      .filter((s) => s.name !== catalogOnly && s.name !== OVERLAP.twin)
      .map((s, i) => ({
        name: s.name,
        ipv4: routedIp(s.name, s.ip),
        // Documentation-range IPv6 routes pair with the IPv4 ones, as a dual-stack tunnel has.
        ipv6: `2001:db8::${(i + 1).toString(16)}`,
        tunnelName: `k8s-${s.name}`,
        doNotInspect: s.name !== intercepted,
      }));
    if (sharedIp) {
      // The same route comment in another network: discovery names it prod-eu-staging.
      const twinOf = seedClusters.find((c) => c.name === OVERLAP.name);
      seedClusters.push({
        name: OVERLAP.name,
        ipv4: sharedIp,
        ...(twinOf?.ipv6 ? { ipv6: twinOf.ipv6 } : {}),
        tunnelName: `k8s-${OVERLAP.twin}`,
        virtualNetwork: OVERLAP.network,
      });
    }
    const team = opts.team ?? 'demo-corp';
    const seed = seedFromClusters(seedClusters, { accountName: 'Demo Corp', team });
    cloudflare = await startCloudflareApi({ seed });
    const networks: FakeVirtualNetwork[] = seed.virtualNetworks.map((n) => ({
      id: n.id,
      name: n.name,
      ...(n.comment ? { description: n.comment } : {}),
      default: n.is_default_network,
    }));
    const defaultNetwork = networks.find((n) => n.default);

    warp = await startFakeWarp({
      dir: join(opts.dir, 'warp'),
      state: {
        virtualNetworks: networks,
        activeVnetId: defaultNetwork?.id ?? null,
        // The device enrolled in the account's own organization: the demo shows no mismatch.
        organization: opts.warpTeam ?? team,
      },
    });
    if (sharedIp) dataPlane = await startOverlapDataPlane(farm, warp, sharedIp, networks);

    const files = writeFiles(opts.dir, farm, catalogOnly, sharedIp);
    const env: Record<string, string> = {
      KUBEZT_CONFIG_DIR: files.configDir,
      KUBECONFIG: files.kubeconfigPath,
      KUBEZT_CATALOG: files.catalogPath,
      CLOUDFLARE_BASE_URL: cloudflare.baseUrl,
      CLOUDFLARE_API_TOKEN: cloudflare.token,
      CLOUDFLARE_ACCOUNT_ID: cloudflare.accountId,
      // KUBEZT_WARP_CLI, KUBEZT_TRACE_URL, and KUBEZT_WARP_INTERFACE=lo: the loopback "routed IPs"
      // count as going through WARP.
      ...warp.env,
    };
    const cf = cloudflare;
    const fakeWarp = warp;
    const plane = dataPlane;
    const held = shared;
    return {
      dir: opts.dir,
      env,
      clusters: farm.servers.map((s) => {
        const ip = routedIp(s.name, s.ip);
        return {
          name: s.name,
          ip,
          url: ip === s.ip ? s.url : `https://${ip}:${DEFAULT_API_PORT}`,
          source: s.name === catalogOnly ? 'catalog' : 'cloudflare',
          ...(s.name === OVERLAP.twin ? { virtualNetwork: OVERLAP.network } : {}),
        };
      }),
      farm,
      cloudflare: cf,
      warp: fakeWarp,
      networks,
      dataPlane: plane,
      ...files,
      async close() {
        await Promise.all([cf.close(), fakeWarp.close(), farm.close(), plane?.close()]);
        held?.release();
      },
    };
  } catch (e) {
    await Promise.all([cloudflare?.close(), warp?.close(), farm.close(), dataPlane?.close()]);
    shared?.release();
    throw e;
  }
}

function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

/** prod-eu's address forwards to prod-eu in the default network and to its twin in "staging". */
function startOverlapDataPlane(
  farm: ApiServerFarm,
  warp: FakeWarp,
  ip: string,
  networks: readonly FakeVirtualNetwork[],
): Promise<DataPlane> {
  const upstream = (name: string) => {
    const s = farm.server(name);
    return { host: s.ip, port: s.port };
  };
  const byName = (name: string) => networks.find((n) => n.name === name)?.id ?? '';
  const defaultId = networks.find((n) => n.default)?.id ?? '';
  return startDataPlane({
    routes: [
      { vnetId: defaultId, ip, port: DEFAULT_API_PORT, upstream: upstream(OVERLAP.name) },
      { vnetId: byName(OVERLAP.network), ip, port: DEFAULT_API_PORT, upstream: upstream(OVERLAP.twin) },
    ],
    activeVnet: () => warp.activeVnetId(),
    // While a switch settles the client says Connecting, and carries nothing.
    connected: () => effectiveStatus(warp.state(), Date.now()) === 'Connected',
  });
}

/** The throwaway settings folder, team catalog and kubeconfig. */
function writeFiles(
  dir: string,
  farm: ApiServerFarm,
  catalogOnly: string | undefined,
  sharedIp: string | undefined,
): { configDir: string; kubeconfigPath: string; catalogPath: string } {
  const configDir = join(dir, 'config');
  const kubeDir = join(dir, 'kube');
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  mkdirSync(kubeDir, { recursive: true, mode: 0o700 });

  // The team catalog adds what the Cloudflare API cannot know: the CA and the credentials.
  const catalogPath = join(dir, 'catalog.yaml');
  const overlapped = (name: string) => sharedIp !== undefined && (name === OVERLAP.name || name === OVERLAP.twin);
  const catalog = {
    defaults: { port: 6443, namespace: 'default' },
    clusters: farm.servers.map((s) => ({
      name: s.name,
      ...(s.name === catalogOnly ? { server: s.url } : {}),
      ...(s.name === OVERLAP.twin && sharedIp ? { virtualNetwork: OVERLAP.network } : {}),
      certificateAuthorityData: s.caData,
      // The shared address is in neither server's certificate; the name both carry is.
      ...(overlapped(s.name) ? { tlsServerName: 'kubernetes' } : {}),
      user: { token: s.token },
    })),
  };
  writeFileSync(
    catalogPath,
    `# kubezt team catalog for the demo: Cloudflare discovery finds the routed IPs,\n# this file adds each cluster's CA and credentials.\n${stringify(catalog)}`,
    { mode: 0o600 },
  );

  // A kubeconfig that already holds the user's own entry: kubezt must leave it byte-for-byte.
  const kubeconfigPath = join(kubeDir, 'config');
  const first = farm.servers[0];
  const existing = first ? buildKubeconfig([{ server: first, name: 'my-own-context' }]) : '';
  writeFileSync(kubeconfigPath, `# My hand-written entries. kubezt never touches them.\n${existing}`, {
    mode: 0o600,
  });
  return { configDir, kubeconfigPath, catalogPath };
}
