import { isIP } from 'node:net';
import type tls from 'node:tls';
import { DeadlineError } from '../deadline.ts';
import { isCloudflareGatewayName } from '../gateway.ts';
import { openSpareConnection } from '../kube.ts';
import { handshakeTls, nameMismatch, type TlsFacts } from '../network.ts';
import type { ProbeTarget } from '../types.ts';
import { cnOf, fail, hostPort, ok, type StepOutcome, warn } from './outcome.ts';
import type { LadderState, Step } from './state.ts';

/** Whether the requests may go over the connection the tls step judged: not when they need a client certificate. */
function sendsOnJudgedConnection(target: ProbeTarget): boolean {
  const kind = target.credentials.kind;
  // An exec plugin's answer is unknown until it runs, and may be a certificate.
  return kind !== 'clientCertificate' && kind !== 'clientCertificateFiles' && kind !== 'exec';
}

/**
 * The TLS handshake on the tcp step's connection, judged: the chain against the context's CA, the
 * name, and Cloudflare Gateway's interception. No credential goes out before this step passes.
 */
export const tlsStep: Step = {
  name: 'tls',
  async run(state, signal) {
    const { target, run, conn, host, port, caPem, keep } = state;
    if (state.parallelRequests && conn.ip && sendsOnJudgedConnection(target)) {
      // Beside the connection being judged, so /version and selfsubjectreviews can go out
      // together over HTTP/1.1. It carries no client certificate, and no request is written on it
      // before it presents the judged certificate. Its certificate is compared with the judged one,
      // not verified: an empty trust store spares Node building the peer certificate for a name
      // check nobody needs.
      conn.spare = openSpareConnection(target, conn.ip, run.secureContext({ trustNone: true }));
      keep(conn.spare.socket);
    }
    const servername = target.tlsServerName ?? (isIP(host) ? undefined : host);
    const started = performance.now();
    let facts: TlsFacts;
    let leaf: tls.PeerCertificate;
    try {
      const r = await handshakeTls(conn.socket as NonNullable<typeof conn.socket>, {
        ...(servername ? { servername } : {}),
        // Never a client certificate here: see `client` in state.ts.
        secureContext: run.secureContext(caPem ? { ca: caPem } : {}),
        signal,
      });
      facts = r.facts;
      leaf = r.leaf;
      conn.tlsSocket = keep(r.socket);
      conn.judgedFingerprint = r.facts.chain[0]?.fingerprint256;
    } catch (e) {
      if (e instanceof DeadlineError) throw e;
      return fail(
        'tls-error',
        `The TLS handshake with ${hostPort(conn.ip ?? host, port)} failed: ${(e as Error).message}.`,
        "Check that the tunnel forwards to the API server's TLS port (https://…:6443), not to a plain-HTTP or another service.",
      );
    }
    const handshakeMs = Math.round((performance.now() - started) * 10) / 10;
    return judge(state, facts, leaf, { handshakeMs, servername });
  },
  onDeadline: ({ conn, host, port }, ms) =>
    fail(
      'tls-timeout',
      `${hostPort(conn.ip ?? host, port)} accepted the connection but did not answer the TLS handshake within ${ms} ms.`,
      "Something between here and the API server holds the connection open without TLS: check that the tunnel's ingress points at the API server's TLS port and that no proxy or firewall stalls it.",
    ),
};

function judge(
  { target, host, conn, caPem: ca }: LadderState,
  facts: TlsFacts,
  leaf: tls.PeerCertificate,
  { handshakeMs, servername }: { handshakeMs: number; servername: string | undefined },
): StepOutcome {
  const expected = target.tlsServerName ?? host;
  const data = { ...facts, handshakeMs, servername: servername ?? null } as unknown as Record<string, unknown>;
  const leafSummary = facts.chain[0];
  const issuer = leafSummary?.issuer ?? '';
  const mismatch = nameMismatch(expected, leaf);
  const insecure = target.insecureSkipTlsVerify === true;
  const gateway = facts.chain.some((c) => isCloudflareGatewayName(c.issuer) || isCloudflareGatewayName(c.subject));
  const address = conn.ip ?? host;
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
}
