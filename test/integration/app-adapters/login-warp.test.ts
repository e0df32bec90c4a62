/**
 * Login against the fake Cloudflare API (the token verified, stored, never returned or put in an
 * error) and the WARP feed against the fake warp-cli (its listen mode pushes changes).
 */
import { describe, expect, it } from 'vitest';
import type { WarpStateView } from '../../../ipc/contract.ts';
import { appWorldPerTest } from './world.ts';

const open = appWorldPerTest();

describe('login and logout', () => {
  it('verifies the token, asks for the account when the token sees several, stores it, and never returns it', async () => {
    const w = await open({ cloudflare: 'none' });
    const token = w.sim.cloudflare.token;
    expect(await w.core.loginStatus()).toEqual({ loggedIn: false, accountId: null, source: null });

    const wrong = `${token.slice(0, -4)}zzzz`;
    const rejected = await w.core.login(wrong, undefined).catch((e: Error) => e);
    expect(rejected).toMatchObject({ code: 'cloudflare-auth' });
    expect((rejected as Error).message).not.toContain(wrong);
    expect(w.secrets.stored).toEqual([]);

    // The simulated token sees the demo account and its sandbox: the user must pick one.
    const ambiguous = await w.core.login(token, undefined).catch((e: Error) => e);
    expect(ambiguous).toMatchObject({ code: 'bad-input' });
    expect((ambiguous as Error).message).toContain(w.sim.cloudflare.accountId);
    expect((ambiguous as Error).message).not.toContain(token);
    expect(w.secrets.stored).toEqual([]);
    expect(w.settings.read().accountId).toBeUndefined();

    const status = await w.core.login(token, w.sim.cloudflare.accountId);
    expect(status).toMatchObject({ loggedIn: true, accountId: w.sim.cloudflare.accountId, source: 'keychain' });
    expect(status.accounts?.map((a) => a.name)).toContain('Demo Corp');
    expect(JSON.stringify(status)).not.toContain(token);
    expect(w.secrets.stored).toEqual([token]);
    expect(w.settings.read().accountId).toBe(w.sim.cloudflare.accountId);
    expect(await w.core.loginStatus()).toEqual({
      loggedIn: true,
      accountId: w.sim.cloudflare.accountId,
      source: 'keychain',
    });

    // Discovery now runs with the stored token.
    const fleet = await w.core.refresh(() => {});
    expect(fleet.clusters.map((c) => c.name)).toEqual(['prod-us', 'prod-eu', 'staging', 'dev']);

    expect(await w.core.logout()).toEqual({ loggedIn: false, accountId: w.sim.cloudflare.accountId, source: null });
    expect(await w.secrets.get()).toBeUndefined();
  });

  it('without a keychain: the status says signed out, login says why and saves nothing', async () => {
    const w = await open({ cloudflare: 'none' });
    w.secrets.unavailable = true;
    expect(await w.core.loginStatus()).toMatchObject({ loggedIn: false });
    await expect(w.core.login(w.sim.cloudflare.token, w.sim.cloudflare.accountId)).rejects.toMatchObject({
      code: 'keychain-unavailable',
    });
    expect(w.settings.read().accountId).toBeUndefined();
  });

  it('checks the account id as the CLI does, before anything is sent, and never echoes it', async () => {
    const w = await open({ cloudflare: 'none' });
    const token = w.sim.cloudflare.token;
    // What a user pastes into the wrong field: the token itself, or something near an account id.
    for (const wanted of [token.slice(0, 40), 'f'.repeat(31), `${'f'.repeat(31)}g`, 'prod_account-1']) {
      const e = await w.core.login(token, wanted).catch((err: Error) => err);
      expect(e).toMatchObject({
        code: 'bad-input',
        message:
          'The Cloudflare account id must be 32 hexadecimal characters: copy it from the Zero Trust dashboard URL and enter it under "Account id" and sign in again.',
      });
      expect((e as Error).message).not.toContain(wanted);
    }
    expect(w.sim.cloudflare.requests).toEqual([]);
    expect(w.secrets.stored).toEqual([]);
    expect(w.settings.read().accountId).toBeUndefined();

    // A well-formed id the token cannot use is named by its form, not echoed either.
    const unknown = 'a'.repeat(32);
    const e = await w.core.login(token, unknown).catch((err: Error) => err);
    expect(e).toMatchObject({ code: 'bad-input' });
    expect((e as Error).message).toMatch(/^The token has no access to the account id you entered; it can use /);
    expect((e as Error).message).not.toContain(unknown);
    expect(w.secrets.stored).toEqual([]);
  });

  it('reports a token from CLOUDFLARE_API_TOKEN as such', async () => {
    const w = await open();
    expect(await w.core.loginStatus()).toEqual({
      loggedIn: true,
      accountId: w.sim.cloudflare.accountId,
      source: 'env',
    });
  });
});

describe('warp', () => {
  it('is unknown until the watcher reports, then follows warp-cli', async () => {
    const w = await open();
    expect(w.core.warp.current().status).toBe('unknown');
    const states: WarpStateView[] = [];
    let wake: (() => void) | undefined;
    const next = (status: WarpStateView['status']) =>
      new Promise<WarpStateView>((resolve) => {
        const look = () => {
          const found = states.find((s) => s.status === status);
          if (found) resolve(found);
          else wake = look;
        };
        look();
      });
    const unsubscribe = w.core.warp.subscribe((s) => {
      states.push(s);
      wake?.();
    });
    const connected = await next('connected');
    expect(connected.gatewayOn).toBe(true);
    expect(connected.signals.map((s) => s.source)).toContain('warp-cli');
    w.sim.warp.setState({ status: 'Disconnected', reason: 'Manual Disconnection' });
    const down = await next('disconnected');
    expect(down.reason).toMatch(/manual disconnection/i);
    expect(w.core.warp.current().status).toBe('disconnected');
    unsubscribe();
    await w.core.close();
  });
});
