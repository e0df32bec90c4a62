/**
 * The picker as a terminal emulator renders it (tmux, as the project is checked): the screen
 * holds exactly the frame (no stale rows after filtering), and after a pick or a cancel the
 * alternate screen is gone and the shell's screen is back, with only kubezt's result line on it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasTmux, openTmux, type TmuxPane } from '../../helpers/tmux.ts';

const repo = resolve(import.meta.dirname, '../../..');
const NODE = join(repo, 'node_modules', '.bin', 'node');
const BIN = join(repo, 'bin', 'kubezt.js');

function kubeconfig(count: number): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  for (let i = 0; i < count; i++) {
    lines.push('- cluster:', `    server: https://10.0.${i}.1:6443`, `  name: team${i % 3}-c${i}`);
  }
  lines.push('contexts:');
  for (let i = 0; i < count; i++) {
    lines.push('- context:', `    cluster: team${i % 3}-c${i}`, '    user: me', `  name: ctx-${i}`);
  }
  lines.push('current-context: ctx-3', 'users:', '- name: me', '  user:', '    token: x');
  return `${lines.join('\n')}\n`;
}

let dir: string;
let config: string;
let pane: TmuxPane | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubezt-tmux-'));
  config = join(dir, 'config');
  writeFileSync(config, kubeconfig(40), { mode: 0o600 });
});
afterEach(() => {
  pane?.close();
  pane = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const shownLines = (screen: string[]) => screen.filter((l) => l.trim() !== '');

async function openPicker(): Promise<TmuxPane> {
  // `exec cat` keeps the pane alive (reading its terminal) after kubezt, so the screen stays to read.
  pane = await openTmux(`'${NODE}' '${BIN}' use; echo "EXIT=$?"; exec cat`, {
    cwd: repo,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      TERM: 'xterm-256color',
      KUBECONFIG: config,
      KUBEZT_CONFIG_DIR: join(dir, 's'),
    },
    columns: 100,
    rows: 15,
  });
  // The frame's last row: the whole first frame has been drawn.
  await pane.shown('10.0.11.1');
  return pane;
}

describe.skipIf(!hasTmux)('kubezt use: the picker in tmux', () => {
  it('fills the screen with the rows that fit, redraws without stale rows, and restores the screen after a pick', async () => {
    const p = await openPicker();
    let screen = await p.screen();
    expect(screen).toHaveLength(15);
    expect(screen[0]).toBe('>');
    expect(screen[2]).toMatch(/^ {4}NAME\s+CONTEXT\s+GROUP\s+IP$/);
    expect(screen[3]).toMatch(/^> {3}team0-c0\s+ctx-0\s+team0\s+10\.0\.0\.1$/);
    expect(screen[6]).toMatch(/^ {2}\* team0-c3\s+ctx-3/);
    expect(screen.slice(3).filter((l) => l.trim() !== '')).toHaveLength(12);
    p.keys(['c39'], true);
    await p.shown('10.0.39.1');
    screen = await p.screen();
    expect(screen[0]).toBe('> c39');
    expect(screen[3]).toMatch(/^> {3}team0-c39\s+ctx-39\s+team0\s+10\.0\.39\.1$/);
    expect(screen.slice(4).every((l) => l.trim() === '')).toBe(true);
    p.keys(['Enter']);
    await p.shown('EXIT=');
    expect(shownLines(await p.screen())).toEqual([`Switched to context "ctx-39" in ~/config.`, 'EXIT=0']);
    const current = execFileSync('/usr/bin/kubectl', ['config', 'current-context'], {
      env: { KUBECONFIG: config, HOME: dir },
      encoding: 'utf8',
    });
    expect(current.trim()).toBe('ctx-39');
  });

  it('Esc leaves the screen as it was, exit 130, and the file as it was', async () => {
    const before = readFileSync(config, 'utf8');
    const p = await openPicker();
    p.keys(['Down', 'C-n', 'Escape']);
    await p.shown('EXIT=');
    expect(shownLines(await p.screen())).toEqual(['EXIT=130']);
    expect(readFileSync(config, 'utf8')).toBe(before);
  });
});
