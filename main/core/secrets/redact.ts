/**
 * Redaction of text that leaves kubezt (reports, `--json`, IPC answers, errors, logs): one module
 * for the CLI and the app. `redactSecrets` removes the exact secrets the caller knows, in every
 * spelling; `redactText` also removes credential-shaped text it may not know (a plugin's stderr, a
 * server's message).
 */
export const REDACTED = '[redacted]';

/**
 * Shorter "secrets" are not redacted: replacing every "abc" in a log would destroy it and still
 * not protect anything worth protecting. Cloudflare API tokens are 40 characters.
 */
export const MIN_REDACTED_LENGTH = 4;

/** The spellings of a secret that end up in text: as is, URL-encoded, JSON-escaped, base64. */
export function secretForms(secret: string): { form: SecretForm; text: string }[] {
  const forms: { form: SecretForm; text: string }[] = [{ form: 'plain', text: secret }];
  const add = (form: SecretForm, text: string) => {
    if (text.length >= MIN_REDACTED_LENGTH && !forms.some((f) => f.text === text)) forms.push({ form, text });
  };
  add('url-encoded', encodeURIComponent(secret));
  add('json-escaped', JSON.stringify(secret).slice(1, -1));
  for (const b64 of base64Cores(secret)) {
    add('base64', b64);
    add('base64', b64.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return forms;
}

export type SecretForm = 'plain' | 'url-encoded' | 'json-escaped' | 'base64' | 'utf16le';

/**
 * The part of the base64 encoding that depends only on the secret, for each of the three byte
 * offsets it can start at inside a larger encoded blob (e.g. a base64'd Authorization header).
 */
export function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const cores: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const from = Math.ceil((8 * shift) / 6);
    const to = Math.floor((8 * (shift + bytes.length)) / 6);
    const core = encoded.slice(from, to);
    if (core.length >= MIN_REDACTED_LENGTH) cores.push(core);
  }
  return cores;
}

/** Replaces every known spelling of every secret in `text` with "[redacted]". */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  return redactorFor(secrets)(text);
}

const redactors = new WeakMap<readonly (string | undefined)[], { length: number; redact: (text: string) => string }>();

/**
 * One pass over the text whatever the number of secrets (a kubeconfig may hold thousands, and a
 * report has many strings): the spellings are indexed by their first characters, every match at
 * every position is found, and overlapping matches are hidden as one, so that two secrets that
 * overlap in the text leave no part of either. Compiled once per list of secrets (again when
 * the list has grown).
 */
function redactorFor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const cached = redactors.get(secrets);
  if (cached && cached.length === secrets.length) return cached.redact;
  const needles = [
    ...new Set(
      secrets
        .filter((s): s is string => typeof s === 'string' && s.trim().length >= MIN_REDACTED_LENGTH)
        .flatMap((s) => secretForms(s).map((f) => f.text)),
    ),
  ];
  const byPrefix = new Map<string, string[]>();
  for (const n of needles) {
    const key = n.slice(0, MIN_REDACTED_LENGTH);
    byPrefix.set(key, [...(byPrefix.get(key) ?? []), n]);
  }
  const redact = (text: string): string => {
    if (byPrefix.size === 0 || text.length < MIN_REDACTED_LENGTH) return text;
    let out = '';
    let from = 0;
    let hideFrom = -1;
    let hideTo = -1;
    for (let i = 0; i + MIN_REDACTED_LENGTH <= text.length; i++) {
      const candidates = byPrefix.get(text.slice(i, i + MIN_REDACTED_LENGTH));
      if (!candidates) continue;
      let end = -1;
      for (const n of candidates) if (i + n.length > end && text.startsWith(n, i)) end = i + n.length;
      if (end === -1) continue;
      if (i > hideTo) {
        if (hideTo !== -1) out += `${text.slice(from, hideFrom)}${REDACTED}`;
        from = hideTo === -1 ? from : hideTo;
        hideFrom = i;
      }
      hideTo = Math.max(hideTo, end);
    }
    if (hideTo === -1) return text;
    return `${out}${text.slice(from, hideFrom)}${REDACTED}${text.slice(hideTo)}`;
  };
  redactors.set(secrets, { length: secrets.length, redact });
  return redact;
}

/**
 * Credentials kubezt may not know by value: PEM private keys, bearer and basic headers, JWTs,
 * `token=…` / `"password": "…"` pairs, and the value after a command-line flag whose name looks
 * secret (`--client-secret VALUE`, `--token=VALUE`, `-password 'a b'`). A value that looks like
 * the next flag is left alone, so `--token --client-secret VALUE` still hides VALUE.
 */
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g;
const AUTH_HEADER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
// Names are bounded so that a long run of word characters costs linear time, not quadratic.
const SECRET_PAIR =
  /\b([\w.-]{0,40}?(?:token|passw(?:or)?d|secret|api[_-]?key|access[_-]?key|private[_-]?key|client-key-data)[\w.-]{0,40}?)(["']?\s*[:=]\s*["']?)[^\s"',;&]{4,}/gi;
const SECRET_FLAG = /(?<![\w-])(--?[A-Za-z][\w.-]{0,60})(=|[ \t]+)(?!--?[A-Za-z])("[^"\n]*"|'[^'\n]*'|[^\s"',;\\]+)/g;
const SECRET_FLAG_NAME = /secret|token|passw|key|credential/i;

export function redactCredentialPatterns(text: string): string {
  return text
    .replace(PEM_PRIVATE_KEY, REDACTED)
    .replace(AUTH_HEADER, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(SECRET_PAIR, (_m, key: string, sep: string) => `${key}${sep}${REDACTED}`)
    .replace(SECRET_FLAG, (m, flag: string, sep: string, value: string) =>
      SECRET_FLAG_NAME.test(flag) && value !== REDACTED ? `${flag}${sep}${REDACTED}` : m,
    );
}

/** The known secrets in every spelling, then anything credential-shaped. */
export function redactText(text: string, secrets: readonly (string | undefined)[] = []): string {
  return redactCredentialPatterns(redactSecrets(text, secrets));
}

/** A deep copy with every string redacted by `redactText` (object keys kept). */
export function redactValue<T>(value: T, secrets: readonly (string | undefined)[] = []): T {
  if (typeof value === 'string') return redactText(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, secrets);
    return out as T;
  }
  return value;
}

/**
 * `value` as pretty JSON with every string redacted first: redacting the JSON text instead could
 * cut an escape sequence in half, and would miss a secret that JSON escapes differently.
 */
export function redactedJson(value: unknown, secrets: readonly (string | undefined)[] = []): string {
  return JSON.stringify(redactValue(value, secrets), null, 2);
}
