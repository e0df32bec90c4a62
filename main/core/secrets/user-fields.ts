import { loadAll, YAML11_SCHEMA } from 'js-yaml';
import { loadKubeconfigData } from '../kubeconfig/quick.ts';
import type { KubeconfigSource } from '../kubeconfig/types.ts';
import { secretExecArgs } from './exec-args.ts';
import { MIN_REDACTED_LENGTH } from './redact.ts';

/**
 * Which parts of a kubeconfig are credentials, decided by where a value sits in the parsed YAML
 * rather than by how its line looks: every value under `users[*].user` is one, at any depth and in
 * any YAML style (block scalars, quoted or flow, under `auth-provider.config`, exec `args` and
 * `env`, an unknown field a newer kubectl may add), except the fields below. Those name or
 * describe something and prove nothing, and the setup diff is easier to review with them shown:
 *
 * - `exec.command`: the plugin that is run. A remedy names it too (by its basename).
 * - `exec.apiVersion`, `exec.interactiveMode`, `exec.provideClusterInfo`: how it is run.
 * - `exec.installHint`: text written to be shown to people when the plugin is missing.
 * - `exec.env[*].name`: the variable names; their values are credentials.
 * - `auth-provider.name`: which provider (oidc, gcp); its `config` is credentials.
 * - `tokenFile`, `client-certificate`, `client-key`: paths. The files hold the secret, kubezt
 *   never prints their content, and a path alone authenticates no one. The inline forms
 *   (`token`, `client-certificate-data`, `client-key-data`) are credentials.
 * - `username`, `as`, `as-uid`, `as-groups[*]`: who the user is or impersonates, as kubectl
 *   itself prints them; `password` and `as-user-extra` are not on the list.
 * - `extensions[*].name`, and `managed`, `cluster` and `sources[*]` inside an extension: the
 *   marker kubezt writes on its own users (which cluster it wrote the user for, and which cluster
 *   sources listed it). Other extension fields are credentials like anything else: redacting the
 *   marker would turn words such as "cloudflare" into secrets and blank them out of remedies.
 *
 * Only a scalar in exactly one of those places is shown: a list or mapping where a scalar is
 * expected, a value reached through an alias or merge key, and anything in a users entry besides
 * `name` and `user` count as credentials.
 */
const ANY_INDEX = -1;
type PathPattern = readonly (string | typeof ANY_INDEX)[];
const PUBLIC_USER_FIELDS: readonly PathPattern[] = [
  ['exec', 'command'],
  ['exec', 'apiVersion'],
  ['exec', 'interactiveMode'],
  ['exec', 'provideClusterInfo'],
  ['exec', 'installHint'],
  ['exec', 'env', ANY_INDEX, 'name'],
  ['auth-provider', 'name'],
  ['tokenFile'],
  ['client-certificate'],
  ['client-key'],
  ['username'],
  ['as'],
  ['as-uid'],
  ['as-groups', ANY_INDEX],
  ['extensions', ANY_INDEX, 'name'],
  ['extensions', ANY_INDEX, 'extension', 'managed'],
  ['extensions', ANY_INDEX, 'extension', 'cluster'],
  ['extensions', ANY_INDEX, 'extension', 'sources', ANY_INDEX],
];

/** Keys (strings) and sequence indexes (numbers) from a user's `user:` mapping down to a value. */
export type UserFieldPath = readonly (string | number)[];

export function isPublicUserField(path: UserFieldPath): boolean {
  return PUBLIC_USER_FIELDS.some(
    (p) =>
      p.length === path.length &&
      p.every((part, i) => (part === ANY_INDEX ? typeof path[i] === 'number' : part === path[i])),
  );
}

/** Where a walk is: a path under `user` (public fields may show), or SECRET (nothing shows). */
export const SECRET = null;
export type Where = UserFieldPath | typeof SECRET;

export const child = (where: Where, part: string | number): Where => (where === SECRET ? SECRET : [...where, part]);

const isExecArg = (where: Where): boolean =>
  where !== SECRET && where.length === 3 && where[0] === 'exec' && where[1] === 'args' && typeof where[2] === 'number';

/**
 * Collects secret values met while walking one user; exec arguments are held back and filtered
 * by `secretExecArgs` once the user is done, since that rule depends on their order.
 */
function userCollector(out: Set<string>) {
  let args: string[] = [];
  return {
    value(value: string, where: Where) {
      if (isExecArg(where)) args.push(value);
      else addSecret(out, value);
    },
    endUser() {
      for (const a of secretExecArgs(args)) addSecret(out, a);
      args = [];
    },
  };
}

/** Every credential value under one `users` list of plain data (as a YAML loader returns it). */
function dataUserSecrets(users: unknown, out: Set<string>): void {
  const collect = userCollector(out);
  // Aliases load as shared objects: each is walked once, so repeated aliases cost nothing.
  const seen = new WeakSet<object>();
  const walk = (value: unknown, where: Where): void => {
    if (value === null || value === undefined) return;
    if (typeof value === 'object') {
      if (seen.has(value)) return;
      seen.add(value);
    }
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, child(where, i));
    } else if (value instanceof Date) collect.value(value.toISOString(), where);
    else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, child(where, k));
    } else if (where === SECRET || !isPublicUserField(where)) collect.value(String(value), where);
  };
  if (!Array.isArray(users)) {
    walk(users, SECRET);
    return;
  }
  for (const item of users) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      walk(item, SECRET);
      continue;
    }
    for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
      if (k === 'user') walk(v, []);
      else if (k !== 'name' || (v !== null && typeof v === 'object')) walk(v, SECRET);
    }
    collect.endUser();
  }
}

/**
 * A secret as it may show up in other text: whole, and each line of a multi-line one (a
 * plugin's stderr or a block scalar's content comes out line by line).
 */
function addSecret(out: Set<string>, value: string): void {
  if (value.trim().length >= MIN_REDACTED_LENGTH) out.add(value);
  if (!/[\r\n]/.test(value)) return;
  for (const line of value.split(/\r?\n/)) if (line.trim().length >= MIN_REDACTED_LENGTH) out.add(line.trim());
}

/**
 * Every credential in these kubeconfig files, by the rule above, for redacting anything printed
 * or sent out (reports, `--json`, IPC answers). Reads each file as the probe does (the kubeconfig
 * fast path's readers), else with js-yaml's multi-document loader; a file neither accepts
 * contributes nothing, since kubectl and kubezt cannot use its credentials either.
 */
export function kubeconfigUserSecrets(sources: readonly KubeconfigSource[]): string[] {
  const out = new Set<string>();
  for (const source of sources) {
    if (source.bytes === null) continue;
    let docs: unknown[];
    try {
      const loaded = loadKubeconfigData(source);
      docs = loaded ? [loaded.data] : loadAll(source.bytes, null, { schema: YAML11_SCHEMA });
    } catch {
      continue;
    }
    for (const data of docs) {
      if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
        dataUserSecrets((data as Record<string, unknown>).users, out);
      }
    }
  }
  return [...out];
}
