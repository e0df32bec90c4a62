import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import type { Options as ElectronStoreOptions } from 'electron-store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../main/core/errors.ts';
import {
  cliConfOptions,
  configDirFor,
  confSchemaParts,
  contextNameFor,
  openSettings,
  recoverSettingsFile,
  SETTINGS_FILE_NAME,
  type Settings,
  settingsDefaults,
  settingsJsonSchema,
  settingsStoreOptions,
  validateSettings,
} from '../../../main/core/settings/index.ts';

const fixedNow = () => new Date('2025-03-04T05:06:07.089Z');
const STAMP = '2025-03-04T05-06-07-089Z';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubezt-settings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('schema', () => {
  it('has the documented defaults', () => {
    expect(settingsDefaults).toEqual({
      contextNameTemplate: 'zt-{name}',
      refreshIntervalSec: 60,
      notifications: { warpDisconnect: true, contextUnreachable: true },
      launchAtLogin: false,
      // Off: an exec plugin (OIDC) may open a browser, which a check nobody asked for must not do.
      backgroundExecPlugins: false,
      // Naming a cluster is the intent to reach it, in its own virtual network.
      switchVirtualNetwork: 'auto',
    });
  });

  it('derives one JSON Schema that conf and electron-store take', () => {
    const { schema, rootSchema } = confSchemaParts();
    expect(Object.keys(schema).sort()).toEqual(
      [
        'accountId',
        'backgroundExecPlugins',
        'catalogPath',
        'contextNameTemplate',
        'kubeconfigPath',
        'launchAtLogin',
        'notifications',
        'pinned',
        'recent',
        'refreshIntervalSec',
        'switchVirtualNetwork',
      ].sort(),
    );
    expect(schema.refreshIntervalSec).toMatchObject({ type: 'integer', minimum: 15, maximum: 86400, default: 60 });
    expect(schema.switchVirtualNetwork).toMatchObject({ enum: ['auto', 'ask', 'never'], default: 'auto' });
    expect(rootSchema).not.toHaveProperty('properties');
    expect(settingsJsonSchema).not.toHaveProperty('$schema');
    // No token in the settings, ever: it lives in the keychain.
    expect(JSON.stringify(settingsJsonSchema)).not.toMatch(/token/i);
  });

  it('keeps the pinned and recent cluster lists, and names a bad one', () => {
    expect(validateSettings({ pinned: ['prod-us'], recent: ['lab', 'prod-us'] })).toMatchObject({
      ok: true,
      settings: { pinned: ['prod-us'], recent: ['lab', 'prod-us'] },
    });
    expect(validateSettings({ recent: ['a', 'b', 'c', 'd', 'e', 'f'] })).toEqual({
      ok: false,
      issues: [
        { key: 'recent', message: 'The setting "recent" must be a list of up to 5 cluster names, most recent first.' },
      ],
    });
    expect(validateSettings({ pinned: ['Not A Name'] })).toMatchObject({ ok: false, issues: [{ key: 'pinned.0' }] });
  });

  const samples: [string, unknown, string[]][] = [
    ['empty', {}, []],
    [
      'everything',
      {
        accountId: '0123456789abcdef0123456789abcdef',
        catalogPath: '/etc/kubezt/catalog.yaml',
        kubeconfigPath: '/home/me/.kube/config',
        contextNameTemplate: 'cf.{name}@corp',
        refreshIntervalSec: 15,
        notifications: { warpDisconnect: false, contextUnreachable: false },
        launchAtLogin: true,
      },
      [],
    ],
    ['unknown keys are kept for newer versions', { futureSetting: { a: 1 }, notifications: { later: true } }, []],
    ['account id with a space', { accountId: 'abc def' }, ['accountId']],
    ['empty catalog path', { catalogPath: '' }, ['catalogPath']],
    ['template without {name}', { contextNameTemplate: 'zt-cluster' }, ['contextNameTemplate']],
    ['template with another placeholder', { contextNameTemplate: 'zt-{name}-{env}' }, ['contextNameTemplate']],
    ['template with a space', { contextNameTemplate: 'zt {name}' }, ['contextNameTemplate']],
    ['interval too short', { refreshIntervalSec: 5 }, ['refreshIntervalSec']],
    ['interval not whole', { refreshIntervalSec: 60.5 }, ['refreshIntervalSec']],
    ['interval as a string', { refreshIntervalSec: '60' }, ['refreshIntervalSec']],
    ['notifications not an object', { notifications: true }, ['notifications']],
    ['notification flag as a string', { notifications: { warpDisconnect: 'yes' } }, ['notifications.warpDisconnect']],
    ['launchAtLogin as a number', { launchAtLogin: 1 }, ['launchAtLogin']],
    ['two problems', { launchAtLogin: 1, refreshIntervalSec: 1 }, ['refreshIntervalSec', 'launchAtLogin']],
  ];

  it.each(samples)('validateSettings: %s', (_name, value, badKeys) => {
    const result = validateSettings(value);
    if (badKeys.length === 0) {
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.settings).toMatchObject(value as object);
    } else {
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.issues.map((i) => i.key)).toEqual(badKeys);
        for (const issue of result.issues)
          expect(issue.message).toMatch(new RegExp(`^The setting "${issue.key}" must be .+\\.$`));
      }
    }
  });

  it.each(samples)('conf, with the derived schema, agrees with validateSettings: %s', async (_name, value, badKeys) => {
    await writeFile(join(dir, SETTINGS_FILE_NAME), JSON.stringify(value));
    const open = () => new Conf(cliConfOptions(dir));
    if (badKeys.length === 0) {
      expect(open().store).toMatchObject(value as object);
    } else {
      expect(open).toThrow(/schema violation/i);
    }
  });

  it.each<[unknown, string]>([
    [null, 'null'],
    [[], 'an array'],
    ['x', 'a string'],
  ])('validateSettings rejects %j (%s) as a whole', (value) => {
    expect(validateSettings(value)).toEqual({
      ok: false,
      issues: [{ key: '', message: 'The settings must be a JSON object.' }],
    });
  });

  it('applies a context name template', () => {
    expect(contextNameFor('zt-{name}', 'prod-us')).toBe('zt-prod-us');
    expect(contextNameFor('{name}.{name}', 'a')).toBe('a.a');
  });
});

describe('one file for the CLI and the app', () => {
  it('conf (CLI) and electron-store (app) resolve the same path', () => {
    const appOptions = settingsStoreOptions(dir);
    // electron-store turns `name` into conf's `configName` and keeps `cwd` when it is absolute.
    expect(appOptions).toMatchObject({ name: 'settings', cwd: dir, clearInvalidConfig: false });
    const typed: ElectronStoreOptions<Record<string, unknown>> = appOptions;
    expect(typed.cwd).toBe(dir);
    const conf = new Conf(cliConfOptions(dir));
    expect(conf.path).toBe(join(dir, SETTINGS_FILE_NAME));
    expect(new Conf({ ...cliConfOptions(dir), configName: appOptions.name }).path).toBe(conf.path);
  });

  it('a write from one store is read by a fresh one, in a private file', async () => {
    const first = openSettings({ configDir: join(dir, 'nested', 'kubezt') });
    expect(first.recovered).toBeUndefined();
    expect(first.store.read()).toEqual(settingsDefaults);
    const written = first.store.update({ accountId: 'acc-1', notifications: { contextUnreachable: false } });
    expect(written.notifications).toEqual({ warpDisconnect: true, contextUnreachable: false });

    const second = openSettings({ configDir: join(dir, 'nested', 'kubezt') });
    expect(second.store.read()).toEqual<Settings>({
      ...settingsDefaults,
      accountId: 'acc-1',
      notifications: { warpDisconnect: true, contextUnreachable: false },
    });
    expect((await stat(second.store.path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(second.store.path, 'utf8'))).toMatchObject({ accountId: 'acc-1' });
  });

  it('removes an optional setting when the patch says undefined, and keeps unknown keys', async () => {
    const file = join(dir, SETTINGS_FILE_NAME);
    await writeFile(file, JSON.stringify({ catalogPath: '/c.yaml', futureSetting: 42 }));
    const { store, recovered } = openSettings({ configDir: dir });
    expect(recovered).toBeUndefined();
    store.update({ catalogPath: undefined, launchAtLogin: true });
    const onDisk = JSON.parse(await readFile(file, 'utf8'));
    expect(onDisk).not.toHaveProperty('catalogPath');
    expect(onDisk).toMatchObject({ futureSetting: 42, launchAtLogin: true });
  });

  it('refuses a bad change with a sentence naming the setting, and writes nothing', async () => {
    const { store } = openSettings({ configDir: dir });
    store.update({ launchAtLogin: true });
    const before = await readFile(store.path);
    let error: unknown;
    try {
      store.update({ refreshIntervalSec: 3, launchAtLogin: false });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({
      code: 'bad-input',
      message: 'The setting "refreshIntervalSec" must be a whole number of seconds from 15 to 86400.',
    });
    expect(await readFile(store.path)).toEqual(before);
  });

  it('accepts a file saved with a byte order mark', async () => {
    await writeFile(join(dir, SETTINGS_FILE_NAME), `\uFEFF${JSON.stringify({ launchAtLogin: true })}`);
    const { store, recovered } = openSettings({ configDir: dir });
    expect(recovered).toBeUndefined();
    expect(store.read().launchAtLogin).toBe(true);
  });
});

describe('a corrupt or invalid settings file', () => {
  const corrupt: [string, string, RegExp][] = [
    ['invalid JSON', '{\n  "accountId": "abc",\n  oops\n}', /is not valid JSON \(line 3, column 3\)/],
    ['truncated by a crash', '{"accountId": "ab', /is not valid JSON/],
    ['empty file', '', /is not valid JSON/],
    ['an array', '[1, 2]', /does not hold a JSON object/],
    ['null', 'null', /does not hold a JSON object/],
    [
      'a bad value',
      '{"refreshIntervalSec": "soon"}',
      /has an invalid value for "refreshIntervalSec" \(it must be a whole number/,
    ],
    [
      'two bad values',
      '{"launchAtLogin": "yes", "notifications": {"warpDisconnect": 3}}',
      /has an invalid value for "notifications.warpDisconnect" and 1 more/,
    ],
  ];

  it.each(corrupt)(
    '%s: is moved aside byte for byte and reported, never reset in place',
    async (_name, text, reason) => {
      const file = join(dir, SETTINGS_FILE_NAME);
      const bytes = Buffer.from(`${text}`, 'utf8');
      await writeFile(file, bytes);

      const { store, recovered } = openSettings({ configDir: dir, now: fixedNow });

      const movedTo = `${file}.corrupt-${STAMP}`;
      expect(recovered).toMatchObject({ file, movedTo });
      expect(recovered?.reason).toMatch(reason);
      expect(await readFile(movedTo)).toEqual(bytes);
      expect(recovered?.error).toBeInstanceOf(UserError);
      expect(recovered?.error.code).toBe('settings-invalid');
      expect(recovered?.error.message).toBe(
        `The settings file ${file} ${recovered?.reason}, so kubezt moved it to ${movedTo} and uses the defaults; fix that file and move it back, or set your settings again.`,
      );
      // The defaults are in use, and the next write starts a fresh file next to the backup.
      expect(store.read()).toEqual(settingsDefaults);
      store.update({ launchAtLogin: true });
      expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ launchAtLogin: true });
      expect(await readFile(movedTo)).toEqual(bytes);
    },
  );

  it('never quotes the file content in its report', async () => {
    await writeFile(join(dir, SETTINGS_FILE_NAME), '{"accountId": "private-acct-123", broken');
    const recovered = recoverSettingsFile({ configDir: dir, now: fixedNow });
    expect(recovered?.error.message).not.toContain('private-acct-123');
    expect(recovered?.reason).not.toContain('private-acct-123');
  });

  it('keeps every earlier backup when the same second comes round again', async () => {
    const file = join(dir, SETTINGS_FILE_NAME);
    await writeFile(file, 'first {');
    recoverSettingsFile({ configDir: dir, now: fixedNow });
    await writeFile(file, 'second {');
    const second = recoverSettingsFile({ configDir: dir, now: fixedNow });
    expect(second?.movedTo).toBe(`${file}.corrupt-${STAMP}-2`);
    expect(await readFile(`${file}.corrupt-${STAMP}`, 'utf8')).toBe('first {');
    expect(await readFile(`${file}.corrupt-${STAMP}-2`, 'utf8')).toBe('second {');
  });

  it('leaves a good or missing file alone', async () => {
    expect(recoverSettingsFile({ configDir: dir })).toBeUndefined();
    await writeFile(join(dir, SETTINGS_FILE_NAME), '{"launchAtLogin": true}');
    expect(recoverSettingsFile({ configDir: dir })).toBeUndefined();
    expect(await readdir(dir)).toEqual([SETTINGS_FILE_NAME]);
  });

  it('reports a settings path it cannot read, and moves nothing', async () => {
    await mkdir(join(dir, SETTINGS_FILE_NAME));
    expect(() => openSettings({ configDir: dir })).toThrow(
      expect.objectContaining({
        code: 'settings-invalid',
        message: `The settings file ${join(dir, SETTINGS_FILE_NAME)} cannot be read (EISDIR); fix its permissions or remove it.`,
      }),
    );
    expect(await readdir(dir)).toEqual([SETTINGS_FILE_NAME]);
  });

  it('reports a file broken by hand while open, without clearing it', async () => {
    const { store } = openSettings({ configDir: dir });
    store.update({ launchAtLogin: true });
    await writeFile(store.path, '{ nope');
    expect(() => store.read()).toThrow(expect.objectContaining({ code: 'settings-invalid' }));
    expect(await readFile(store.path, 'utf8')).toBe('{ nope');
  });

  it('conf with these options refuses a bad file instead of wiping it', async () => {
    const file = join(dir, SETTINGS_FILE_NAME);
    await writeFile(file, '{"refreshIntervalSec": -1}');
    expect(() => new Conf(cliConfOptions(dir))).toThrow();
    expect(await readFile(file, 'utf8')).toBe('{"refreshIntervalSec": -1}');
  });
});

describe('configDirFor', () => {
  it.each<[string, Parameters<typeof configDirFor>[0], string]>([
    ['Linux default', { env: {}, platform: 'linux', homeDir: '/home/ada' }, '/home/ada/.config/kubezt'],
    [
      'Linux XDG_CONFIG_HOME',
      { env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', homeDir: '/home/ada' },
      '/xdg/kubezt',
    ],
    ['FreeBSD like Linux', { env: {}, platform: 'freebsd', homeDir: '/home/ada' }, '/home/ada/.config/kubezt'],
    [
      'macOS',
      { env: { XDG_CONFIG_HOME: '/ignored' }, platform: 'darwin', homeDir: '/Users/ada' },
      '/Users/ada/Library/Application Support/kubezt',
    ],
    [
      'Windows APPDATA',
      { env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, platform: 'win32', homeDir: 'C:\\Users\\ada' },
      'C:\\Users\\ada\\AppData\\Roaming\\kubezt',
    ],
    [
      'Windows without APPDATA',
      { env: {}, platform: 'win32', homeDir: 'C:\\Users\\ada' },
      'C:\\Users\\ada\\AppData\\Roaming\\kubezt',
    ],
    [
      'KUBEZT_CONFIG_DIR wins',
      { env: { KUBEZT_CONFIG_DIR: '/tmp/kz', XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', homeDir: '/home/ada' },
      '/tmp/kz',
    ],
    [
      'KUBEZT_CONFIG_DIR relative to cwd',
      { env: { KUBEZT_CONFIG_DIR: 'portable/cfg' }, platform: 'linux', homeDir: '/home/ada', cwd: '/media/usb' },
      '/media/usb/portable/cfg',
    ],
    [
      'KUBEZT_CONFIG_DIR on Windows',
      { env: { KUBEZT_CONFIG_DIR: 'D:\\kubezt', APPDATA: 'C:\\x' }, platform: 'win32', homeDir: 'C:\\Users\\ada' },
      'D:\\kubezt',
    ],
  ])('%s', (_name, input, expected) => {
    expect(configDirFor(input)).toBe(expected);
  });
});
