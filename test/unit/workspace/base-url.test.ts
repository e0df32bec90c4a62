import { describe, expect, it } from 'vitest';
import { UserError } from '../../../main/core/errors.ts';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { isLoopbackHost, resolveCloudflareBaseUrl } from '../../../main/core/workspace/base-url.ts';
import { openWorkspace, type WorkspaceEnv } from '../../../main/core/workspace/index.ts';

const refusal = (env: Record<string, string | undefined>): UserError => {
  try {
    resolveCloudflareBaseUrl(env);
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
};

describe('resolveCloudflareBaseUrl: where the API token may go', () => {
  it("uses Cloudflare's API when unset, blank, or set to that API itself, without a warning", () => {
    for (const value of [
      undefined,
      '',
      '  ',
      'https://api.cloudflare.com/client/v4',
      'https://api.cloudflare.com/client/v4/',
      'HTTPS://API.CLOUDFLARE.COM:443/client/v4',
    ]) {
      expect(resolveCloudflareBaseUrl({ CLOUDFLARE_BASE_URL: value }), String(value)).toEqual({});
    }
  });

  it('accepts a loopback host, over http too, with a warning naming it', () => {
    for (const [value, shown] of [
      ['http://127.0.0.1:8787/client/v4', 'http://127.0.0.1:8787/client/v4'],
      ['http://127.3.2.1/client/v4', 'http://127.3.2.1/client/v4'],
      ['http://[::1]:9000/client/v4', 'http://[::1]:9000/client/v4'],
      ['https://localhost:8443/client/v4', 'https://localhost:8443/client/v4'],
      ['http://127.1:8787/v4', 'http://127.0.0.1:8787/v4'],
    ]) {
      expect(resolveCloudflareBaseUrl({ CLOUDFLARE_BASE_URL: value })).toEqual({
        url: value,
        warning: `CLOUDFLARE_BASE_URL points kubezt at ${shown} instead of Cloudflare's API (https://api.cloudflare.com/client/v4): your Cloudflare API token is sent there.`,
      });
    }
  });

  it('refuses any other host unless KUBEZT_ALLOW_BASE_URL names exactly that URL', () => {
    const url = 'https://cf-proxy.corp.example/client/v4';
    expect(refusal({ CLOUDFLARE_BASE_URL: url }).message).toBe(
      "CLOUDFLARE_BASE_URL (https://cf-proxy.corp.example/client/v4) is neither Cloudflare's API (https://api.cloudflare.com/client/v4) nor a loopback address, so kubezt does not send your API token there; unset it, or set KUBEZT_ALLOW_BASE_URL to exactly that URL if you trust it.",
    );
    for (const other of [
      'https://cf-proxy.corp.example',
      'https://cf-proxy.corp.example/client/v4/x',
      'https://other.example/client/v4',
    ]) {
      expect(refusal({ CLOUDFLARE_BASE_URL: url, KUBEZT_ALLOW_BASE_URL: other }).code).toBe('bad-input');
    }
    // Another path on Cloudflare's own host is not its API either.
    expect(refusal({ CLOUDFLARE_BASE_URL: 'https://api.cloudflare.com/client/v5' }).code).toBe('bad-input');
    expect(resolveCloudflareBaseUrl({ CLOUDFLARE_BASE_URL: url, KUBEZT_ALLOW_BASE_URL: ` ${url} ` })).toMatchObject({
      url,
      warning: expect.stringContaining('points kubezt at https://cf-proxy.corp.example/client/v4'),
    });
  });

  it('refuses plain http anywhere but loopback, even when allowed by name', () => {
    const url = 'http://cf-proxy.corp.example/client/v4';
    const e = refusal({ CLOUDFLARE_BASE_URL: url, KUBEZT_ALLOW_BASE_URL: url });
    expect(e.message).toBe(
      "CLOUDFLARE_BASE_URL (http://cf-proxy.corp.example/client/v4) is not https, which kubezt allows only for a loopback address, so your Cloudflare API token is not sent there; use an https URL, or unset it to use Cloudflare's API.",
    );
    expect(refusal({ CLOUDFLARE_BASE_URL: 'http://api.cloudflare.com/client/v4' }).code).toBe('bad-input');
    expect(refusal({ CLOUDFLARE_BASE_URL: 'file:///etc/passwd' }).code).toBe('bad-input');
  });

  it('never echoes what is not a URL, nor a user name or password in one', () => {
    const pasted = 'Zm9vYmFyLXNlY3JldC10b2tlbi12YWx1ZQ';
    const notUrl = refusal({ CLOUDFLARE_BASE_URL: pasted });
    expect(notUrl.message).toMatch(/^CLOUDFLARE_BASE_URL is not a URL; /);
    expect(notUrl.message).not.toContain(pasted);
    const withPassword = refusal({ CLOUDFLARE_BASE_URL: `http://alice:${pasted}@127.0.0.1:1/client/v4` });
    expect(withPassword.message).not.toContain(pasted);
    expect(withPassword.message).not.toContain('alice');
  });

  it('knows loopback hosts as the URL parser writes them', () => {
    expect(['localhost', '127.0.0.1', '127.255.0.9', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['localhost.example', '128.0.0.1', '[::2]', '127.0.0.1.example', '0.0.0.0'].some(isLoopbackHost)).toBe(
      false,
    );
  });
});

describe('Workspace.cloudflareBaseUrl', () => {
  const base = (env: Record<string, string | undefined>, warned: string[]): WorkspaceEnv => ({
    env,
    homeDir: '/nonexistent-home',
    platform: process.platform,
    cwd: '/',
    runner: nodeProcessRunner,
    now: () => new Date(),
    settings: {
      configDir: '/nonexistent-config',
      store: { path: '/nonexistent-config/settings.json', read: () => ({}) as never, update: () => ({}) as never },
    },
    warn: (w) => warned.push(w),
  });

  it('warns once, however often it is asked', () => {
    const warned: string[] = [];
    const ws = openWorkspace(base({ CLOUDFLARE_BASE_URL: 'http://127.0.0.1:1/client/v4' }, warned));
    expect(ws.cloudflareBaseUrl()).toBe('http://127.0.0.1:1/client/v4');
    expect(ws.cloudflareBaseUrl()).toBe('http://127.0.0.1:1/client/v4');
    expect(warned).toHaveLength(1);
  });

  it("throws the refusal, and stays silent for Cloudflare's API", () => {
    const warned: string[] = [];
    expect(() =>
      openWorkspace(base({ CLOUDFLARE_BASE_URL: 'https://example.invalid/v4' }, warned)).cloudflareBaseUrl(),
    ).toThrow(/neither Cloudflare's API/);
    expect(openWorkspace(base({}, warned)).cloudflareBaseUrl()).toBeUndefined();
    expect(warned).toEqual([]);
  });
});
