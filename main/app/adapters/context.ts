/**
 * What the domain adapter needs from its host, all injected: the app passes Electron's net.fetch, its
 * electron-store settings and its keychain store; tests pass the simulator's environment, a real
 * conf store in a temp folder and a recording secret store. Nothing here reads process.env or
 * imports electron.
 */
import { existsSync } from 'node:fs';
import type { Environment } from '../../../ipc/contract.ts';
import { resolveUserPath } from '../../core/inventory/load.ts';
import { resolveKubeconfigFiles } from '../../core/kubeconfig/index.ts';
import { defaultFileIndex } from '../../core/kubeconfig/types.ts';
import type { ProcessRunner } from '../../core/process/runner.ts';
import type { SecretStore } from '../../core/secrets/store.ts';
import type { SettingsStore } from '../../core/settings/store.ts';
import { openWorkspace, type Workspace } from '../../core/workspace/index.ts';
import { createKubeconfigMemo, type KubeconfigMemo } from './kubeconfig-memo.ts';

export type FetchLike = (input: string | Request, init?: RequestInit) => Promise<Response>;

export interface DomainAdapterContext {
  /** The environment kubezt runs with (the app: process env merged with the login shell's PATH/KUBECONFIG). */
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  homeDir: string;
  /** Relative paths in settings resolve against it; an app has no meaningful working directory (default homeDir). */
  cwd?: string;
  /** The settings folder (also the discovery cache's). */
  configDir: string;
  runner: ProcessRunner;
  /** Cloudflare API and the WARP trace (the app: Electron's net.fetch, so the OS trust store and proxy apply). */
  fetch: FetchLike;
  settings: SettingsStore;
  /** A bad settings file was moved aside at start: shown above the cluster list. */
  settingsWarning?: string;
  secrets: SecretStore;
  now?: () => Date;
  /** Bugs and background failures; never user input, never the token. */
  log?: (message: string, error?: unknown) => void;
  /** KUBECONFIG came from the login shell (reported in Settings). */
  kubeconfigFromLoginShell?: boolean;
  appVersion?: string;
  probe?: { stepTimeoutMs?: number; concurrency?: number };
  /** watchWarp's timing (tests and the demo may shorten the debounce). */
  warpWatch?: { debounceMs?: number; pollMs?: number; maxPollMs?: number };
  /** The bounded wait after a WARP virtual network switch (default 30 s, polled every 250 ms). */
  vnetSwitch?: { deadlineMs?: number; pollMs?: number };
  /** How long to wait for a server's certificate during setup (default 5000 ms). */
  certificateTimeoutMs?: number;
  /** The last lines of the app's log, for the Markdown report (already redacted when written). */
  logTail?: (lines: number) => string[];
}

/** The resolved pieces every part of the domain adapter shares. */
export interface AdapterEnv {
  readonly ctx: DomainAdapterContext;
  readonly cwd: string;
  readonly now: () => Date;
  readonly log: (message: string, error?: unknown) => void;
  /** `ctx.fetch` as the standard signature the SDK and the WARP trace expect. */
  readonly fetch: typeof fetch;
  readonly workspace: Workspace;
  /** The merged kubeconfig of the last read, kept while the files' bytes stay the same. */
  readonly kubeconfigMemo: KubeconfigMemo;
  kubeconfig(): Environment['kubeconfig'];
  nameTemplate(): string;
  /** Absolute path of the catalog the settings or KUBEZT_CATALOG name, if any. */
  catalogPath(): string | undefined;
}

export function createAdapterEnv(ctx: DomainAdapterContext): AdapterEnv {
  const cwd = ctx.cwd ?? ctx.homeDir;
  const now = ctx.now ?? (() => new Date());
  const log = ctx.log ?? (() => {});
  const standardFetch = ((input: string | URL | Request, init?: RequestInit) =>
    ctx.fetch(input instanceof URL ? input.href : input, init)) as typeof fetch;
  const workspace = openWorkspace({
    env: ctx.env,
    homeDir: ctx.homeDir,
    platform: ctx.platform,
    cwd,
    runner: ctx.runner,
    now,
    fetch: standardFetch,
    warn: (sentence) => log(sentence),
    secretStore: async () => ctx.secrets,
    settings: {
      configDir: ctx.configDir,
      store: ctx.settings,
      ...(ctx.settingsWarning ? { warning: ctx.settingsWarning } : {}),
    },
  });
  const userPath = (p: string) => resolveUserPath(p, cwd, ctx.homeDir);
  return {
    ctx,
    cwd,
    now,
    log,
    fetch: standardFetch,
    workspace,
    kubeconfigMemo: createKubeconfigMemo(),
    kubeconfig() {
      // kubectl's order with kubezt's setting in the --kubeconfig flag's place, as the CLI does.
      const setting = ctx.settings.read().kubeconfigPath?.trim();
      const fromEnv = ctx.env.KUBECONFIG?.trim();
      const paths = resolveKubeconfigFiles({
        ...(setting ? { flag: userPath(setting) } : {}),
        ...(fromEnv ? { env: fromEnv } : {}),
        homeDir: ctx.homeDir,
        cwd,
        platform: ctx.platform,
      });
      const source = setting ? 'setting' : fromEnv ? (ctx.kubeconfigFromLoginShell ? 'login-shell' : 'env') : 'default';
      const index = defaultFileIndex(paths.map((path) => ({ path, bytes: existsSync(path) ? '' : null })));
      return { paths, source, writeTarget: paths[index] ?? (paths[0] as string) };
    },
    nameTemplate: () => ctx.settings.read().contextNameTemplate,
    catalogPath() {
      const p = workspace.catalogPath();
      return p ? userPath(p) : undefined;
    },
  };
}
