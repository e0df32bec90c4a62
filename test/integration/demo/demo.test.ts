import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const NODE = join(process.cwd(), 'node_modules', '.bin', 'node');

/** Resolves with everything printed so far once `marker` has appeared on stdout. */
function waitForOutput(child: ChildProcess, marker: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      out += d;
      if (out.includes(marker)) resolve(out);
    });
    child.once('exit', (code) => reject(new Error(`demo exited early (${code}): ${out}`)));
  });
}

describe('kubezt demo', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
  });

  it('starts the simulator, real kubectl reaches a server, Ctrl-C stops it and cleans up', async () => {
    const work = mkdtempSync(join(tmpdir(), 'kubezt-demo-test-'));
    const envFile = join(work, 'demo.env');
    child = spawn(NODE, ['bin/kubezt.js', 'demo', '--clusters', '5', '--write-env', envFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = await waitForOutput(child, 'Ctrl-C stops the demo');
    for (const name of [
      'KUBEZT_CONFIG_DIR',
      'KUBECONFIG',
      'CLOUDFLARE_BASE_URL',
      'CLOUDFLARE_API_TOKEN',
      'KUBEZT_WARP_CLI',
      'KUBEZT_TRACE_URL',
    ]) {
      expect(out).toContain(`export ${name}=`);
    }
    expect(out).toContain('CLOUDFLARE_ACCOUNT_ID=');
    // Two virtual networks share an IP: the pair on one address, and the networks listed.
    const eu = /^ {2}prod-eu +(https:\/\/[\d.]+:6443) /m.exec(out)?.[1];
    expect(out).toMatch(new RegExp(`^  prod-eu-staging +${eu?.replaceAll('.', '\\.')} .*, network staging$`, 'm'));
    expect(out).toMatch(
      /^Virtual networks \(\* = selected in WARP\):\n {2}\* default +[0-9a-f-]{36} {2}\(default\)\n/m,
    );
    expect(out).toMatch(/^ {4}staging +[0-9a-f-]{36}$/m);
    // The suggestions start the launcher itself: npx adds a second or more to every command.
    expect(out).not.toContain('npx kubezt');
    expect(out).toContain(`  ${join(process.cwd(), 'bin', 'kubezt')} clusters\n`);
    const env = Object.fromEntries(
      readFileSync(envFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.replace(/^export /, '').split(/=(.*)/s, 2) as [string, string]),
    );
    expect(env.CLOUDFLARE_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/client\/v4$/);

    const kube = { ...process.env, KUBECONFIG: env.KUBECONFIG };
    const version = await run('kubectl', ['--context', 'my-own-context', 'version', '-o', 'json'], { env: kube });
    expect(JSON.parse(version.stdout).serverVersion.gitVersion).toBe('v1.32.3');
    const whoami = await run('kubectl', ['--context', 'my-own-context', 'auth', 'whoami', '-o', 'json'], {
      env: kube,
    });
    expect(JSON.parse(whoami.stdout).status.userInfo.username).toBe('admin');

    const dir = /removes (\S+)\.\n/.exec(out)?.[1];
    expect(dir && existsSync(dir)).toBe(true);
    const exited = new Promise<number | null>((r) => child?.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(existsSync(dir as string)).toBe(false);
  });

  it('writes the --write-env file (it holds the token) for its owner only, also over an existing file', async () => {
    const work = mkdtempSync(join(tmpdir(), 'kubezt-demo-test-'));
    const fresh = join(work, 'fresh.env');
    const existing = join(work, 'existing.env');
    writeFileSync(existing, 'export OLD=1\n', { mode: 0o644 });
    chmodSync(existing, 0o644);
    for (const envFile of [fresh, existing]) {
      child = spawn(NODE, ['bin/kubezt.js', 'demo', '--clusters', '1', '--write-env', envFile], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      await waitForOutput(child, 'Ctrl-C stops the demo');
      expect(statSync(envFile).mode & 0o777, envFile).toBe(0o600);
      expect(readFileSync(envFile, 'utf8')).toMatch(/^export CLOUDFLARE_API_TOKEN=/m);
      expect(readFileSync(envFile, 'utf8')).not.toContain('OLD=1');
      const exited = new Promise<number | null>((r) => child?.once('exit', (code) => r(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('rejects a bad --clusters with exit 2', async () => {
    const r = await run(NODE, ['bin/kubezt.js', 'demo', '--clusters', 'many']).catch((e) => e);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('kubezt: --clusters must be a positive whole number, not "many" ("kubezt demo --help").\n');
  });
});
