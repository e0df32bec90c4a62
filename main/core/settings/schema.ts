import { z } from 'zod';

/**
 * The one definition of kubezt's settings. The zod schema is the source of truth: the TS types,
 * the defaults and the JSON Schema that `conf` (CLI) and `electron-store` (app) validate the file
 * with are all derived from it, so the two programs can never disagree about the file.
 *
 * Unknown keys are kept, not rejected: a newer app may add a setting, and an older CLI must not
 * take that file for corrupt and move it aside. The Cloudflare API token is NOT a setting: it
 * lives in the OS keychain (see core/secrets).
 */

const CONTEXT_NAME_TEMPLATE_RE = /^(?:[A-Za-z0-9._:@-]|\{name\})*\{name\}(?:[A-Za-z0-9._:@-]|\{name\})*$/;

/** What each setting accepts, in words; error messages and the settings UI use it. */
export const SETTINGS_HELP = {
  accountId: 'a Cloudflare account id (letters, digits, "-" or "_", up to 64 characters)',
  catalogPath: 'the path of the team catalog file',
  kubeconfigPath: 'the path of the kubeconfig file to write',
  contextNameTemplate: 'a name containing "{name}" and otherwise only letters, digits and . _ : @ -, e.g. "zt-{name}"',
  refreshIntervalSec: 'a whole number of seconds from 15 to 86400',
  notifications: 'an object with the true/false fields warpDisconnect and contextUnreachable',
  'notifications.warpDisconnect': 'true or false',
  'notifications.contextUnreachable': 'true or false',
  launchAtLogin: 'true or false',
  backgroundExecPlugins: 'true or false',
  pinned: 'a list of up to 500 cluster names',
  recent: 'a list of up to 5 cluster names, most recent first',
  switchVirtualNetwork: '"auto", "ask" or "never"',
} as const;

/**
 * The Settings toggle that lets the app's periodic checks run exec credential plugins. Off by
 * default: a plugin may open a browser window (OIDC) or prompt, which nobody expects from a check
 * they did not ask for. The remedy of a check that skipped a plugin names it.
 */
export const BACKGROUND_EXEC_PLUGINS_LABEL = 'Run credential plugins in background checks';

const CLUSTER_NAME_RE = /^[a-z0-9-]{1,63}$/;
/** How many clusters the tray's "Recent" keeps. */
export const RECENT_MAX = 5;
/**
 * What `kubezt use` and a tray click do when the cluster sits in another WARP virtual network
 * than the selected one: switch WARP (naming a cluster is the intent to reach it), ask first, or
 * leave WARP alone and warn.
 */
export const SWITCH_VIRTUAL_NETWORK_VALUES = ['auto', 'ask', 'never'] as const;
export type SwitchVirtualNetworkPolicy = (typeof SWITCH_VIRTUAL_NETWORK_VALUES)[number];

export const DEFAULT_CONTEXT_NAME_TEMPLATE = 'zt-{name}';
export const DEFAULT_REFRESH_INTERVAL_SEC = 60;

export const SettingsSchema = z.looseObject({
  accountId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional()
    .describe(SETTINGS_HELP.accountId),
  catalogPath: z.string().min(1).max(4096).optional().describe(SETTINGS_HELP.catalogPath),
  kubeconfigPath: z.string().min(1).max(4096).optional().describe(SETTINGS_HELP.kubeconfigPath),
  contextNameTemplate: z
    .string()
    .max(200)
    .regex(CONTEXT_NAME_TEMPLATE_RE)
    .default(DEFAULT_CONTEXT_NAME_TEMPLATE)
    .describe(SETTINGS_HELP.contextNameTemplate),
  refreshIntervalSec: z
    .number()
    .int()
    .min(15)
    .max(86400)
    .default(DEFAULT_REFRESH_INTERVAL_SEC)
    .describe(SETTINGS_HELP.refreshIntervalSec),
  notifications: z
    .looseObject({
      warpDisconnect: z.boolean().default(true).describe(SETTINGS_HELP['notifications.warpDisconnect']),
      contextUnreachable: z.boolean().default(true).describe(SETTINGS_HELP['notifications.contextUnreachable']),
    })
    .prefault({})
    .describe(SETTINGS_HELP.notifications),
  launchAtLogin: z.boolean().default(false).describe(SETTINGS_HELP.launchAtLogin),
  backgroundExecPlugins: z.boolean().default(false).describe(SETTINGS_HELP.backgroundExecPlugins),
  /** Clusters the tray lists first (pinned from the dashboard). */
  pinned: z.array(z.string().regex(CLUSTER_NAME_RE)).max(500).optional().describe(SETTINGS_HELP.pinned),
  /** The last clusters switched to from the app, most recent first. */
  recent: z.array(z.string().regex(CLUSTER_NAME_RE)).max(RECENT_MAX).optional().describe(SETTINGS_HELP.recent),
  switchVirtualNetwork: z
    .enum(SWITCH_VIRTUAL_NETWORK_VALUES)
    .default('auto')
    .describe(SETTINGS_HELP.switchVirtualNetwork),
});

/** Settings as read: every default filled in. */
export type Settings = z.output<typeof SettingsSchema>;
/** Settings as stored: anything with a default may be missing. */
export type SettingsInput = z.input<typeof SettingsSchema>;
/**
 * A change: top-level keys replace, `notifications` merges; `undefined` removes an optional
 * setting (e.g. forget the catalog path) or resets one with a default.
 */
export type SettingsPatch = {
  [K in keyof Omit<Settings, 'notifications'>]?: Settings[K] | undefined;
} & { notifications?: Partial<Settings['notifications']> };

export const settingsDefaults: Readonly<Settings> = Object.freeze(SettingsSchema.parse({}));

/** JSON Schema (draft 2020-12) of the whole file, derived from the zod schema. */
export const settingsJsonSchema: Readonly<Record<string, unknown>> = (() => {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(SettingsSchema, { io: 'input' }) as Record<string, unknown>;
  return schema;
})();

/**
 * The same schema in the split form conf and electron-store take: `schema` holds the properties,
 * `rootSchema` every other root keyword (they reject `properties` there).
 */
export function confSchemaParts(): {
  schema: Record<string, Record<string, unknown>>;
  rootSchema: Record<string, unknown>;
} {
  const {
    properties,
    type: _type,
    ...rootSchema
  } = structuredClone(settingsJsonSchema) as {
    properties: Record<string, Record<string, unknown>>;
    type: string;
  } & Record<string, unknown>;
  return { schema: properties, rootSchema };
}

export interface SettingsIssue {
  /** Dotted path of the setting, e.g. "notifications.warpDisconnect"; "" for the file as a whole. */
  key: string;
  /** One sentence: which setting, what it accepts. */
  message: string;
}

export type SettingsValidation = { ok: true; settings: Settings } | { ok: false; issues: SettingsIssue[] };

/** Validates a parsed settings object (defaults applied to what is missing). Never throws. */
export function validateSettings(value: unknown): SettingsValidation {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, issues: [{ key: '', message: 'The settings must be a JSON object.' }] };
  }
  const result = SettingsSchema.safeParse(value);
  if (result.success) return { ok: true, settings: result.data };
  const seen = new Set<string>();
  const issues: SettingsIssue[] = [];
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.');
    if (seen.has(key)) continue;
    seen.add(key);
    const help = (SETTINGS_HELP as Record<string, string>)[key];
    issues.push({
      key,
      message: help ? `The setting "${key}" must be ${help}.` : `The setting "${key}" is invalid (${issue.message}).`,
    });
  }
  return { ok: false, issues };
}

/** The template applied to a cluster name, e.g. "zt-{name}" + "prod-us" → "zt-prod-us". */
export function contextNameFor(template: string, clusterName: string): string {
  return template.replaceAll('{name}', clusterName);
}
