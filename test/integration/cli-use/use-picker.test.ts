/**
 * `kubezt use` with no NAME on a real terminal: the fuzzy picker, driven through a pseudo-terminal
 * (util-linux `script`) as a user types: filter, move, pick, cancel. After every way out the
 * terminal is usable again (`stty -a` run right after shows canonical mode and echo back, and the
 * alternate screen is left with the cursor shown). What it picked is read back with kubectl.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasScript, openTerminal, type Terminal } from '../../helpers/terminal.ts';

const exec = promisify(execFile);
const repo = resolve(import.meta.dirname, '../../..');
const NODE = join(repo, 'node_modules', '.bin', 'node');
const BIN = join(repo, 'bin', 'kubezt.js');

const CONFIG = `apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://192.168.1.10:6443
  name: home
- cluster:
    server: https://10.0.0.1:6443
  name: prod-us
- cluster:
    server: https://kube.example.test:6443
  name: staging-eu
contexts:
- context:
    cluster: home
    user: me
  name: home
- context:
    cluster: prod-us
    user: me
  name: zt-prod-us
- context:
    cluster: staging-eu
    user: me
  name: zt-staging-eu
current-context: home
users:
- name: me
  user:
    token: abc
`;

let dir: string;
let config: string;
let tty: Terminal | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubezt-picker-'));
  config = join(dir, 'config');
  writeFileSync(config, CONFIG, { mode: 0o600 });
});
afterEach(() => {
  tty?.kill();
  tty = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * A shell on the terminal that sizes it, runs `kubezt use` (printing its pid first, so a test can
 * signal it), then reports its exit code and the terminal's modes.
 */
function openPicker(args: string[] = []): Terminal {
  const kubezt = [NODE, BIN, 'use', ...args].map(quote).join(' ');
  const inner = `echo "PID=$$"; exec ${kubezt}`;
  const script = `stty cols 120 rows 12; sh -c ${quote(inner)}; echo "EXIT=$?"; stty -a; echo END`;
  tty = openTerminal(['sh', '-c', script], {
    cwd: repo,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      TERM: 'xterm-256color',
      KUBECONFIG: config,
      KUBEZT_CONFIG_DIR: join(dir, 'settings'),
    },
  });
  return tty;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what is removed.
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

/** What the terminal shows after `kubezt use` ended: its exit code, and whether modes were restored. */
async function finished(t: Terminal): Promise<{ code: number; restored: boolean; output: string }> {
  await t.shown('END');
  const output = t.output();
  const code = Number(/EXIT=(\d+)/.exec(output)?.[1]);
  const modes = output.slice(output.indexOf('EXIT='));
  const afterPicker = output.slice(output.lastIndexOf('\x1b[?1049h'));
  const restored =
    / icanon /.test(modes) &&
    / echo /.test(modes) &&
    afterPicker.includes('\x1b[?1049l') &&
    afterPicker.lastIndexOf('\x1b[?25h') > afterPicker.lastIndexOf('\x1b[?25l');
  return { code, restored, output };
}

async function currentContext(): Promise<string> {
  const { stdout } = await exec('/usr/bin/kubectl', ['config', 'current-context'], {
    env: { KUBECONFIG: config, HOME: dir },
  });
  return stdout.trim();
}

describe.skipIf(!hasScript)('kubezt use: the picker on a terminal', () => {
  it('shows every context with name, context, group and IP, the current one marked; typing filters; Enter switches', async () => {
    const t = openPicker();
    await t.shown('3/3');
    const screen = plain(t.output());
    expect(screen).toMatch(/> \* home\s+home\s+home\s+192\.168\.1\.10/);
    expect(screen).toMatch(/ {3}prod-us\s+zt-prod-us\s+prod\s+10\.0\.0\.1/);
    // A host name is not an IP: that column stays empty.
    expect(screen).toMatch(/ {3}staging-eu\s+zt-staging-eu\s+staging\s*\r?\n?/);
    t.type('pus');
    await t.shown('1/3');
    t.type('\r');
    const end = await finished(t);
    expect(end.code).toBe(0);
    expect(end.restored).toBe(true);
    expect(plain(end.output)).toContain('Switched to context "zt-prod-us" in ~/config.');
    expect(await currentContext()).toBe('zt-prod-us');
  });

  it('moves with the arrows and Ctrl-N/Ctrl-P', async () => {
    const t = openPicker();
    await t.shown('3/3');
    t.type('\x0e'); // Ctrl-N: zt-prod-us
    t.type('\x1b[B'); // down: zt-staging-eu
    t.type('\x10'); // Ctrl-P: back to zt-prod-us
    t.type('\x1b[B'); // down: zt-staging-eu
    t.type('\x1b[A'); // up: zt-prod-us
    t.type('\r');
    const end = await finished(t);
    expect(end.code).toBe(0);
    expect(await currentContext()).toBe('zt-prod-us');
  });

  it.each([
    ['Esc', '\x1b'],
    ['Ctrl-C', '\x03'],
  ])('%s cancels: exit 130, nothing written, the terminal restored', async (_name, key) => {
    const t = openPicker();
    await t.shown('3/3');
    t.type('sta');
    await t.shown('1/3');
    t.type(key);
    const end = await finished(t);
    expect(end.code).toBe(130);
    expect(end.restored).toBe(true);
    expect(readFileSync(config, 'utf8')).toBe(CONFIG);
  });

  it('SIGTERM while the picker is open restores the terminal, then says so on the main screen (exit 143)', async () => {
    const t = openPicker();
    await t.shown('3/3');
    const pid = Number(/PID=(\d+)/.exec(t.output())?.[1]);
    expect(pid).toBeGreaterThan(1);
    process.kill(pid, 'SIGTERM');
    const end = await finished(t);
    expect(end.code).toBe(143);
    expect(end.restored).toBe(true);
    // Written on the alternate screen, the line would vanish when the picker leaves it.
    const mainScreen = end.output.slice(end.output.lastIndexOf('\x1b[?1049l'));
    expect(plain(mainScreen)).toContain('kubezt: stopped by SIGTERM; the kubeconfig is unchanged.');
    expect(readFileSync(config, 'utf8')).toBe(CONFIG);
  });

  it('-n NS sets the picked context namespace in the same write', async () => {
    const t = openPicker(['-n', 'team-a']);
    await t.shown('3/3');
    t.type('stag\r');
    const end = await finished(t);
    expect(end.code).toBe(0);
    expect(await currentContext()).toBe('zt-staging-eu');
    const { stdout } = await exec(
      '/usr/bin/kubectl',
      ['config', 'view', '--minify', '-o', 'jsonpath={.contexts[0].context.namespace}'],
      { env: { KUBECONFIG: config, HOME: dir } },
    );
    expect(stdout).toBe('team-a');
  });

  it('inside $(...) stdout is a pipe: the names, one per line, no picker drawn', async () => {
    const kubezt = [NODE, BIN, 'use'].map(quote).join(' ');
    tty = openTerminal(['sh', '-c', `x=$(${kubezt}); echo "EXIT=$? GOT[$x]"; echo END`], {
      cwd: repo,
      env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: config, KUBEZT_CONFIG_DIR: join(dir, 'settings') },
    });
    await tty.shown('END');
    const out = tty.output().replace(/\r\n/g, '\n');
    expect(out).toContain('EXIT=0 GOT[home\nzt-prod-us\nzt-staging-eu]');
    expect(out).not.toContain('\x1b[?1049h');
  });
});
