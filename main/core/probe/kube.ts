import { access, mkdir, readdir, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import type httpTypes from 'node:http';
import http2 from 'node:http2';
import type net from 'node:net';
import { isIP } from 'node:net';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import tls from 'node:tls';
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
 * A Kubernetes API client for one context, speaking to the server the way kubectl does: the
 * context's CA, tls-server-name, client certificate and bearer token. Requests reuse connections:
 * a connection the ladder already made and judged (`socket`) serves the first request (over HTTP/2
 * when the server chose it in ALPN, so both requests share it), and a spare connection opened
 * alongside it (`spare`) lets a second request run at the same time over HTTP/1.1.
 *
 * It is built on node:http/node:http2 rather than @kubernetes/client-node: loading client-node
 * costs 1–2 s of CPU, more than a whole fleet check takes, and two fixed requests need none of it.
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
  /** The TLS context for new connections (the context's CA and the client certificate in `creds`). */
  secureContext?: tls.SecureContext;
}

/**
 * What kubectl verifies on a new connection: the chain against the context's CA (the system
 * roots without one, nothing with insecure-skip-tls-verify) and the certificate's names against
 * tls-server-name, else the server's host. A connection that fails either is closed in the
 * handshake, before any request (and its credentials) is written.
 */
function apiConnectOptions(
  target: ProbeTarget,
  creds: WireCredentials,
  ip?: string,
  secureContext?: tls.SecureContext,
): tls.ConnectionOptions {
  const url = new URL(target.server);
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const ca = target.certificateAuthorityData
    ? Buffer.from(target.certificateAuthorityData, 'base64').toString('utf8')
    : undefined;
  const servername = target.tlsServerName ?? (isIP(hostname) ? undefined : hostname);
  return {
    host: ip ?? hostname,
    port: url.port ? Number(url.port) : 443,
    ...(servername ? { servername } : {}),
    ...(secureContext
      ? { secureContext }
      : {
          ...(ca ? { ca } : {}),
          ...(creds.certPem && creds.keyPem ? { cert: creds.certPem, key: creds.keyPem } : {}),
        }),
    rejectUnauthorized: target.insecureSkipTlsVerify !== true,
    checkServerIdentity: (_host, cert) => tls.checkServerIdentity(target.tlsServerName ?? hostname, cert),
    ALPNProtocols: ['http/1.1'],
  };
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
  const options = apiConnectOptions(target, {}, ip, secureContext);
  const socket = tls.connect({ ...options, rejectUnauthorized: false, checkServerIdentity: () => undefined });
  socket.on('error', () => {});
  const presented = new Promise<string | null>((resolve) => {
    socket.once('secureConnect', () => resolve(socket.getPeerX509Certificate()?.fingerprint256 ?? null));
    socket.once('close', () => resolve(null));
  });
  return { socket, presented };
}

const MAX_BODY = 1024 * 1024;

// Not `import http from 'node:http'`: the ES module facade of node:http reads every export,
// which loads undici for its fetch-related getters (about 25 ms at the start of every check).
const http = process.getBuiltinModule('node:http') as typeof httpTypes;

export function createKubeClient(
  target: ProbeTarget,
  creds: WireCredentials,
  opts: KubeClientOptions = {},
): KubeClient {
  const url = new URL(target.server);
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port ? Number(url.port) : 443;
  const authority = url.host;
  const connectOptions = apiConnectOptions(target, creds, opts.ip, opts.secureContext);
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': 'kubezt',
    ...(creds.token ? { authorization: `Bearer ${creds.token}` } : {}),
  };

  const open: tls.TLSSocket[] = [];
  const agents: httpTypes.Agent[] = [];
  const track = (s: tls.TLSSocket) => {
    open.push(s);
    s.on('error', () => {});
    return s;
  };
  const given = opts.socket && !opts.socket.destroyed ? track(opts.socket) : undefined;
  const h2 = given?.alpnProtocol === 'h2';
  const spare = opts.spare && !opts.spare.connection.socket.destroyed ? opts.spare : undefined;
  if (spare) track(spare.connection.socket);
  if (h2) spare?.connection.socket.destroy();

  // One lane per connection, each with its own keep-alive agent, so a request never waits behind
  // another. A lane whose connection dies reconnects with full verification (apiConnectOptions).
  interface Lane {
    agent: httpTypes.Agent;
    /** Requests on it now (a second one waits in its agent for the socket). */
    inFlight: number;
  }
  const lane = (first: tls.TLSSocket | undefined): Lane => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    let initial = first;
    (agent as unknown as { createConnection: () => net.Socket }).createConnection = () => {
      const s = initial && !initial.destroyed ? initial : track(tls.connect(connectOptions) as tls.TLSSocket);
      initial = undefined;
      return s;
    };
    return { agent, inFlight: 0 };
  };
  let session: http2.ClientHttp2Session | undefined;
  const lanes: Lane[] = [];
  if (h2 && given) {
    session = http2.connect(`https://${authority}`, { createConnection: () => given });
    session.on('error', () => {});
  } else {
    lanes.push(lane(given));
  }
  // The spare becomes a lane once its handshake shows the judged certificate; anything else
  // (another certificate, an error) and it is dropped, and a second request opens a verified one.
  let spareLane: Promise<Lane | null> | undefined =
    spare && !h2
      ? spare.connection.presented.then((fingerprint) => {
          const s = spare.connection.socket;
          if (fingerprint === spare.fingerprint256 && !s.destroyed) return lane(s);
          s.destroy();
          return null;
        })
      : undefined;

  /** A lane for one request, counted before anything awaits (so two requests never both think it idle). */
  const acquire = async (): Promise<Lane> => {
    const take = (l: Lane) => {
      l.inFlight++;
      if (!lanes.includes(l)) lanes.push(l);
      return l;
    };
    const idle = lanes.find((l) => l.inFlight === 0);
    if (idle) return take(idle);
    if (spareLane) {
      const pending = spareLane;
      spareLane = undefined;
      const extra = await pending;
      if (extra) return take(extra);
    }
    // Queued behind the request on the existing connection (its agent holds one socket): one more
    // round trip, but no second handshake.
    return take(lanes.find((l) => l.inFlight === 0) ?? lanes[0] ?? lane(undefined));
  };

  const request = async (method: 'GET' | 'POST', path: string, body: string | undefined, signal: AbortSignal) => {
    if (session) return requestH2(session, method, path, headers, body, signal);
    const l = await acquire();
    try {
      return await requestH1(l.agent, { hostname, port, authority, method, path, headers, body, signal });
    } finally {
      l.inFlight--;
    }
  };

  return {
    async version(signal) {
      const v = JSON.parse(await request('GET', '/version', undefined, signal)) as Partial<VersionAnswer>;
      return {
        major: String(v.major ?? ''),
        minor: String(v.minor ?? ''),
        gitVersion: String(v.gitVersion ?? ''),
        ...(v.platform ? { platform: String(v.platform) } : {}),
      };
    },
    async selfSubjectReview(signal) {
      const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
      const review = JSON.parse(
        await request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', body, signal),
      ) as { status?: { userInfo?: { username?: string; groups?: string[] } } };
      return {
        username: review.status?.userInfo?.username ?? '',
        groups: review.status?.userInfo?.groups ?? [],
      };
    },
    async close() {
      for (const a of agents) a.destroy();
      session?.destroy();
      for (const s of open) s.destroy();
    },
  };
}

function requestH1(
  agent: httpTypes.Agent,
  r: {
    hostname: string;
    port: number;
    authority: string;
    method: string;
    path: string;
    headers: Record<string, string>;
    body: string | undefined;
    signal: AbortSignal;
  },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...r.headers, host: r.authority };
    if (r.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(r.body);
    }
    const req = http.request(
      { agent, host: r.hostname, port: r.port, method: r.method, path: r.path, headers, signal: r.signal },
      (res) => collect(res, res.statusCode ?? 0).then(resolve, reject),
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

function requestH2(
  session: http2.ClientHttp2Session,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
  signal: AbortSignal,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const h: http2.OutgoingHttpHeaders = { ...headers, ':method': method, ':path': path };
    if (body !== undefined) h['content-type'] = 'application/json';
    const stream = session.request(h, { signal });
    stream.on('error', reject);
    stream.on('response', (rh) => collect(stream, Number(rh[':status'] ?? 0)).then(resolve, reject));
    stream.end(body);
  });
}

function collect(stream: NodeJS.ReadableStream, status: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    stream.on('error', reject);
    stream.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (status >= 200 && status < 300) resolve(text);
      else reject(new KubeHttpError(status, text.slice(0, 4096)));
    });
  });
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
