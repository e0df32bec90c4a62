import { AsyncEntry, type EntryOptions } from '@napi-rs/keyring';
import { UserError } from '../errors.ts';
import { redactSecrets } from './redact.ts';
import { CLOUDFLARE_TOKEN_ACCOUNT, SECRET_SERVICE, type SecretStore, TOKEN_ENV_VAR } from './store.ts';

export interface KeyringSecretStoreOptions {
  /** The process environment (the native library reads the real one; this is for the checks). */
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  /** Keychain service name; tests use their own so they never touch a real kubezt item. */
  service?: string;
  account?: string;
  /**
   * Hard limit for one keychain call. A locked keyring may show an unlock prompt, so this is
   * generous, but a Secret Service that never answers must not hang the CLI or the tray.
   */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * The OS keychain through @napi-rs/keyring (N-API, maintained; keytar is archived): macOS
 * Keychain, Windows Credential Manager, and on Linux the Secret Service ONLY. The library's
 * default on Linux falls back to the kernel keyring (keyutils), which forgets everything at
 * logout: a token "saved" there looks stored and then vanishes. So the entry is pinned to
 * 'secret-service', which makes the library throw instead of falling back, and every write is
 * read back through a fresh entry before it counts as stored.
 */
export class KeyringSecretStore implements SecretStore {
  readonly #service: string;
  readonly #account: string;
  readonly #env: Record<string, string | undefined>;
  readonly #platform: NodeJS.Platform;
  readonly #timeoutMs: number;

  constructor(opts: KeyringSecretStoreOptions) {
    this.#service = opts.service ?? SECRET_SERVICE;
    this.#account = opts.account ?? CLOUDFLARE_TOKEN_ACCOUNT;
    this.#env = opts.env;
    this.#platform = opts.platform;
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  describe(): string {
    const item = `service "${this.#service}", account "${this.#account}"`;
    switch (this.#platform) {
      case 'darwin':
        return `the macOS Keychain (${item})`;
      case 'win32':
        return `Windows Credential Manager (${item})`;
      default:
        return `the Secret Service keyring (${item})`;
    }
  }

  async get(): Promise<string | undefined> {
    const value = await this.#call('reading the token', (signal) => this.#entry().getPassword(signal));
    return value ?? undefined;
  }

  async set(token: string): Promise<void> {
    if (token.length === 0 || /[\s]/.test(token)) {
      // Never echo the token, even a malformed one.
      throw new UserError(
        'bad-input',
        'The Cloudflare API token must be one word without spaces or line breaks; paste it again.',
      );
    }
    await this.#call('storing the token', (signal) => this.#entry().setPassword(token, signal), [token]);
    const readBack = await this.#call('reading the token back', (signal) => this.#entry().getPassword(signal), [token]);
    if (readBack !== token) {
      throw this.#unavailable('it did not keep the token that was just stored');
    }
  }

  async delete(): Promise<boolean> {
    return this.#call('removing the token', (signal) => this.#entry().deleteCredential(signal));
  }

  /** A fresh entry per call: nothing is cached in this process, so a read is a real keychain read. */
  #entry(): AsyncEntry {
    const options: EntryOptions | undefined =
      this.#platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined;
    return new AsyncEntry(this.#service, this.#account, options);
  }

  async #call<T>(doing: string, op: (signal: AbortSignal) => Promise<T>, secrets: string[] = []): Promise<T> {
    if (this.#platform !== 'darwin' && this.#platform !== 'win32' && !this.#env.DBUS_SESSION_BUS_ADDRESS) {
      // Without a session bus there is no Secret Service to reach; say so plainly rather than
      // relaying the library's note about X11 autolaunch.
      throw this.#unavailable('there is no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set)');
    }
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(this.#unavailable(`it did not answer within ${Math.round(this.#timeoutMs / 1000)} s while ${doing}`));
      }, this.#timeoutMs);
    });
    try {
      return await Promise.race([op(controller.signal), timeout]);
    } catch (e) {
      if (e instanceof UserError) throw e;
      const reason = redactSecrets(String((e as Error)?.message ?? e), secrets)
        .replace(/\s+/g, ' ')
        .replace(/\.$/, '')
        .trim();
      throw this.#unavailable(`${doing} failed (${reason})`, e);
    } finally {
      clearTimeout(timer);
    }
  }

  #unavailable(why: string, cause?: unknown): UserError {
    const fix =
      this.#platform === 'darwin'
        ? 'unlock the login keychain'
        : this.#platform === 'win32'
          ? 'check that Credential Manager is available'
          : 'start and unlock a Secret Service keyring such as GNOME Keyring or KeePassXC';
    return new UserError(
      'keychain-unavailable',
      `The OS keychain, ${this.describe()}, is unavailable: ${why}; ${fix}, or set ${TOKEN_ENV_VAR} instead.`,
      cause === undefined ? undefined : { cause },
    );
  }
}
