import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { findSecretIn, KeyringSecretStore, type LeakSource } from '../../../main/core/secrets/index.ts';
import { settingsFilePath } from '../../../main/core/settings/index.ts';
import { runCli } from '../../helpers/cli.ts';
import { afterBaseUrlWarning, parseJson, startWorld, type World, worldSeed } from './world.ts';

/**
 * `kubezt login` / `logout` and what follows, in real child processes
 * (`node_modules/.bin/node bin/kubezt.js ...`) against the REAL Secret Service: run under
 * `dbus-run-session` with an unlocked gnome-keyring (npm test does). The default keychain item
 * (service "kubezt") is used, as the product does, so these tests refuse to run when that item
 * already holds a token: it would be a real user's.
 */
const repo = resolve(import.meta.dirname, '../../..');
const NODE = join(repo, 'node_modules', '.bin', 'node');
const BIN = join(repo, 'bin', 'kubezt.js');
const RECORDER = join(import.meta.dirname, 'spawn-recorder.ts');
const bus = process.env.DBUS_SESSION_BUS_ADDRESS;
const hasScript = existsSync('/usr/bin/script');

const keychain = () => new KeyringSecretStore({ env: process.env, platform: process.platform, timeoutMs: 20_000 });

let keyringSkip: string | undefined;
beforeAll(async () => {
  if (process.platform !== 'linux') {
    keyringSkip = 'skipped: these tests drive the Linux Secret Service';
  } else if (!bus) {
    keyringSkip =
      'skipped: DBUS_SESSION_BUS_ADDRESS is unset; run under dbus-run-session with an unlocked gnome-keyring (npm test does) to test login against the real Secret Service';
  } else {
    try {
      if ((await keychain().get()) !== undefined) {
        keyringSkip =
          'skipped: this keyring already holds a kubezt token (probably a real one) that login would overwrite; run under dbus-run-session with a throwaway gnome-keyring';
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

const newToken = () => randomBytes(30).toString('base64url');

interface Run {
  args: string[];
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a user who ran kubezt login: no token nor account id in it. */
function childEnv(w: World, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: w.home,
    LANG: 'C.UTF-8',
    DBUS_SESSION_BUS_ADDRESS: bus,
    KUBEZT_CONFIG_DIR: w.configDir,
    KUBEZT_CATALOG: w.catalogPath,
    KUBECONFIG: join(w.kubeDir, 'config'),
    CLOUDFLARE_BASE_URL: w.api.baseUrl,
    KUBEZT_TEST_SPAWN_LOG: join(w.root, 'spawn-log.jsonl'),
    ...extra,
  };
}

async function kubezt(
  w: World,
  args: string[],
  opts: { input?: string; env?: Record<string, string | undefined> } = {},
): Promise<Run> {
  const r = await nodeProcessRunner.run(NODE, ['--import', RECORDER, BIN, ...args], {
    timeoutMs: 25_000,
    input: opts.input ?? '',
    env: opts.env ?? childEnv(w),
    cwd: repo,
  });
  expect(r.timedOut, `kubezt ${args.join(' ')} timed out: ${r.stderr}`).toBe(false);
  return { args, code: r.code, stdout: r.stdout, stderr: r.stderr };
}

async function savedAccountId(w: World): Promise<string | undefined> {
  const path = settingsFilePath(w.configDir);
  if (!existsSync(path)) return undefined;
  return JSON.parse(await readFile(path, 'utf8')).accountId;
}

interface SpawnRecord {
  pid: number;
  fn: string;
  args: unknown[];
}

async function spawnLog(w: World): Promise<{ text: string; records: SpawnRecord[] }> {
  const path = join(w.root, 'spawn-log.jsonl');
  const text = existsSync(path) ? await readFile(path, 'utf8') : '';
  return {
    text,
    records: text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as SpawnRecord),
  };
}

describe('kubezt login: input checks (no keychain needed)', () => {
  it('never takes the token from the command line, and never echoes such an argument', async () => {
    world = await startWorld();
    const token = world.api.token;
    for (const args of [
      ['login', token],
      ['login', `--token=${token}`],
      ['login', '--account-id', 'x', token],
    ]) {
      const r = await runCli(args, { env: world.env({ CLOUDFLARE_API_TOKEN: undefined }), stdin: token });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        'kubezt: "kubezt login" takes only --account-id ID: the token is read from stdin or typed at a hidden prompt, never given as an argument ("kubezt login --help").\n',
      );
      expect(await findSecretIn([r.stdout, r.stderr], token)).toEqual([]);
    }
    expect(world.api.requests).toEqual([]);
  });

  it('refuses a token Cloudflare rejects: exit 2, "invalid or expired", nothing saved', async () => {
    world = await startWorld();
    const wrong = newToken();
    const r = await runCli(['login'], {
      env: { KUBEZT_CONFIG_DIR: world.configDir, CLOUDFLARE_BASE_URL: world.api.baseUrl },
      stdin: `${wrong}\n`,
    });
    expect(r.code).toBe(2);
    expect(afterBaseUrlWarning(world, r.stderr)).toBe(
      'kubezt: The Cloudflare API token is invalid or expired: create a new token (Account → Cloudflare Tunnel Read, Zero Trust Read) and run kubezt login.\n',
    );
    expect(await savedAccountId(world)).toBeUndefined();
    expect(await findSecretIn([r.stdout, r.stderr, { path: world.root }], wrong)).toEqual([]);
  });

  it('asks for --account-id when the token sees several accounts and stdin is not a terminal', async () => {
    world = await startWorld();
    const seed = worldSeed();
    const sandbox = seed.otherAccounts?.[0];
    const r = await runCli(['login'], {
      env: { KUBEZT_CONFIG_DIR: world.configDir, CLOUDFLARE_BASE_URL: world.api.baseUrl },
      stdin: world.api.token,
    });
    expect(r.code).toBe(2);
    expect(afterBaseUrlWarning(world, r.stderr)).toBe(
      `kubezt: The token can use 2 Cloudflare accounts, Example Corp (${world.api.accountId}), ${sandbox?.name} (${sandbox?.id}): run kubezt login again with --account-id ID to choose one; nothing was saved.\n`,
    );
    expect(await savedAccountId(world)).toBeUndefined();
  });

  it('rejects empty input, several words, a malformed or unknown account id, without echoing', async () => {
    world = await startWorld();
    const env = { KUBEZT_CONFIG_DIR: world.configDir, CLOUDFLARE_BASE_URL: world.api.baseUrl };
    const token = world.api.token;
    const empty = await runCli(['login'], { env, stdin: '\n' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('No token arrived on stdin');

    const two = await runCli(['login'], { env, stdin: `${token}\n${token}\n` });
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('give only the Cloudflare API token, on one line');

    const pasted = await runCli(['login', '--account-id', token], { env, stdin: token });
    expect(pasted.code).toBe(2);
    expect(pasted.stderr).toContain('must be 32 hexadecimal characters');
    // The same for a token that starts with '-' (base64url does, one time in 64).
    const dashed = await runCli(['login', '--account-id', `-${token}`], { env, stdin: token });
    expect(dashed.code).toBe(2);
    expect(dashed.stderr).toContain('must be 32 hexadecimal characters');

    const unknown = await runCli(['login', '--account-id', 'f'.repeat(32)], { env, stdin: token });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`The token has no access to account ${'f'.repeat(32)}; it can use Example Corp`);

    for (const r of [empty, two, pasted, dashed, unknown]) {
      expect(await findSecretIn([r.stdout, r.stderr], token)).toEqual([]);
    }
    expect(await savedAccountId(world)).toBeUndefined();
  });
  it('without a reachable keychain: exit 2 saying so (and that the env var works), nothing saved', async () => {
    world = await startWorld();
    // No DBUS_SESSION_BUS_ADDRESS: no Secret Service to store into.
    const r = await runCli(['login', '--account-id', world.api.accountId], {
      env: { KUBEZT_CONFIG_DIR: world.configDir, CLOUDFLARE_BASE_URL: world.api.baseUrl },
      stdin: world.api.token,
    });
    expect(r.code).toBe(2);
    expect(afterBaseUrlWarning(world, r.stderr)).toMatch(
      /^kubezt: The OS keychain, .* is unavailable: .*or set CLOUDFLARE_API_TOKEN instead\.\n$/,
    );
    expect(await savedAccountId(world)).toBeUndefined();
    expect(await findSecretIn([r.stdout, r.stderr], world.api.token)).toEqual([]);
  });
});

describe('kubezt login, clusters, logout on the real Secret Service', () => {
  // Ten kubezt processes in a row: a generous guard for a loaded machine, not a speed check.
  it('login (token on stdin) → clusters without CLOUDFLARE_API_TOKEN → logout; the token leaks nowhere', {
    timeout: 120_000,
  }, async (ctx) => {
    ctx.skip(keyringSkip !== undefined, keyringSkip);
    const w = await startWorld();
    world = w;
    const token = w.api.token;
    const wrong = newToken();
    const runs: Run[] = [];

    const login = await kubezt(w, ['login', '--account-id', w.api.accountId], { input: `${token}\n` });
    runs.push(login);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toBe(
      `Logged in: token verified, account Example Corp (${w.api.accountId}), token saved in the Secret Service keyring (service "kubezt", account "cloudflare-api-token").\n`,
    );
    expect(await savedAccountId(w)).toBe(w.api.accountId);
    // A fresh read from the keychain, as another process would see it.
    expect((await keychain().get()) === token).toBe(true);

    const json = await kubezt(w, ['clusters', '--json']);
    runs.push(json);
    expect(json.code, json.stderr).toBe(0);
    const parsed = parseJson(json.stdout);
    expect(parsed.cloudflare).toMatchObject({ status: 'fresh', accountId: w.api.accountId });
    expect(parsed.clusters.map((c) => c.name)).toEqual(['prod-us', 'legacy', 'payments-eu', 'staging']);

    const human = await kubezt(w, ['clusters']);
    runs.push(human);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/from cache, \d+ s old/);

    const rejected = await kubezt(w, ['clusters', '--refresh'], {
      env: childEnv(w, { CLOUDFLARE_API_TOKEN: wrong }),
    });
    runs.push(rejected);
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toContain(
      'The Cloudflare API token in CLOUDFLARE_API_TOKEN is invalid or expired: set CLOUDFLARE_API_TOKEN to a new token',
    );
    expect(rejected.stderr).not.toContain('run kubezt login');

    const badLogin = await kubezt(w, ['login', '--account-id', w.api.accountId], { input: wrong });
    runs.push(badLogin);
    expect(badLogin.code).toBe(2);
    expect((await keychain().get()) === token).toBe(true);

    // Every process's argv (and every child it would have started) was recorded.
    const log = await spawnLog(w);
    const selves = log.records.filter((r) => r.fn === 'self');
    expect(selves).toHaveLength(runs.length);
    expect(selves.map((r) => (r.args[0] as string[]).slice(2))).toEqual(runs.map((r) => r.args));
    // The only children: `clusters` asking WARP for its organization, to compare it with the
    // account's. Their argv and env are in the log, which the leak search below reads.
    const children = log.records.filter((r) => r.fn !== 'self');
    expect(children.length).toBeGreaterThan(0);
    for (const child of children) {
      expect([child.fn, child.args[0], child.args[1]]).toEqual([
        'spawn',
        '/usr/bin/warp-cli',
        ['registration', 'organization'],
      ]);
    }

    const sources: LeakSource[] = [
      { path: w.configDir },
      { path: w.kubeDir },
      { path: w.home },
      { label: 'spawn log (argv and env of every process)', text: log.text },
      ...runs.flatMap((r) => [
        { label: `stdout of kubezt ${r.args.join(' ')}`, text: r.stdout },
        { label: `stderr of kubezt ${r.args.join(' ')}`, text: r.stderr },
      ]),
    ];
    expect(existsSync(join(w.configDir, 'discovery-cache.json'))).toBe(true);
    expect(await findSecretIn(sources, token)).toEqual([]);
    expect(await findSecretIn(sources, wrong)).toEqual([]);

    const logout = await kubezt(w, ['logout']);
    expect(logout.code, logout.stderr).toBe(0);
    expect(logout.stdout).toBe(
      'Logged out: removed the Cloudflare API token from the Secret Service keyring (service "kubezt", account "cloudflare-api-token").\n',
    );
    expect(await keychain().get()).toBeUndefined();
    const again = await kubezt(w, ['logout']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(
      'No Cloudflare API token was stored in the Secret Service keyring (service "kubezt", account "cloudflare-api-token"); nothing to remove.\n',
    );

    const after = await kubezt(w, ['clusters'], { env: childEnv(w, { KUBEZT_CATALOG: undefined }) });
    expect(after.code).toBe(2);
    expect(afterBaseUrlWarning(w, after.stderr)).toBe(
      `kubezt: Cloudflare account ${w.api.accountId} is selected but no API token is available: run "kubezt login" or set CLOUDFLARE_API_TOKEN, or set KUBEZT_CATALOG to a team catalog file.\n`,
    );
  });

  it('picks the only account by itself, and says when CLOUDFLARE_API_TOKEN overrides the keychain', async (ctx) => {
    ctx.skip(keyringSkip !== undefined, keyringSkip);
    const w = await startWorld();
    world = w;
    w.api.setSeed({ ...worldSeed(), otherAccounts: [] });
    const r = await runCli(['login'], {
      env: {
        DBUS_SESSION_BUS_ADDRESS: bus,
        KUBEZT_CONFIG_DIR: w.configDir,
        CLOUDFLARE_BASE_URL: w.api.baseUrl,
        CLOUDFLARE_API_TOKEN: newToken(),
      },
      stdin: w.api.token,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Logged in: token verified, account Example Corp (${w.api.accountId})`);
    expect(r.stdout).toContain(
      'Note: CLOUDFLARE_API_TOKEN is set in this environment and overrides the keychain; unset it to use the saved token.',
    );
    expect(await savedAccountId(w)).toBe(w.api.accountId);
    expect((await keychain().get()) === w.api.token).toBe(true);
  });
});

/** A real terminal for kubezt through util-linux `script`: what it prints, and typing into it. */
function terminal(w: World, args: string[]) {
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const command = [NODE, '--import', RECORDER, BIN, ...args].map(quote).join(' ');
  const env = Object.fromEntries(Object.entries(childEnv(w)).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
  const child: ChildProcess = spawn('/usr/bin/script', ['-q', '-e', '-c', command, '/dev/null'], {
    cwd: repo,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters: { text: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  child.stdout?.on('data', (d) => {
    output += d;
    for (const w of [...waiters]) {
      if (output.includes(w.text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  void exited.then(() => {
    for (const w of waiters.splice(0)) w.reject(new Error(`the terminal closed before "${w.text}":\n${output}`));
  });
  return {
    output: () => output,
    exited,
    /** Resolves once the terminal has shown `text`. */
    shown(text: string): Promise<void> {
      if (output.includes(text)) return Promise.resolve();
      return new Promise((res, rej) => waiters.push({ text, resolve: res, reject: rej }));
    },
    type(keys: string): void {
      child.stdin?.write(keys);
    },
    kill(): void {
      if (child.exitCode === null) child.kill();
    },
  };
}

describe('kubezt login in a terminal', () => {
  it('reads the token at a hidden prompt (never echoed) and offers the accounts as a numbered choice', async (ctx) => {
    ctx.skip(keyringSkip !== undefined, keyringSkip);
    ctx.skip(!hasScript, 'skipped: /usr/bin/script (util-linux) is needed to give kubezt a real terminal');
    const w = await startWorld();
    world = w;
    const sandbox = worldSeed().otherAccounts?.[0];
    const token = w.api.token;
    const tty = terminal(w, ['login']);
    try {
      await tty.shown('Cloudflare API token (input hidden): ');
      // A typo fixed with backspace, and an arrow key, which must not end up in the token.
      tty.type(`${token.slice(0, 10)}xy\u007f\u007f\u001b[D${token.slice(10)}\r`);
      await tty.shown('Account [1-2]: ');
      expect(tty.output()).toContain(`1. Example Corp (${w.api.accountId})`);
      expect(tty.output()).toContain(`2. ${sandbox?.name} (${sandbox?.id})`);
      tty.type('2\r');
      expect(await tty.exited).toBe(0);
    } finally {
      tty.kill();
    }
    expect(tty.output()).toContain(`Logged in: token verified, account ${sandbox?.name} (${sandbox?.id})`);
    expect(await findSecretIn([tty.output()], token)).toEqual([]);
    expect(tty.output()).not.toContain(token.slice(0, 10));
    expect(await savedAccountId(w)).toBe(sandbox?.id);
    expect((await keychain().get()) === token).toBe(true);
  });

  it('Ctrl-C at the prompt cancels: exit 2, nothing saved', async (ctx) => {
    ctx.skip(keyringSkip !== undefined, keyringSkip);
    ctx.skip(!hasScript, 'skipped: /usr/bin/script (util-linux) is needed to give kubezt a real terminal');
    const w = await startWorld();
    world = w;
    const tty = terminal(w, ['login', '--account-id', w.api.accountId]);
    try {
      await tty.shown('Cloudflare API token (input hidden): ');
      tty.type(`${w.api.token.slice(0, 12)}\u0003`);
      expect(await tty.exited).toBe(2);
    } finally {
      tty.kill();
    }
    expect(tty.output()).toContain('kubezt: Login was cancelled; nothing was saved.');
    expect(tty.output()).not.toContain(w.api.token.slice(0, 12));
    expect(w.api.requests).toEqual([]);
    expect(await keychain().get()).toBeUndefined();
    expect(await savedAccountId(w)).toBeUndefined();
  });
});

describe('the spawn recorder used above', () => {
  it('sees the argv of children started through the ESM named imports of node:child_process', async () => {
    world = await startWorld();
    const log = join(world.root, 'spawn-log.jsonl');
    const r = await nodeProcessRunner.run(
      NODE,
      [
        '--import',
        RECORDER,
        '--input-type=module',
        '-e',
        "import { spawnSync } from 'node:child_process'; spawnSync('true', ['marker-argument']);",
      ],
      { timeoutMs: 20_000, env: { PATH: process.env.PATH, KUBEZT_TEST_SPAWN_LOG: log } },
    );
    expect(r.code, r.stderr).toBe(0);
    const { records } = await spawnLog(world);
    expect(records.map((x) => x.fn)).toEqual(['self', 'spawnSync']);
    expect(records[1]?.args.slice(0, 2)).toEqual(['true', ['marker-argument']]);
  });
});
