import type { ProbeTarget } from '../probe/types.ts';
import { secretExecArgs } from '../secrets/exec-args.ts';

/**
 * Reports get pasted into support tickets, so everything credential-shaped is removed before a
 * report, a `--json` answer or an IPC payload leaves kubezt: the exact secrets the caller knows
 * (the kubeconfig's credentials, see core/secrets/user-fields.ts, and those of the probed
 * targets) and patterns of secrets it may not know. The redaction itself lives in core/secrets.
 */
export { REDACTED, redactText, redactValue } from '../secrets/redact.ts';

/**
 * Every secret a set of probe targets carries: tokens, certificates and keys, and every exec
 * argument (as `secretExecArgs` counts them) and environment value: a plugin may echo them on
 * stderr, which lands in a step's detail.
 */
export function secretsOf(targets: readonly ProbeTarget[]): string[] {
  const out: string[] = [];
  for (const t of targets) {
    const c = t.credentials;
    if (c.kind === 'token') out.push(c.token);
    if (c.kind === 'clientCertificate') out.push(c.keyPem, c.certPem);
    if (c.kind !== 'exec') continue;
    out.push(...secretExecArgs(c.exec.args ?? []));
    for (const e of c.exec.env ?? []) out.push(e.value);
  }
  return out;
}
