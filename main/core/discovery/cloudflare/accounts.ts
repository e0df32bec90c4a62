import { isUserError, UserError } from '../../errors.ts';
import type { CloudflareApiOptions } from './api.ts';
import type { CloudflareAccount } from './discover.ts';

/**
 * Which Cloudflare account a login uses, decided once for `kubezt login` and the app's sign-in.
 * Each surface words the outcome its own way (a flag for the CLI, a form field for the app).
 */
export type AccountChoice =
  | { kind: 'chosen'; account: { id: string; name?: string } }
  /** The account asked for is not among those the token can use. */
  | { kind: 'not-accessible'; wanted: string; accounts: readonly CloudflareAccount[] }
  /** The token can use no account at all. */
  | { kind: 'none' }
  /** Several accounts and none asked for: the user must pick. */
  | { kind: 'several'; accounts: readonly CloudflareAccount[] };

/**
 * Rejects anything that is not a Cloudflare account id (32 hexadecimal characters), before it is
 * sent, stored or shown. Never echoes the value: a token pasted into the account id field would
 * end up in the message. `fix` says where to give it again (the CLI's flag, the app's field).
 */
export function checkAccountId(accountId: string, fix = 'run kubezt login --account-id ID'): void {
  if (!/^[0-9a-f]{32}$/i.test(accountId)) {
    throw new UserError(
      'bad-input',
      `The Cloudflare account id must be 32 hexadecimal characters: copy it from the Zero Trust dashboard URL and ${fix}.`,
    );
  }
}

/**
 * The accounts the token can use; null when the token may not list accounts but an account id
 * was given, which is then taken on trust (some scoped tokens cannot list, yet work).
 */
export async function listAccountsForLogin(
  api: CloudflareApiOptions,
  wanted: string | undefined,
): Promise<CloudflareAccount[] | null> {
  // The SDK is loaded here, not with this module: the app imports the choice logic at start-up.
  const { listAccounts } = await import('./discover.ts');
  try {
    return await listAccounts(api);
  } catch (e) {
    if (wanted && isUserError(e) && e.code === 'cloudflare-permission') return null;
    throw e;
  }
}

/** `accounts`: from listAccountsForLogin (null: not listable). `wanted`: an id the user gave. */
export function chooseAccount(
  accounts: readonly CloudflareAccount[] | null,
  wanted: string | undefined,
): AccountChoice {
  if (wanted) {
    if (accounts === null) return { kind: 'chosen', account: { id: wanted } };
    const found = accounts.find((a) => a.id.toLowerCase() === wanted.toLowerCase());
    return found ? { kind: 'chosen', account: found } : { kind: 'not-accessible', wanted, accounts };
  }
  const [only] = accounts ?? [];
  if (!only) return { kind: 'none' };
  if (accounts && accounts.length > 1) return { kind: 'several', accounts };
  return { kind: 'chosen', account: only };
}

export function describeAccounts(accounts: readonly CloudflareAccount[]): string {
  return accounts.length ? accounts.map((a) => `${a.name} (${a.id})`).join(', ') : 'no account';
}
