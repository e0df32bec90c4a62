import { secretsOf } from '../core/diagnostics/redact.ts';
import type { ProbeTarget } from '../core/probe/types.ts';

/** What a fleet run must redact, gathered from what its planning read. */
export interface FleetSecretSources {
  /** The targets to probe: their own credentials. */
  targets: readonly ProbeTarget[];
  /** Every credential field of every user in the kubeconfig files (core/secrets/user-fields). */
  kubeconfigSecrets: readonly string[];
  /** The merged kubeconfig's users: basic-auth passwords are not user fields the reader lists. */
  users: readonly { password?: string | undefined }[];
  /** The process environment: a CLOUDFLARE_API_TOKEN there is redacted too. */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Every secret a fleet run (check, diagnose, status; the CLI's and the app's) must keep out of
 * what it prints or sends. Every user of the files counts, not only those of the probed contexts:
 * an exec plugin or a server may echo any of them.
 */
export function fleetSecrets(sources: FleetSecretSources): string[] {
  const secrets = [...secretsOf(sources.targets), ...sources.kubeconfigSecrets];
  for (const u of sources.users) if (u.password) secrets.push(u.password);
  const token = sources.env.CLOUDFLARE_API_TOKEN?.trim();
  if (token) secrets.push(token);
  return secrets;
}
