import { lookup } from 'node:dns/promises';
import type net from 'node:net';
import { isIP } from 'node:net';
import type tls from 'node:tls';
import { createSecureContext } from 'node:tls';
import { execPluginName } from '../model/cluster.ts';
import {
  CredentialFileError,
  execRequestOf,
  loadCredentials,
  presentsClientCertificate,
  type Withheld,
  withheldCredentials,
} from './credentials.ts';
import { DeadlineError, withDeadline } from './deadline.ts';
import { createExecPluginPool, ExecPluginError, type ExecPluginPool } from './exec-plugin.ts';
import { isCloudflareGatewayName } from './gateway.ts';
import {
  createKubeClient,
  describeKubeError,
  detectKubectlClient,
  type KubeClient,
  minorOf,
  openSpareConnection,
  preloadKubeApi,
  type SpareConnection,
  type WireCredentials,
} from './kube.ts';
import { connectTcp, handshakeTls, nameMismatch, type TlsFacts } from './network.ts';
import {
  type KubectlClientInfo,
  type ProbeEnvironment,
  type ProbeOptions,
  type ProbeResult,
  type ProbeTarget,
  STEP_ORDER,
  type StepName,
  type StepReason,
  type StepResult,
  type WarpState,
} from './types.ts';

export const DEFAULT_STEP_TIMEOUT_MS = 5_000;

/**
 * What several ladders of one check share: the kubectl client version and the WARP state are
 * asked once per run, not once per cluster.
 */
export interface ProbeRun {
  env: ProbeEnvironment;
  kubectlClient(): Promise<KubectlClientInfo | null>;
  warpState(): Promise<{ state: WarpState; gatewayOn: boolean; detail?: string }>;
  /**
   * One TLS context per CA and client certificate: building one parses every PEM, and a fleet
   * whose clusters share a CA would otherwise build hundreds.
   */
  secureContext(material: { ca?: string; cert?: string; key?: string; trustNone?: boolean }): tls.SecureContext;
  /** The environment's pool, else one for this run: a plugin config asked for by several ladders runs once. */
  execPlugins: ExecPluginPool;
}

export function createProbeRun(env: ProbeEnvironment): ProbeRun {
  let kubectl: Promise<KubectlClientInfo | null> | undefined;
  let warp: Promise<{ state: WarpState; gatewayOn: boolean; detail?: string }> | undefined;
  const contexts = new Map<string, tls.SecureContext>();
  return {
    env,
    execPlugins: env.execPlugins ?? createExecPluginPool(),
    secureContext({ ca, cert, key, trustNone }) {
      const id = `${trustNone ? '-' : (ca ?? '')}\0${cert ?? ''}\0${key ?? ''}`;
      let context = contexts.get(id);
      if (!context) {
        context = createSecureContext({
          // `trustNone`: an empty trust store, for connections judged by fingerprint instead.
          ...(trustNone ? { ca: [] } : ca ? { ca } : {}),
          ...(cert && key ? { cert, key } : {}),
        });
        contexts.set(id, context);
      }
      return context;
    },
    kubectlClient() {
      kubectl ??= (
        env.kubectlClient
          ? env.kubectlClient()
          : detectKubectlClient(env.runner, env.kubectlPath ?? 'kubectl', env.env ?? process.env)
      ).catch(() => null);
      return kubectl;
    },
    warpState() {
      if (!env.warp) return Promise.reject(new Error('no WARP detector'));
      warp ??= env.warp.state();
      return warp;
    },
  };
}

type StepOutcome = Omit<StepResult, 'step' | 'durationMs'>;

const ok = (reason: StepReason, detail: string, data?: Record<string, unknown>): StepOutcome => ({
  status: 'ok',
  reason,
  detail,
  ...(data ? { data } : {}),
});
const warn = (reason: StepReason, detail: string, remedy: string, data?: Record<string, unknown>): StepOutcome => ({
  status: 'warn',
  reason,
  detail,
  remedy,
  ...(data ? { data } : {}),
});
const fail = (reason: StepReason, detail: string, remedy: string, data?: Record<string, unknown>): StepOutcome => ({
  status: 'fail',
  reason,
  detail,
  remedy,
  ...(data ? { data } : {}),
});
const skip = (reason: StepReason, detail: string): StepOutcome => ({ status: 'skip', reason, detail });

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

/** Whether the requests may go over the connection the tls step judged: not when they need a client certificate. */
function sendsOnJudgedConnection(target: ProbeTarget): boolean {
  const kind = target.credentials.kind;
  // An exec plugin's answer is unknown until it runs, and may be a certificate.
  return kind !== 'clientCertificate' && kind !== 'clientCertificateFiles' && kind !== 'exec';
}

const hostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

function cnOf(dn: string): string {
  return /(?:^|, )CN=([^,]+)/.exec(dn)?.[1] ?? dn;
}

function credentialsRemedy(target: ProbeTarget): string {
  const c = target.credentials;
  switch (c.kind) {
    case 'none':
    case 'notSetUp':
      return 'The context has no credentials: give its user a token, a client certificate or an exec plugin (kubezt setup writes one).';
    case 'token':
    case 'tokenFile':
      return 'The token was rejected (expired, revoked or meant for another cluster): replace it with a fresh one.';
    case 'clientCertificate':
    case 'clientCertificateFiles':
      return "The client certificate was rejected (expired, or not signed by this cluster's client CA): get a new one from the cluster's admin.";
    case 'exec':
      // The plugin by name only: its arguments and environment often hold a client secret.
      return `The credentials from the exec plugin "${execPluginName(c.exec.command)}" were rejected (expired, or meant for another cluster): sign in again with that tool, then check again.`;
  }
}

export interface LadderOptions extends ProbeOptions {
  signal?: AbortSignal;
}

interface Timed {
  outcome: StepOutcome;
  durationMs: number;
}

const STEP_FAILED = new Error('a step failed');
const LADDER_FINISHED = new Error('ladder finished');

const since = (started: number) => Math.round((performance.now() - started) * 10) / 10;

/**
 * Runs the ladder warp → route → tcp → tls → version → auth for one cluster. Never throws and
 * never outlives `ladderTimeoutMs` by more than a step's cleanup: every step has a deadline.
 *
 * Steps are reported in ladder order, and every step after a failure is `skip`; the work itself
 * overlaps where that is safe: TCP and TLS start while WARP and the route are being read (a bare
 * connection carries no credential), the API requests (made by @kubernetes/client-node, see
 * kube-api.ts) reuse the judged TLS connection, and /version and selfsubjectreviews go out
 * together (over HTTP/2 on that connection, or over a spare HTTP/1.1 connection opened beside it).
 *
 * Credentials wait for the tls step: no credential file is read, no exec plugin runs and nothing
 * is sent before it has passed, and a Gateway-intercepted connection never passes. Some are not
 * sent at all (a cluster with no kubeconfig context, a plugin this check may not run; see
 * credentials.ts): the ladder then stops at an unauthenticated GET /version and skips auth.
 */
export async function probeCluster(
  target: ProbeTarget,
  envOrRun: ProbeEnvironment | ProbeRun,
  opts: LadderOptions = {},
): Promise<ProbeResult> {
  // client-node (for the version and auth steps) is loaded before the ladder's clocks start, as
  // the ladder's own code was: loading it holds the event loop (about 0.1 s from the bundle, a
  // second or two from sources), which would otherwise count against whatever step was running.
  // Loaded once per process; a load that fails is reported by the version step.
  await preloadKubeApi().catch(() => undefined);
  const run = 'warpState' in envOrRun ? envOrRun : createProbeRun(envOrRun);
  const env = run.env;
  const stepTimeoutMs = opts.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const ladderTimeoutMs = opts.ladderTimeoutMs ?? stepTimeoutMs * 4;
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const endBy = t0 + ladderTimeoutMs;
  const steps: StepResult[] = [];
  const parsed = parseServer(target.server);
  const host = parsed?.host ?? '';
  const port = parsed?.port ?? 0;
  let ip: string | undefined = isIP(host) ? host : undefined;
  let failedAt: StepName | undefined;
  let socket: net.Socket | undefined;
  let tlsSocket: tls.TLSSocket | undefined;
  let spare: SpareConnection | undefined;
  /** The leaf the tls step judged: a spare connection must present the same one. */
  let judgedFingerprint: string | undefined;
  let kubeTask: Promise<KubeClient> | undefined;
  const caPem = target.certificateAuthorityData
    ? Buffer.from(target.certificateAuthorityData, 'base64').toString('utf8')
    : undefined;
  /** Credentials this check does not send, and why (the auth step says so). */
  const withheld: Withheld | null = withheldCredentials(target, env);

  // Aborted when the ladder ends or a step fails (or the caller aborts): stops the work that ran
  // ahead of the report.
  const ladder = new AbortController();
  const onParentAbort = () => ladder.abort(opts.signal?.reason);
  if (opts.signal?.aborted) ladder.abort(opts.signal.reason);
  else opts.signal?.addEventListener('abort', onParentAbort, { once: true });
  const held = new Set<net.Socket>();
  const keep = <S extends net.Socket>(s: S): S => {
    if (ladder.signal.aborted) s.destroy();
    else held.add(s);
    return s;
  };

  const record = (step: StepName, timed: Timed | null) => {
    const result: StepResult = failedAt
      ? { step, durationMs: 0, ...skip('skipped', `Skipped because the ${failedAt} step failed.`) }
      : timed
        ? { step, durationMs: timed.durationMs, ...timed.outcome }
        : { step, durationMs: 0, ...skip('deadline', `Skipped: the check ran out of time (${ladderTimeoutMs} ms).`) };
    steps.push(result);
    if (result.status === 'fail' && !failedAt) {
      failedAt = step;
      ladder.abort(STEP_FAILED);
    }
    opts.onStep?.(target, result);
  };

  /** Runs one step body now, under min(step deadline, what is left of the ladder's); null when out of time. */
  const runStep = async (
    body: (signal: AbortSignal, budgetMs: number) => Promise<StepOutcome>,
    onDeadline: (ms: number) => StepOutcome,
  ): Promise<Timed | null> => {
    const started = performance.now();
    const left = endBy - started;
    if (left <= 0 || ladder.signal.aborted) return null;
    const budget = Math.min(stepTimeoutMs, left);
    let outcome: StepOutcome;
    try {
      outcome = await withDeadline(budget, ladder.signal, (signal) => body(signal, budget));
    } catch (e) {
      outcome =
        e instanceof DeadlineError
          ? onDeadline(budget)
          : fail(
              'http-error',
              `Unexpected error: ${(e as Error).message ?? String(e)}.`,
              'Retry; if it persists, report it.',
            );
    }
    return { outcome, durationMs: since(started) };
  };

  // The host is resolved once, for the route check and the connection alike.
  let resolving: Promise<string> | undefined;
  const resolveIp = (): Promise<string> => {
    if (ip) return Promise.resolve(ip);
    resolving ??= lookup(host).then((r) => {
      ip = r.address;
      return r.address;
    });
    return resolving;
  };

  /**
   * Credentials as they go on the wire: files are read and an exec plugin runs only here, and
   * this is first called once the tls step has passed (by the version step).
   */
  let credsTask: Promise<WireCredentials> | undefined;
  const credentials = (): Promise<WireCredentials> => {
    credsTask ??= withheld
      ? Promise.resolve({})
      : loadCredentials(target, {
          pool: run.execPlugins,
          env,
          timeoutMs: Math.max(1, Math.min(stepTimeoutMs, endBy - performance.now()) - 50),
          signal: ladder.signal,
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
  const client = (): Promise<KubeClient> => {
    kubeTask ??= credentials().then((creds) => {
      const pin = judgedFingerprint;
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
        given = tlsSocket && !tlsSocket.destroyed ? tlsSocket : undefined;
        extra = given && pin && spare && !spare.socket.destroyed ? spare : undefined;
        tlsSocket = undefined;
        spare = undefined;
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

  /** The server refused a plugin's credentials: the next check runs the plugin again (client-go does the same). */
  const forgetRefused = () => {
    if (target.credentials.kind !== 'exec' || !credsTask) return;
    credsTask.then((creds) => run.execPlugins.forget(execRequestOf(target, env), creds)).catch(() => {});
  };

  // Started at once and together; reported below in ladder order.
  const warpTask = runStep(
    async () => {
      if (!env.warp) return skip('not-checked', 'WARP state not checked.');
      let w: Awaited<ReturnType<ProbeRun['warpState']>>;
      try {
        w = await run.warpState();
      } catch (e) {
        return warn(
          'warp-unknown',
          `WARP state could not be read: ${(e as Error).message}.`,
          'Check that warp-cli answers (`warp-cli status`).',
        );
      }
      const data = { state: w.state, gatewayOn: w.gatewayOn };
      const gw = w.gatewayOn ? ' with Gateway filtering on' : '';
      switch (w.state) {
        case 'connected':
          return ok('warp-connected', `WARP is connected${gw}.`, data);
        case 'connecting':
          return warn(
            'warp-connecting',
            'WARP is still connecting.',
            'Wait for WARP to connect, then check again.',
            data,
          );
        case 'disconnected':
          return fail(
            'warp-disconnected',
            `WARP is disconnected${w.detail ? ` (${w.detail})` : ''}.`,
            'Connect WARP (the Cloudflare WARP app, or `warp-cli connect`) and check again.',
            data,
          );
        case 'unavailable':
          return fail(
            'warp-unavailable',
            'The Cloudflare WARP client is not installed or its daemon is not running.',
            "Install the Cloudflare WARP client and enroll it in your organization's Zero Trust team.",
            data,
          );
        default:
          return warn(
            'warp-unknown',
            `WARP state is unknown${w.detail ? ` (${w.detail})` : ''}.`,
            'Check the WARP app; the next steps tell whether the cluster is reachable anyway.',
            data,
          );
      }
    },
    (ms) =>
      warn(
        'warp-unknown',
        `WARP state could not be read within ${ms} ms.`,
        'Check that warp-cli answers (`warp-cli status`).',
      ),
  );
  const routeTask = runStep(
    async () => {
      if (!env.warp) return skip('not-checked', 'Route through WARP not checked.');
      let address: string;
      try {
        address = await resolveIp();
      } catch (e) {
        return warn(
          'route-unknown',
          `Could not resolve ${host}: ${(e as Error).message}.`,
          'Check the server name in the kubeconfig.',
        );
      }
      let r: Awaited<ReturnType<NonNullable<ProbeEnvironment['warp']>['routeFor']>>;
      try {
        r = await env.warp.routeFor(address);
      } catch (e) {
        return warn(
          'route-unknown',
          `The route to ${address} could not be read: ${(e as Error).message}.`,
          'The next steps tell whether the cluster is reachable anyway.',
        );
      }
      const data = { ip: address, verdict: r.verdict };
      switch (r.verdict) {
        case 'via-warp':
          return ok('via-warp', r.detail, data);
        case 'split-tunnel-excluded':
          return fail(
            'split-tunnel-excluded',
            r.detail,
            r.remedy ??
              `Split tunnel excludes ${address}: add ${address}/32 to the Include list or remove it from Exclude.`,
            data,
          );
        case 'not-via-warp':
          return fail(
            'not-via-warp',
            r.detail,
            r.remedy ??
              `Traffic to ${address} does not go through WARP: check that the tunnel's route covers it and that WARP's split tunnel includes it.`,
            data,
          );
        default:
          return warn(
            'route-unknown',
            r.detail,
            r.remedy ?? 'The next steps tell whether the cluster is reachable anyway.',
            data,
          );
      }
    },
    (ms) =>
      warn(
        'route-unknown',
        `The route to ${ip ?? host} could not be read within ${ms} ms.`,
        'The next steps tell whether the cluster is reachable anyway.',
      ),
  );
  const tcpTask = runStep(
    async (signal) => {
      if (!parsed) {
        return fail(
          'dns',
          `"${target.server}" is not an https:// URL.`,
          'Fix the server URL in the kubeconfig (https://IP:port).',
        );
      }
      let address: string;
      try {
        address = await resolveIp();
      } catch (e) {
        return fail(
          'dns',
          `Could not resolve ${host}: ${(e as Error).message}.`,
          'Check the server name in the kubeconfig.',
        );
      }
      const started = performance.now();
      try {
        socket = keep(await connectTcp(address, port, signal));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ECONNREFUSED') {
          return fail(
            'refused',
            `${hostPort(address, port)} refused the connection.`,
            `Nothing accepts connections on ${hostPort(address, port)}: check that the API server is up and that the tunnel (cloudflared) routes this IP to it.`,
          );
        }
        if (code === 'ETIMEDOUT') throw new DeadlineError(0);
        return fail(
          'unreachable',
          `${hostPort(address, port)} is unreachable (${code ?? (e as Error).message}).`,
          `Check that ${address} is routed through WARP and that the tunnel is healthy.`,
        );
      }
      const connectMs = Math.round((performance.now() - started) * 10) / 10;
      return ok('connected', `Connected to ${hostPort(address, port)} in ${connectMs} ms.`, {
        ip: address,
        port,
        connectMs,
      });
    },
    (ms) =>
      fail(
        'timeout',
        `No answer from ${hostPort(ip ?? host, port)} within ${ms} ms.`,
        `Packets to ${ip ?? host} are dropped: check that WARP routes it (split tunnel Include list) and that the tunnel serving it is healthy.`,
      ),
  );
  const tlsTask = tcpTask.then((tcp) => {
    if (!tcp || tcp.outcome.status === 'fail' || ladder.signal.aborted) return null;
    if (opts.parallelRequests !== false && ip && sendsOnJudgedConnection(target)) {
      // Beside the connection being judged, so /version and selfsubjectreviews can go out
      // together over HTTP/1.1. It carries no client certificate, and no request is written on it
      // before it presents the judged certificate. Its certificate is compared with the judged one,
      // not verified: an empty trust store spares Node building the peer certificate for a name
      // check nobody needs.
      spare = openSpareConnection(target, ip, run.secureContext({ trustNone: true }));
      keep(spare.socket);
    }
    return runStep(
      async (signal) => {
        const s = socket as net.Socket;
        const servername = target.tlsServerName ?? (isIP(host) ? undefined : host);
        const ca = target.certificateAuthorityData
          ? Buffer.from(target.certificateAuthorityData, 'base64').toString('utf8')
          : undefined;
        const started = performance.now();
        let facts: TlsFacts;
        let leaf: import('node:tls').PeerCertificate;
        try {
          const r = await handshakeTls(s, {
            ...(servername ? { servername } : {}),
            // Never a client certificate here: see `client` above.
            secureContext: run.secureContext(caPem ? { ca: caPem } : {}),
            signal,
          });
          facts = r.facts;
          leaf = r.leaf;
          tlsSocket = keep(r.socket);
          judgedFingerprint = r.facts.chain[0]?.fingerprint256;
        } catch (e) {
          if (e instanceof DeadlineError) throw e;
          return fail(
            'tls-error',
            `The TLS handshake with ${hostPort(ip ?? host, port)} failed: ${(e as Error).message}.`,
            "Check that the tunnel forwards to the API server's TLS port (https://…:6443), not to a plain-HTTP or another service.",
          );
        }
        const handshakeMs = Math.round((performance.now() - started) * 10) / 10;
        const expected = target.tlsServerName ?? host;
        const data = { ...facts, handshakeMs, servername: servername ?? null } as unknown as Record<string, unknown>;
        const leafSummary = facts.chain[0];
        const issuer = leafSummary?.issuer ?? '';
        const mismatch = nameMismatch(expected, leaf);
        const insecure = target.insecureSkipTlsVerify === true;
        const gateway = facts.chain.some(
          (c) => isCloudflareGatewayName(c.issuer) || isCloudflareGatewayName(c.subject),
        );
        const address = ip ?? host;
        if (gateway) {
          // A failure even when the chain verifies (the Gateway CA added to the context's
          // certificate-authority-data) or is not checked: Gateway decrypts what is sent, so no
          // credential may follow.
          const detail = `The certificate for ${address} was issued by "${cnOf(issuer)}": Cloudflare Gateway is decrypting the connection (TLS inspection), so the API server's own certificate never arrives.`;
          const remedy = `Add a Gateway HTTP policy with the Do Not Inspect action for ${address} (the API server's IP), then check again.`;
          return fail('intercepted', detail, remedy, data);
        }
        if (!facts.chainVerified && !insecure) {
          const against = ca
            ? "the context's certificate-authority-data"
            : "the system's trusted roots (the context has no certificate-authority-data)";
          return fail(
            'untrusted',
            `The server's certificate (issued by "${cnOf(issuer)}") does not verify against ${against}: ${facts.verifyError}.`,
            ca
              ? `Refresh the cluster's CA in the kubeconfig (run kubezt setup again), or check that ${address} really is this cluster's API server.`
              : "Add the cluster's CA to the context as certificate-authority-data (kubezt setup writes it).",
            data,
          );
        }
        if (mismatch && !insecure) {
          const dns = leafSummary?.dnsNames ?? [];
          const ips = leafSummary?.ipAddresses ?? [];
          const names = [...dns, ...ips].join(', ') || 'no names';
          return fail(
            'name-mismatch',
            `The certificate is not valid for ${expected} (it names: ${names}).`,
            dns.length > 0
              ? `Set tls-server-name to one of the certificate's names: ${dns.join(', ')}.`
              : `Point the server URL at one of the certificate's IPs (${ips.join(', ')}) or reissue the certificate with ${expected} in its SANs.`,
            { ...data, certificateNames: [...dns, ...ips] },
          );
        }
        if (insecure) {
          return warn(
            'not-verified',
            `TLS ${facts.protocol} in ${handshakeMs} ms, but the certificate is not checked (insecure-skip-tls-verify).`,
            "Put the cluster's CA in certificate-authority-data and remove insecure-skip-tls-verify.",
            data,
          );
        }
        return ok(
          'verified',
          `${facts.protocol}${facts.alpn ? ` (${facts.alpn})` : ''} in ${handshakeMs} ms; certificate for ${expected} issued by "${cnOf(issuer)}".`,
          data,
        );
      },
      (ms) =>
        fail(
          'tls-timeout',
          `${hostPort(ip ?? host, port)} accepted the connection but did not answer the TLS handshake within ${ms} ms.`,
          "Something between here and the API server holds the connection open without TLS: check that the tunnel's ingress points at the API server's TLS port and that no proxy or firewall stalls it.",
        ),
    );
  });

  // Once TLS has passed, the API requests go out at once: the server is proven, so the credentials
  // are safe with it even while WARP and the route are still being read.
  const apiTask = tlsTask.then((tls) => {
    if (!tls || tls.outcome.status === 'fail' || ladder.signal.aborted) return null;
    const version = runStep(
      async (signal, budget) => {
        let kube: KubeClient;
        try {
          kube = await client();
        } catch (e) {
          if (e instanceof ExecPluginError) {
            const c = target.credentials;
            return fail(
              'credentials-failed',
              e.message,
              c.kind === 'exec' && c.exec.installHint
                ? c.exec.installHint.trim()
                : 'Run the credential plugin by hand to see what it needs (often a fresh login), then check again.',
            );
          }
          if (e instanceof CredentialFileError) {
            return fail('credentials-failed', e.message, 'Fix the path in the kubeconfig, or make the file readable.');
          }
          throw e;
        }
        let v: Awaited<ReturnType<KubeClient['version']>>;
        const sent = performance.now();
        try {
          v = await kube.version(signal);
        } catch (e) {
          if (signal.aborted) throw new DeadlineError(budget);
          const f = describeKubeError(e);
          if (withheld && f.kind === 'status' && (f.status === 401 || f.status === 403)) {
            return ok(
              'anonymous-refused',
              `The server answered, but does not let anonymous requests read /version (HTTP ${f.status}), so its version was not read.`,
              { status: f.status },
            );
          }
          if (f.kind === 'status' && f.status === 401) {
            forgetRefused();
            return fail(
              'unauthorized',
              'The server rejected the credentials (401 Unauthorized) on GET /version.',
              credentialsRemedy(target),
              {
                status: 401,
              },
            );
          }
          if (f.kind === 'status' && f.status === 403) {
            return warn(
              'forbidden',
              `The credentials are valid but may not read /version (403 Forbidden: ${f.message}).`,
              'Ask the cluster admin to keep the default system:public-info-viewer binding.',
              { status: 403 },
            );
          }
          return fail(
            'http-error',
            f.kind === 'status'
              ? `GET /version answered HTTP ${f.status}: ${f.message || 'no message'}.`
              : `GET /version failed: ${f.message}.`,
            'The API server or the tunnel in front of it is not healthy: check the cluster and cloudflared logs.',
            f.status ? { status: f.status } : undefined,
          );
        }
        const roundTripMs = since(sent);
        const serverMinor = minorOf(v.minor, v.gitVersion);
        const kubectl = await run.kubectlClient();
        const data: Record<string, unknown> = {
          gitVersion: v.gitVersion,
          major: v.major,
          minor: v.minor,
          ...(v.platform ? { platform: v.platform } : {}),
          kubectl: kubectl?.gitVersion ?? null,
          roundTripMs,
        };
        if (!kubectl || serverMinor === null) {
          return ok(
            'skew-unknown',
            `Server ${v.gitVersion}; ${kubectl ? 'its minor version is unreadable' : 'no local kubectl found'}, so version skew was not checked.`,
            data,
          );
        }
        if (kubectl.dispatcherMinors?.includes(serverMinor) && String(kubectl.major) === String(v.major)) {
          return ok(
            'supported-skew',
            `Server ${v.gitVersion}; the kubectl dispatcher runs kubectl 1.${serverMinor} for it.`,
            {
              ...data,
              skew: 0,
            },
          );
        }
        const skew = serverMinor - kubectl.minor;
        data.skew = skew;
        if (Math.abs(skew) > 1 || String(kubectl.major) !== String(v.major)) {
          // kubectl's own words, so users can search for them.
          return warn(
            'version-skew',
            `Server ${v.gitVersion}. WARNING: version difference between client (${kubectl.major}.${kubectl.minor}) and server (${v.major}.${serverMinor}) exceeds the supported minor version skew of +/-1`,
            `Use a kubectl from 1.${serverMinor - 1} to 1.${serverMinor + 1} for this cluster, or upgrade the cluster.`,
            data,
          );
        }
        return ok(
          'supported-skew',
          `Server ${v.gitVersion}; kubectl ${kubectl.gitVersion} is within one minor version.`,
          data,
        );
      },
      (ms) =>
        fail(
          'http-timeout',
          `GET /version got no answer within ${ms} ms.`,
          'The API server accepted TLS but is not answering: it may be overloaded, or the tunnel is degraded. Retry, then check the cluster and cloudflared.',
        ),
    );
    const auth = runStep(
      async (signal, budget) => {
        if (withheld)
          return { status: 'skip', reason: withheld.reason, detail: withheld.detail, remedy: withheld.remedy };
        let kube: KubeClient;
        try {
          kube = await client();
        } catch {
          // The version step reports why there are no credentials.
          return skip('skipped', 'Skipped: no credentials to send.');
        }
        try {
          const r = await kube.selfSubjectReview(signal);
          return ok(
            'authenticated',
            `Authenticated as ${r.username}${r.groups.length ? ` (groups: ${r.groups.join(', ')})` : ''}.`,
            { username: r.username, groups: r.groups },
          );
        } catch (e) {
          if (signal.aborted) throw new DeadlineError(budget);
          const f = describeKubeError(e);
          if (f.status === 401) {
            forgetRefused();
            return fail(
              'unauthorized',
              'The server rejected the credentials (401 Unauthorized): they are missing, expired or revoked.',
              credentialsRemedy(target),
              { status: 401 },
            );
          }
          if (f.status === 403) {
            return warn(
              'forbidden',
              'Authenticated, but not allowed to create selfsubjectreviews (403 Forbidden), so the user name cannot be shown.',
              'Ask the cluster admin to allow "create" on selfsubjectreviews.authentication.k8s.io (every authenticated user has it by default since Kubernetes 1.28).',
              { status: 403 },
            );
          }
          if (f.status === 404) {
            return warn(
              'not-supported',
              'The server does not serve authentication.k8s.io/v1 selfsubjectreviews (Kubernetes before 1.28), so the user name cannot be shown.',
              'Nothing to fix for kubectl; the cluster needs Kubernetes 1.28 or later to report who you are.',
              { status: 404 },
            );
          }
          return fail(
            'http-error',
            f.kind === 'status'
              ? `POST selfsubjectreviews answered HTTP ${f.status}: ${f.message || 'no message'}.`
              : `POST selfsubjectreviews failed: ${f.message}.`,
            'The API server or the tunnel in front of it is not healthy: check the cluster and cloudflared logs.',
            f.status ? { status: f.status } : undefined,
          );
        }
      },
      (ms) =>
        fail(
          'http-timeout',
          `POST selfsubjectreviews got no answer within ${ms} ms.`,
          'The API server is slow to answer: retry, then check its load and the tunnel.',
        ),
    );
    return { version, auth };
  });

  try {
    record('warp', await warpTask);
    record('route', failedAt ? null : await routeTask);
    record('tcp', failedAt ? null : await tcpTask);
    record('tls', failedAt ? null : await tlsTask);
    const api = failedAt ? null : await apiTask;
    record('version', api && !failedAt ? await api.version : null);
    record('auth', api && !failedAt ? await api.auth : null);
  } finally {
    ladder.abort(LADDER_FINISHED);
    opts.signal?.removeEventListener('abort', onParentAbort);
    const kube = await kubeTask?.catch(() => undefined);
    await kube?.close();
    // Newest first: a TLS socket goes before the TCP socket under it (the other order crashes
    // Node 24 with a segmentation fault).
    for (const s of [...held].reverse()) s.destroy();
  }

  // A ladder cut short by an abort still reports every step.
  for (const name of STEP_ORDER) {
    if (!steps.some((s) => s.step === name))
      steps.push({ step: name, status: 'skip', reason: 'deadline', durationMs: 0, detail: 'Not run.' });
  }
  steps.sort((a, b) => STEP_ORDER.indexOf(a.step) - STEP_ORDER.indexOf(b.step));
  return {
    name: target.name,
    server: target.server,
    host,
    ...(ip ? { ip } : {}),
    port,
    startedAt,
    durationMs: Math.round(performance.now() - t0),
    steps,
    ok: steps.every((s) => s.status !== 'fail'),
  };
}
