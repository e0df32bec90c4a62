import { access, mkdir, readdir, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { devNull } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import tls from 'node:tls';
import type { ProcessRunner } from '../process/runner.ts';
import type { KubectlClientInfo, ProbeTarget } from './types.ts';

/** Credentials as they go on the wire: what an exec plugin produced, or the context's own. */
export interface WireCredentials {
  token?: string;
  certPem?: string;
  keyPem?: string;
}

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

/** The API server answered, with a status other than 2xx. */
export class KubeHttpError extends Error {
  readonly status: number;
  /** The response body (capped), usually a Kubernetes Status object. */
  readonly body: string;
  constructor(status: number, body: string) {
    super(`HTTP ${status}`);
    this.name = 'KubeHttpError';
    this.status = status;
    this.body = body;
  }
}

/**
 * The two Kubernetes API requests of a ladder, for one context. They are made by
 * @kubernetes/client-node (kube-api.ts), the project's own client, so a context's credentials
 * and TLS settings mean what they mean to Kubernetes tooling: one `KubeConfig` per context.
 *
 * Connections are reused. client-node alone would open a new TLS connection per request; here
 * the connection the ladder already made and judged (`socket`) carries the first request (both,
 * over HTTP/2 when the server chose it in ALPN), a spare connection opened beside it (`spare`) can
 * carry the second at the same time over HTTP/1.1, and without a spare the second request waits
 * for the first connection instead of paying for another handshake. Only when those are gone does
 * the client open a connection of its own, with the TLS options client-node derives from the
 * KubeConfig, and writes nothing on it before the handshake has verified the server.
 */
export interface KubeClient {
  version(signal: AbortSignal): Promise<VersionAnswer>;
  selfSubjectReview(signal: AbortSignal): Promise<ReviewAnswer>;
  close(): Promise<void>;
}

export interface KubeClientOptions {
  /** An established TLS connection to the server that the caller has verified; used first. */
  socket?: tls.TLSSocket;
  /**
   * A second connection from `openSpareConnection`, so two requests can run at once over
   * HTTP/1.1. It is used only once its certificate proves to be the judged one (`fingerprint256`,
   * the SHA-256 fingerprint of `socket`'s), and destroyed unused when `socket` speaks HTTP/2.
   */
  spare?: { connection: SpareConnection; fingerprint256: string };
  /** The server's IP when already resolved (avoids a second lookup for names). */
  ip?: string;
  /**
   * The SHA-256 fingerprint of the certificate the ladder judged: a connection the client opens
   * itself is used only if its server presents this one too.
   */
  pin?: string;
}

export interface SpareConnection {
  socket: tls.TLSSocket;
  /**
   * The SHA-256 fingerprint of the certificate the server presented, read when the handshake
   * completes (Node no longer returns the peer certificate once TLS 1.3 session tickets arrive);
   * null when the handshake failed.
   */
  presented: Promise<string | null>;
}

/**
 * Starts a second TLS connection beside the one the ladder is judging, with the same TLS context
 * (CA, client certificate) and server name. It checks nothing itself: the client uses it only if
 * it presents the very certificate the ladder judged (see `KubeClientOptions.spare`), which costs
 * far less than verifying the chain and names a second time.
 */
export function openSpareConnection(
  target: ProbeTarget,
  ip: string,
  secureContext: tls.SecureContext,
): SpareConnection {
  const url = new URL(target.server);
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const servername = target.tlsServerName ?? (isIP(hostname) ? undefined : hostname);
  const socket = tls.connect({
    host: ip,
    port: url.port ? Number(url.port) : 443,
    ...(servername ? { servername } : {}),
    secureContext,
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
    ALPNProtocols: ['http/1.1'],
  });
  socket.on('error', () => {});
  const presented = new Promise<string | null>((resolve) => {
    socket.once('secureConnect', () => resolve(socket.getPeerX509Certificate()?.fingerprint256 ?? null));
    socket.once('close', () => resolve(null));
  });
  return { socket, presented };
}

/**
 * Loads the client-node side of the probe (kube-api.ts), once per process. `probeCluster` waits
 * for it before its clocks start; a caller certain to probe may start it earlier. Never called
 * by commands that probe nothing.
 */
export function preloadKubeApi(): Promise<typeof import('./kube-api.ts')> {
  kubeApiModule ??= import('./kube-api.ts');
  kubeApiModule.catch(() => {});
  return kubeApiModule;
}
// The module system keeps the module anyway; remembering the promise spares every ladder
// resolving it again.
let kubeApiModule: Promise<typeof import('./kube-api.ts')> | undefined;

/**
 * A client for one context over the given connections; client-node is loaded on first use (or
 * already, by `preloadKubeApi`).
 */
export function createKubeClient(
  target: ProbeTarget,
  creds: WireCredentials,
  opts: KubeClientOptions = {},
): KubeClient {
  const judged = opts.socket && !opts.socket.destroyed ? opts.socket : undefined;
  const h2 = judged?.alpnProtocol === 'h2' ? judged : undefined;
  // An HTTP/2 connection carries both requests: the spare has nothing to do.
  if (h2) opts.spare?.connection.socket.destroy();
  let given = h2 ? undefined : judged;
  let spare = !h2 && opts.spare && !opts.spare.connection.socket.destroyed ? opts.spare : undefined;
  const handedOver = [judged, spare?.connection.socket];
  // Two at once only with two connections in hand: a client opening its own would pay a handshake.
  const max = spare && given ? 2 : 1;
  let closed = false;

  const take = async (): Promise<tls.TLSSocket | null> => {
    if (given) {
      const s = given;
      given = undefined;
      if (!s.destroyed) return s;
    }
    if (spare) {
      const { connection, fingerprint256 } = spare;
      spare = undefined;
      if ((await connection.presented) === fingerprint256 && !connection.socket.destroyed && !closed) {
        return connection.socket;
      }
      // Another certificate (or none): dropped unused, and a verified connection is opened instead.
      connection.socket.destroy();
    }
    return null;
  };

  let loaded: KubeClient | undefined;
  const client = preloadKubeApi().then(({ createKubeApiClient }) => {
    const c = createKubeApiClient(target, creds, {
      take,
      max,
      ...(h2 ? { http2: h2 } : {}),
      ...(opts.ip ? { ip: opts.ip } : {}),
      ...(opts.pin ? { pin: opts.pin } : {}),
    });
    if (closed) c.close().catch(() => {});
    else loaded = c;
    return c;
  });
  client.catch(() => {});

  return {
    async version(signal) {
      return (await client).version(signal);
    },
    async selfSubjectReview(signal) {
      return (await client).selfSubjectReview(signal);
    },
    async close() {
      closed = true;
      await loaded?.close();
      // Connections never handed to the client are closed here, TLS before the TCP under it.
      for (const s of handedOver) s?.destroy();
    },
  };
}

export interface HttpFailure {
  kind: 'status' | 'network';
  status?: number;
  /** The server's Status message, or the network error's. */
  message: string;
}

/** Makes sense of what a request threw: an HTTP status with its Status body, or a network failure. */
export function describeKubeError(e: unknown): HttpFailure {
  if (e instanceof KubeHttpError) {
    let message = e.body;
    try {
      const parsed = JSON.parse(e.body) as { message?: unknown };
      if (typeof parsed?.message === 'string') message = parsed.message;
    } catch {}
    return { kind: 'status', status: e.status, message: message.trim().slice(0, 300) };
  }
  if (e instanceof SyntaxError) return { kind: 'network', message: `the answer is not JSON (${e.message})` };
  const err = e as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  const cause = err?.cause;
  const message = cause?.message ? `${err.message}: ${cause.message}` : String(err?.message ?? e);
  return { kind: 'network', message: err?.code && !message.includes(err.code) ? `${message} (${err.code})` : message };
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
  // No kubeconfig: Google Cloud SDK's kubectl (a dispatcher) otherwise asks the current context's
  // server for its version, credentials and all, to choose a kubectl.1.N, even for --client. The
  // client's own version needs no cluster, and a check must not contact one it was not asked to.
  const r = await runner.run(kubectlPath, ['version', '--client', '-o', 'json'], {
    timeoutMs: 10_000,
    env: { ...env, KUBECONFIG: devNull },
  });
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

/**
 * `detectKubectlClient`, remembered across runs in `cacheFile` for as long as the kubectl binary
 * (and, for a gcloud dispatcher, the folder of its kubectl.1.N binaries) is the same file:
 * starting kubectl costs more CPU than a whole ladder, on every `kubezt check`. No kubectl found
 * is not remembered, so installing one is seen at once.
 */
export async function detectKubectlClientCached(
  runner: ProcessRunner,
  kubectlPath: string,
  env: Record<string, string | undefined>,
  cacheFile: string,
): Promise<KubectlClientInfo | null> {
  let key: string | null = null;
  try {
    const found = await findInPath(kubectlPath, env);
    if (found) {
      const real = await realpath(found);
      const [bin, dir] = await Promise.all([stat(real), stat(dirname(real))]);
      key = JSON.stringify([real, bin.size, bin.mtimeMs, bin.ino, dir.mtimeMs]);
    }
  } catch {
    key = null;
  }
  if (key) {
    try {
      const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as { key?: unknown; info?: KubectlClientInfo };
      if (cached.key === key && cached.info && typeof cached.info.gitVersion === 'string') return cached.info;
    } catch {}
  }
  const info = await detectKubectlClient(runner, kubectlPath, env);
  if (key && info) {
    try {
      await mkdir(dirname(cacheFile), { recursive: true, mode: 0o700 });
      const temp = `${cacheFile}.${process.pid}.tmp`;
      await writeFile(temp, `${JSON.stringify({ key, info })}\n`, { mode: 0o600 });
      await rename(temp, cacheFile);
    } catch {}
  }
  return info;
}
