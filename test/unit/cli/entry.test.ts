import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcherFor } from '../../../main/cli/commands/demo.ts';
import pkg from '../../../package.json' with { type: 'json' };
import { runCli } from '../../helpers/cli.ts';

describe('kubezt entry', () => {
  it('prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('lists only commands that exist', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('demo');
    expect(r.stdout).not.toMatch(/^\s+(fly|teleport)\s/m);
  });

  it('rejects an unknown command with one sentence and exit 2', async () => {
    const r = await runCli(['nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('kubezt: unknown command "nope"; run "kubezt --help" to list the commands.\n');
  });
});

describe('kubezt demo --help', () => {
  it('aligns every option description in one column', async () => {
    const r = await runCli(['demo', '--help']);
    const starts = r.stdout
      .split('\n')
      .filter((l) => /^ {2}--/.test(l))
      .map((l) => /^ {2}--\S+(?: [A-Z]+)? +/.exec(l)?.[0].length);
    expect(starts.length).toBe(3);
    expect(new Set(starts).size).toBe(1);
  });
});

describe('the launcher the demo suggests', () => {
  const script = resolve(import.meta.dirname, '../../../bin/kubezt.js');

  it('is plain kubezt when that name on PATH is this launcher, else its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubezt-path-'));
    expect(launcherFor(dir, script, 'linux')).toBe(resolve(dirname(script), 'kubezt'));
    symlinkSync(resolve(dirname(script), 'kubezt'), join(dir, 'kubezt'));
    expect(launcherFor(`/nonexistent:${dir}`, script, 'linux')).toBe('kubezt');
    expect(launcherFor(dir, '/somewhere/vitest.mjs', 'linux')).toBe('kubezt');
  });
});
