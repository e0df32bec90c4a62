/**
 * Where the Cloudflare API token lives. One interface so the CLI (OS keychain through
 * @napi-rs/keyring) and the app (the same, or Electron's safeStorage) are interchangeable, and so
 * nothing else in kubezt ever decides where a secret is kept.
 */
export interface SecretStore {
  /** The stored token, or undefined when there is none. Throws `keychain-unavailable`. */
  get(): Promise<string | undefined>;
  /** Stores (replaces) the token. Throws `keychain-unavailable`, or `bad-input` for an unusable token. */
  set(token: string): Promise<void>;
  /** Removes the token; true when there was one. Throws `keychain-unavailable`. */
  delete(): Promise<boolean>;
  /** Where the token is kept, for messages: "the Secret Service keyring (service "kubezt", …)". */
  describe(): string;
}

/** The keychain item: service and account (username) as other tools (secret-tool, Keychain Access) show them. */
export const SECRET_SERVICE = 'kubezt';
export const CLOUDFLARE_TOKEN_ACCOUNT = 'cloudflare-api-token';
/** Overrides the keychain, and works when there is no keychain at all. */
export const TOKEN_ENV_VAR = 'CLOUDFLARE_API_TOKEN';
