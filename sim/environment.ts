import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type ApiServerFarm, buildKubeconfig, startApiServerFarm } from './apiserver/index.ts';
import { type FakeCloudflareApi, type SeedCluster, seedFromClusters, startCloudflareApi } from './cloudflare/index.ts';
import { type FakeWarp, startFakeWarp } from './warp/index.ts';

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
}

export interface SimulatedCluster {
  name: string;
  ip: string;
  url: string;
  /** Known to Cloudflare (a tunnel route) or only to the team catalog. */
  source: 'cloudflare' | 'catalog';
}

export interface Simulator {
  dir: string;
  /** The environment that points kubezt and kubectl at the simulator. */
  env: Record<string, string>;
  clusters: SimulatedCluster[];
  farm: ApiServerFarm;
  cloudflare: FakeCloudflareApi;
  /** Connected, Gateway on, Exclude mode with WARP's defaults; `warp.setState` flips it. */
  warp: FakeWarp;
  configDir: string;
  kubeconfigPath: string;
  catalogPath: string;
  close(): Promise<void>;
}

const NAMES = ['prod-us', 'prod-eu', 'staging', 'dev', 'payments', 'analytics', 'ml-platform', 'edge'];

export function demoClusterName(i: number): string {
  return NAMES[i] ?? `cluster-${i + 1}`;
}

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const count = opts.clusters ?? 5;
  const problems = opts.problems ?? true;
  const names = Array.from({ length: count }, (_, i) => demoClusterName(i));
  const intercepted = problems && count >= 4 ? names[3] : undefined;
  // With 5+ clusters, the last one lives only in the team catalog (a cluster whose route the
  // token cannot see), so both sources show up in the demo.
  const catalogOnly = count >= 5 ? names[count - 1] : undefined;

  const farm = await startApiServerFarm({
    servers: names.map((name, i) => ({
      name,
      gitVersion: problems && i === 2 ? 'v1.30.6' : 'v1.32.3',
      fault: name === intercepted ? 'intercepted' : 'none',
    })),
  });
  let cloudflare: FakeCloudflareApi | undefined;
  let warp: FakeWarp | undefined;
  try {
    const seedClusters: SeedCluster[] = farm.servers
      .filter((s) => s.name !== catalogOnly)
      .map((s, i) => ({
        name: s.name,
        ipv4: s.ip,
        // Documentation-range IPv6 routes pair with the IPv4 ones, as a dual-stack tunnel has.
        ipv6: `2001:db8::${(i + 1).toString(16)}`,
        tunnelName: `k8s-${s.name}`,
        doNotInspect: s.name !== intercepted,
      }));
    cloudflare = await startCloudflareApi({ seed: seedFromClusters(seedClusters, { accountName: 'Demo Corp' }) });

    warp = await startFakeWarp({ dir: join(opts.dir, 'warp') });

    const configDir = join(opts.dir, 'config');
    const kubeDir = join(opts.dir, 'kube');
    mkdirSync(configDir, { recursive: true, mode: 0o700 });
    mkdirSync(kubeDir, { recursive: true, mode: 0o700 });

    // The team catalog adds what the Cloudflare API cannot know: the CA and the credentials.
    const catalogPath = join(opts.dir, 'catalog.yaml');
    const catalog = {
      defaults: { port: 6443, namespace: 'default' },
      clusters: farm.servers.map((s) => ({
        name: s.name,
        ...(s.name === catalogOnly ? { server: s.url } : {}),
        certificateAuthorityData: s.caData,
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

    const env: Record<string, string> = {
      KUBEZT_CONFIG_DIR: configDir,
      KUBECONFIG: kubeconfigPath,
      KUBEZT_CATALOG: catalogPath,
      CLOUDFLARE_BASE_URL: cloudflare.baseUrl,
      CLOUDFLARE_API_TOKEN: cloudflare.token,
      CLOUDFLARE_ACCOUNT_ID: cloudflare.accountId,
      // KUBEZT_WARP_CLI, KUBEZT_TRACE_URL, and KUBEZT_WARP_INTERFACE=lo: the loopback "routed IPs"
      // count as going through WARP.
      ...warp.env,
    };
    const cf = cloudflare;
    const fakeWarp = warp;
    return {
      dir: opts.dir,
      env,
      clusters: farm.servers.map((s) => ({
        name: s.name,
        ip: s.ip,
        url: s.url,
        source: s.name === catalogOnly ? 'catalog' : 'cloudflare',
      })),
      farm,
      cloudflare: cf,
      warp: fakeWarp,
      configDir,
      kubeconfigPath,
      catalogPath,
      async close() {
        await Promise.all([cf.close(), fakeWarp.close(), farm.close()]);
      },
    };
  } catch (e) {
    await Promise.all([cloudflare?.close(), warp?.close(), farm.close()]);
    throw e;
  }
}
