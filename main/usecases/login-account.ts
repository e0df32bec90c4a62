/**
 * Which Cloudflare account a login uses, shared by `kubezt login` and the app's sign-in: the
 * token is verified, the accounts it can use are listed, and the one asked for (a flag, a form
 * field) or the only one is chosen. Every refusal is one sentence here; each front end passes
 * only how its user gives an account id (`AccountWording`).
 */

import { chooseAccount, describeAccounts, listAccountsForLogin } from '../core/discovery/cloudflare/accounts.ts';
import type { CloudflareApiOptions } from '../core/discovery/cloudflare/api.ts';
import type { CloudflareAccount } from '../core/discovery/cloudflare/discover.ts';
import { UserError } from '../core/errors.ts';
import { TOKEN_ENV_VAR } from '../core/secrets/store.ts';

/** How the refusals say where the account id goes, in the front end's own terms. */
export interface AccountWording {
  /** The id the user asked for, as the sentence names it: "account 0123…", "the account id you entered". */
  named(id: string): string;
  /** How to choose one of the listed accounts: "pick one of those with --account-id". */
  pickListed: string;
  /** How to try again: "run kubezt login again". */
  retry: string;
  /** How to name one of several: "run kubezt login again with --account-id ID to choose one". */
  chooseOne: string;
}

export interface LoginAccountRequest {
  api: CloudflareApiOptions;
  /** The account id the user gave, already checked with checkAccountId. */
  wanted: string | undefined;
  wording: AccountWording;
  /** Several accounts and none asked for: lets the user pick one (a prompt); absent, it is refused. */
  pick?: (accounts: readonly CloudflareAccount[]) => Promise<CloudflareAccount>;
}

export interface LoginAccount {
  account: { id: string; name?: string };
  /** Every account the token can use; empty when it may not list them (the id was taken on trust). */
  accounts: CloudflareAccount[];
}

/** Verifies the token and chooses the account; nothing is stored. Refusals are `UserError`s. */
export async function chooseLoginAccount(request: LoginAccountRequest): Promise<LoginAccount> {
  const { api, wanted, wording: say } = request;
  // The SDK is loaded here, not with this module: the app imports it at start-up.
  const { verifyToken } = await import('../core/discovery/cloudflare/discover.ts');
  await verifyToken(api);
  const listed = await listAccountsForLogin(api, wanted);
  const accounts = listed ?? [];
  const choice = chooseAccount(listed, wanted);
  switch (choice.kind) {
    case 'chosen':
      return { account: choice.account, accounts };
    case 'not-accessible':
      throw new UserError(
        'bad-input',
        `The token has no access to ${say.named(choice.wanted)}; it can use ${describeAccounts(choice.accounts)}: ${say.pickListed}, or add the account to the token's resources.`,
      );
    case 'none':
      throw new UserError(
        'bad-input',
        `The token can use no Cloudflare account: edit the token in the dashboard (My Profile → API Tokens) to include the account, then ${say.retry}.`,
      );
    case 'several':
      if (request.pick) return { account: await request.pick(choice.accounts), accounts };
      throw new UserError(
        'bad-input',
        `The token can use ${choice.accounts.length} Cloudflare accounts, ${describeAccounts(choice.accounts)}: ${say.chooseOne}; nothing was saved.`,
      );
  }
}

/** The environment variable a login takes the account id from when none is given otherwise. */
export const ACCOUNT_ENV_VAR = 'CLOUDFLARE_ACCOUNT_ID';

/**
 * The account id a login asks for: the one given (a flag, a form field), else
 * CLOUDFLARE_ACCOUNT_ID, which discovery would use anyway (it overrides the saved account), so
 * a login that chose another account would save one that is never used.
 */
export function wantedAccount(
  given: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): { id: string | undefined; fromEnv: boolean } {
  if (given) return { id: given, fromEnv: false };
  const fromEnv = env[ACCOUNT_ENV_VAR]?.trim();
  return fromEnv ? { id: fromEnv, fromEnv: true } : { id: undefined, fromEnv: false };
}

/** What in the environment overrides what the login saved, one sentence each. */
export function loginOverrides(env: Readonly<Record<string, string | undefined>>, accountId: string): string[] {
  const notes: string[] = [];
  if (env[TOKEN_ENV_VAR]?.trim()) {
    notes.push(
      `${TOKEN_ENV_VAR} is set in this environment and overrides the keychain; unset it to use the saved token.`,
    );
  }
  const envAccount = env.CLOUDFLARE_ACCOUNT_ID?.trim();
  if (envAccount && envAccount !== accountId) {
    notes.push(
      `CLOUDFLARE_ACCOUNT_ID is set in this environment to another account and overrides the saved one; unset it to use ${accountId}.`,
    );
  }
  return notes;
}
