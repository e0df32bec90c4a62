import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findSecretIn, KeyringSecretStore } from '../../../main/core/secrets/index.ts';
import { settingsFilePath } from '../../../main/core/settings/index.ts';
import { runCli } from '../../helpers/cli.ts';
import { afterBaseUrlWarning, startWorld, type World, worldSeed } from '../cli-discovery/world.ts';

/**
 * `kubezt login` takes the account from CLOUDFLARE_ACCOUNT_ID when --account-id is not given,
 * against the fake Cloudflare API (whose token sees two accounts) and the REAL Secret Service:
 * run under dbus-run-session with an unlocked gnome-keyring. The refusals need no keychain.
 */
const bus = process.env.DBUS_SESSION_BUS_ADDRESS;
const keychain = () => new KeyringSecretStore({ env: process.env, platform: process.platform, timeoutMs: 20_000 });

let keyringSkip: string | undefined;
beforeAll(async () => {
  if (process.platform !== 'linux') keyringSkip = 'skipped: these tests drive the Linux Secret Service';
  else if (!bus)
    keyringSkip =
      'skipped: DBUS_SESSION_BUS_ADDRESS is unset; run under dbus-run-session with an unlocked gnome-keyring';
  else {
    try {
      if ((await keychain().get()) !== undefined) {
        keyringSkip =
          'skipped: this keyring already holds a kubezt token (probably a real one) that login would overwrite';
      }
    } catch (e) {
      keyringSkip = `skipped: the Secret Service is not usable here (${(e as Error).message})`;
    }
  }
});

let world: World | undefined;
afterEach(async () => {
  if (!keyringSkip) await keychain().delete();
  await world?.close();
  world = undefined;
});
afterAll(async () => {
  if (!keyringSkip) await keychain().delete();
});

async function savedAccountId(w: World): Promise<string | undefined> {
  const path = settingsFilePath(w.configDir);
  if (!existsSync(path)) return undefined;
  return JSON.parse(await readFile(path, 'utf8')).accountId;
}

const sandbox = () => worldSeed().otherAccounts?.[0] as { id: string; name: string };

describe('kubezt login with CLOUDFLARE_ACCOUNT_ID', () => {
  it('uses it when --account-id is not given, says so in one line, and saves it', async (ctx) => {
    ctx.skip(keyringSkip !== undefined, keyringSkip);
    const w = await startWorld();
    world = w;
    const { id, name } = sandbox();
    const r = await runCli(['login'], {
      env: {
        DBUS_SESSION_BUS_ADDRESS: bus,
        KUBEZT_CONFIG_DIR: w.configDir,
        CLOUDFLARE_BASE_URL: w.api.baseUrl,
        CLOUDFLARE_ACCOUNT_ID: id,
      },
      stdin: w.api.token,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(afterBaseUrlWarning(w, r.stderr)).toBe(
      `Using account ${id} from CLOUDFLARE_ACCOUNT_ID (--account-id chooses another).\n`,
    );
    expect(r.stdout).toContain(`Logged in: token verified, account ${name} (${id})`);
    expect(r.stdout).not.toContain('Note:');
    expect(await savedAccountId(w)).toBe(id);
    expect((await keychain().get()) === w.api.token).toBe(true);
    expect(await findSecretIn([r.stdout, r.stderr], w.api.token)).toEqual([]);
  });

  it('--account-id still wins, with the note that the variable overrides it', async (ctx) => {
    ctx.skip(keyringSkip !== undefined, keyringSkip);
    const w = await startWorld();
    world = w;
    const r = await runCli(['login', '--account-id', w.api.accountId], {
      env: {
        DBUS_SESSION_BUS_ADDRESS: bus,
        KUBEZT_CONFIG_DIR: w.configDir,
        CLOUDFLARE_BASE_URL: w.api.baseUrl,
        CLOUDFLARE_ACCOUNT_ID: sandbox().id,
      },
      stdin: w.api.token,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(afterBaseUrlWarning(w, r.stderr)).toBe('');
    expect(await savedAccountId(w)).toBe(w.api.accountId);
    expect(r.stdout).toContain('Note: CLOUDFLARE_ACCOUNT_ID is set in this environment to another account');
  });

  it('refuses an account the token cannot use, or a malformed id, naming the variable; nothing saved', async () => {
    const w = await startWorld();
    world = w;
    const env = (value: string) => ({
      KUBEZT_CONFIG_DIR: w.configDir,
      CLOUDFLARE_BASE_URL: w.api.baseUrl,
      CLOUDFLARE_ACCOUNT_ID: value,
    });
    const other = 'f'.repeat(32);
    const denied = await runCli(['login'], { env: env(other), stdin: w.api.token });
    expect(denied.code).toBe(2);
    expect(denied.stderr).toContain(
      `The token has no access to account ${other} (from CLOUDFLARE_ACCOUNT_ID); it can use Example Corp`,
    );
    expect(denied.stderr).toContain('set CLOUDFLARE_ACCOUNT_ID to one of those (or unset it and pass --account-id)');
    const malformed = await runCli(['login'], { env: env('not-an-account'), stdin: w.api.token });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toBe(
      'kubezt: The Cloudflare account id must be 32 hexadecimal characters: copy it from the Zero Trust dashboard URL and set CLOUDFLARE_ACCOUNT_ID to it (or unset it and pass --account-id).\n',
    );
    expect(await savedAccountId(w)).toBeUndefined();
  });
});
