export { APP_NAME, configDirFor } from './paths.ts';
export { PRIVATE_FILE_MODE, PRIVATE_FOLDER_MODE, preparePrivateFolder, writePrivateFile } from './private-files.ts';
export {
  confSchemaParts,
  contextNameFor,
  DEFAULT_CONTEXT_NAME_TEMPLATE,
  DEFAULT_REFRESH_INTERVAL_SEC,
  SETTINGS_HELP,
  type Settings,
  type SettingsInput,
  type SettingsIssue,
  type SettingsPatch,
  SettingsSchema,
  type SettingsValidation,
  settingsDefaults,
  settingsJsonSchema,
  validateSettings,
} from './schema.ts';
export {
  type ConfLike,
  cliConfOptions,
  openSettings,
  recoverSettingsFile,
  SETTINGS_CONFIG_NAME,
  SETTINGS_FILE_NAME,
  type SettingsRecovery,
  type SettingsStore,
  settingsFilePath,
  settingsStoreFrom,
  settingsStoreOptions,
} from './store.ts';
