import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ClustersJson } from '../../../main/core/inventory/index.ts';
import type { FakeCloudflareApi, StartCloudflareApiOptions } from '../../../sim/cloudflare/index.ts';
import { seedFromClusters, startCloudflareApi } from '../../../sim/cloudflare/index.ts';

/** A credential the catalog gives for one cluster: it must never reach any output. */
export const CATALOG_USER_TOKEN = 'catalog-user-token-Qm9vayBvZiBLdWJlcm5ldGVz';

export const CATALOG = `defaults:
  namespace: default
clusters:
  - name: prod-us
    server: https://198.51.100.101:6443
    tlsServerName: kubernetes.default.svc
    user: { token: ${CATALOG_USER_TOKEN} }
  - name: legacy
    server: https://203.0.113.7:443
    user: { existing: my-oidc-user }
`;

export function worldSeed() {
  return seedFromClusters([
    { name: 'prod-us' },
    { name: 'staging', doNotInspect: false },
    { name: 'Payments_EU', tunnelName: 'tunnel-Payments_EU', tunnelHealth: 'degraded' },
  ]);
}

/**
 * One throwaway world per test: a folder holding the settings folder (cache included), a home,
 * a kubeconfig folder and the catalog, and the fake Cloudflare API on loopback.
 */
export interface World {
  root: string;
  configDir: string;
  home: string;
  kubeDir: string;
  catalogPath: string;
  api: FakeCloudflareApi;
  /** The environment a user would set for kubezt with a token in the environment. */
  env(extra?: Record<string, string | undefined>): Record<string, string | undefined>;
  /** Stops the fake API: connections to its port are refused from now on. */
  offline(): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(
  opts: Partial<StartCloudflareApiOptions> & { catalog?: string | false } = {},
): Promise<World> {
  const root = await mkdtemp(join(tmpdir(), 'kubezt-cli-discovery-'));
  const configDir = join(root, 'config');
  const home = join(root, 'home');
  const kubeDir = join(home, '.kube');
  const catalogPath = join(root, 'team', 'catalog.yaml');
  await mkdir(kubeDir, { recursive: true });
  await mkdir(join(root, 'team'));
  if (opts.catalog !== false) await writeFile(catalogPath, opts.catalog ?? CATALOG);
  const { catalog: _catalog, ...apiOpts } = opts;
  const api = await startCloudflareApi({ seed: worldSeed(), ...apiOpts });
  let closed = false;
  const offline = async () => {
    if (!closed) await api.close();
    closed = true;
  };
  return {
    root,
    configDir,
    home,
    kubeDir,
    catalogPath,
    api,
    env(extra = {}) {
      return {
        CLOUDFLARE_BASE_URL: api.baseUrl,
        CLOUDFLARE_API_TOKEN: api.token,
        CLOUDFLARE_ACCOUNT_ID: api.accountId,
        KUBEZT_CONFIG_DIR: configDir,
        KUBEZT_CATALOG: opts.catalog === false ? undefined : catalogPath,
        KUBECONFIG: join(kubeDir, 'config'),
        ...extra,
      };
    },
    offline,
    async close() {
      await offline();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export function parseJson(stdout: string): ClustersJson {
  return JSON.parse(stdout) as ClustersJson;
}

/** What kubezt prints first whenever CLOUDFLARE_BASE_URL points at the fake API. */
export function baseUrlWarning(w: World): string {
  return `kubezt: warning: CLOUDFLARE_BASE_URL points kubezt at ${w.api.baseUrl} instead of Cloudflare's API (https://api.cloudflare.com/client/v4): your Cloudflare API token is sent there.\n`;
}

/** `stderr` after its first line, which must be the base URL warning. */
export function afterBaseUrlWarning(w: World, stderr: string): string {
  const warning = baseUrlWarning(w);
  expect(stderr.slice(0, warning.length)).toBe(warning);
  return stderr.slice(warning.length);
}
