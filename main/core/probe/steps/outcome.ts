import { execPluginName } from '../../model/cluster.ts';
import type { ProbeTarget, StepReason, StepResult } from '../types.ts';

/** What a step found; the orchestrator adds the step's name and duration. */
export type StepOutcome = Omit<StepResult, 'step' | 'durationMs'>;

export const ok = (reason: StepReason, detail: string, data?: Record<string, unknown>): StepOutcome => ({
  status: 'ok',
  reason,
  detail,
  ...(data ? { data } : {}),
});
export const warn = (
  reason: StepReason,
  detail: string,
  remedy: string,
  data?: Record<string, unknown>,
): StepOutcome => ({
  status: 'warn',
  reason,
  detail,
  remedy,
  ...(data ? { data } : {}),
});
export const fail = (
  reason: StepReason,
  detail: string,
  remedy: string,
  data?: Record<string, unknown>,
): StepOutcome => ({
  status: 'fail',
  reason,
  detail,
  remedy,
  ...(data ? { data } : {}),
});
export const skip = (reason: StepReason, detail: string): StepOutcome => ({ status: 'skip', reason, detail });

export const hostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

export function cnOf(dn: string): string {
  return /(?:^|, )CN=([^,]+)/.exec(dn)?.[1] ?? dn;
}

export const since = (started: number) => Math.round((performance.now() - started) * 10) / 10;

/** What to do when the server rejects the credentials, by their kind. */
export function credentialsRemedy(target: ProbeTarget): string {
  const c = target.credentials;
  switch (c.kind) {
    case 'none':
    case 'notSetUp':
      return 'The context has no credentials: give its user a token, a client certificate or an exec plugin (kubezt setup writes one).';
    case 'token':
    case 'tokenFile':
      return 'The token was rejected (expired, revoked or meant for another cluster): replace it with a fresh one.';
    case 'clientCertificate':
    case 'clientCertificateFiles':
      return "The client certificate was rejected (expired, or not signed by this cluster's client CA): get a new one from the cluster's admin.";
    case 'exec':
      // The plugin by name only: its arguments and environment often hold a client secret.
      return `The credentials from the exec plugin "${execPluginName(c.exec.command)}" were rejected (expired, or meant for another cluster): sign in again with that tool, then check again.`;
  }
}
