import { UserError } from '../errors.ts';
import { type SecretStore, TOKEN_ENV_VAR } from './store.ts';

export interface ResolvedToken {
  /** Non-enumerable: JSON.stringify and console.log of this object never show it. */
  readonly token: string;
  source: 'env' | 'keychain';
  /** For messages: "CLOUDFLARE_API_TOKEN" or the store's description. */
  where: string;
}

/**
 * The Cloudflare API token: `CLOUDFLARE_API_TOKEN` first (CI, scripts, machines without a
 * keychain; the keychain is then not touched at all), else the store. Undefined when neither
 * has one. A keychain that cannot be reached throws `keychain-unavailable`, whose message tells
 * the user the env var works.
 */
export async function resolveToken(opts: {
  env: Record<string, string | undefined>;
  store?: SecretStore;
}): Promise<ResolvedToken | undefined> {
  const fromEnv = opts.env[TOKEN_ENV_VAR]?.trim();
  if (fromEnv) return resolved(fromEnv, 'env', TOKEN_ENV_VAR);
  if (!opts.store) return undefined;
  const stored = (await opts.store.get())?.trim();
  return stored ? resolved(stored, 'keychain', opts.store.describe()) : undefined;
}

/** `resolveToken`, or `not-logged-in` saying how to give kubezt a token. */
export async function requireToken(opts: {
  env: Record<string, string | undefined>;
  store?: SecretStore;
}): Promise<ResolvedToken> {
  const token = await resolveToken(opts);
  if (!token) {
    throw new UserError(
      'not-logged-in',
      `No Cloudflare API token is set up; run "kubezt login" or set ${TOKEN_ENV_VAR}.`,
    );
  }
  return token;
}

function resolved(token: string, source: ResolvedToken['source'], where: string): ResolvedToken {
  const out = { source, where } as ResolvedToken;
  Object.defineProperty(out, 'token', { value: token, enumerable: false });
  return out;
}
