import { access, readdir, realpath } from 'node:fs/promises';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import {
  ApiException,
  AuthenticationV1Api,
  KubeConfig,
  Observable,
  type RequestContext,
  type ResponseContext,
  VersionApi,
} from '@kubernetes/client-node';
import type { ExecSpec } from '../model/cluster.ts';
import type { ProcessRunner } from '../process/runner.ts';
import type { KubectlClientInfo, ProbeTarget } from './types.ts';

/** Credentials as they go on the wire: what an exec plugin produced, or the context's own. */
export interface WireCredentials {
  token?: string;
  certPem?: string;
  keyPem?: string;
}

export class ExecPluginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecPluginError';
  }
}

/**
 * Runs a client-go credential plugin as kubectl does (KUBERNETES_EXEC_INFO, relative commands
 * resolved against the kubeconfig's folder) but through the ProcessRunner, so a plugin that
 * hangs (waiting for a browser login, say) is killed at the step's deadline instead of holding
 * the probe forever, which @kubernetes/client-node's own exec support would do.
 */
export async function runExecPlugin(
  exec: ExecSpec,
  opts: {
    runner: ProcessRunner;
    timeoutMs: number;
    env: Record<string, string | undefined>;
    baseDir?: string;
    cluster?: { server: string; certificateAuthorityData?: string; tlsServerName?: string };
  },
): Promise<WireCredentials> {
  const command =
    opts.baseDir && !isAbsolute(exec.command) && /[\\/]/.test(exec.command)
      ? join(opts.baseDir, exec.command)
      : exec.command;
  const execInfo = {
    apiVersion: exec.apiVersion,
    kind: 'ExecCredential',
    spec: {
      interactive: false,
      ...(exec.provideClusterInfo && opts.cluster
        ? {
            cluster: {
              server: opts.cluster.server,
              ...(opts.cluster.certificateAuthorityData
                ? { 'certificate-authority-data': opts.cluster.certificateAuthorityData }
                : {}),
              ...(opts.cluster.tlsServerName ? { 'tls-server-name': opts.cluster.tlsServerName } : {}),
            },
          }
        : {}),
    },
  };
  const env: Record<string, string | undefined> = { ...opts.env, KUBERNETES_EXEC_INFO: JSON.stringify(execInfo) };
  for (const e of exec.env ?? []) env[e.name] = e.value;
  const r = await opts.runner.run(command, exec.args ?? [], { timeoutMs: opts.timeoutMs, env });
  const hint = exec.installHint ? ` ${exec.installHint.trim()}` : '';
  if (r.spawnError)
    throw new ExecPluginError(`The exec credential plugin "${command}" could not start (${r.spawnError}).${hint}`);
  if (r.timedOut) {
    throw new ExecPluginError(
      `The exec credential plugin "${command}" gave no credentials within ${opts.timeoutMs} ms (it may be waiting for an interactive login).`,
    );
  }
  if (r.code !== 0) {
    const why = r.stderr.trim().split('\n').at(-1) ?? '';
    throw new ExecPluginError(
      `The exec credential plugin "${command}" failed with exit code ${r.code}${why ? `: ${why}` : ''}.`,
    );
  }
  let parsed: {
    kind?: unknown;
    status?: { token?: unknown; clientCertificateData?: unknown; clientKeyData?: unknown };
  };
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    throw new ExecPluginError(
      `The exec credential plugin "${command}" printed something that is not an ExecCredential JSON object.`,
    );
  }
  const s = parsed?.status;
  const creds: WireCredentials = {};
  if (typeof s?.token === 'string' && s.token) creds.token = s.token;
  if (typeof s?.clientCertificateData === 'string' && typeof s.clientKeyData === 'string') {
    creds.certPem = s.clientCertificateData;
    creds.keyPem = s.clientKeyData;
  }
  if (parsed?.kind !== 'ExecCredential' || (!creds.token && !creds.certPem)) {
    throw new ExecPluginError(
      `The exec credential plugin "${command}" returned no token or client certificate in its ExecCredential status.`,
    );
  }
  return creds;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

export interface VersionAnswer {
  major: string;
  minor: string;
  gitVersion: string;
  platform?: string;
}

export interface ReviewAnswer {
  username: string;
  groups: string[];
}

/**
 * One @kubernetes/client-node KubeConfig for one context. client-node builds a new undici
 * dispatcher for every request; the middleware keeps the first and hands it to later requests,
 * so /version and selfsubjectreviews share one kept-alive TLS connection.
 */
export interface KubeClient {
  version(signal: AbortSignal): Promise<VersionAnswer>;
  selfSubjectReview(signal: AbortSignal): Promise<ReviewAnswer>;
  close(): Promise<void>;
}

export function createKubeClient(target: ProbeTarget, creds: WireCredentials): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'probe',
        server: target.server,
        skipTLSVerify: target.insecureSkipTlsVerify === true,
        ...(target.certificateAuthorityData ? { caData: target.certificateAuthorityData } : {}),
        ...(target.tlsServerName ? { tlsServerName: target.tlsServerName } : {}),
      },
    ],
    users: [
      {
        name: 'probe',
        ...(creds.token ? { token: creds.token } : {}),
        ...(creds.certPem && creds.keyPem ? { certData: b64(creds.certPem), keyData: b64(creds.keyPem) } : {}),
      },
    ],
    contexts: [{ name: 'probe', cluster: 'probe', user: 'probe' }],
    currentContext: 'probe',
  });
  const versionApi = kc.makeApiClient(VersionApi);
  const authApi = kc.makeApiClient(AuthenticationV1Api);
  let shared: unknown;
  const optionsFor = (signal: AbortSignal) => ({
    middleware: [
      {
        pre(ctx: RequestContext) {
          ctx.setSignal(signal);
          if (shared === undefined) shared = ctx.getDispatcher();
          else ctx.setDispatcher(shared as Parameters<RequestContext['setDispatcher']>[0]);
          return new Observable(Promise.resolve(ctx));
        },
        post(rsp: ResponseContext) {
          return new Observable(Promise.resolve(rsp));
        },
      },
    ],
    middlewareMergeStrategy: 'append' as const,
  });
  return {
    async version(signal) {
      const v = await versionApi.getCode({}, optionsFor(signal));
      return { major: v.major, minor: v.minor, gitVersion: v.gitVersion, platform: v.platform };
    },
    async selfSubjectReview(signal) {
      const review = await authApi.createSelfSubjectReview(
        { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } },
        optionsFor(signal),
      );
      return {
        username: review.status?.userInfo?.username ?? '',
        groups: review.status?.userInfo?.groups ?? [],
      };
    },
    async close() {
      const d = shared as { destroy?: () => Promise<void> } | undefined;
      shared = undefined;
      await d?.destroy?.().catch(() => {});
    },
  };
}

export interface HttpFailure {
  kind: 'status' | 'network';
  status?: number;
  /** The server's Status message, or the network error's. */
  message: string;
}

/** Makes sense of what client-node threw: an HTTP status with its Status body, or a network failure. */
export function describeKubeError(e: unknown): HttpFailure {
  if (e instanceof ApiException) {
    const body = e.body as unknown;
    let message = '';
    if (typeof body === 'string') {
      try {
        message = (JSON.parse(body) as { message?: string }).message ?? body;
      } catch {
        message = body;
      }
    } else if (body && typeof body === 'object' && 'message' in body) {
      message = String((body as { message: unknown }).message);
    }
    return { kind: 'status', status: e.code, message: message.trim().slice(0, 300) };
  }
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const cause = err?.cause;
  return {
    kind: 'network',
    message: cause?.message ? `${err.message}: ${cause.message}` : String(err?.message ?? e),
  };
}

/** `minor` fields look like "31", "31+" (GKE, EKS): only the number counts. */
export function minorOf(minor: string | undefined, gitVersion: string | undefined): number | null {
  const fromField = /^(\d+)/.exec(minor ?? '');
  if (fromField?.[1]) return Number(fromField[1]);
  const fromGit = /^v?\d+\.(\d+)/.exec(gitVersion ?? '');
  return fromGit?.[1] ? Number(fromGit[1]) : null;
}

async function findInPath(command: string, env: Record<string, string | undefined>): Promise<string | null> {
  if (/[\\/]/.test(command)) return command;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      await access(candidate);
      return candidate;
    } catch {}
  }
  return null;
}

/** `kubectl version --client -o json`, plus the minors a Google Cloud SDK dispatcher can switch to. */
export async function detectKubectlClient(
  runner: ProcessRunner,
  kubectlPath: string,
  env: Record<string, string | undefined>,
): Promise<KubectlClientInfo | null> {
  const r = await runner.run(kubectlPath, ['version', '--client', '-o', 'json'], { timeoutMs: 10_000, env });
  if (r.code !== 0) return null;
  let v: { clientVersion?: { major?: string; minor?: string; gitVersion?: string } };
  try {
    v = JSON.parse(r.stdout);
  } catch {
    return null;
  }
  const cv = v.clientVersion;
  const minor = minorOf(cv?.minor, cv?.gitVersion);
  if (!cv?.gitVersion || minor === null) return null;
  const info: KubectlClientInfo = { gitVersion: cv.gitVersion, major: Number(cv.major ?? 1) || 1, minor };
  if (cv.gitVersion.includes('dispatcher')) {
    const found = await findInPath(kubectlPath, env);
    if (found) {
      try {
        const dir = dirname(await realpath(found));
        const minors = (await readdir(dir))
          .map((f) => /^kubectl\.1\.(\d+)$/.exec(f)?.[1])
          .filter((m): m is string => m !== undefined)
          .map(Number)
          .sort((a, b) => a - b);
        if (minors.length > 0) info.dispatcherMinors = minors;
      } catch {}
    }
  }
  return info;
}
