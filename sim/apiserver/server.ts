import { randomUUID, X509Certificate } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import tls from 'node:tls';
import { type Binding, listenTcp } from './address.ts';
import { type Blackhole, startBlackhole } from './blackhole.ts';
import { answerNamespaces } from './namespaces.ts';
import {
  type CertificateAuthority,
  type IssuedCertificate,
  issueClientCertificate,
  issueServerCertificate,
} from './pki.ts';
import type {
  FakeApiServer,
  FakeHandshakeRecord,
  FakeRequestRecord,
  FakeServerSpec,
  FakeServerStats,
  IssuedCredentials,
  ServerFault,
  ServerFaultInput,
  UserInfo,
} from './types.ts';

/** The CAs a farm shares among its servers. */
export interface FarmAuthorities {
  cluster: CertificateAuthority;
  client: CertificateAuthority;
  gateway: CertificateAuthority;
  unknown: CertificateAuthority;
}

export const DEFAULT_GIT_VERSION = 'v1.32.3';
export const DEFAULT_DNS_NAMES = [
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];

/** What the farm drives; the public part is `FakeApiServer`. */
export interface RunningServer extends FakeApiServer {
  setFault(fault: ServerFaultInput): Promise<void>;
  setLatency(latencyMs: number): void;
  close(): Promise<void>;
}

export function normalizeFault(f: ServerFaultInput | undefined): ServerFault {
  if (f === undefined) return { kind: 'none' };
  if (typeof f === 'string') return { kind: f } as ServerFault;
  if (f.kind === 'http-status' && !(Number.isInteger(f.status) && f.status >= 400 && f.status <= 599)) {
    throw new Error(`An http-status fault needs a status from 400 to 599, got ${String(f.status)}.`);
  }
  if (f.kind === 'slow' && !(Number.isFinite(f.delayMs) && f.delayMs >= 0)) {
    throw new Error(`A slow fault needs a delayMs of 0 or more, got ${String(f.delayMs)}.`);
  }
  return f;
}

export function formatUrl(ip: string, port: number): string {
  return `https://${ip.includes(':') ? `[${ip}]` : ip}:${port}`;
}

/** Version JSON exactly as kube-apiserver serves it (`major`/`minor` from the git version). */
export function versionInfo(gitVersion: string): Record<string, string> {
  const m = /^v(\d+)\.(\d+)/.exec(gitVersion);
  return {
    major: m?.[1] ?? '',
    minor: m?.[2] ?? '',
    gitVersion,
    gitCommit: 'f0c1b4a6b2c3d4e5f60718293a4b5c6d7e8f9012',
    gitTreeState: 'clean',
    buildDate: '2025-03-11T19:52:39Z',
    goVersion: 'go1.23.6',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

function status(code: number, reason: string, message: string, details?: Record<string, unknown>) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);
const SSR_PATH = '/apis/authentication.k8s.io/v1/selfsubjectreviews';

type Caller = { kind: 'user'; user: UserInfo } | { kind: 'anonymous' } | { kind: 'invalid' };

/** The CN of the certificate the client presented on this connection, if any. */
function clientCnOf(socket: tls.TLSSocket): string | null {
  const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : null;
  if (!peer || Object.keys(peer).length === 0) return null;
  const cn = peer.subject?.CN;
  return (Array.isArray(cn) ? cn[0] : cn) ?? '';
}

export async function startFakeApiServer(
  spec: FakeServerSpec,
  binding: Binding,
  cas: FarmAuthorities,
): Promise<RunningServer> {
  const gitVersion = spec.gitVersion ?? DEFAULT_GIT_VERSION;
  const dnsNames = spec.dnsNames ?? DEFAULT_DNS_NAMES;
  const ipSan = spec.ipSan ?? true;
  const tokens: Record<string, UserInfo> = spec.tokens ?? {
    [`kubezt-${spec.name}-${randomUUID().replaceAll('-', '')}`]: { username: 'admin', groups: ['system:masters'] },
  };
  const firstToken = Object.keys(tokens)[0] ?? '';
  const { ip, port, family } = binding;
  let listener: net.Server | null = binding.listener;
  let fault = normalizeFault(spec.fault);
  let latencyMs = spec.latencyMs ?? 0;
  const stats: FakeServerStats = { connections: 0, requests: 0 };
  const requestLog: FakeRequestRecord[] = [];
  const handshakeLog: FakeHandshakeRecord[] = [];
  /** Accept order of each open connection, by the client's address and port (what a TLS socket still knows). */
  const connectionIds = new Map<string, number>();
  const peerOf = (s: net.Socket) => `${s.remoteAddress}:${s.remotePort}`;
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const clientCaKey = new X509Certificate(cas.client.certPem).publicKey;
  let closed = false;
  let blackhole: Blackhole | null = null;

  // One (non-listening) TLS server per presented identity, built on first use: most servers never
  // present a Gateway or rogue certificate, and key generation is the farm's main start-up cost.
  // Raw sockets are handed to the right one, which gives them everything a listening tls.Server
  // does (session resumption included, which Go and undici clients rely on).
  type Identity = 'genuine' | 'intercepted' | 'unknown-ca';
  const tlsServers = new Map<Identity, Promise<tls.Server>>();
  const contextFor = (which: Identity): Promise<tls.Server> => {
    let server = tlsServers.get(which);
    if (!server) {
      const ca = which === 'genuine' ? cas.cluster : which === 'intercepted' ? cas.gateway : cas.unknown;
      // Gateway re-signs for what the client asked: the IP, so its certificate always has the IP SAN.
      const issued: Promise<IssuedCertificate> = issueServerCertificate(ca, {
        ip,
        dnsNames,
        ipSan: which === 'intercepted' ? true : ipSan,
        commonName: which === 'intercepted' ? ip : 'kube-apiserver',
      });
      server = issued.then((c) => {
        const s = tls.createServer({
          key: c.keyPem,
          cert: c.certPem,
          ca: cas.client.certPem,
          requestCert: true,
          rejectUnauthorized: false,
          minVersion: 'TLSv1.2',
          ALPNProtocols: ['http/1.1'],
        });
        s.on('secureConnection', (tlsSocket) => {
          handshakeLog.push({
            connection: connectionIds.get(peerOf(tlsSocket)) ?? 0,
            presented: which,
            clientCertificate: clientCnOf(tlsSocket),
          });
          httpServer.emit('connection', tlsSocket);
        });
        s.on('tlsClientError', (_e, tlsSocket) => tlsSocket.destroy());
        return s;
      });
      tlsServers.set(which, server);
    }
    return server;
  };
  await contextFor('genuine');

  const delay = (ms: number): Promise<void> =>
    ms <= 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          const t = setTimeout(() => {
            timers.delete(t);
            resolve();
          }, ms);
          timers.add(t);
        });

  const authenticate = (req: http.IncomingMessage): Caller => {
    const header = req.headers.authorization;
    let presented = false;
    if (header !== undefined) {
      presented = true;
      const m = /^Bearer\s+(.+)$/i.exec(header);
      const user = m?.[1] ? tokens[m[1].trim()] : undefined;
      if (user && fault.kind !== 'reject-credentials') return { kind: 'user', user };
    }
    const socket = req.socket as tls.TLSSocket;
    const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : null;
    if (peer && Object.keys(peer).length > 0) {
      presented = true;
      const x = socket.getPeerX509Certificate();
      const now = Date.now();
      const valid =
        x?.verify(clientCaKey) === true &&
        Date.parse(x.validFrom) <= now &&
        now <= Date.parse(x.validTo) &&
        fault.kind !== 'reject-credentials';
      if (valid) {
        const cn = peer.subject.CN;
        const o = peer.subject.O;
        const username = Array.isArray(cn) ? (cn[0] ?? '') : (cn ?? '');
        const groups = o === undefined ? [] : Array.isArray(o) ? o : [o];
        return { kind: 'user', user: { username, groups } };
      }
    }
    if (presented || fault.kind === 'reject-credentials') return { kind: 'invalid' };
    return { kind: 'anonymous' };
  };

  const send = (res: http.ServerResponse, code: number, body: unknown, contentType = 'application/json') => {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(code, {
      'Audit-Id': randomUUID(),
      'Cache-Control': 'no-cache, private',
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(payload),
    });
    res.end(payload);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    stats.requests++;
    requestLog.push({
      method: req.method ?? '',
      path: new URL(req.url ?? '/', 'https://x').pathname,
      userAgent: req.headers['user-agent'] ?? '',
      connection: connectionIds.get(peerOf(req.socket)) ?? 0,
      authorization: req.headers.authorization !== undefined,
      clientCertificate: clientCnOf(req.socket as tls.TLSSocket),
    });
    await delay(latencyMs + (fault.kind === 'slow' ? fault.delayMs : 0));
    if (res.destroyed) return;
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    const method = req.method ?? 'GET';
    const who = authenticate(req);
    if (who.kind === 'invalid' || (who.kind === 'anonymous' && !spec.anonymous)) {
      send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    if (fault.kind === 'http-status') {
      const reasons: Record<number, [string, string]> = {
        429: ['TooManyRequests', 'Too many requests, please try again later.'],
        500: ['InternalError', 'Internal error occurred: etcdserver: request timed out'],
        503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
      };
      const [reason, message] = reasons[fault.status] ?? [
        'Unknown',
        `the server responded with the status code ${fault.status}`,
      ];
      send(res, fault.status, status(fault.status, reason, message));
      return;
    }
    const username = who.kind === 'user' ? who.user.username : 'system:anonymous';
    if (who.kind === 'anonymous' && !PUBLIC_PATHS.has(path)) {
      const verb = method === 'GET' ? 'get' : method.toLowerCase();
      send(res, 403, status(403, 'Forbidden', `forbidden: User "${username}" cannot ${verb} path "${path}"`, {}));
      return;
    }
    const allow = (methods: string[]): boolean => {
      if (methods.includes(method)) return true;
      send(
        res,
        405,
        status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`),
      );
      return false;
    };
    switch (path) {
      case '/version':
        if (allow(['GET'])) send(res, 200, versionInfo(gitVersion));
        return;
      case '/healthz':
      case '/livez':
      case '/readyz':
        if (allow(['GET'])) send(res, 200, 'ok', 'text/plain; charset=utf-8');
        return;
      case '/api':
        if (allow(['GET']))
          send(res, 200, {
            kind: 'APIVersions',
            versions: ['v1'],
            serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `${formatUrl(ip, port).slice(8)}` }],
          });
        return;
      case '/apis':
        if (allow(['GET']))
          send(res, 200, {
            kind: 'APIGroupList',
            apiVersion: 'v1',
            groups: [
              {
                name: 'authentication.k8s.io',
                versions: [{ groupVersion: 'authentication.k8s.io/v1', version: 'v1' }],
                preferredVersion: { groupVersion: 'authentication.k8s.io/v1', version: 'v1' },
              },
            ],
          });
        return;
      case '/api/v1':
        if (allow(['GET']))
          send(res, 200, {
            kind: 'APIResourceList',
            groupVersion: 'v1',
            resources: [
              {
                name: 'namespaces',
                singularName: 'namespace',
                namespaced: false,
                kind: 'Namespace',
                verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
                shortNames: ['ns'],
              },
            ],
          });
        return;
      case '/apis/authentication.k8s.io/v1':
        if (allow(['GET']))
          send(res, 200, {
            kind: 'APIResourceList',
            apiVersion: 'v1',
            groupVersion: 'authentication.k8s.io/v1',
            resources: [
              {
                name: 'selfsubjectreviews',
                singularName: 'selfsubjectreview',
                namespaced: false,
                kind: 'SelfSubjectReview',
                verbs: ['create'],
              },
              {
                name: 'tokenreviews',
                singularName: 'tokenreview',
                namespaced: false,
                kind: 'TokenReview',
                verbs: ['create'],
              },
            ],
          });
        return;
      case SSR_PATH: {
        if (!allow(['POST'])) return;
        if (fault.kind === 'forbid-selfsubjectreviews') {
          send(
            res,
            403,
            status(
              403,
              'Forbidden',
              `selfsubjectreviews.authentication.k8s.io is forbidden: User "${username}" cannot create resource "selfsubjectreviews" in API group "authentication.k8s.io" at the cluster scope`,
              { group: 'authentication.k8s.io', kind: 'selfsubjectreviews' },
            ),
          );
          return;
        }
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
        } catch {
          body = undefined;
        }
        const kind = (body as { kind?: unknown } | null | undefined)?.kind;
        if (kind !== undefined && kind !== 'SelfSubjectReview') {
          send(
            res,
            400,
            status(400, 'BadRequest', `the object provided is unrecognized (must be of type SelfSubjectReview)`),
          );
          return;
        }
        const groups = who.kind === 'user' ? [...(who.user.groups ?? [])] : ['system:unauthenticated'];
        if (who.kind === 'user' && !groups.includes('system:authenticated')) groups.push('system:authenticated');
        send(res, 201, {
          kind: 'SelfSubjectReview',
          apiVersion: 'authentication.k8s.io/v1',
          metadata: { creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
          status: { userInfo: { username, groups } },
        });
        return;
      }
      default: {
        const ns = answerNamespaces(spec.name, path, String(req.headers.accept ?? ''), Date.now());
        if (ns && allow(['GET'])) send(res, ns.status, ns.body);
        else if (!ns) send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource', {}));
      }
    }
  };

  const httpServer = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  httpServer.on('clientError', (_e, socket) => socket.destroy());

  const onConnection = (socket: net.Socket): void => {
    stats.connections++;
    const peer = peerOf(socket);
    const id = stats.connections;
    connectionIds.set(peer, id);
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      if (connectionIds.get(peer) === id) connectionIds.delete(peer);
    });
    socket.on('error', () => socket.destroy());
    if (fault.kind === 'reset') {
      // After the client's first bytes, as a tunnel does once it fails to reach the origin.
      socket.once('data', () => socket.resetAndDestroy());
      return;
    }
    if (fault.kind === 'no-tls') {
      // Read and drop the ClientHello so the client's handshake waits for an answer that never comes.
      socket.on('data', () => {});
      return;
    }
    const which = fault.kind === 'intercepted' ? 'intercepted' : fault.kind === 'unknown-ca' ? 'unknown-ca' : 'genuine';
    socket.pause();
    Promise.all([contextFor(which), delay(latencyMs)])
      .then(([tlsServer]) => {
        if (socket.destroyed) return;
        tlsServer.emit('connection', socket);
        socket.resume();
      })
      .catch(() => socket.destroy());
  };
  listener.on('connection', onConnection);

  const closeListener = async (): Promise<void> => {
    const l = listener;
    listener = null;
    for (const s of sockets) s.destroy();
    if (l) await new Promise<void>((resolve) => l.close(() => resolve()));
  };

  const server: RunningServer = {
    name: spec.name,
    ip,
    port,
    family,
    url: formatUrl(ip, port),
    caPem: cas.cluster.certPem,
    caData: Buffer.from(cas.cluster.certPem).toString('base64'),
    gitVersion,
    dnsNames,
    ipSan,
    tokens,
    token: firstToken,
    fault: () => fault,
    stats: () => ({ ...stats }),
    requestLog: () => requestLog.map((r) => ({ ...r })),
    handshakeLog: () => handshakeLog.map((h) => ({ ...h })),
    issueClientCert: (user, groups, opts): Promise<IssuedCredentials> =>
      issueClientCertificate(cas.client, user, groups, opts),
    async setFault(input) {
      const next = normalizeFault(input);
      if (next.kind === 'intercepted') await contextFor('intercepted');
      if (next.kind === 'unknown-ca') await contextFor('unknown-ca');
      fault = next;
      if (next.kind !== 'blackhole' && blackhole) {
        await blackhole.close();
        blackhole = null;
      }
      if (next.kind === 'refuse' || next.kind === 'blackhole') {
        await closeListener();
        if (next.kind === 'blackhole' && !blackhole) blackhole = await startBlackhole(ip, port);
      } else if (!listener && !closed) {
        const l = await listenTcp(ip, port);
        if (l === 'in-use') throw new Error(`${ip}:${port} was taken while ${spec.name} refused connections.`);
        l.on('connection', onConnection);
        listener = l;
      }
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await closeListener();
      await blackhole?.close();
      blackhole = null;
      httpServer.close();
      binding.reservation?.close();
    },
  };
  if (fault.kind === 'refuse') await closeListener();
  else if (fault.kind === 'blackhole') {
    await closeListener();
    blackhole = await startBlackhole(ip, port);
  } else if (fault.kind === 'intercepted' || fault.kind === 'unknown-ca') await contextFor(fault.kind);
  return server;
}
