import type { ProbeTarget } from '../probe/types.ts';

/**
 * Reports get pasted into support tickets, so everything credential-shaped is removed before a
 * report, a `--json` answer or an IPC payload leaves kubezt: the exact secrets the caller knows
 * (the kubeconfig's credentials, see core/secrets/kubeconfig.ts, and those of the probed
 * targets) and patterns of secrets it may not know. The redaction itself lives in core/secrets.
 */
export { REDACTED, redactText, redactValue } from '../secrets/redact.ts';

/**
 * Every secret a set of probe targets carries: tokens, certificates and keys, and every exec
 * argument and environment value (a plugin may echo them on stderr, which lands in a step's
 * detail). An argument that is only a flag name (`--region`) is not one; `--token=VALUE` gives
 * VALUE as well as the whole argument.
 */
export function secretsOf(targets: readonly ProbeTarget[]): string[] {
  const out: string[] = [];
  for (const t of targets) {
    const c = t.credentials;
    if (c.kind === 'token') out.push(c.token);
    if (c.kind === 'clientCertificate') out.push(c.keyPem, c.certPem);
    if (c.kind !== 'exec') continue;
    for (const arg of c.exec.args ?? []) {
      if (/^--?[A-Za-z][\w.-]*$/.test(arg)) continue;
      out.push(arg);
      const value = /^--?[A-Za-z][\w.-]*=(.+)$/s.exec(arg)?.[1];
      if (value) out.push(value);
    }
    for (const e of c.exec.env ?? []) out.push(e.value);
  }
  return out;
}
