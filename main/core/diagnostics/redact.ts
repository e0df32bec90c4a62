import type { ProbeTarget } from '../probe/types.ts';

/**
 * Reports get pasted into support tickets, so anything credential-shaped is removed before a
 * report is rendered: the exact secrets the caller knows (tokens, keys of the probed contexts),
 * and patterns of secrets it may not know (bearer headers, JWTs, PEM private keys, key=value
 * tokens that a plugin's stderr could carry).
 */
export const REDACTED = '[redacted]';

const PATTERNS: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
  /\b((?:access_|id_|refresh_|api_)?token|password|secret|client-key-data)(["']?\s*[:=]\s*["']?)[^\s"',;&]{4,}/gi,
];

export function redactText(text: string, secrets: readonly string[] = []): string {
  return redactOrdered(text, ordered(secrets));
}

/** Longest first, so a secret containing another is removed whole. */
function ordered(secrets: readonly string[]): string[] {
  return secrets.filter((x) => x.length >= 4).sort((a, b) => b.length - a.length);
}

function redactOrdered(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    // A text rarely holds a secret: looking costs nothing, splitting copies the text.
    if (out.includes(s)) out = out.split(s).join(REDACTED);
  }
  out = out.replace(PATTERNS[0] as RegExp, REDACTED);
  out = out.replace(PATTERNS[1] as RegExp, (_m, scheme: string) => `${scheme} ${REDACTED}`);
  out = out.replace(PATTERNS[2] as RegExp, REDACTED);
  out = out.replace(PATTERNS[3] as RegExp, (_m, key: string, sep: string) => `${key}${sep}${REDACTED}`);
  return out;
}

/** Deep copy with every string redacted (keys kept). */
export function redactValue<T>(value: T, secrets: readonly string[] = []): T {
  return redactCopy(value, ordered(secrets));
}

function redactCopy<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return redactOrdered(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactCopy(v, secrets)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactCopy(v, secrets);
    return out as T;
  }
  return value;
}

/** Every secret a set of probe targets carries, for `redactText`. */
export function secretsOf(targets: readonly ProbeTarget[]): string[] {
  const out: string[] = [];
  for (const t of targets) {
    const c = t.credentials;
    if (c.kind === 'token') out.push(c.token);
    if (c.kind === 'clientCertificate') out.push(c.keyPem);
    if (c.kind === 'exec')
      for (const e of c.exec.env ?? []) if (/token|secret|key|password/i.test(e.name)) out.push(e.value);
  }
  return out;
}
