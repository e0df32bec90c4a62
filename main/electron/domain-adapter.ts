/**
 * Where the app gets its domain adapter. The Electron-specific parts are real (settings on
 * electron-store with the CLI's schema and file, the token in the same keychain item the CLI uses,
 * Electron's net.fetch for the Cloudflare SDK and the WARP trace); `createElectronDomainAdapter`
 * is the one place that turns them into the `DomainPort` the app services need
 * (main/app/adapters: plain Node).
 */
import ElectronStore from 'electron-store';
import { createDomainAdapter, type DomainAdapter } from '../app/adapters/index.ts';
import type { ProcessRunner } from '../core/process/runner.ts';
import { KeyringSecretStore } from '../core/secrets/keyring.ts';
import type { SecretStore } from '../core/secrets/store.ts';
import {
  recoverSettingsFile,
  type SettingsRecovery,
  type SettingsStore,
  settingsStoreFrom,
  settingsStoreOptions,
} from '../core/settings/store.ts';

export interface ElectronDomainContext {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  homeDir: string;
  configDir: string;
  runner: ProcessRunner;
  /** Electron's net.fetch: the OS trust store and proxy settings apply (Gateway TLS inspection). */
  fetch: (input: string | Request, init?: RequestInit) => Promise<Response>;
  settings: SettingsStore;
  /** Set when a bad settings file was moved aside at start: show it to the user. */
  settingsRecovery?: SettingsRecovery;
  secrets: SecretStore;
  log: (message: string, error?: unknown) => void;
  /** Shown in the diagnostics report. */
  appVersion?: string;
  /** KUBECONFIG was taken from the login shell (Settings says so). */
  kubeconfigFromLoginShell?: boolean;
  /** The last lines of the log file, for the Markdown report. */
  logTail?: (lines: number) => string[];
}

/** Settings through electron-store on the same file and schema as the CLI's conf. */
export function openAppSettings(configDir: string): { store: SettingsStore; recovered?: SettingsRecovery } {
  const recovered = recoverSettingsFile({ configDir });
  const store = settingsStoreFrom(new ElectronStore<Record<string, unknown>>(settingsStoreOptions(configDir)));
  return recovered ? { store, recovered } : { store };
}

/**
 * The same keychain item as `kubezt login` (service "kubezt"), so a login in either is seen by
 * both. (SafeStorageSecretStore in main/app is the alternative where the keyring binding cannot
 * load; it refuses Linux's basic_text backend.)
 */
export function openAppSecrets(env: Record<string, string | undefined>, platform: NodeJS.Platform): SecretStore {
  return new KeyringSecretStore({ env, platform });
}

export async function createElectronDomainAdapter(context: ElectronDomainContext): Promise<DomainAdapter> {
  return createDomainAdapter({
    env: context.env,
    platform: context.platform,
    homeDir: context.homeDir,
    configDir: context.configDir,
    runner: context.runner,
    fetch: context.fetch,
    settings: context.settings,
    ...(context.settingsRecovery ? { settingsWarning: context.settingsRecovery.error.message } : {}),
    secrets: context.secrets,
    log: context.log,
    ...(context.logTail ? { logTail: context.logTail } : {}),
    ...(context.appVersion ? { appVersion: context.appVersion } : {}),
    ...(context.kubeconfigFromLoginShell !== undefined
      ? { kubeconfigFromLoginShell: context.kubeconfigFromLoginShell }
      : {}),
  });
}
