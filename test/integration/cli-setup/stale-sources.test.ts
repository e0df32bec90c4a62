/**
 * `kubezt setup` removes a context as stale only when a fresh, successful list from its own
 * source says the cluster is gone. Driven as a user would: `bin/kubezt.js` in child processes
 * against the simulator, with the REAL Secret Service for login/logout (dbus-run-session with an
 * unlocked gnome-keyring, as npm test does; skipped with the reason otherwise).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { settingsFilePath } from '../../../main/core/settings/index.ts';
import { seedFromClusters } from '../../../sim/cloudflare/index.ts';
import { type Simulator, startSimulator } from '../../../sim/environment.ts';
import { keychainSkipReason, testKeychain } from '../../helpers/keychain.ts';
import { hasScript, openTerminal } from '../../helpers/terminal.ts';

const repo = resolve(import.meta.dirname, '../../..');
const NODE = join(repo, 'node_modules', '.bin', 'node');
const BIN = join(repo, 'bin', 'kubezt.js');

let sim: Simulator | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  sim = undefined;
  dir = undefined;
});

async function world(): Promise<Simulator> {
  dir = mkdtempSync(join(tmpdir(), 'kubezt-stale-'));
  sim = await startSimulator({ dir, clusters: 5 });
  return sim;
}

/** The environment of a user: the simulator's, a throwaway HOME, and `extra` on top. */
function envOf(s: Simulator, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { PATH: process.env.PATH, HOME: join(s.dir, 'home'), LANG: 'C.UTF-8', ...s.env, ...extra };
}

/** A user who ran `kubezt login`: no token nor account id in the environment. */
function loggedInEnv(s: Simulator): Record<string, string | undefined> {
  return envOf(s, {
    CLOUDFLARE_API_TOKEN: undefined,
    CLOUDFLARE_ACCOUNT_ID: undefined,
    DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS,
  });
}

async function kubezt(args: string[], env: Record<string, string | undefined>, input = '') {
  const r = await nodeProcessRunner.run(NODE, [BIN, ...args], { timeoutMs: 60_000, input, env, cwd: repo });
  expect(r.timedOut, `kubezt ${args.join(' ')} timed out: ${r.stderr}`).toBe(false);
  return r;
}

const kubeconfig = (s: Simulator) => readFileSync(s.kubeconfigPath, 'utf8');
const CLOUDFLARE_CONTEXTS = 'zt-prod-us, zt-prod-eu, zt-staging, zt-dev';

/** Cloudflare serves every simulated cluster it routes except `without`. */
function routesWithout(s: Simulator, without: string) {
  const routed = s.clusters.filter((c) => c.source === 'cloudflare');
  return seedFromClusters(
    routed
      .filter((c) => c.name !== without)
      .map((c) => ({
        name: c.name,
        ipv4: c.ip,
        ipv6: `2001:db8::${(routed.indexOf(c) + 1).toString(16)}`,
        tunnelName: `k8s-${c.name}`,
        doNotInspect: c.name !== 'dev',
      })),
    { accountName: 'Demo Corp' },
  );
}

async function setUpEverything(s: Simulator, env: Record<string, string | undefined>): Promise<string> {
  const first = await kubezt(['setup', '--yes'], env);
  expect(first.code, first.stderr).toBe(0);
  for (const c of s.clusters) expect(first.stdout).toContain(`Added context zt-${c.name}`);
  return kubeconfig(s);
}

describe('setup with the keychain reachable but no usable Cloudflare login', () => {
  let skip: string | undefined;
  beforeAll(async () => {
    skip = await keychainSkipReason();
  });
  afterEach(async () => {
    if (!skip) await testKeychain().delete();
  });
  afterAll(async () => {
    if (!skip) await testKeychain().delete();
  });

  async function loginAndSetUp(s: Simulator): Promise<string> {
    const env = loggedInEnv(s);
    const login = await kubezt(['login', '--account-id', s.cloudflare.accountId], env, `${s.cloudflare.token}\n`);
    expect(login.code, login.stderr).toBe(0);
    return setUpEverything(s, env);
  }

  it('after logout: exit 0, every Cloudflare context kept byte for byte, and it says so', {
    timeout: 120_000,
  }, async (ctx) => {
    ctx.skip(skip !== undefined, skip);
    const s = await world();
    const written = await loginAndSetUp(s);

    const logout = await kubezt(['logout'], loggedInEnv(s));
    expect(logout.code, logout.stderr).toBe(0);
    const after = await kubezt(['setup', '--yes'], loggedInEnv(s));
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).not.toContain('Removed');
    expect(after.stderr).toContain(
      `kubezt: warning: Cloudflare was not consulted (no API token: run kubezt login); its 4 contexts were kept: ${CLOUDFLARE_CONTEXTS}.\n`,
    );
    // The catalog's entries for those clusters wait for Cloudflare's addresses: said as such.
    expect(after.stderr).toContain(
      'kubezt: warning: Catalog clusters prod-us, prod-eu, staging, dev have no server and take their addresses from Cloudflare discovery, which was not read: they are left out of this list.\n',
    );
    expect(after.stderr).not.toContain('found no cluster of that name');
    expect(kubeconfig(s)).toBe(written);

    const dry = await kubezt(['setup', '--dry-run', '--json'], loggedInEnv(s));
    expect(dry.code, dry.stderr).toBe(0);
    const json = JSON.parse(dry.stdout);
    expect(json.changes.filter((c: { kind: string }) => c.kind === 'removed')).toEqual([]);
    expect(json.warnings).toContain(
      `Cloudflare was not consulted (no API token: run kubezt login); its 4 contexts were kept: ${CLOUDFLARE_CONTEXTS}.`,
    );
  });

  it('with a token in the keychain but no account id: the same', { timeout: 120_000 }, async (ctx) => {
    ctx.skip(skip !== undefined, skip);
    const s = await world();
    const written = await loginAndSetUp(s);
    const settingsFile = settingsFilePath(s.configDir);
    const { accountId: _dropped, ...rest } = JSON.parse(readFileSync(settingsFile, 'utf8'));
    writeFileSync(settingsFile, JSON.stringify(rest));

    const after = await kubezt(['setup', '--yes'], loggedInEnv(s));
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).not.toContain('Removed');
    expect(after.stderr).toContain(
      `kubezt: warning: Cloudflare was not consulted (no Cloudflare account is selected: run kubezt login); its 4 contexts were kept: ${CLOUDFLARE_CONTEXTS}.\n`,
    );
    expect(kubeconfig(s)).toBe(written);
  });
});

describe('setup when the Cloudflare API fails', () => {
  it('a stale cache is no fresh list: a context it lacks is kept until Cloudflare answers', {
    timeout: 120_000,
  }, async () => {
    const s = await world();
    const env = envOf(s);
    const written = await setUpEverything(s, env);
    // staging's route is deleted and the cache learns it; then the API goes down.
    s.cloudflare.setSeed(routesWithout(s, 'staging'));
    expect((await kubezt(['clusters', '--refresh'], env)).code).toBe(0);
    s.cloudflare.setFaults([{ status: 503 }]);

    const down = await kubezt(['setup', '--yes'], env);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).not.toContain('Removed');
    expect(down.stderr).toMatch(
      /kubezt: warning: Cloudflare was not consulted \(discovery failed, and its list from cache \(\d+ s old\) cannot tell that a cluster is gone\); its context zt-staging was kept\.\n/,
    );
    expect(kubeconfig(s)).toBe(written);

    s.cloudflare.setFaults([]);
    const back = await kubezt(['setup', '--yes'], env);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain(`Removed stale context zt-staging from ${s.kubeconfigPath}`);
    expect(kubeconfig(s)).not.toContain('zt-staging');
  });

  it('with no cache either: setup goes on with the catalog and keeps the Cloudflare contexts, exit 0', {
    timeout: 120_000,
  }, async () => {
    const s = await world();
    const env = envOf(s);
    await setUpEverything(s, env);
    rmSync(join(s.configDir, 'discovery-cache.json'));
    s.cloudflare.setFaults([{ status: 503 }]);
    // The catalog drops its only catalog-only cluster: that part of the setup still happens.
    const catalog = readFileSync(s.catalogPath, 'utf8');
    const trimmed = catalog.replace(/\n {2}- name: payments\n(?: {4}.*\n)+/, '\n');
    expect(trimmed).not.toContain('payments');
    writeFileSync(s.catalogPath, trimmed);

    const r = await kubezt(['setup', '--yes'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => /^(Added|Updated|Removed)/.test(l))).toEqual([
      `Removed stale context zt-payments from ${s.kubeconfigPath}`,
    ]);
    expect(r.stderr).toContain(
      `kubezt: warning: Cloudflare was not consulted (discovery failed and there is no cached list); its 4 contexts were kept: ${CLOUDFLARE_CONTEXTS}.\n`,
    );
    const contexts = kubeconfig(s);
    for (const name of CLOUDFLARE_CONTEXTS.split(', ')) expect(contexts).toContain(`name: ${name}\n`);
  });
});

describe('setup on a terminal', () => {
  it('shows every warning before it asks, not after the answer', { timeout: 120_000 }, async (ctx) => {
    ctx.skip(!hasScript, 'skipped: /usr/bin/script (util-linux) is needed to give kubezt a real terminal');
    const s = await world();
    const before = kubeconfig(s);
    const tty = openTerminal([NODE, BIN, 'setup'], { cwd: repo, env: envOf(s) });
    try {
      await tty.shown('Apply these changes? [y/N] ');
      const screen = tty.output();
      // The simulator's "dev" is behind Gateway inspection: the audit warns about it.
      const warning = screen.indexOf('kubezt: warning: No enabled Gateway "Do Not Inspect" HTTP policy covers');
      expect(warning, screen).toBeGreaterThanOrEqual(0);
      expect(warning).toBeLessThan(screen.indexOf('Apply these changes? [y/N] '));
      tty.type('n\r');
      expect(await tty.exited).toBe(2);
      // Said once, before the question.
      expect(tty.output().split('No enabled Gateway "Do Not Inspect"').length).toBe(2);
    } finally {
      tty.kill();
    }
    expect(kubeconfig(s)).toBe(before);
  });
});
