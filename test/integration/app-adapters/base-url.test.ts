/**
 * The app resolves CLOUDFLARE_BASE_URL through the same workspace check as the CLI. Its fetch is
 * injected (Electron's net.fetch in the app), so every request the core would send is recorded:
 * a refused URL gets none, and a URL the user allowed by name gets them all. The allowed host is
 * not on loopback, so the recording fetch hands its requests to the simulator's fake API.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDomainAdapter, type DomainAdapter } from '../../../main/app/adapters/index.ts';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { type AppWorld, startAppWorld } from './world.ts';

let world: AppWorld | undefined;
let core: DomainAdapter | undefined;
afterEach(async () => {
  await core?.close();
  await world?.close();
  core = undefined;
  world = undefined;
});

function coreWith(w: AppWorld, env: Record<string, string>) {
  const sent: string[] = [];
  const logged: string[] = [];
  const fakeApi = new URL(w.sim.cloudflare.baseUrl);
  core = createDomainAdapter({
    env: { PATH: w.env.PATH as string, HOME: w.home, KUBEZT_CATALOG: w.env.KUBEZT_CATALOG as string, ...env },
    platform: process.platform,
    homeDir: w.home,
    configDir: w.sim.configDir,
    runner: nodeProcessRunner,
    fetch: async (input, init) => {
      const url = new URL(typeof input === 'string' ? input : input.url);
      sent.push(url.href);
      if (url.protocol === 'https:' && url.hostname === 'cf-proxy.corp.example') {
        return fetch(
          `${fakeApi.origin}${fakeApi.pathname}${url.pathname.replace(/^\/client\/v4/, '')}${url.search}`,
          init,
        );
      }
      throw new Error(`the test let no request go to ${url.origin}`);
    },
    settings: w.settings,
    secrets: w.secrets,
    log: (message) => logged.push(message),
  });
  return { core, sent, logged };
}

describe("the app's Cloudflare base URL", () => {
  it('refuses a URL that is neither Cloudflare nor loopback, before the token goes anywhere', async () => {
    const w = await startAppWorld({ cloudflare: 'none' });
    world = w;
    const { core: c, sent } = coreWith(w, { CLOUDFLARE_BASE_URL: 'https://cf-proxy.corp.example/client/v4' });
    await expect(c.login(w.sim.cloudflare.token, w.sim.cloudflare.accountId)).rejects.toMatchObject({
      code: 'bad-input',
      message: expect.stringMatching(
        /^CLOUDFLARE_BASE_URL \(https:\/\/cf-proxy\.corp\.example\/client\/v4\) is neither/,
      ),
    });
    expect(sent).toEqual([]);
    expect(w.secrets.stored).toEqual([]);
    expect(w.sim.cloudflare.requests).toEqual([]);
  });

  it('uses the URL KUBEZT_ALLOW_BASE_URL names exactly, and logs the warning', async () => {
    const w = await startAppWorld({ cloudflare: 'none' });
    world = w;
    const url = 'https://cf-proxy.corp.example/client/v4';
    const { core: c, sent, logged } = coreWith(w, { CLOUDFLARE_BASE_URL: url, KUBEZT_ALLOW_BASE_URL: url });
    const status = await c.login(w.sim.cloudflare.token, w.sim.cloudflare.accountId);
    expect(status).toMatchObject({ loggedIn: true, accountId: w.sim.cloudflare.accountId });
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((s) => s.startsWith(`${url}/`))).toBe(true);
    expect(logged).toEqual([
      `CLOUDFLARE_BASE_URL points kubezt at ${url} instead of Cloudflare's API (https://api.cloudflare.com/client/v4): your Cloudflare API token is sent there.`,
    ]);
  });
});
