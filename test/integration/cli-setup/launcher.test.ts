import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// bin/kubezt: the POSIX launcher users link onto PATH. It must start the project's own Node 24
// whatever `node` the shell has (or none), through symlinks, with arguments, output and exit codes
// passed through untouched.

const ROOT = join(import.meta.dirname, '..', '..', '..');
const LAUNCHER = join(ROOT, 'bin', 'kubezt');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

async function run(command: string, args: string[], env: Record<string, string>, cwd = ROOT) {
  const r = await promisify(execFile)(command, args, { env, cwd }).catch(
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  return { code: 'code' in r && typeof r.code === 'number' ? r.code : 0, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubezt-launcher-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bin/kubezt', () => {
  it('runs on the project Node with no node on PATH at all', async () => {
    // bin/kubezt.js alone (#!/usr/bin/env node) cannot start here: there is no node to find.
    const r = await run(LAUNCHER, ['--version'], { PATH: join(dir, 'nothing-here'), HOME: dir });
    expect(r).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('works through absolute and relative symlinks, from any folder', async () => {
    const absolute = join(dir, 'kubezt-abs');
    symlinkSync(LAUNCHER, absolute);
    const relativeLink = join(dir, 'kubezt-rel');
    symlinkSync(relative(dir, LAUNCHER), relativeLink);
    // A link to the link, as a tool manager's shim folder might hold.
    const chained = join(dir, 'kubezt-chained');
    symlinkSync('kubezt-rel', chained);
    const env = { PATH: '/usr/bin:/bin', HOME: dir };
    for (const link of [absolute, relativeLink, chained]) {
      expect(await run(link, ['--version'], env, tmpdir()), link).toEqual({
        code: 0,
        stdout: `${VERSION}\n`,
        stderr: '',
      });
    }
    // Started by name from its own folder ($0 without a slash).
    expect(await run('/bin/sh', ['kubezt-rel', '--version'], env, dir)).toMatchObject({
      code: 0,
      stdout: `${VERSION}\n`,
    });
  });

  it('passes arguments, stderr and the exit code through', async () => {
    const r = await run(LAUNCHER, ['check', '--concurrency', 'two words'], { PATH: '/usr/bin:/bin', HOME: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'kubezt: --concurrency must be a positive whole number, not "two words" ("kubezt check --help").\n',
    );
  });
});
