import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plural } from '../../../main/cli/command.ts';
import { startFakeWarp } from '../../../sim/warp/index.ts';
import { runCli } from '../../helpers/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'kubezt-plural-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Counts of one, through the real CLI: "1 cluster", "1 entry", never "1 clusters" or "1 entries". */
describe('counts of one', () => {
  it('plural() takes the irregular plural', () => {
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
    expect(plural(0, 'cluster')).toBe('0 clusters');
    expect(plural(1, 'cluster')).toBe('1 cluster');
  });

  it('kubezt setup with one cluster: "already matches the 1 cluster", "1 context unchanged"', async () => {
    const dir = join(root, 'setup');
    mkdirSync(join(dir, 'kube'), { recursive: true });
    const catalog = join(dir, 'catalog.yaml');
    writeFileSync(
      catalog,
      'clusters:\n  - name: one\n    server: https://127.0.0.9:6443\n  - name: two\n    server: https://127.0.0.10:6443\n',
    );
    const env = {
      KUBEZT_CONFIG_DIR: join(dir, 'config'),
      KUBECONFIG: join(dir, 'kube', 'config'),
      KUBEZT_CATALOG: catalog,
    };
    expect((await runCli(['setup', '--yes'], { env, homeDir: dir })).code).toBe(0);
    writeFileSync(
      catalog,
      'clusters:\n  - name: one\n    server: https://127.0.0.9:6443\n  - name: two\n    server: https://127.0.0.11:6443\n',
    );
    const changed = await runCli(['setup', '--dry-run'], { env, homeDir: dir });
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toMatch(/^1 context unchanged$/m);
    const again = await runCli(['setup', '--yes'], { env, homeDir: dir });
    expect(again.code).toBe(0);
    writeFileSync(catalog, 'clusters:\n  - name: one\n    server: https://127.0.0.9:6443\n');
    const single = join(dir, 'single');
    mkdirSync(single);
    const one = { ...env, KUBECONFIG: join(single, 'config') };
    expect((await runCli(['setup', '--yes'], { env: one, homeDir: dir })).code).toBe(0);
    const none = await runCli(['setup', '--yes'], { env: one, homeDir: dir });
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/already matches the 1 cluster\.$/m);
  });

  it('kubezt warp with one split-tunnel entry: "1 entry"', async () => {
    const dir = join(root, 'warp');
    mkdirSync(dir);
    const warp = await startFakeWarp({ dir });
    try {
      warp.setState({
        status: 'Connected',
        format: 'current',
        fault: 'none',
        hang: false,
        mode: 'exclude',
        exclude: ['10.0.0.0/8'],
      });
      const r = await runCli(['warp'], { env: { ...warp.env, KUBECONFIG: join(dir, 'none') } });
      expect(r.stdout).toMatch(/Split tunnel: exclude mode, 1 entry \(10\.0\.0\.0\/8\)/);
    } finally {
      await warp.close();
    }
  });
});
