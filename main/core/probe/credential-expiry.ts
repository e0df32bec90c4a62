import type crypto from 'node:crypto';
import {
  type CredentialKind,
  EXPIRING_WITHIN_MS,
  type ExpiryState,
  expiryPhrase,
  expiryState,
  formatExpiry,
} from '../../../ipc/expiry.ts';
import { execPluginName } from '../model/cluster.ts';
import type { ExecPluginPool } from './exec-plugin.ts';
import type { PemSource, ProbeTarget } from './types.ts';

/**
 * When a context's credentials stop working: a client certificate's notAfter, a bearer token's
 * JWT `exp`, an exec credential's `expirationTimestamp`. Reading it costs no network and runs no
 * plugin: an exec credential's expiry comes only from what the pool already remembers.
 */

export type { CredentialKind, ExpiryState };
// The threshold and the wording are shared with the renderer (ipc/expiry.ts): one rule and one
// phrase wherever an expiry is shown.
export { EXPIRING_WITHIN_MS, expiryPhrase, expiryState, formatExpiry };

export interface CredentialExpiry {
  kind: CredentialKind;
  /** ISO 8601. */
  expiresAt: string;
  /** Who issues a new one: the certificate's issuer CN, the token's `iss`. */
  issuer?: string;
  /** exec: the plugin's command name (never its arguments: they may hold a client secret). */
  plugin?: string;
}

const WHAT: Record<CredentialKind, string> = {
  'client-certificate': 'client certificate',
  token: 'token',
  exec: 'credentials from the exec plugin',
};

/** "The client certificate", "The credentials from the exec plugin "gke-gcloud-auth-plugin"". */
export function describeCredential(expiry: CredentialExpiry): string {
  return expiry.kind === 'exec' ? `The ${WHAT.exec} "${expiry.plugin ?? 'exec'}"` : `The ${WHAT[expiry.kind]}`;
}

/** What refreshes them: the plugin by name, else whoever issued them. */
export function expiryRemedy(expiry: CredentialExpiry, context: string): string {
  if (expiry.kind === 'exec') {
    return `Sign in again with "${expiry.plugin ?? 'the exec plugin'}" (any kubectl command with context "${context}" runs it), then check again.`;
  }
  const from = expiry.issuer ? `"${expiry.issuer}"` : 'the cluster owner';
  return `Get a new ${WHAT[expiry.kind]} from ${from} and put it in context "${context}"'s user.`;
}

/** notAfter and issuer CN of a PEM certificate (the first in a bundle); null when it does not parse. */
export function certificateExpiry(pem: string): { expiresAt: string; issuer?: string } | null {
  try {
    // Fetched when used: the CLI imports this module at start-up, and `kubezt use` reads no certificate.
    const { X509Certificate } = process.getBuiltinModule('node:crypto') as typeof crypto;
    const cert = new X509Certificate(pem);
    const expiresAt = new Date(cert.validToDate ?? cert.validTo).toISOString();
    const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.issuer)?.[1];
    return { expiresAt, ...(cn ? { issuer: cn } : {}) };
  } catch {
    return null;
  }
}

/**
 * `exp` and `iss` of a JWT, read from its payload without verifying it (only the server can). An
 * opaque token, or a JWT without `exp`, has no expiry: null. Never throws and never echoes the token.
 */
export function tokenExpiry(token: string): { expiresAt: string; issuer?: string } | null {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: unknown; iss?: unknown };
    if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) return null;
    const at = new Date(payload.exp * 1000);
    if (Number.isNaN(at.getTime())) return null;
    const issuer = typeof payload.iss === 'string' && payload.iss.length <= 200 ? payload.iss : undefined;
    return { expiresAt: at.toISOString(), ...(issuer ? { issuer } : {}) };
  } catch {
    return null;
  }
}

export interface ExpiryOptions {
  /** Reads a certificate or token file; a file that cannot be read has no known expiry. */
  readFile: (path: string) => Promise<string>;
  /**
   * Whether credential files may be read (default yes). The ladder reads none for a server that
   * failed TLS, and this keeps to the same rule when given that ladder's verdict.
   */
  readFiles?: boolean;
  /** The exec credentials already remembered (never run here). */
  execPlugins?: Pick<ExecPluginPool, 'expiresAt'>;
  platform?: NodeJS.Platform;
}

/** When the credentials of `target` expire; null when unknown or never. */
export async function readCredentialExpiry(target: ProbeTarget, opts: ExpiryOptions): Promise<CredentialExpiry | null> {
  const c = target.credentials;
  const read = async (path: string) => (opts.readFiles === false ? null : opts.readFile(path).catch(() => null));
  const pem = async (s: PemSource) => ('pem' in s ? s.pem : read(s.file));
  const cert = (found: { expiresAt: string; issuer?: string } | null): CredentialExpiry | null =>
    found ? { kind: 'client-certificate', ...found } : null;
  const token = (text: string | null): CredentialExpiry | null => {
    const found = text ? tokenExpiry(text) : null;
    return found ? { kind: 'token', ...found } : null;
  };
  switch (c.kind) {
    case 'token':
      return token(c.token);
    case 'tokenFile':
      return token(await read(c.tokenFile));
    case 'clientCertificate':
      return cert(certificateExpiry(c.certPem));
    case 'clientCertificateFiles': {
      const text = await pem(c.cert);
      return cert(text ? certificateExpiry(text) : null);
    }
    case 'exec': {
      if (!opts.execPlugins) return null;
      // Loaded here only: the CLI imports this module at start-up for its formatting.
      const { execRequestOf } = await import('./credentials.ts');
      const at = opts.execPlugins.expiresAt(execRequestOf(target, { platform: opts.platform ?? process.platform }));
      return at === undefined
        ? null
        : { kind: 'exec', expiresAt: new Date(at).toISOString(), plugin: execPluginName(c.exec.command) };
    }
    default:
      return null;
  }
}

/** A ladder whose tls step passed: only then did it read the context's credential files. */
export function credentialFilesRead(ladder: { steps: readonly { step: string; status: string }[] }): boolean {
  const tls = ladder.steps.find((s) => s.step === 'tls');
  return tls?.status === 'ok' || tls?.status === 'warn';
}
