/** IPC schemas for settings, login and kubeconfig backups (see ipc/contract.ts). */
import { z } from 'zod';
import { SettingsSchema } from '../../main/core/settings/schema.ts';
import { accountId, clusterName, filePath, isoTime, shortText } from './common.ts';

/** The settings as the UI edits them: the core's own schema (the one the CLI uses too). */
export const SettingsViewSchema = z.object({ settings: SettingsSchema, file: filePath.nullable() });
export type SettingsView = z.infer<typeof SettingsViewSchema>;
export type SettingsValues = z.infer<typeof SettingsSchema>;

/**
 * A change to the settings. Top-level keys replace, `notifications` merges, and `null` clears an
 * optional setting (structured clone and JSON disagree about `undefined`, so null is explicit).
 * File paths come only from main's own dialogs (chooseCatalogFile, chooseKubeconfigFile): the
 * page may clear them, never set them.
 */
export const SettingsPatchSchema = z.strictObject({
  accountId: accountId.nullable().optional(),
  catalogPath: z.null().optional(),
  kubeconfigPath: z.null().optional(),
  contextNameTemplate: z.string().min(1).max(200).nullable().optional(),
  refreshIntervalSec: z.number().int().min(15).max(86_400).nullable().optional(),
  notifications: z
    .strictObject({ warpDisconnect: z.boolean().optional(), contextUnreachable: z.boolean().optional() })
    .optional(),
  launchAtLogin: z.boolean().optional(),
  backgroundExecPlugins: z.boolean().optional(),
  /** The whole pinned list (the dashboard's pin buttons). */
  pinned: z.array(clusterName).max(500).optional(),
  switchVirtualNetwork: z.enum(['auto', 'ask', 'never']).optional(),
});
export type SettingsPatchRequest = z.infer<typeof SettingsPatchSchema>;

export const LoginRequestSchema = z.strictObject({
  token: z
    .string()
    .min(20, 'a Cloudflare API token is at least 20 characters')
    .max(4_096)
    .regex(/^[\x21-\x7e]+$/, 'a Cloudflare API token has no spaces or special characters'),
  accountId: accountId.optional(),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

/** Login state. The token itself never appears here: it goes into main and stays there. */
export const LoginStatusSchema = z.object({
  loggedIn: z.boolean(),
  accountId: accountId.nullable(),
  /** Where the token comes from: the OS keychain, or CLOUDFLARE_API_TOKEN (read-only). */
  source: z.enum(['keychain', 'env']).nullable(),
  /** Accounts the token can see (to pick one), when known. */
  accounts: z
    .array(z.object({ id: accountId, name: z.string().max(300) }))
    .max(500)
    .optional(),
});
export type LoginStatus = z.infer<typeof LoginStatusSchema>;

/** One of kubezt's own kubeconfig backups (see main/core/kubeconfig/backups.ts), for Settings. */
export const BackupViewSchema = z.object({
  /** What `kubezt restore ID` takes. */
  id: z.string().regex(/^\d{8}-\d{6}-\d{3}(?:-\d{1,4})?$/),
  time: isoTime,
  /** The kubeconfig it is a copy of. */
  path: filePath,
  /** What the write that followed it did ("setup: added zt-prod-us"). */
  what: shortText,
});
export type BackupView = z.infer<typeof BackupViewSchema>;

export const BackupListSchema = z.object({
  /** Where they are kept; null when this host keeps none. */
  folder: filePath.nullable(),
  /** Newest first. */
  backups: z.array(BackupViewSchema).max(100),
});
export type BackupList = z.infer<typeof BackupListSchema>;

export const ViewNameSchema = z.enum(['clusters', 'setup', 'diagnostics', 'settings']);
export type ViewName = z.infer<typeof ViewNameSchema>;
