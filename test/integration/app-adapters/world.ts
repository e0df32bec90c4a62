/**
 * The real app core (createDomainAdapter) against the simulator: fake Cloudflare API, API servers with
 * real TLS on loopback IPs, the fake WARP client. The core gets the simulator's environment plus
 * PATH (for kubectl and the fake warp-cli) and a throwaway HOME, never this process's environment:
 * a developer's real token or kubeconfig must not leak in.
 *
 * The one stand-in is the secret store: the OS keychain has its own tests (test/integration/
 * secrets) and may not exist on a CI machine; an in-memory store with the same contract records
 * what was stored, so tests can check that the token went there and nowhere else.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  createDomainAdapter,
  type DomainAdapter,
  type DomainAdapterContext,
} from '../../../main/app/adapters/index.ts';
import { type AppServices, createAppServices } from '../../../main/app/services.ts';
import { UserError } from '../../../main/core/errors.ts';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import type { SecretStore } from '../../../main/core/secrets/store.ts';
import type { SettingsStore } from '../../../main/core/settings/store.ts';
import { openSettings } from '../../../main/core/settings/store.ts';
import { OVERLAP, type Simulator, startSimulator } from '../../../sim/environment.ts';
import { recordingAppHost } from '../../helpers/app-host.ts';

export interface MemorySecretStore extends SecretStore {
  /** Every value ever passed to set(), in order. */
  readonly stored: string[];
  /** Makes the next calls throw `keychain-unavailable` (no Secret Service). */
  unavailable: boolean;
}

export function memorySecretStore(): MemorySecretStore {
  let value: string | undefined;
  const stored: string[] = [];
  const store = {
    stored,
    unavailable: false,
    check() {
      if (store.unavailable) {
        throw new UserError(
          'keychain-unavailable',
          'The keychain cannot be reached in this test; set CLOUDFLARE_API_TOKEN instead.',
        );
      }
    },
    async get() {
      store.check();
      return value;
    },
    async set(token: string) {
      store.check();
      stored.push(token);
      value = token;
    },
    async delete() {
      store.check();
      const had = value !== undefined;
      value = undefined;
      return had;
    },
    describe: () => 'an in-memory test store',
  };
  return store;
}

export interface AppWorld {
  dir: string;
  home: string;
  sim: Simulator;
  env: Record<string, string>;
  settings: SettingsStore;
  secrets: MemorySecretStore;
  core: DomainAdapter;
  /** The simulator's catalog tokens and the Cloudflare token: none may appear in answers or reports. */
  secretValues: string[];
  kubeconfig(): string;
  close(): Promise<void>;
}

export interface AppWorldOptions {
  clusters?: number;
  /** The simulator's two clusters on one IP in two virtual networks (see startSimulator). */
  overlapping?: boolean;
  /**
   * `env`: CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID are set, as for a CI user (default).
   * `none`: neither: the user signs in (login) and the account comes from the token.
   */
  cloudflare?: 'env' | 'none';
  /** Rewrites the simulator's catalog (per cluster entry); the environment points at the result. */
  catalog?: (entry: Record<string, unknown>) => Record<string, unknown>;
  context?: Partial<DomainAdapterContext>;
}

export async function startAppWorld(opts: AppWorldOptions = {}): Promise<AppWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'kubezt-app-core-'));
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const sim = await startSimulator({ dir, clusters: opts.clusters ?? 4, overlapping: opts.overlapping === true });
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...sim.env };
  if (opts.cloudflare === 'none') {
    delete env.CLOUDFLARE_API_TOKEN;
    delete env.CLOUDFLARE_ACCOUNT_ID;
  }
  const catalogDoc = parse(readFileSync(sim.catalogPath, 'utf8')) as { clusters: Record<string, unknown>[] };
  const secretValues = [sim.cloudflare.token, ...catalogDoc.clusters.map((c) => (c.user as { token: string }).token)];
  if (opts.catalog) {
    const rewrite = opts.catalog;
    const path = join(dir, 'team-catalog.yaml');
    writeFileSync(path, stringify({ ...catalogDoc, clusters: catalogDoc.clusters.map((c) => rewrite(c)) }), {
      mode: 0o600,
    });
    env.KUBEZT_CATALOG = path;
  }
  const { store: settings } = openSettings({ configDir: sim.configDir });
  const secrets = memorySecretStore();
  const core = createDomainAdapter({
    env,
    platform: process.platform,
    homeDir: home,
    configDir: sim.configDir,
    runner: nodeProcessRunner,
    fetch: (input, init) => fetch(input, init),
    settings,
    secrets,
    appVersion: '0.0.0-test',
    warpWatch: { debounceMs: 50 },
    ...opts.context,
  });
  return {
    dir,
    home,
    sim,
    env,
    settings,
    secrets,
    core,
    secretValues,
    kubeconfig: () => readFileSync(sim.kubeconfigPath, 'utf8'),
    async close() {
      await core.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Drops the CA from these clusters' catalog entries, so setup has to ask (trust on first use). */
export function withoutCa(...names: string[]): (entry: Record<string, unknown>) => Record<string, unknown> {
  return (entry) => {
    if (!names.includes(entry.name as string)) return entry;
    const { certificateAuthorityData: _drop, ...rest } = entry;
    return rest;
  };
}

export interface OverlapServices {
  w: AppWorld;
  /** The simulator's default network and the one the twin cluster is in. */
  ids: { default: string; staging: string };
  /** The notifications the host was asked to show. */
  notes: { title: string; body: string }[];
  services: AppServices;
}

/**
 * Three clusters, two of them sharing an IP in two virtual networks, set up through the real
 * adapter with WARP on the default network (each switch settling quickly), behind the app's
 * services on a recording host: what the tray's and the dashboard's network requests run on.
 */
export async function startOverlapServices(): Promise<OverlapServices> {
  const w = await startAppWorld({ clusters: 3, overlapping: true, context: { vnetSwitch: { pollMs: 50 } } });
  try {
    await w.core.applySetup(
      {
        sources: { cloudflare: true, catalogPath: w.sim.catalogPath },
        selected: ['prod-us', OVERLAP.name, OVERLAP.twin],
        trust: [],
      },
      () => {},
    );
  } catch (e) {
    await w.close();
    throw e;
  }
  const ids = {
    default: w.sim.networks.find((n) => n.default)?.id as string,
    staging: w.sim.networks.find((n) => n.name === OVERLAP.network)?.id as string,
  };
  w.sim.warp.setState({ activeVnetId: ids.default, switchDelayMs: 50 });
  const { host, notes } = recordingAppHost();
  return { w, ids, notes, services: createAppServices(w.core, host, { log: () => {} }) };
}

/** Opens a fresh startAppWorld world per call; each is closed after the test that opened it. */
export function appWorldPerTest(): (opts?: AppWorldOptions) => Promise<AppWorld> {
  return perTest(startAppWorld, (w) => w);
}

/** Opens a fresh startOverlapServices world per call; each is closed after the test that opened it. */
export function overlapServicesPerTest(): () => Promise<OverlapServices> {
  return perTest(startOverlapServices, (o) => o.w);
}

function perTest<A extends unknown[], T>(start: (...args: A) => Promise<T>, worldOf: (t: T) => AppWorld) {
  const opened: AppWorld[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((w) => w.close()));
  });
  return async (...args: A): Promise<T> => {
    const t = await start(...args);
    opened.push(worldOf(t));
    return t;
  };
}
