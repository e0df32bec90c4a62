/**
 * The Cloudflare login of the app, like `kubezt login`: the token is verified with Cloudflare,
 * the account chosen, then the token goes into the SecretStore and the account id into the
 * settings. The token is never returned, logged or put in an error message.
 */
import type { LoginStatus } from '../../../ipc/contract.ts';
import { checkAccountId } from '../../core/discovery/cloudflare/accounts.ts';
import type { CloudflareAccount } from '../../core/discovery/cloudflare/discover.ts';
import { isUserError, UserError } from '../../core/errors.ts';
import { redactSecrets } from '../../core/secrets/redact.ts';
import { TOKEN_ENV_VAR } from '../../core/secrets/store.ts';
import { type AccountWording, chooseLoginAccount } from '../../usecases/login-account.ts';
import type { AdapterEnv } from './context.ts';

const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;

function accountIdOf(env: AdapterEnv): string | null {
  const id = env.workspace.accountId();
  return id && ACCOUNT_ID.test(id) ? id : null;
}

export async function loginStatus(env: AdapterEnv): Promise<LoginStatus> {
  const accountId = accountIdOf(env);
  if (env.ctx.env[TOKEN_ENV_VAR]?.trim()) return { loggedIn: true, accountId, source: 'env' };
  try {
    const stored = (await env.ctx.secrets.get())?.trim();
    return stored ? { loggedIn: true, accountId, source: 'keychain' } : { loggedIn: false, accountId, source: null };
  } catch (e) {
    // Shown as "not signed in"; signing in then says why the keychain cannot be used.
    env.log('the keychain could not be read for the login status', isUserError(e) ? e.message : e);
    return { loggedIn: false, accountId, source: null };
  }
}

/** Where the app asks for the account id again. */
const ACCOUNT_FIELD = 'enter it under "Account id" and sign in again';

/** The app's wording: the account id is a field of the sign-in form. */
const APP_ACCOUNT_WORDING: AccountWording = {
  named: () => 'the account id you entered',
  pickListed: 'enter one of those account ids',
  retry: 'sign in again',
  chooseOne: 'enter the id of the one to use under "Account id" and sign in again',
};

export async function login(env: AdapterEnv, token: string, wanted: string | undefined): Promise<LoginStatus> {
  // Before anything is sent: the value is checked (never echoed) and the API's URL too.
  if (wanted !== undefined) checkAccountId(wanted, ACCOUNT_FIELD);
  const baseURL = env.workspace.cloudflareBaseUrl();
  const api = { token, fetch: env.fetch, ...(baseURL ? { baseURL } : {}) };
  let accounts: CloudflareAccount[] = [];
  let account: { id: string };
  try {
    ({ account, accounts } = await chooseLoginAccount({ api, wanted, wording: APP_ACCOUNT_WORDING }));
    // Keychain first: if it is unavailable, the settings stay as they were.
    await env.ctx.secrets.set(token);
  } catch (e) {
    throw scrubbed(e, token);
  }
  env.ctx.settings.update({ accountId: account.id });
  const status = await loginStatus(env);
  const visible = accounts.filter((a) => ACCOUNT_ID.test(a.id)).slice(0, 500);
  return visible.length > 0
    ? { ...status, accounts: visible.map((a) => ({ id: a.id, name: a.name.slice(0, 300) })) }
    : status;
}

/** The same error without any form of the token in it. */
function scrubbed(e: unknown, token: string): Error {
  if (isUserError(e)) {
    const message = redactSecrets(e.message, [token]);
    return message === e.message ? e : new UserError(e.code, message);
  }
  return new Error(redactSecrets(e instanceof Error ? e.message : String(e), [token]));
}

export async function logout(env: AdapterEnv): Promise<LoginStatus> {
  await env.ctx.secrets.delete();
  return loginStatus(env);
}
