/**
 * The exec arguments that count as secrets for redaction: all of them except the leading
 * subcommand words (`eks get-token`, `access token`, `oidc-login get-token`: lowercase words
 * before the first flag, which name what the plugin does) and bare flag names (`--region`).
 * `--flag=VALUE` gives VALUE as well as the whole argument. The diff masks every argument; this
 * rule only keeps reports from losing every "token" and "cluster" a plugin's words would take.
 */
export function secretExecArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  let leading = true;
  for (const arg of args) {
    if (leading && /^[a-z]+(?:-[a-z]+)*$/.test(arg)) continue;
    leading = false;
    if (/^--?[A-Za-z][\w.-]*$/.test(arg)) continue;
    out.push(arg);
    const value = /^--?[A-Za-z][\w.-]*=([\s\S]+)$/.exec(arg)?.[1];
    if (value) out.push(value);
  }
  return out;
}
