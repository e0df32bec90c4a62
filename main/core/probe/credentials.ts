import { readFile as fsReadFile } from 'node:fs/promises';
import type { ExecPluginPool } from './exec-plugin.ts';
import { interactiveDecision } from './exec-plugin.ts';
import type { WireCredentials } from './kube.ts';
import type { PemSource, ProbeEnvironment, ProbeTarget, StepReason } from './types.ts';

/**
 * When a ladder gets a context's credentials, and what it does without them.
 *
 * Nothing here runs before the tls step has passed: the ladder calls `loadCredentials` only for
 * a server whose certificate it has judged, so a token file, a certificate or key file, or an
 * exec plugin is never read or run for a server that fails TLS or is recognised as Gateway.
 * Some credentials are not sent at all (`withheldCredentials`): the ladder then goes as far as an
 * unauthenticated GET /version and skips the auth step with the reason given here.
 */

export interface Withheld {
  reason: Extract<StepReason, 'not-set-up' | 'plugins-off' | 'interactive-required'>;
  detail: string;
  remedy: string;
}

/** Why the credentials of `target` are not to be sent in this check; null when they are. */
export function withheldCredentials(
  target: ProbeTarget,
  env: Pick<ProbeEnvironment, 'execPolicy' | 'terminal'>,
): Withheld | null {
  const c = target.credentials;
  if (c.kind === 'notSetUp') {
    return {
      reason: 'not-set-up',
      detail: 'Not set up: this cluster has no kubeconfig context, so it was checked without credentials.',
      remedy: 'Run kubezt setup (or "Set up kubeconfig" in the app) to add a context for it, then check again.',
    };
  }
  if (c.kind !== 'exec') return null;
  if (env.execPolicy && !env.execPolicy.run) {
    return { reason: 'plugins-off', detail: env.execPolicy.detail, remedy: env.execPolicy.remedy };
  }
  if (!interactiveDecision(c.exec.interactiveMode, env.terminal === true).run) {
    return {
      reason: 'interactive-required',
      detail: `The exec credential plugin "${c.exec.command}" must run in a terminal (interactiveMode: Always) and this check has none, so it was not run and no credentials were sent.`,
      remedy: `Run kubectl with context "${target.name}" once in a terminal to log in; for kubezt to check it too, set the plugin's interactiveMode to IfAvailable.`,
    };
  }
  return null;
}

/** A token, certificate or key file named by the context could not be read. */
export class CredentialFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialFileError';
  }
}

export interface LoadOptions {
  pool: ExecPluginPool;
  env: ProbeEnvironment;
  /** How long a plugin may take, waiting for a slot included. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The credentials of `target` as they go on the wire. Call only once the tls step has passed. */
export async function loadCredentials(target: ProbeTarget, opts: LoadOptions): Promise<WireCredentials> {
  const c = target.credentials;
  const read = opts.env.readFile ?? ((p: string) => fsReadFile(p, 'utf8'));
  const file = async (path: string, what: string): Promise<string> => {
    try {
      return await read(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new CredentialFileError(`The ${what} file ${path} of context "${target.name}" cannot be read (${code}).`);
    }
  };
  const pem = (source: PemSource, what: string) => ('pem' in source ? source.pem : file(source.file, what));
  switch (c.kind) {
    case 'none':
    case 'notSetUp':
      return {};
    case 'token':
      return { token: c.token };
    case 'tokenFile': {
      const token = (await file(c.tokenFile, 'token')).trim();
      return token ? { token } : {};
    }
    case 'clientCertificate':
      return { certPem: c.certPem, keyPem: c.keyPem };
    case 'clientCertificateFiles': {
      // Both read at once, but a failure is reported in a fixed order (the certificate first), so
      // two unreadable files always give the same sentence.
      const [cert, key] = await Promise.allSettled([pem(c.cert, 'client certificate'), pem(c.key, 'client key')]);
      if (cert.status === 'rejected') throw cert.reason;
      if (key.status === 'rejected') throw key.reason;
      return { certPem: cert.value, keyPem: key.value };
    }
    case 'exec':
      return opts.pool.credentials({ ...execRequestOf(target, opts.env), ...execEnvironment(opts) });
  }
}

/** What identifies an exec context's plugin run (and its remembered credentials). */
export function execRequestOf(target: ProbeTarget, env: Pick<ProbeEnvironment, 'platform'>) {
  const c = target.credentials;
  if (c.kind !== 'exec') throw new Error(`${target.name} has no exec plugin`);
  return {
    exec: c.exec,
    platform: env.platform ?? process.platform,
    ...(c.baseDir ? { baseDir: c.baseDir } : {}),
    cluster: {
      server: target.server,
      ...(target.certificateAuthorityData ? { certificateAuthorityData: target.certificateAuthorityData } : {}),
      ...(target.tlsServerName ? { tlsServerName: target.tlsServerName } : {}),
    },
  };
}

function execEnvironment(opts: LoadOptions) {
  return {
    runner: opts.env.runner,
    env: opts.env.env ?? process.env,
    terminal: opts.env.terminal === true,
    timeoutMs: opts.timeoutMs,
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
}

/** Credentials that put a client certificate in the TLS handshake. */
export function presentsClientCertificate(creds: WireCredentials): boolean {
  return Boolean(creds.certPem && creds.keyPem);
}
