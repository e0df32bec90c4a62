import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import { UserError } from '../errors.ts';
import { preparePrivateFolder, settingsFolderError } from './private-files.ts';
import {
  confSchemaParts,
  type Settings,
  type SettingsInput,
  type SettingsPatch,
  SettingsSchema,
  validateSettings,
} from './schema.ts';

/**
 * One settings file for the CLI (conf) and the app (electron-store, which is conf plus Electron's
 * userData default): `<configDir>/settings.json`. electron-store calls the base name `name`, conf
 * calls it `configName`; both add ".json".
 */
export const SETTINGS_CONFIG_NAME = 'settings';
export const SETTINGS_FILE_NAME = `${SETTINGS_CONFIG_NAME}.json`;

/** The settings hold no secret, but an account id and local paths are nobody else's business. */
const SETTINGS_FILE_MODE = 0o600;

export function settingsFilePath(configDir: string): string {
  return path.join(configDir, SETTINGS_FILE_NAME);
}

/**
 * Options for `new ElectronStore(settingsStoreOptions(configDir))` in main/electron. Pass the
 * folder explicitly (from `configDirFor`) rather than relying on userData, so KUBEZT_CONFIG_DIR
 * applies to the app too. Call `recoverSettingsFile` first: electron-store throws on a bad file.
 */
export function settingsStoreOptions(configDir: string) {
  return {
    name: SETTINGS_CONFIG_NAME,
    cwd: configDir,
    ...confSchemaParts(),
    // Never: a bad file is moved aside by recoverSettingsFile and reported, not wiped.
    clearInvalidConfig: false,
    configFileMode: SETTINGS_FILE_MODE,
    watch: false,
  };
}

/** The same file through conf, for the CLI (electron-store imports `electron`). */
export function cliConfOptions(configDir: string) {
  const { name, ...rest } = settingsStoreOptions(configDir);
  return { ...rest, configName: name, projectSuffix: '' };
}

/** What happened to a settings file that could not be used. */
export interface SettingsRecovery {
  file: string;
  /** Where the unusable bytes are now, untouched. */
  movedTo: string;
  /** Why, in words: "is not valid JSON (line 3, column 5)". */
  reason: string;
  /** Ready to print (CLI: exit 2) or show (app): names the file, the backup, and what to do. */
  error: UserError;
}

/**
 * Makes sure the settings folder exists, owner-only (see preparePrivateFolder: a new folder is
 * created 0700, kubezt's own existing one tightened to 0700); throws `settings-invalid` when it
 * cannot be used. Then checks `<configDir>/settings.json` and, when it is not valid JSON or breaks the schema, moves
 * it aside to `settings.json.corrupt-<UTC timestamp>` so that nothing is lost and the next start
 * begins from defaults. Returns undefined when the file is fine or absent.
 * Throws `settings-invalid` when the file cannot be read or moved (then it stays where it is).
 */
export function recoverSettingsFile(opts: { configDir: string; now?: () => Date }): SettingsRecovery | undefined {
  // First of all, so that conf and electron-store never create it with the usual 0755.
  preparePrivateFolder(opts.configDir, SETTINGS_FILE_NAME);
  const file = settingsFilePath(opts.configDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new UserError(
      'settings-invalid',
      `The settings file ${file} cannot be read (${code ?? (e as Error).message}); fix its permissions or remove it.`,
      { cause: e },
    );
  }
  const reason = problemWith(text);
  if (reason === undefined) return undefined;

  const stamp = (opts.now ?? (() => new Date()))().toISOString().replace(/[:.]/g, '-');
  let movedTo = `${file}.corrupt-${stamp}`;
  for (let n = 2; existsSync(movedTo); n++) movedTo = `${file}.corrupt-${stamp}-${n}`;
  try {
    renameSync(file, movedTo);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Another kubezt process moved it first: that one reports it.
    if (code === 'ENOENT') return undefined;
    throw new UserError(
      'settings-invalid',
      `The settings file ${file} ${reason} and could not be moved aside (${code ?? (e as Error).message}); fix or remove it by hand.`,
      { cause: e },
    );
  }
  const error = new UserError(
    'settings-invalid',
    `The settings file ${file} ${reason}, so kubezt moved it to ${movedTo} and uses the defaults; fix that file and move it back, or set your settings again.`,
  );
  return { file, movedTo, reason, error };
}

function problemWith(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    // V8 quotes the text around the error; only the position is kept, never file content.
    const m = /\(line (\d+) column (\d+)\)/.exec((e as Error).message);
    return m ? `is not valid JSON (line ${m[1]}, column ${m[2]})` : 'is not valid JSON';
  }
  const result = validateSettings(value);
  if (result.ok) return undefined;
  const [first] = result.issues;
  if (!first || first.key === '') return 'does not hold a JSON object';
  const more = result.issues.length > 1 ? ` and ${result.issues.length - 1} more` : '';
  return `has an invalid value for "${first.key}"${more} (it must be ${helpOf(first.message)})`;
}

function helpOf(message: string): string {
  return message.replace(/^The setting "[^"]*" must be /, '').replace(/\.$/, '');
}

/** The subset of conf's (and electron-store's) API the settings need. */
export interface ConfLike {
  readonly path: string;
  store: Record<string, unknown>;
}

/** Typed settings over a conf or electron-store instance. */
export interface SettingsStore {
  readonly path: string;
  /** The settings with defaults filled in. */
  read(): Settings;
  /** Validates and writes a change; returns the new settings. Throws `bad-input` naming the setting. */
  update(patch: SettingsPatch): Settings;
}

export function settingsStoreFrom(conf: ConfLike): SettingsStore {
  const readStore = (): Record<string, unknown> => {
    try {
      return conf.store;
    } catch (e) {
      // Changed on disk after it was opened (another process or a hand edit); conf does not clear it.
      throw new UserError(
        'settings-invalid',
        `The settings file ${conf.path} became invalid while kubezt was running; fix it, or restart kubezt to move it aside.`,
        { cause: e },
      );
    }
  };
  return {
    path: conf.path,
    read: () => SettingsSchema.parse(readStore()),
    update(patch) {
      const current = readStore();
      const next: Record<string, unknown> = { ...current };
      for (const [key, value] of Object.entries(patch)) {
        if (key === 'notifications' && value !== undefined) {
          const merged: Record<string, unknown> = { ...(current.notifications as object | undefined) };
          for (const [k, v] of Object.entries(value as object)) {
            if (v === undefined) delete merged[k];
            else merged[k] = v;
          }
          next.notifications = merged;
        } else if (value === undefined) {
          delete next[key];
        } else {
          next[key] = value;
        }
      }
      const result = validateSettings(next);
      if (!result.ok) {
        throw new UserError('bad-input', result.issues[0]?.message ?? 'The settings change is invalid.');
      }
      conf.store = next as SettingsInput;
      return SettingsSchema.parse(readStore());
    },
  };
}

/**
 * Opens the settings for the CLI. A bad file is moved aside first (see `recoverSettingsFile`)
 * and reported in `recovered`; the caller decides how loud to be (the CLI prints the error).
 */
export function openSettings(opts: { configDir: string; now?: () => Date }): {
  store: SettingsStore;
  recovered?: SettingsRecovery;
} {
  const recovered = recoverSettingsFile(opts);
  let conf: Conf<Record<string, unknown>>;
  try {
    conf = new Conf<Record<string, unknown>>(cliConfOptions(opts.configDir));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw settingsFolderError(opts.configDir, code, e);
    // The file changed between the check and conf's own read: report it, never reset it.
    throw new UserError(
      'settings-invalid',
      `The settings file ${settingsFilePath(opts.configDir)} is invalid; run the command again to move it aside.`,
      { cause: e },
    );
  }
  const store = settingsStoreFrom(conf);
  return recovered ? { store, recovered } : { store };
}
