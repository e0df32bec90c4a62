import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../main/cli/command.ts';
import { run } from '../../../main/cli/index.ts';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { type Simulator, startSimulator } from '../../../sim/environment.ts';
import { runCli } from '../../helpers/cli.ts';

/**
 * The setup diff of the 5-cluster demo, through the real CLI against the simulator: each
 * certificate is one summary line, and colour appears only on a terminal without NO_COLOR.
 */
let dir: string;
let sim: Simulator;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubezt-setup-diff-'));
  sim = await startSimulator({ dir, clusters: 5 });
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What changes from run to run (ports, folders, keys, dates), replaced by stable words. */
function stable(text: string): string {
  return text
    .replaceAll(dir, '<dir>')
    .replace(/127\.\d+\.\d+\.\d+/g, '<ip>')
    .replace(/SHA256 (?:[0-9A-F]{2}:){8}…/g, 'SHA256 <fingerprint>')
    .replace(/expires \d{4}-\d{2}-\d{2}/g, 'expires <date>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
}

const ESC = '\u001b';

/** Terminal rows the text takes at 80 columns (a long line wraps). */
const rows = (text: string) => text.split('\n').reduce((n, l) => n + Math.max(1, Math.ceil([...l].length / 80)), 0);

/** Runs the CLI with stdout as a terminal would be (isTTY), still captured. */
async function runOnTerminal(args: string[], env: Record<string, string | undefined>) {
  const stdout = Object.assign(new PassThrough(), { isTTY: true });
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end();
  let out = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.resume();
  const ctx: CliContext = {
    argv0: 'kubezt',
    env,
    cwd: dir,
    homeDir: dir,
    platform: process.platform,
    stdout,
    stderr,
    stdin,
    runner: nodeProcessRunner,
    now: () => new Date(),
    interrupted: new Promise(() => {}),
  };
  const code = await run(args, ctx);
  return { code, stdout: out };
}

describe('the setup diff of the 5-cluster demo', () => {
  it('shows each certificate as one line with its fingerprint, CN and expiry (golden)', async () => {
    const r = await runCli(['setup', '--dry-run'], { env: { ...sim.env }, homeDir: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/LS0tLS1CRUdJTi/);
    expect(r.stdout).toMatch(
      /^\+ {6}certificate-authority-data: <CA certificate, SHA256 [0-9A-F:]+…, CN=\S+, expires \d{4}-\d{2}-\d{2}>$/m,
    );
    await expect(stable(r.stdout)).toMatchFileSnapshot('./golden/demo-setup-diff.txt');
    // 223 lines before, and over 280 terminal rows once the base64 wrapped.
    expect(r.stdout.split('\n').length).toBeLessThan(100);
    expect(rows(r.stdout)).toBeLessThan(120);
  });

  it('a pipe gets no escape codes; a terminal gets colour unless NO_COLOR is set', async () => {
    const piped = await runCli(['setup', '--dry-run'], { env: { ...sim.env }, homeDir: dir });
    expect(piped.stdout).not.toContain('\u001b');
    const tty = await runOnTerminal(['setup', '--dry-run'], { ...sim.env });
    expect(tty.code).toBe(0);
    const lines = tty.stdout.split('\n');
    expect(lines).toContain(`${ESC}[32m+  - name: zt-prod-us${ESC}[0m`);
    expect(lines.filter((l) => l.startsWith(`${ESC}[36m@@ `) && l.endsWith(` @@${ESC}[0m`)).length).toBeGreaterThan(0);
    const plain = ['1', '31', '32', '36', '0'].reduce((t, code) => t.replaceAll(`${ESC}[${code}m`, ''), tty.stdout);
    expect(plain).toBe(piped.stdout);
    const noColor = await runOnTerminal(['setup', '--dry-run'], { ...sim.env, NO_COLOR: '1' });
    expect(noColor.stdout).not.toContain('\u001b');
    expect(noColor.stdout).toBe(piped.stdout);
  });
});
