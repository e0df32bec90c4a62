import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.ts';
import { type AppWorld, startAppWorld } from '../app-adapters/world.ts';
import { startWorld, type World } from '../cli-discovery/world.ts';

/**
 * A wrong CLOUDFLARE_API_TOKEN overrides the keychain, so every refusal must name that variable
 * as the thing to fix, never send the user to "kubezt login" (whose token is not the one used).
 * Each CLI command that reads the token runs for real against the fake Cloudflare API, and so
 * does the app's refresh.
 */
let world: World | undefined;
let app: AppWorld | undefined;
afterEach(async () => {
  await world?.close();
  await app?.close();
  world = undefined;
  app = undefined;
});

const NAMED =
  'The Cloudflare API token in CLOUDFLARE_API_TOKEN is invalid or expired: set CLOUDFLARE_API_TOKEN to a new token';

describe('a wrong CLOUDFLARE_API_TOKEN is named', () => {
  it.each([
    [['clusters']],
    [['clusters', '--refresh']],
    [['clusters', '--json']],
    [['setup', '--dry-run']],
    [['setup', '--yes']],
    [['gateway-policy']],
    [['gateway-policy', '--refresh']],
  ])('kubezt %j', async (args) => {
    const w = await startWorld({ catalog: false });
    world = w;
    const r = await runCli(args, {
      env: w.env({ KUBEZT_CATALOG: undefined, CLOUDFLARE_API_TOKEN: 'wrong-token-0123456789' }),
      homeDir: w.home,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(NAMED);
    expect(r.stderr).not.toMatch(/run "?kubezt login/);
    expect(r.stderr).not.toContain('wrong-token-0123456789');
  });

  it('kubezt login reads its token from stdin, so a wrong one there is not blamed on the variable', async () => {
    const w = await startWorld({ catalog: false });
    world = w;
    const r = await runCli(['login', '--account-id', w.api.accountId], {
      env: w.env({ CLOUDFLARE_API_TOKEN: w.api.token }),
      stdin: 'wrong-token-0123456789',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('The Cloudflare API token is invalid or expired: create a new token');
    expect(r.stderr).not.toContain('CLOUDFLARE_API_TOKEN is invalid');
  });

  it("the app's refresh says the same", async () => {
    app = await startAppWorld();
    app.env.CLOUDFLARE_API_TOKEN = 'wrong-token-0123456789';
    const e = await app.core.refresh(() => {}).catch((x: Error) => x);
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toContain(NAMED);
    expect((e as Error).message).not.toMatch(/run "?kubezt login/);
  });
});
