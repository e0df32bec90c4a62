import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../main/core/errors.ts';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import {
  CLOUDFLARE_TOKEN_ACCOUNT,
  KeyringSecretStore,
  requireToken,
  resolveToken,
} from '../../../main/core/secrets/index.ts';

/**
 * Against the REAL Secret Service (gnome-keyring under dbus-run-session: `npm test` sets that
 * up). Each run uses its own service name, so a developer's real keyring is never touched
 * beyond a throwaway item that the tests delete.
 */
const bus = process.env.DBUS_SESSION_BUS_ADDRESS;
const onLinux = process.platform === 'linux';
const NEEDS_BUS =
  'skipped: DBUS_SESSION_BUS_ADDRESS is unset; run under dbus-run-session with an unlocked gnome-keyring (npm test does) to test the real Secret Service';
const NOT_LINUX = 'skipped: these tests pin the Linux Secret Service';
const child = resolve(import.meta.dirname, 'keyring-child.ts');
const service = `kubezt-test-${process.pid}-${randomBytes(4).toString('hex')}`;
const newToken = () => randomBytes(30).toString('base64url');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const which = (cmd: string) => (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, cmd)));

const storeFor = (env: Record<string, string | undefined> = process.env) =>
  new KeyringSecretStore({ env, platform: process.platform, service, timeoutMs: 20_000 });

interface ChildOutput {
  ok: boolean;
  code?: string;
  message?: string;
  result?: {
    sha256?: string | null;
    deleted?: boolean;
    stored?: boolean;
    setError?: { code: string; message: string };
    getError?: { code: string; message: string };
  };
}

async function runChild(
  action: string,
  opts: { input?: string; env?: Record<string, string | undefined>; wrap?: string[] } = {},
): Promise<ChildOutput> {
  const [command, ...args] = [...(opts.wrap ?? []), process.execPath, child, action, service];
  const r = await nodeProcessRunner.run(command as string, args, {
    timeoutMs: 25_000,
    input: opts.input ?? '',
    env: opts.env ?? process.env,
  });
  expect(r.timedOut, r.stderr).toBe(false);
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as ChildOutput;
  } catch {
    throw new Error(`child printed no JSON (code ${r.code}): ${r.stdout} ${r.stderr}`);
  }
}

afterEach(async () => {
  if (bus && onLinux) await storeFor().delete();
});

describe('KeyringSecretStore on the real Secret Service', () => {
  it('stores, reads, replaces and deletes the token', async (ctx) => {
    ctx.skip(!onLinux, NOT_LINUX);
    ctx.skip(!bus, NEEDS_BUS);
    const store = storeFor();
    expect(await store.get()).toBeUndefined();
    expect(await store.delete()).toBe(false);
    const first = newToken();
    await store.set(first);
    expect(await store.get()).toBe(first);
    const second = newToken();
    await store.set(second);
    expect(await store.get()).toBe(second);
    expect(await store.delete()).toBe(true);
    expect(await store.get()).toBeUndefined();
    expect(await store.delete()).toBe(false);
  });

  it('persists across processes, both ways (so it is not a memory-only keyring)', async (ctx) => {
    ctx.skip(!onLinux, NOT_LINUX);
    ctx.skip(!bus, NEEDS_BUS);
    const mine = newToken();
    await storeFor().set(mine);
    expect(await runChild('get')).toEqual({ ok: true, result: { sha256: sha(mine) } });

    const theirs = newToken();
    expect(await runChild('set', { input: theirs })).toEqual({ ok: true, result: { stored: true } });
    expect(await storeFor().get()).toBe(theirs);

    expect(await runChild('delete')).toEqual({ ok: true, result: { deleted: true } });
    expect(await storeFor().get()).toBeUndefined();
  });

  it('is the item secret-tool (libsecret) sees, and sees what secret-tool stores', async (ctx) => {
    ctx.skip(!onLinux, NOT_LINUX);
    ctx.skip(!bus, NEEDS_BUS);
    ctx.skip(!which('secret-tool'), 'skipped: secret-tool (libsecret-tools) is not installed');
    const token = newToken();
    await storeFor().set(token);
    const lookup = await nodeProcessRunner.run(
      'secret-tool',
      ['lookup', 'service', service, 'username', CLOUDFLARE_TOKEN_ACCOUNT],
      { timeoutMs: 20_000 },
    );
    expect(lookup.code, lookup.stderr).toBe(0);
    expect(lookup.stdout.trim()).toBe(token);

    const fromLibsecret = newToken();
    const stored = await nodeProcessRunner.run(
      'secret-tool',
      ['store', '--label=kubezt test', 'service', service, 'username', CLOUDFLARE_TOKEN_ACCOUNT],
      { timeoutMs: 20_000, input: fromLibsecret },
    );
    expect(stored.code, stored.stderr).toBe(0);
    expect(await storeFor().get()).toBe(fromLibsecret);
  });

  it('refuses an unusable token without echoing it or storing anything', async (ctx) => {
    ctx.skip(!onLinux, NOT_LINUX);
    ctx.skip(!bus, NEEDS_BUS);
    const store = storeFor();
    for (const bad of ['', 'two words-0123456789', 'line\nbreak-0123456789']) {
      const error = await store.set(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect(error).toMatchObject({ code: 'bad-input' });
      if (bad) expect((error as Error).message).not.toContain(bad.slice(0, 8));
    }
    expect(await store.get()).toBeUndefined();
  });

  it('reads the keychain when CLOUDFLARE_API_TOKEN is not set', async (ctx) => {
    ctx.skip(!onLinux, NOT_LINUX);
    ctx.skip(!bus, NEEDS_BUS);
    const store = storeFor();
    expect(await resolveToken({ env: {}, store })).toBeUndefined();
    await expect(requireToken({ env: {}, store })).rejects.toMatchObject({
      code: 'not-logged-in',
      message: 'No Cloudflare API token is set up; run "kubezt login" or set CLOUDFLARE_API_TOKEN.',
    });
    const token = newToken();
    await store.set(token);
    const resolved = await requireToken({ env: { CLOUDFLARE_API_TOKEN: '' }, store });
    expect(resolved.token).toBe(token);
    expect(resolved.source).toBe('keychain');
    expect(resolved.where).toBe(`the Secret Service keyring (service "${service}", account "cloudflare-api-token")`);
  });
});

describe('no Secret Service: a clear error, never a silent memory store', () => {
  const expectUnavailable = (e: { code?: string; message?: string } | undefined, reason: RegExp) => {
    expect(e?.code).toBe('keychain-unavailable');
    expect(e?.message).toMatch(
      /^The OS keychain, the Secret Service keyring \(service "kubezt-test-[^"]+", account "cloudflare-api-token"\), is unavailable: /,
    );
    expect(e?.message).toMatch(reason);
    expect(e?.message).toMatch(/or set CLOUDFLARE_API_TOKEN instead\.$/);
  };

  it('without a session bus, in this process', async (ctx) => {
    ctx.skip(!onLinux, NOT_LINUX);
    const store = storeFor({ PATH: process.env.PATH });
    const token = newToken();
    for (const op of [() => store.get(), () => store.set(token), () => store.delete()]) {
      const e = await op().catch((err: unknown) => err);
      expect(e).toBeInstanceOf(UserError);
      expectUnavailable(e as UserError, /there is no D-Bus session \(DBUS_SESSION_BUS_ADDRESS is not set\)/);
      expect((e as Error).message).not.toContain(token);
    }
  });

  it('without a session bus, in a fresh process', async (ctx) => {
    ctx.skip(!onLinux, NOT_LINUX);
    const { DBUS_SESSION_BUS_ADDRESS: _gone, ...env } = process.env;
    const out = await runChild('set-then-get', { input: newToken(), env });
    expect(out.ok).toBe(true);
    expectUnavailable(out.result?.setError, /no D-Bus session/);
    expectUnavailable(out.result?.getError, /no D-Bus session/);
    expect(out.result?.sha256).toBeNull();
  });

  it('with a session bus address that leads nowhere: the library refuses, no fallback', async (ctx) => {
    ctx.skip(!onLinux, NOT_LINUX);
    const dir = await mkdtemp(join(tmpdir(), 'kubezt-nobus-'));
    try {
      const token = newToken();
      const out = await runChild('set-then-get', {
        input: token,
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-such-socket')}` },
      });
      expect(out.ok).toBe(true);
      expectUnavailable(out.result?.setError, /storing the token failed \(.*(connect|socket).*\)/i);
      expectUnavailable(out.result?.getError, /reading the token failed/);
      expect(out.result?.sha256).toBeNull();
      expect(JSON.stringify(out)).not.toContain(token);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('with a session bus that has no Secret Service on it', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kubezt-bare-bus-'));
      // A session bus with no service folders: nothing can be activated, so no keyring answers.
      await writeFile(
        join(dir, 'session.conf'),
        `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
      );
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('says the keychain is unavailable', async (ctx) => {
      ctx.skip(!onLinux, NOT_LINUX);
      ctx.skip(!which('dbus-run-session'), 'skipped: dbus-run-session (dbus) is not installed');
      const out = await runChild('set-then-get', {
        input: newToken(),
        wrap: ['dbus-run-session', `--config-file=${join(dir, 'session.conf')}`, '--'],
      });
      expect(out.ok).toBe(true);
      expectUnavailable(out.result?.setError, /storing the token failed/);
      expectUnavailable(out.result?.getError, /reading the token failed/);
      expect(out.result?.sha256).toBeNull();
    });
  });
});

describe('resolveToken', () => {
  it('prefers CLOUDFLARE_API_TOKEN and then never touches the keychain', async () => {
    // This store throws on any use (no session bus): the env var must win without asking it.
    const unavailable = storeFor({});
    const resolved = await resolveToken({
      env: { CLOUDFLARE_API_TOKEN: '  env-token-0123456789\n' },
      store: unavailable,
    });
    expect(resolved).toMatchObject({ source: 'env', where: 'CLOUDFLARE_API_TOKEN' });
    expect(resolved?.token).toBe('env-token-0123456789');
  });

  it('passes on an unreachable keychain when there is no env var', async () => {
    await expect(resolveToken({ env: {}, store: storeFor({}) })).rejects.toMatchObject({
      code: 'keychain-unavailable',
    });
  });

  it('works with no store at all', async () => {
    expect(await resolveToken({ env: {} })).toBeUndefined();
    expect((await requireToken({ env: { CLOUDFLARE_API_TOKEN: 'abcd-0123456789' } })).token).toBe('abcd-0123456789');
  });

  it('keeps the token out of JSON and inspection of the result', async () => {
    const resolved = await requireToken({ env: { CLOUDFLARE_API_TOKEN: 'visible-nowhere-0123456789' } });
    expect(JSON.stringify(resolved)).not.toContain('visible-nowhere');
    expect(inspect(resolved, { depth: 5 })).not.toContain('visible-nowhere');
    expect({ ...resolved }).not.toHaveProperty('token');
  });
});
