import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSettings, SETTINGS_FILE_NAME } from '../../../main/core/settings/index.ts';
import { runCli } from '../../helpers/cli.ts';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'kubezt-private-'));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

const modeOf = (p: string) => statSync(p).mode & 0o777;

describe.skipIf(process.platform === 'win32')('the settings folder is its owner’s only', () => {
  it('is created 0700 (its parents as usual), and the settings file 0600', () => {
    const dir = join(work, 'deep', 'config', 'kubezt');
    const { store } = openSettings({ configDir: dir });
    store.update({ launchAtLogin: true });
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(join(dir, SETTINGS_FILE_NAME))).toBe(0o600);
    expect(modeOf(join(work, 'deep', 'config')) & 0o700).toBe(0o700);
  });

  it('tightens kubezt’s own existing folder, one that holds its settings file', () => {
    const dir = join(work, 'kubezt');
    mkdirSync(dir, { mode: 0o755 });
    writeFileSync(join(dir, SETTINGS_FILE_NAME), '{}', { mode: 0o600 });
    statSync(dir);
    expect(modeOf(dir)).toBe(0o755);
    openSettings({ configDir: dir });
    expect(modeOf(dir)).toBe(0o700);
  });

  it('leaves any other existing folder as it is (KUBEZT_CONFIG_DIR may name a shared one)', () => {
    const dir = join(work, 'shared');
    mkdirSync(dir, { mode: 0o755 });
    openSettings({ configDir: dir });
    expect(modeOf(dir)).toBe(0o755);
  });

  it('says when the settings folder cannot be made', () => {
    const file = join(work, 'not-a-folder');
    writeFileSync(file, '');
    expect(() => openSettings({ configDir: join(file, 'kubezt') })).toThrow(
      expect.objectContaining({
        code: 'settings-invalid',
        message: `The settings folder ${join(file, 'kubezt')} cannot be used (EEXIST); check its permissions or set KUBEZT_CONFIG_DIR to a writable folder.`,
      }),
    );
  });

  it('a first run of the CLI creates it 0700', async () => {
    const dir = join(work, 'home', '.config', 'kubezt');
    const catalog = join(work, 'catalog.yaml');
    writeFileSync(catalog, 'clusters:\n  - name: edge\n    server: https://198.51.100.120:6443\n');
    const r = await runCli(['clusters', '--json'], {
      env: { XDG_CONFIG_HOME: join(work, 'home', '.config'), KUBEZT_CATALOG: catalog },
      homeDir: join(work, 'home'),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(modeOf(dir)).toBe(0o700);
  });
});
