/**
 * The probe's Kubernetes API calls, made by @kubernetes/client-node: GET /version and POST
 * selfsubjectreviews through its generated `VersionApi` and `AuthenticationV1Api`, with one
 * `KubeConfig` per context. client-node builds each request (URL, Accept and User-Agent headers,
 * the serialized SelfSubjectReview), authenticates it from the KubeConfig (bearer token; the
 * client certificate, CA, tls-server-name and insecure-skip-tls-verify for new connections), and
 * reads the answer (deserialization, ApiException for every non-2xx status).
 *
 * What client-node does not decide is the connection. Its default HTTP library (undici's fetch)
 * gets a new undici Agent, so a new TLS connection, for every request; and undici's HTTP/1.1
 * client costs about twice the CPU of Node's own for these requests, which a hundred ladders at
 * once on two cores turn into a slower check. So the client is given an HTTP library of its own
 * (`httpApi`, client-node's seam for exactly this) that sends over Node's http/http2 on the
 * connections of this context: the one the ladder already verified first, then any spare, then
 * new ones opened with the TLS options client-node derives from the KubeConfig.
 *
 * This module is the only one that imports client-node, and only `preloadKubeApi` in kube.ts
 * imports it (dynamically, so the CLI's bundle keeps it in a chunk of its own): loading it costs
 * real CPU (about 0.1 s bundled, 1-2 s from sources), so a command that probes nothing never
 * loads it.
 */
import http2 from 'node:http2';
import { isIP, type Socket } from 'node:net';
import tls from 'node:tls';
import {
  ApiException,
  AuthenticationV1Api,
  bufferFromFileOrString,
  type HttpLibrary,
  KubeConfig,
  Observable,
  type ObservableMiddleware,
  type RequestContext,
  ResponseContext,
  VersionApi,
  wrapHttpLibrary,
} from '@kubernetes/client-node';
import { builtin } from '../node-builtins.ts';
import { type KubeClient, KubeHttpError, type WireCredentials } from './kube.ts';
import type { ProbeTarget } from './types.ts';

// Not `import http from 'node:http'`: the ES module facade of node:http reads every export,
// which loads Node's internal undici for its WebSocket getters.
const http = builtin('node:http');
type HttpAgent = InstanceType<typeof http.Agent>;

/** Where the client's connections come from. */
export interface KubeApiConnections {
  /** A verified connection on which the server chose HTTP/2: it carries every request. */
  http2?: tls.TLSSocket;
  /**
   * A verified connection (HTTP/1.1) handed over for the next connection the client needs; null
   * once there is none left, and the client opens its own.
   */
  take(): Promise<tls.TLSSocket | null>;
  /** Connections the client may hold at once: 2 lets the two requests run side by side over HTTP/1.1. */
  max: number;
  /** The server's IP when already resolved (spares new connections a second lookup for names). */
  ip?: string;
  /** The fingerprint a new connection's server certificate must have (the one the ladder judged). */
  pin?: string;
}

const BODY_LIMIT = 4096;
const CLOSED = new Error('The Kubernetes API client was closed.');
const MAX_BODY = 1024 * 1024;

/** The context as client-node holds it: one cluster, one user (credentials already resolved), one context. */
export function kubeConfigFor(target: ProbeTarget, creds: WireCredentials): KubeConfig {
  const kc = new KubeConfig();
  const name = target.name || 'probe';
  kc.loadFromOptions({
    clusters: [
      {
        name,
        server: target.server,
        skipTLSVerify: target.insecureSkipTlsVerify === true,
        ...(target.certificateAuthorityData ? { caData: target.certificateAuthorityData } : {}),
        ...(target.tlsServerName ? { tlsServerName: target.tlsServerName } : {}),
      },
    ],
    users: [
      {
        name,
        ...(creds.token ? { token: creds.token } : {}),
        ...(creds.certPem && creds.keyPem
          ? {
              certData: Buffer.from(creds.certPem).toString('base64'),
              keyData: Buffer.from(creds.keyPem).toString('base64'),
            }
          : {}),
      },
    ],
    contexts: [{ name, cluster: name, user: name }],
    currentContext: name,
  });
  // client-node builds an undici Agent for its own fetch on every request
  // (applySecurityAuthentication calls createDispatcher). This client's requests never reach that
  // fetch (they go through `connectionTransport`, whose new connections take their TLS options from
  // the public createDispatcherOptions), so the agent would only be built to be dropped, and
  // building it loads undici, which is half of client-node's code, into every check.
  (kc as unknown as { createDispatcher: () => undefined }).createDispatcher = () => undefined;
  return kc;
}

/**
 * A new connection as client-node would open it for this context: the TLS options it derives
 * from the KubeConfig (`createDispatcherOptions`: CA, client certificate, tls-server-name,
 * insecure-skip-tls-verify). It is handed over only once the handshake has verified the chain
 * and the name (tls-server-name, else the server's host), and shown the certificate the ladder
 * judged (`pin`: a chain that verifies is not enough, since a Gateway CA may be among the
 * trusted ones), so no request is written before.
 */
function connectVerified(
  kc: KubeConfig,
  url: URL,
  connections: Pick<KubeApiConnections, 'ip' | 'pin'>,
  opened: Set<tls.TLSSocket>,
): Promise<tls.TLSSocket> {
  const { ip, pin } = connections;
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  const ca = bufferFromFileOrString(cluster?.caFile, cluster?.caData);
  const cert = bufferFromFileOrString(user?.certFile, user?.certData);
  const key = bufferFromFileOrString(user?.keyFile, user?.keyData);
  const options = kc.createDispatcherOptions(cluster, {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(cluster?.skipTLSVerify ? { rejectUnauthorized: false } : {}),
    ...(cluster?.tlsServerName ? { servername: cluster.tlsServerName } : {}),
  });
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const servername =
    (options.type === 'agent' ? options.connect.servername : undefined) ?? (isIP(hostname) ? undefined : hostname);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      ...(options.type === 'agent' ? options.connect : {}),
      host: ip ?? hostname,
      port: url.port ? Number(url.port) : 443,
      ...(servername ? { servername } : {}),
      ALPNProtocols: ['http/1.1'],
    });
    opened.add(socket);
    socket.once('close', () => opened.delete(socket));
    socket.once('secureConnect', () => {
      socket.removeListener('error', reject);
      if (pin && socket.getPeerX509Certificate()?.fingerprint256 !== pin) {
        socket.destroy();
        reject(new Error('the server presented another certificate than the one the TLS check judged'));
        return;
      }
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

function collect(stream: NodeJS.ReadableStream, status: number, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    stream.on('error', reject);
    stream.on('end', () => resolve({ status, headers, text: Buffer.concat(chunks).toString('utf8') }));
  });
}

function flatHeaders(raw: Record<string, string | string[] | number | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined && !name.startsWith(':'))
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}
/** An HTTP/2 session over the connection handed over for it, if one was and it is still open. */
function http2Session(url: URL, connections: KubeApiConnections): http2.ClientHttp2Session | undefined {
  if (!connections.http2 || connections.http2.destroyed) return undefined;
  const socket = connections.http2;
  const session = http2.connect(url.origin, { createConnection: () => socket });
  session.on('error', () => {});
  return session;
}

/**
 * A keep-alive agent of `max` connections whose next connection is one handed over (a spare
 * waits for its certificate to be compared) or a new verified one.
 */
function verifiedAgent(
  kc: KubeConfig,
  url: URL,
  connections: KubeApiConnections,
  opened: Set<tls.TLSSocket>,
  state: { closed: boolean },
): HttpAgent {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections.max });
  // The callback form of createConnection.
  (
    agent as unknown as {
      createConnection: (options: unknown, done: (error: Error | null, socket?: Socket) => void) => undefined;
    }
  ).createConnection = (_options, done) => {
    connections
      .take()
      .then((socket) => socket ?? connectVerified(kc, url, connections, opened))
      .then(
        (socket) => {
          socket.on('error', () => {});
          // Ready after the client closed (its step ran out of time): nobody will use it.
          if (state.closed) socket.destroy();
          done(state.closed ? CLOSED : null, socket);
        },
        (e: Error) => done(e),
      );
    return undefined;
  };
  return agent;
}

/** At most `max` holders at once; a release hands the slot to the next one waiting, if any. */
function slots(max: number) {
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  return {
    acquire(): Promise<void> | undefined {
      if (inFlight < max) {
        inFlight++;
        return undefined;
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    release(): void {
      const next = waiting.shift();
      if (next) next();
      else inFlight--;
    },
  };
}

interface Outgoing {
  target: URL;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal | undefined;
}

function sendHttp1(agent: HttpAgent, out: Outgoing): Promise<Answer> {
  const { target, body, signal } = out;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname,
        port: target.port ? Number(target.port) : 443,
        method: out.method,
        path: out.path,
        headers: {
          ...out.headers,
          host: target.host,
          ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
        },
        ...(signal ? { signal } : {}),
      },
      (res) => collect(res, res.statusCode ?? 0, flatHeaders(res.headers)).then(resolve, reject),
    );
    req.on('error', reject);
    req.end(body);
  });
}

function sendHttp2(session: http2.ClientHttp2Session, out: Outgoing): Promise<Answer> {
  const { body, signal } = out;
  return new Promise((resolve, reject) => {
    const stream = session.request(
      { ...out.headers, ':method': out.method, ':path': out.path },
      signal ? { signal, endStream: body === undefined } : { endStream: body === undefined },
    );
    stream.on('error', reject);
    stream.on('response', (h) => collect(stream, Number(h[':status'] ?? 0), flatHeaders(h)).then(resolve, reject));
    stream.end(body);
  });
}

function outgoing(request: RequestContext): Outgoing {
  const target = new URL(request.getUrl());
  const body = request.getBody();
  if (body !== undefined && typeof body !== 'string') throw new Error('Only JSON request bodies are sent.');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.getHeaders())) headers[name.toLowerCase()] = value;
  return {
    target,
    method: request.getHttpMethod(),
    path: `${target.pathname}${target.search}`,
    headers,
    body,
    signal: request.getSignal(),
  };
}

/**
 * client-node's requests, sent on this context's connections (see the module comment). Over
 * HTTP/1.1 at most `max` requests are in flight, on a keep-alive agent of as many connections: a
 * second request at the same time takes the next connection (the spare), else waits for the first
 * to be free again. (The agent alone would not wait: a connection it is still given, which takes a
 * handshake, does not count as one.)
 */
function connectionTransport(kc: KubeConfig, url: URL, connections: KubeApiConnections) {
  const session = http2Session(url, connections);
  const opened = new Set<tls.TLSSocket>();
  const state = { closed: false };
  const agent = verifiedAgent(kc, url, connections, opened, state);
  const turns = slots(connections.max);

  const send = async (request: RequestContext): Promise<Answer> => {
    const out = outgoing(request);
    if (session && !session.closed && !session.destroyed) return sendHttp2(session, out);
    const turn = turns.acquire();
    if (turn) await turn;
    try {
      out.signal?.throwIfAborted();
      return await sendHttp1(agent, out);
    } finally {
      turns.release();
    }
  };

  const library: HttpLibrary = wrapHttpLibrary({
    async send(request) {
      const answer = await send(request);
      // Read whole above, so a connection is free for the next request even when client-node
      // does not read an error's body.
      return new ResponseContext(answer.status, answer.headers, {
        text: async () => answer.text,
        binary: async () => Buffer.from(answer.text),
        stream: () => null,
      });
    },
  });
  return {
    library,
    close() {
      state.closed = true;
      agent.destroy();
      session?.destroy();
      // Those still in their handshake: the agent does not hold them yet.
      for (const socket of opened) socket.destroy();
    },
  };
}

/** Status and body of an answer client-node refused (any non-2xx), as the ladder reads them. */
function asKubeError(e: unknown): unknown {
  if (!(e instanceof ApiException)) return e;
  const body: unknown = e.body;
  const text = typeof body === 'string' ? body : body === undefined || body === null ? '' : JSON.stringify(body);
  return new KubeHttpError(e.code, text.slice(0, BODY_LIMIT));
}

export function createKubeApiClient(
  target: ProbeTarget,
  creds: WireCredentials,
  connections: KubeApiConnections,
): KubeClient {
  const kc = kubeConfigFor(target, creds);
  const transport = connectionTransport(kc, new URL(target.server), connections);
  const versionApi = kc.makeApiClient(VersionApi);
  const authenticationApi = kc.makeApiClient(AuthenticationV1Api);
  // Per call: the transport, and the step's deadline as the request's signal (appended after
  // client-node's own middleware, which sets its User-Agent). Authentication stays client-node's:
  // `makeApiClient` made the KubeConfig the clients' security scheme, which sets the bearer token.
  const callOptions = (signal: AbortSignal) => {
    const deadline: ObservableMiddleware = {
      pre: (context) => {
        context.setSignal(signal);
        return new Observable(Promise.resolve(context));
      },
      post: (response) => new Observable(Promise.resolve(response)),
    };
    return {
      httpApi: transport.library,
      middleware: [deadline],
      middlewareMergeStrategy: 'append' as const,
    };
  };

  return {
    async version(signal) {
      const v = await versionApi.getCode({}, callOptions(signal)).catch((e: unknown) => Promise.reject(asKubeError(e)));
      return {
        major: String(v.major ?? ''),
        minor: String(v.minor ?? ''),
        gitVersion: String(v.gitVersion ?? ''),
        ...(v.platform ? { platform: String(v.platform) } : {}),
      };
    },
    async selfSubjectReview(signal) {
      const review = await authenticationApi
        .createSelfSubjectReview(
          { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } },
          callOptions(signal),
        )
        .catch((e: unknown) => Promise.reject(asKubeError(e)));
      return {
        username: review.status?.userInfo?.username ?? '',
        groups: review.status?.userInfo?.groups ?? [],
      };
    },
    async close() {
      transport.close();
    },
  };
}
