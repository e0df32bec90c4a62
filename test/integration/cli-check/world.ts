import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ApiServerFarm, FakeServerSpec } from '../../../sim/apiserver/index.ts';
import { startApiServerFarm } from '../../../sim/apiserver/index.ts';
import type { FakeCloudflareApi } from '../../../sim/cloudflare/index.ts';
import { seedFromClusters, startCloudflareApi } from '../../../sim/cloudflare/index.ts';
import { type FakeWarp, startFakeWarp } from '../../../sim/warp/index.ts';
import { runCli } from '../../helpers/cli.ts';

/**
 * One simulated estate with a cluster for every verdict, each from its real cause: API servers
 * with faults on their own loopback IPs, a Cloudflare account whose tunnel routes point at them
 * (one tunnel down), the fake WARP client (the loopback interface counts as WARP's), and a team
 * catalog with each cluster's CA and credentials. `kubezt setup --yes` writes the kubeconfig, so
 * every context is kubezt-managed exactly as a user's would be.
 */

/** The token the exec plugin prints (never in any output: it only exists inside the plugin). */
export const EXEC_TOKEN = 'exec-plugin-token-3f1c9e0d7b2a4c68';

export const SERVERS: FakeServerSpec[] = [
  { name: 'healthy', gitVersion: 'v1.32.3' },
  { name: 'refused', fault: 'refuse' },
  { name: 'blackholed', fault: 'blackhole' },
  { name: 'no-tls', fault: 'no-tls' },
  { name: 'gateway', fault: 'intercepted' },
  { name: 'rogue', fault: 'unknown-ca' },
  { name: 'sni', ipSan: false, dnsNames: ['kubernetes.default.svc', 'api.internal.example'] },
  { name: 'sni-named', ipSan: false, dnsNames: ['kubernetes.default.svc', 'api.internal.example'] },
  { name: 'rejects', fault: 'reject-credentials' },
  { name: 'no-review', fault: 'forbid-selfsubjectreviews' },
  { name: 'old', gitVersion: 'v1.20.15' },
  { name: 'overloaded', fault: { kind: 'http-status', status: 503 } },
  { name: 'down', fault: 'refuse' },
  { name: 'exec', tokens: { [EXEC_TOKEN]: { username: 'exec-user', groups: ['plugin-team'] } } },
  { name: 'v6', family: 6 },
];

/** The verdict each cluster's real cause produces (context zt-<name>). */
export const EXPECTED: Record<string, string> = {
  healthy: 'ok',
  refused: 'tcp-refused',
  blackholed: 'tcp-timeout',
  'no-tls': 'tls-timeout',
  gateway: 'tls-intercepted',
  rogue: 'tls-untrusted',
  sni: 'tls-name-mismatch',
  'sni-named': 'ok',
  rejects: 'unauthorized',
  'no-review': 'forbidden',
  old: 'version-skew',
  overloaded: 'http-error',
  down: 'tunnel-down',
  exec: 'ok',
  v6: 'ok',
};

export interface CheckWorld {
  root: string;
  farm: ApiServerFarm;
  cloudflare: FakeCloudflareApi;
  warp: FakeWarp;
  kubeconfigPath: string;
  /** Every secret of the estate: the catalog tokens, the exec plugin's, the Cloudflare API token. */
  secrets: string[];
  env(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export async function startCheckWorld(): Promise<CheckWorld> {
  const root = await mkdtemp(join(tmpdir(), 'kubezt-cli-check-'));
  const farm = await startApiServerFarm({ servers: SERVERS });
  let cloudflare: FakeCloudflareApi | undefined;
  let warp: FakeWarp | undefined;
  try {
    const ipv4 = farm.servers.filter((s) => s.family === 4);
    cloudflare = await startCloudflareApi({
      seed: seedFromClusters(
        ipv4.map((s) => ({
          name: s.name,
          ipv4: s.ip,
          tunnelName: `k8s-${s.name}`,
          tunnelHealth: s.name === 'down' ? 'down' : 'healthy',
          doNotInspect: s.name !== 'gateway',
        })),
        { accountName: 'Check Corp', fillerRoutes: 0 },
      ),
    });
    warp = await startFakeWarp({ dir: join(root, 'warp') });

    // A real client-go exec plugin: checks what kubectl passes it, prints an ExecCredential.
    const plugin = join(root, 'bin', 'get-token');
    await mkdir(join(root, 'bin'));
    await writeFile(
      plugin,
      `#!/bin/sh
case "$KUBERNETES_EXEC_INFO" in *'"kind":"ExecCredential"'*) ;; *) echo "no exec info" >&2; exit 3;; esac
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\\n' "$1"
`,
    );
    await chmod(plugin, 0o755);

    const v6 = farm.server('v6');
    const catalog = {
      defaults: { port: 6443 },
      clusters: farm.servers.map((s) => ({
        name: s.name,
        ...(s.family === 6 ? { server: s.url } : {}),
        certificateAuthorityData: s.caData,
        ...(s.name === 'sni-named' ? { tlsServerName: 'kubernetes.default.svc' } : {}),
        user:
          s.name === 'exec'
            ? { exec: { command: plugin, args: [EXEC_TOKEN], apiVersion: 'client.authentication.k8s.io/v1' } }
            : { token: s.token },
      })),
    };
    const cf = cloudflare;
    const fw = warp;
    const base = await setUpEstate(root, catalog, cf, fw);
    const world: CheckWorld = {
      root,
      farm,
      cloudflare: cf,
      warp: fw,
      kubeconfigPath: join(root, 'kube', 'config'),
      secrets: [...farm.servers.map((s) => s.token), EXEC_TOKEN, cf.token],
      env: (extra = {}) => ({ ...base, ...extra }),
      async close() {
        await Promise.all([cf.close(), fw.close(), farm.close()]);
        await rm(root, { recursive: true, force: true });
      },
    };
    if (!v6) throw new Error('no IPv6 server');
    return world;
  } catch (e) {
    await Promise.all([cloudflare?.close(), warp?.close(), farm.close()]);
    await rm(root, { recursive: true, force: true });
    throw e;
  }
}

/**
 * The CLI's environment for an estate under `root`, once `kubezt setup --yes` has written its
 * kubeconfig: the team catalog written to root/catalog.yaml, a throwaway HOME, the kubeconfig in
 * root/kube/config, kubezt's settings in root/config, the fake Cloudflare account and WARP client.
 */
export async function setUpEstate(
  root: string,
  catalog: unknown,
  cloudflare: FakeCloudflareApi,
  warp: FakeWarp,
): Promise<Record<string, string>> {
  const catalogPath = join(root, 'catalog.yaml');
  await writeFile(catalogPath, stringify(catalog));
  const home = join(root, 'home');
  await mkdir(home);
  await mkdir(join(root, 'kube'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    KUBEZT_CONFIG_DIR: join(root, 'config'),
    KUBECONFIG: join(root, 'kube', 'config'),
    KUBEZT_CATALOG: catalogPath,
    CLOUDFLARE_BASE_URL: cloudflare.baseUrl,
    CLOUDFLARE_API_TOKEN: cloudflare.token,
    CLOUDFLARE_ACCOUNT_ID: cloudflare.accountId,
    ...warp.env,
  };
  const setup = await runCli(['setup', '--yes'], { env, homeDir: home });
  if (setup.code !== 0) throw new Error(`kubezt setup failed: ${setup.stderr}`);
  return env;
}

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** The CLI as a user runs it: a real child process (`node bin/kubezt.js`), async so the farm in this process keeps answering. */
export function runKubezt(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      join(ROOT, 'node_modules', '.bin', 'node'),
      [join(ROOT, 'bin', 'kubezt.js'), ...args],
      { env, cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
