/**
 * Public shapes of the fake API server farm. Everything a test or the demo needs to point a
 * kubeconfig (or the probe) at a simulated cluster is here.
 */

export interface UserInfo {
  username: string;
  groups?: string[];
}

/**
 * What a server does wrong. Faults on TLS (`no-tls`, `intercepted`, `unknown-ca`) apply to new
 * connections, like a real middlebox appearing; `refuse` closes the listener and drops open
 * connections; the HTTP faults apply to every request, kept-alive or not.
 *
 * - `refuse`: nothing listens on IP:port (connect gets RST: "connection refused").
 * - `blackhole`: TCP connects time out (SYNs dropped), as behind a dead route. POSIX only.
 * - `no-tls`: accepts TCP, reads the ClientHello and never answers (handshake timeout).
 * - `reset`: accepts TCP, then resets it (what a tunnel whose origin is down does to a TCP flow).
 * - `http-status`: answers every request with this status and a Status body (an overloaded or
 *   broken API server: 500, 503, 429).
 * - `slow`: waits `delayMs` before each response (on top of `latencyMs`).
 * - `intercepted`: presents a certificate for the IP issued by a Cloudflare-Gateway-like CA.
 * - `unknown-ca`: presents a certificate from a CA no client was given.
 * - `reject-credentials`: 401 for every request, whatever the credentials.
 * - `forbid-selfsubjectreviews`: 403 on POST selfsubjectreviews (RBAC without that verb).
 */
export type ServerFault =
  | { kind: 'none' }
  | { kind: 'refuse' }
  | { kind: 'blackhole' }
  | { kind: 'no-tls' }
  | { kind: 'reset' }
  | { kind: 'http-status'; status: number }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'intercepted' }
  | { kind: 'unknown-ca' }
  | { kind: 'reject-credentials' }
  | { kind: 'forbid-selfsubjectreviews' };

export type ServerFaultKind = ServerFault['kind'];

/** A fault, or its kind alone for faults without parameters. */
export type ServerFaultInput = ServerFault | Exclude<ServerFaultKind, 'slow' | 'http-status'>;

export interface FakeServerSpec {
  /** Unique within the farm; used by `farm.server(name)` and `farm.setFault(name, …)`. */
  name: string;
  /** 4 (default): its own 127.0.x.y at the farm port. 6: `::1` on a port of its own (`::1` is one address). */
  family?: 4 | 6;
  /** Served by GET /version. Default `v1.32.3`. `major`/`minor` are derived from it. */
  gitVersion?: string;
  /** Bearer tokens accepted → the user each maps to. Default: one random token for `admin`. */
  tokens?: Record<string, UserInfo>;
  /** DNS SANs of the serving certificate. Default: kubernetes, kubernetes.default, ….svc, ….svc.cluster.local. */
  dnsNames?: string[];
  /** Put the server's IP in the certificate's SANs (default true). False forces `tls-server-name`. */
  ipSan?: boolean;
  /**
   * Anonymous requests: false (default, like `--anonymous-auth=false`) answers 401 to everything
   * without credentials; true lets system:anonymous read /version and the health endpoints and
   * answers 403 elsewhere.
   */
  anonymous?: boolean;
  fault?: ServerFaultInput;
  /** Added before the TLS server hello and before each response: a simulated round trip. */
  latencyMs?: number;
}

export interface IssuedCredentials {
  certPem: string;
  keyPem: string;
}

export interface FakeServerStats {
  /** TCP connections accepted since start. */
  connections: number;
  /** HTTP requests answered since start. */
  requests: number;
}

/** One HTTP request as the server received it. */
export interface FakeRequestRecord {
  method: string;
  path: string;
  /** The User-Agent header ('' without one): which client library sent it. */
  userAgent: string;
  /** The TCP connection that carried it: 1 for the first this server accepted, 2 for the next… */
  connection: number;
  /** An Authorization header came with it (its value is never recorded). */
  authorization: boolean;
  /** The CN of the client certificate its connection presented; null without one. */
  clientCertificate: string | null;
}

/** One TLS handshake the server completed, whatever came after it. */
export interface FakeHandshakeRecord {
  /** The TCP connection, numbered as in FakeRequestRecord. */
  connection: number;
  /** Which certificate the server presented: its own, a Gateway-like one, or an unknown CA's. */
  presented: 'genuine' | 'intercepted' | 'unknown-ca';
  /** The CN of the client certificate the client sent in this handshake; null without one. */
  clientCertificate: string | null;
}

export interface FakeApiServer {
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  readonly family: 4 | 6;
  /** `https://IP:port` (IPv6 bracketed), the kubeconfig `server`. */
  readonly url: string;
  /** The CA that signed this server's certificate (PEM) and its base64 (kubeconfig `certificate-authority-data`). */
  readonly caPem: string;
  readonly caData: string;
  readonly gitVersion: string;
  readonly dnsNames: readonly string[];
  readonly ipSan: boolean;
  readonly tokens: Readonly<Record<string, UserInfo>>;
  /** The first accepted token (convenience). */
  readonly token: string;
  fault(): ServerFault;
  stats(): FakeServerStats;
  /** Every request received since start, oldest first. */
  requestLog(): FakeRequestRecord[];
  /** Every TLS handshake completed since start, oldest first. */
  handshakeLog(): FakeHandshakeRecord[];
  /** Client certificate accepted by this server (CN = user, O = groups). */
  issueClientCert(
    user: string,
    groups?: string[],
    opts?: { expired?: boolean; notAfter?: Date },
  ): Promise<IssuedCredentials>;
}

export interface ApiServerFarmOptions {
  servers: FakeServerSpec[];
  /** IPv4 port every server listens on (default 6443). */
  port?: number;
}

export interface ApiServerFarm {
  readonly servers: readonly FakeApiServer[];
  server(name: string): FakeApiServer;
  /** CA of every server's genuine certificate. */
  readonly caPem: string;
  readonly caData: string;
  /** CA that client certificates must chain to. */
  readonly clientCaPem: string;
  /** The Cloudflare-Gateway-like CA used by the `intercepted` fault (what WARP installs on laptops). */
  readonly gatewayCaPem: string;
  readonly gatewayCaSubject: string;
  /** The CA behind `unknown-ca` (never handed to clients unless a test means to). */
  readonly unknownCaPem: string;
  issueClientCert(
    user: string,
    groups?: string[],
    opts?: { expired?: boolean; notAfter?: Date },
  ): Promise<IssuedCredentials>;
  setFault(name: string, fault: ServerFaultInput): Promise<void>;
  setLatency(name: string, latencyMs: number): void;
  close(): Promise<void>;
}
