import { describe, expect, it } from 'vitest';
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
