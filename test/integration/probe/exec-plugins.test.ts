/**
 * Exec credential plugins as real child processes (shell scripts that record each run), against
 * API servers with real TLS on loopback: client-go's interactiveMode rules, credentials kept until
 * they expire, a bound on plugins running at once, and a `.cmd` plugin on Windows started through
 * cmd.exe (the platform injected; a stand-in cmd.exe records the command line it is given).
 */
import { readlinkSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  batchCommandLine,
  checkFleet,
  createExecPluginPool,
  type ExecPluginPool,
  probeCluster,
} from '../../../main/core/probe/index.ts';
import type { ProbeTarget } from '../../../main/core/probe/types.ts';
import {
  type ApiServerFarm,
  buildKubeconfig,
  type FakeApiServer,
  startApiServerFarm,
} from '../../../sim/apiserver/index.ts';
import { env, statuses, stepOf, targetsFromKubeconfigFile } from './helpers.ts';

let farm: ApiServerFarm;
let dir: string;
let good: FakeApiServer;

beforeAll(async () => {
  farm = await startApiServerFarm({ servers: [{ name: 'good' }, { name: 'rejects', fault: 'reject-credentials' }] });
  good = farm.server('good');
  dir = await mkdtemp(join(tmpdir(), 'kubezt-exec-'));
});

afterAll(async () => {
  await farm?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function script(name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

const credential = (token: string, extra = '') =>
  `'{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${token}"${extra}}}'`;

async function lines(path: string): Promise<string[]> {
  try {
    return (await readFile(path, 'utf8')).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

interface ExecUser {
  command: string;
  args?: string[];
  interactiveMode?: 'Never' | 'IfAvailable' | 'Always';
}

/** Kubeconfig contexts on disk, read as kubezt reads them. */
async function execTargets(file: string, users: { name: string; server: FakeApiServer; exec: ExecUser }[]) {
  const doc = parse(
    buildKubeconfig(
      users.map((u) => ({
        server: u.server,
        name: u.name,
        user: { exec: { command: u.exec.command, ...(u.exec.args ? { args: u.exec.args } : {}) } },
      })),
    ),
  ) as { users: { user: { exec: Record<string, unknown> } }[] };
  users.forEach((u, i) => {
    const exec = (doc.users[i] as { user: { exec: Record<string, unknown> } }).user.exec;
    if (u.exec.interactiveMode) exec.interactiveMode = u.exec.interactiveMode;
    else delete exec.interactiveMode;
  });
  const path = join(dir, file);
  await writeFile(path, stringify(doc), { mode: 0o600 });
  const { targets, problems } = await targetsFromKubeconfigFile(path);
  expect(problems).toEqual([]);
  return targets;
}

/** Resolves once `pool.state()` satisfies `ready` (checked on every change). */
function until(pool: ExecPluginPool, ready: (s: ReturnType<ExecPluginPool['state']>) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (ready(pool.state())) return resolve();
    const off = pool.onChange(() => {
      if (!ready(pool.state())) return;
      off();
      resolve();
    });
  });
}

describe('interactiveMode, as client-go reads it', () => {
  const linux = process.platform === 'linux';

  it('does not run an Always plugin without a terminal: auth is skipped with its own reason and remedy', async () => {
    const log = join(dir, 'always.log');
    const command = await script('always-plugin', `echo ran >> '${log}'\necho ${credential(good.token)}`);
    const [target] = await execTargets('always', [
      { name: 'always', server: good, exec: { command, interactiveMode: 'Always' } },
    ]);
    const seen = good.requestLog().length;
    const r = await probeCluster(target as ProbeTarget, env({ terminal: false }));
    expect(await lines(log)).toEqual([]);
    expect(stepOf(r, 'auth')).toMatchObject({
      status: 'skip',
      reason: 'interactive-required',
      remedy: expect.stringContaining('in a terminal to log in'),
    });
    // Reachable all the same: the version was asked without credentials.
    expect(stepOf(r, 'version')).toMatchObject({ status: 'ok', reason: 'anonymous-refused' });
    expect(
      good
        .requestLog()
        .slice(seen)
        .map((q) => [q.path, q.authorization]),
    ).toEqual([['/version', false]]);
  });

  it.skipIf(!linux)(
    'tells the plugin whether it is interactive, and gives it stdin only then (Linux: /proc shows the plugin its stdin)',
    async () => {
      const log = join(dir, 'interactive.log');
      const command = await script(
        'interactive-plugin',
        `case "$KUBERNETES_EXEC_INFO" in *'"interactive":true'*) i=true;; *) i=false;; esac
echo "$1 $i $(readlink /proc/self/fd/0)" >> '${log}'
echo ${credential(good.token)}`,
      );
      const ours = readlinkSync('/proc/self/fd/0');
      const cases = [
        { mode: 'IfAvailable', terminal: false, interactive: false },
        { mode: 'IfAvailable', terminal: true, interactive: true },
        { mode: undefined, terminal: true, interactive: true },
        { mode: 'Never', terminal: true, interactive: false },
        { mode: 'Always', terminal: true, interactive: true },
      ] as const;
      for (const [i, c] of cases.entries()) {
        const [target] = await execTargets(`interactive-${i}`, [
          {
            name: `case-${i}`,
            server: good,
            exec: { command, args: [`case-${i}`], ...(c.mode ? { interactiveMode: c.mode } : {}) },
          },
        ]);
        const r = await probeCluster(target as ProbeTarget, env({ terminal: c.terminal }));
        expect(stepOf(r, 'auth').status, `case ${i}`).toBe('ok');
        const [id, interactive, stdin] = ((await lines(log)).at(-1) ?? '').split(' ');
        expect(id).toBe(`case-${i}`);
        expect(interactive, `case ${i}`).toBe(String(c.interactive));
        if (c.interactive) expect(stdin, `case ${i}`).toBe(ours);
        else expect(stdin, `case ${i}`).not.toBe(ours);
      }
    },
  );
});

describe('credentials kept until they expire', () => {
  it('reuses an ExecCredential until its expirationTimestamp, then runs the plugin again', async () => {
    const log = join(dir, 'expiring.log');
    const command = await script(
      'expiring-plugin',
      `echo ran >> '${log}'\necho ${credential(good.token, ',"expirationTimestamp":"2030-01-01T00:00:00Z"')}`,
    );
    const [target] = await execTargets('expiring', [{ name: 'expiring', server: good, exec: { command } }]);
    let now = Date.parse('2029-12-31T23:00:00Z');
    const pool = createExecPluginPool({ now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(stepOf(await probeCluster(target as ProbeTarget, env({ execPlugins: pool })), 'auth').status).toBe('ok');
    }
    expect(await lines(log)).toEqual(['ran']);
    now = Date.parse('2030-01-01T00:00:01Z');
    expect(stepOf(await probeCluster(target as ProbeTarget, env({ execPlugins: pool })), 'auth').status).toBe('ok');
    expect(await lines(log)).toEqual(['ran', 'ran']);
  });

  it('keeps one without an expiry until the server refuses it (client-go: until a 401)', async () => {
    const log = join(dir, 'forever.log');
    const command = await script('forever-plugin', `echo "ran $1" >> '${log}'\necho ${credential(good.token)}`);
    const targets = await execTargets('forever', [
      { name: 'to-good', server: good, exec: { command, args: ['good'] } },
      { name: 'to-rejects', server: farm.server('rejects'), exec: { command, args: ['rejects'] } },
    ]);
    const [toGood, toRejects] = targets as [ProbeTarget, ProbeTarget];
    const pool = createExecPluginPool();
    for (let i = 0; i < 2; i++) {
      expect(stepOf(await probeCluster(toGood, env({ execPlugins: pool })), 'auth').status).toBe('ok');
      expect(stepOf(await probeCluster(toRejects, env({ execPlugins: pool })), 'version').reason).toBe('unauthorized');
    }
    expect(await lines(log)).toEqual(['ran good', 'ran rejects', 'ran rejects']);
  });

  it('runs one plugin config once for all the contexts of a check that use it', async () => {
    const log = join(dir, 'shared.log');
    const command = await script('shared-plugin', `echo ran >> '${log}'\necho ${credential(good.token)}`);
    const targets = await execTargets('shared', [
      { name: 'one', server: good, exec: { command, args: ['--server-id', 'x'] } },
      { name: 'two', server: good, exec: { command, args: ['--server-id', 'x'] } },
      { name: 'three', server: good, exec: { command, args: ['--server-id', 'x'] } },
    ]);
    const results = await checkFleet(targets, { env: env() });
    expect(results.map((r) => stepOf(r, 'auth').status)).toEqual(['ok', 'ok', 'ok']);
    expect(await lines(log)).toEqual(['ran']);
  });
});

describe('plugins running at once', () => {
  it('are at most 4 by default, whatever the ladder concurrency; the rest wait for a slot', async () => {
    const log = join(dir, 'bounded.log');
    const release = join(dir, 'bounded.release');
    const command = await script(
      'bounded-plugin',
      `echo "start $1" >> '${log}'
while [ ! -e '${release}' ]; do sleep 0.02; done
echo "end $1" >> '${log}'
echo ${credential(good.token)}`,
    );
    const targets = await execTargets(
      'bounded',
      Array.from({ length: 8 }, (_, i) => ({ name: `c${i}`, server: good, exec: { command, args: [`c${i}`] } })),
    );
    const pool = createExecPluginPool();
    const fleet = checkFleet(targets, { env: env({ execPlugins: pool }), concurrency: 16, stepTimeoutMs: 25_000 });
    await until(pool, (s) => s.running === 4 && s.waiting === 4);
    await writeFile(release, '');
    const results = await fleet;
    expect(results.map((r) => statuses(r).auth)).toEqual(Array(8).fill('ok'));
    let running = 0;
    let most = 0;
    const events = await lines(log);
    for (const line of events) {
      running += line.startsWith('start ') ? 1 : -1;
      most = Math.max(most, running);
    }
    expect(events.filter((l) => l.startsWith('start ')).length).toBe(8);
    expect(most).toBe(4);
  });

  it('a plugin that waits too long for a slot fails its own way, naming the wait', async () => {
    const release = join(dir, 'starved.release');
    const command = await script(
      'starved-plugin',
      `while [ ! -e '${release}' ]; do sleep 0.02; done\necho ${credential(good.token)}`,
    );
    const targets = await execTargets('starved', [
      { name: 'first', server: good, exec: { command, args: ['first'] } },
      { name: 'second', server: good, exec: { command, args: ['second'] } },
    ]);
    const pool = createExecPluginPool({ maxRunning: 1 });
    const first = probeCluster(targets[0] as ProbeTarget, env({ execPlugins: pool }), { stepTimeoutMs: 20_000 });
    await until(pool, (s) => s.running === 1);
    const second = await probeCluster(targets[1] as ProbeTarget, env({ execPlugins: pool }), { stepTimeoutMs: 1_000 });
    await writeFile(release, '');
    expect(stepOf(await first, 'auth').status).toBe('ok');
    expect(stepOf(second, 'version')).toMatchObject({
      status: 'fail',
      reason: 'credentials-failed',
      detail: expect.stringContaining('did not get to run within'),
    });
  });
});

describe('a .cmd plugin on Windows', () => {
  async function fakeCmd(name: string): Promise<{ path: string; log: string }> {
    const log = join(dir, `${name}.log`);
    const path = await script(
      name,
      `for a in "$@"; do printf '%s\\n' "$a" >> '${log}'; done\necho ${credential(good.token)}`,
    );
    return { path, log };
  }

  it('is started through cmd.exe /d /s /c with every argument quoted for cmd', async () => {
    const cmd = await fakeCmd('fake-cmd');
    const plugin = 'C:\\Program Files\\acme\\get-token.cmd';
    const args = ['a&b', '%PATH%', 'say "hi"', 'x|y^z'];
    const [target] = await execTargets('win', [{ name: 'win', server: good, exec: { command: plugin, args } }]);
    const r = await probeCluster(
      target as ProbeTarget,
      env({ platform: 'win32', env: { ComSpec: cmd.path, PATH: process.env.PATH } }),
    );
    expect(stepOf(r, 'auth').status).toBe('ok');
    expect(await lines(cmd.log)).toEqual(['/d', '/e:ON', '/v:OFF', '/s', '/c', batchCommandLine(plugin, args)]);
  });

  it('is not started at all when an argument cannot be carried through cmd.exe', async () => {
    const cmd = await fakeCmd('fake-cmd-refused');
    const [target] = await execTargets('win-newline', [
      { name: 'win-newline', server: good, exec: { command: 'C:\\acme\\login.bat', args: ['line\nbreak'] } },
    ]);
    const r = await probeCluster(
      target as ProbeTarget,
      env({ platform: 'win32', env: { ComSpec: cmd.path, PATH: process.env.PATH } }),
    );
    expect(stepOf(r, 'version')).toMatchObject({ status: 'fail', reason: 'credentials-failed' });
    expect(stepOf(r, 'version').detail).toContain('is a batch file, and its argument 1 contains a line break');
    expect(await lines(cmd.log)).toEqual([]);
  });
});
