import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MIN_REDACTED_LENGTH, type SecretForm, secretForms } from './redact.ts';

/**
 * A leak scanner for tests (and the security scan script): does a secret appear, in any common
 * spelling, in these strings, files or folder trees? Used to prove the Cloudflare token never
 * reaches settings, caches, logs, kubeconfigs, reports, `--json` output or error messages.
 */
export type LeakSource =
  /** Text to scan (stdout, an error message, an IPC payload…), labelled "text #N" in results. */
  | string
  | { label: string; text: string | Uint8Array }
  /** A file, or a folder scanned recursively (symlinks are not followed). */
  | { path: string };

export interface SecretLeak {
  /** The label, the file path, or "text #N". */
  where: string;
  form: SecretForm;
  /** Byte offset of the first match in that source. */
  offset: number;
}

export async function findSecretIn(sources: readonly LeakSource[], secret: string): Promise<SecretLeak[]> {
  if (secret.length < MIN_REDACTED_LENGTH) {
    throw new Error(`findSecretIn needs a secret of at least ${MIN_REDACTED_LENGTH} characters to mean anything`);
  }
  const needles = [
    ...secretForms(secret).map((f) => ({ form: f.form, bytes: Buffer.from(f.text, 'utf8') })),
    { form: 'utf16le' as const, bytes: Buffer.from(secret, 'utf16le') },
  ];
  const leaks: SecretLeak[] = [];
  const scan = (where: string, data: Uint8Array) => {
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    for (const needle of needles) {
      const offset = buf.indexOf(needle.bytes);
      if (offset !== -1) leaks.push({ where, form: needle.form, offset });
    }
  };
  const walk = async (p: string): Promise<void> => {
    const info = await lstat(p);
    if (info.isDirectory()) {
      for (const name of (await readdir(p)).sort()) await walk(path.join(p, name));
    } else if (info.isFile()) {
      scan(p, await readFile(p));
    }
  };
  let n = 0;
  for (const source of sources) {
    n++;
    if (typeof source === 'string') scan(`text #${n}`, Buffer.from(source, 'utf8'));
    else if ('path' in source) await walk(source.path);
    else scan(source.label, typeof source.text === 'string' ? Buffer.from(source.text, 'utf8') : source.text);
  }
  return leaks;
}
