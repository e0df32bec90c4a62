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
  const needles = secrets
    .filter((s): s is string => typeof s === 'string' && s.trim().length >= MIN_REDACTED_LENGTH)
    .flatMap((s) => secretForms(s).map((f) => f.text))
    // Longest first, so a form that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const needle of needles) out = out.replaceAll(needle, REDACTED);
  return out;
}
