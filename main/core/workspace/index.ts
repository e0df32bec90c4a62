import { UserError } from '../errors.ts';
import type { ProcessRunner } from '../process/runner.ts';
import type { ResolvedToken, SecretStore } from '../secrets/index.ts';
import { configDirFor, openSettings, type Settings, type SettingsStore } from '../settings/index.ts';
import { type CloudflareBaseUrl, resolveCloudflareBaseUrl } from './base-url.ts';

/**
 * Where everything lives for one run of the CLI or the app, resolved once from the environment
 * and the settings, with the precedence every command shares:
 * flag > environment variable > setting > OS default.
 */
export interface WorkspaceEnv {
  env: Record<string, string | undefined>;
  homeDir: string;
  platform: NodeJS.Platform;
  cwd: string;
  runner: ProcessRunner;
  now: () => Date;
  /** Keychain factory; injected so the app can use its own store and tests a real keyring. */
  secretStore?: () => Promise<SecretStore>;
  /** fetch for the Cloudflare SDK (the app passes Electron's net.fetch). */
  fetch?: typeof fetch;
  /**
   * Settings the host already opened (the app: electron-store on the same file and schema);
   * default: conf in the config folder resolved from the environment.
   */
  settings?: { configDir: string; store: SettingsStore; warning?: string };
  /** Where a sentence for the user goes at once (the CLI: stderr), e.g. an unusual API URL. */
  warn?: (sentence: string) => void;
}

export interface Workspace {
  readonly base: WorkspaceEnv;
  readonly configDir: string;
  readonly settings: SettingsStore;
  /** Set when a bad settings file was moved aside at open: callers must tell the user. */
  readonly settingsWarning?: string;
  read(): Settings;
  catalogPath(): string | undefined;
  accountId(): string | undefined;
  /**
   * CLOUDFLARE_BASE_URL (the SDK's own variable, used by the demo and tests) once it is known to
   * be a place the token may go (see base-url.ts); undefined for Cloudflare's API. Throws a
   * `bad-input` UserError otherwise. Warns (once) when it is not Cloudflare's API.
   */
  cloudflareBaseUrl(): string | undefined;
  secretStore(): Promise<SecretStore>;
  /** The token from CLOUDFLARE_API_TOKEN or the keychain; undefined when there is none. */
  token(): Promise<ResolvedToken | undefined>;
  /** Discovery cache and other state files. */
  cacheDir(): string;
}

export function openWorkspace(base: WorkspaceEnv): Workspace {
  const opened = base.settings ?? openedSettings(base);
  const { configDir, store } = opened;
  let secretStore: Promise<SecretStore> | undefined;
  let baseUrl: CloudflareBaseUrl | undefined;
  const cloudflareBaseUrl = () => {
    if (!baseUrl) {
      baseUrl = resolveCloudflareBaseUrl(base.env);
      if (baseUrl.warning) base.warn?.(baseUrl.warning);
    }
    return baseUrl.url;
  };
  const getSecretStore = () => {
    secretStore ??= base.secretStore ? base.secretStore() : defaultSecretStore(base);
    return secretStore;
  };
  return {
    base,
    configDir,
    settings: store,
    ...(opened.warning ? { settingsWarning: opened.warning } : {}),
    read: () => store.read(),
    catalogPath: () => nonEmpty(base.env.KUBEZT_CATALOG) ?? store.read().catalogPath,
    accountId: () => nonEmpty(base.env.CLOUDFLARE_ACCOUNT_ID) ?? store.read().accountId,
    cloudflareBaseUrl,
    secretStore: getSecretStore,
    async token() {
      const { resolveToken } = await import('../secrets/resolve.ts');
      // The env var wins without touching the keychain (CI, machines without a Secret Service).
      if (nonEmpty(base.env.CLOUDFLARE_API_TOKEN)) return resolveToken({ env: base.env });
      return resolveToken({ env: base.env, store: await getSecretStore() });
    },
    cacheDir: () => configDir,
  };
}

function openedSettings(base: WorkspaceEnv): { configDir: string; store: SettingsStore; warning?: string } {
  const configDir = configDirFor({ env: base.env, platform: base.platform, homeDir: base.homeDir, cwd: base.cwd });
  const { store, recovered } = openSettings({ configDir, now: base.now });
  return recovered ? { configDir, store, warning: recovered.error.message } : { configDir, store };
}

async function defaultSecretStore(base: WorkspaceEnv): Promise<SecretStore> {
  // Loaded lazily: the native keyring module costs start-up time that `kubezt use` must not pay.
  const { KeyringSecretStore } = await import('../secrets/keyring.ts');
  return new KeyringSecretStore({ env: base.env, platform: base.platform });
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

/** For commands that need an account: a sentence that says how to give one. */
export function requireAccountId(ws: Workspace): string {
  const id = ws.accountId();
  if (!id) {
    throw new UserError(
      'bad-input',
      'No Cloudflare account is selected; run "kubezt login --account-id ID" or set CLOUDFLARE_ACCOUNT_ID.',
    );
  }
  return id;
}
