import { lookup } from 'node:dns/promises';
import type net from 'node:net';
import { isIP } from 'node:net';
import type tls from 'node:tls';
import {
  execRequestOf,
  loadCredentials,
  presentsClientCertificate,
  type Withheld,
  withheldCredentials,
} from '../credentials.ts';
import {
  createKubeClient,
  type KubeClient,
  openSpareConnection,
  type SpareConnection,
  type WireCredentials,
} from '../kube.ts';
import type { ProbeRun } from '../run.ts';
import type { ProbeEnvironment, ProbeTarget, StepName } from '../types.ts';
import type { StepOutcome } from './outcome.ts';

/** The connection as the steps build it: tcp opens `socket`, tls judges it into `tlsSocket`. */
export interface Connection {
  /** The server's IP: the host itself, or what it resolved to (once it has). */
  ip?: string;
  socket?: net.Socket;
  tlsSocket?: tls.TLSSocket;
  /** A second connection beside the judged one, for HTTP/1.1 requests in parallel. */
  spare?: SpareConnection;
  /** The leaf the tls step judged: a spare connection must present the same one. */
  judgedFingerprint?: string;
}

/** What the orchestrator hands every step: the target, the run, and the connection built so far. */
export interface LadderState {
  readonly target: ProbeTarget;
  readonly run: ProbeRun;
  readonly env: ProbeEnvironment;
  /** The server URL's host and port; null when it is not an https:// URL (host '' and port 0 then). */
  readonly server: { host: string; port: number } | null;
  readonly host: string;
  readonly port: number;
  /** The context's certificate-authority-data, decoded. */
  readonly caPem: string | undefined;
  /** Credentials this check does not send, and why (the auth step says so). */
  readonly withheld: Withheld | null;
  /** Whether /version and selfsubjectreviews may go out over a spare connection beside the judged one. */
  readonly parallelRequests: boolean;
  /** Aborted when the ladder ends or a step fails: stops the work that ran ahead of the report. */
  readonly signal: AbortSignal;
  readonly conn: Connection;
  /** Holds a socket until the ladder ends (destroys it at once when the ladder already has). */
  keep<S extends net.Socket>(s: S): S;
  /** The host's IP, resolved once for the route check and the connection alike. */
  resolveIp(): Promise<string>;
  /**
   * The API client with the context's credentials. Files are read and an exec plugin runs only
   * here: only the steps that run once tls has passed (version, auth) may call it.
   */
  client(): Promise<KubeClient>;
  /** The server refused a plugin's credentials: the next check runs the plugin again (client-go does the same). */
  forgetRefused(): void;
}

/** One rung of the ladder: a function of its inputs and the state the orchestrator hands it. */
export interface Step {
  readonly name: StepName;
  /** The work, under a deadline: `signal` aborts when `budgetMs` runs out or the ladder ends. */
  run(state: LadderState, signal: AbortSignal, budgetMs: number): Promise<StepOutcome>;
  /** What the step reports when it ran out of time. */
  onDeadline(state: LadderState, ms: number): StepOutcome;
}

export interface LadderLimits {
  stepTimeoutMs: number;
  /** performance.now() by which the ladder ends. */
  endBy: number;
  parallelRequests: boolean;
}

function parseServer(server: string): { host: string; port: number } | null {
  try {
    const u = new URL(server);
    if (u.protocol !== 'https:') return null;
    const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
    return { host, port: u.port ? Number(u.port) : 443 };
  } catch {
    return null;
  }
}

/** A ladder's state, and `close` to release what it holds once the ladder ends. */
export function createLadderState(
  target: ProbeTarget,
  run: ProbeRun,
  limits: LadderLimits,
  signal: AbortSignal,
): LadderState & { close(): Promise<void> } {
  const env = run.env;
  const server = parseServer(target.server);
  const host = server?.host ?? '';
  const conn: Connection = isIP(host) ? { ip: host } : {};
  const withheld = withheldCredentials(target, env);
  const held = new Set<net.Socket>();
  const keep = <S extends net.Socket>(s: S): S => {
    if (signal.aborted) s.destroy();
    else held.add(s);
    return s;
  };

  let resolving: Promise<string> | undefined;
  const resolveIp = (): Promise<string> => {
    if (conn.ip) return Promise.resolve(conn.ip);
    resolving ??= lookup(host).then((r) => {
      conn.ip = r.address;
      return r.address;
    });
    return resolving;
  };

  /** Credentials as they go on the wire; first asked for once the tls step has passed (by the version step). */
  let credsTask: Promise<WireCredentials> | undefined;
  const credentials = (): Promise<WireCredentials> => {
    credsTask ??= withheld
      ? Promise.resolve({})
      : loadCredentials(target, {
          pool: run.execPlugins,
          env,
          timeoutMs: Math.max(1, Math.min(limits.stepTimeoutMs, limits.endBy - performance.now()) - 50),
          signal,
        });
    credsTask.catch(() => {});
    return credsTask;
  };

  /**
   * The API client, made once for both requests, on connections that present the certificate the
   * tls step judged.
   *
   * Without a client certificate, the judged connection itself carries the requests (and the
   * spare beside it, once it proves to present the same certificate).
   *
   * With one, the judged connection cannot: a client certificate goes out inside the TLS
   * handshake, and Node judges the server only once the handshake is over, so the tls step
   * handshakes without it. The requests go over a second connection that presents the
   * certificate, opened only now that the server has been judged, and used only if its server
   * shows the very certificate (SHA-256 fingerprint) the tls step judged; otherwise it is dropped
   * before a byte of HTTP is written, and a connection the client opens itself must match too.
   * What a server swapped in between the two handshakes could get is the client certificate,
   * which is public, and a signature over that one handshake's transcript, which no other
   * connection accepts; never the private key, a token or a request. (kubectl verifies the chain
   * during its single handshake, before its certificate goes out; Node offers no hook for that.)
   * Only contexts with a client certificate pay for the second handshake.
   */
  let kubeTask: Promise<KubeClient> | undefined;
  const client = (): Promise<KubeClient> => {
    kubeTask ??= credentials().then((creds) => {
      const pin = conn.judgedFingerprint;
      const ip = conn.ip;
      let given: tls.TLSSocket | undefined;
      let extra: SpareConnection | undefined;
      if (presentsClientCertificate(creds) && ip && pin) {
        extra = openSpareConnection(
          target,
          ip,
          run.secureContext({ cert: creds.certPem, key: creds.keyPem, trustNone: true }),
        );
        keep(extra.socket);
      } else if (!presentsClientCertificate(creds)) {
        given = conn.tlsSocket && !conn.tlsSocket.destroyed ? conn.tlsSocket : undefined;
        extra = given && pin && conn.spare && !conn.spare.socket.destroyed ? conn.spare : undefined;
        conn.tlsSocket = undefined;
        conn.spare = undefined;
      }
      return createKubeClient(target, creds, {
        ...(given ? { socket: given } : {}),
        ...(extra && pin ? { spare: { connection: extra, fingerprint256: pin } } : {}),
        ...(pin ? { pin } : {}),
        ...(ip ? { ip } : {}),
      });
    });
    kubeTask.catch(() => {});
    return kubeTask;
  };

  const forgetRefused = () => {
    if (target.credentials.kind !== 'exec' || !credsTask) return;
    credsTask.then((creds) => run.execPlugins.forget(execRequestOf(target, env), creds)).catch(() => {});
  };

  return {
    target,
    run,
    env,
    server,
    host,
    port: server?.port ?? 0,
    caPem: target.certificateAuthorityData
      ? Buffer.from(target.certificateAuthorityData, 'base64').toString('utf8')
      : undefined,
    withheld,
    parallelRequests: limits.parallelRequests,
    signal,
    conn,
    keep,
    resolveIp,
    client,
    forgetRefused,
    async close() {
      const kube = await kubeTask?.catch(() => undefined);
      await kube?.close();
      // Newest first: a TLS socket goes before the TCP socket under it (the other order crashes
      // Node 24 with a segmentation fault).
      for (const s of [...held].reverse()) s.destroy();
    },
  };
}
