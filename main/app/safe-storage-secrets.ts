import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../core/errors.ts';
import type { SecretStore } from '../core/secrets/store.ts';

/** The part of Electron's safeStorage this store uses (the async API; the sync one is deprecated). */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  /** Linux only: which backend Chromium picked. */
  getSelectedStorageBackend?(): string;
}

/**
 * A SecretStore on Electron's safeStorage: the token encrypted with a key the OS keychain holds,
 * in a 0600 file in the config folder. For when the keyring binding cannot be used.
 *
 * On Linux, safeStorage silently falls back to `basic_text` (a hard-coded key: obfuscation, not
 * encryption) when no Secret Service or KWallet is found; that backend is refused, and the user is
 * told to use a keyring or CLOUDFLARE_API_TOKEN instead.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly #safeStorage: SafeStorageLike;
  readonly #file: string;
  readonly #platform: NodeJS.Platform;

  constructor(opts: { safeStorage: SafeStorageLike; file: string; platform: NodeJS.Platform }) {
    this.#safeStorage = opts.safeStorage;
    this.#file = opts.file;
    this.#platform = opts.platform;
  }

  describe(): string {
    return `Electron safeStorage (${this.#backend()}), file ${this.#file}`;
  }

  async get(): Promise<string | undefined> {
    let encrypted: Buffer;
    try {
      encrypted = await readFile(this.#file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.#unavailable(`cannot read ${this.#file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, e);
    }
    await this.#requireEncryption();
    let decrypted: { result: string; shouldReEncrypt: boolean };
    try {
      decrypted = await this.#safeStorage.decryptStringAsync(encrypted);
    } catch (e) {
      throw this.#unavailable(`cannot decrypt ${this.#file} (the keychain key changed?)`, e);
    }
    if (decrypted.shouldReEncrypt) await this.set(decrypted.result);
    return decrypted.result;
  }

  async set(token: string): Promise<void> {
    if (token.length === 0) throw new UserError('bad-input', 'The API token is empty; paste the whole token.');
    await this.#requireEncryption();
    const encrypted = await this.#safeStorage.encryptStringAsync(token);
    await mkdir(path.dirname(this.#file), { recursive: true, mode: 0o700 });
    const tmp = `${this.#file}.${process.pid}.tmp`;
    await writeFile(tmp, encrypted, { mode: 0o600 });
    await rename(tmp, this.#file);
  }

  async delete(): Promise<boolean> {
    try {
      await rm(this.#file);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw this.#unavailable(`cannot remove ${this.#file}`, e);
    }
  }

  #backend(): string {
    return this.#platform === 'linux' ? (this.#safeStorage.getSelectedStorageBackend?.() ?? 'unknown') : 'OS keychain';
  }

  async #requireEncryption(): Promise<void> {
    if (this.#platform === 'linux' && this.#backend() === 'basic_text') {
      throw new UserError(
        'keychain-unavailable',
        'No keyring (Secret Service or KWallet) is running, and kubezt will not store the token with basic_text obfuscation; start your keyring, or set CLOUDFLARE_API_TOKEN instead.',
      );
    }
    if (!(await this.#safeStorage.isAsyncEncryptionAvailable())) {
      throw this.#unavailable('the OS keychain is not available');
    }
  }

  #unavailable(why: string, cause?: unknown): UserError {
    return new UserError(
      'keychain-unavailable',
      `The token cannot be kept in Electron safeStorage: ${why}; unlock your keychain, or set CLOUDFLARE_API_TOKEN instead.`,
      cause === undefined ? undefined : { cause },
    );
  }
}
