import net from 'node:net';
import tls from 'node:tls';

/** TCP connect that settles on connect, error, or abort; the socket outlives the signal once connected. */
export function connectTcp(host: string, port: number, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, noDelay: true });
    const onAbort = () => {
      socket.destroy();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(e);
    });
  });
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  /** SHA-256 fingerprint, colon-separated hex, as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint256: string;
  validFrom: string;
  validTo: string;
  /** DNS names and IPs the certificate is valid for. */
  dnsNames: string[];
  ipAddresses: string[];
}

export interface TlsFacts {
  protocol: string | null;
  alpn: string | null;
  cipher: string;
  /** Leaf first, as the server sent it. */
  chain: CertificateSummary[];
  /** The chain verifies against the context's CA (or the system roots when it has none). */
  chainVerified: boolean;
  /** OpenSSL's reason when it does not (e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE). */
  verifyError?: string;
}

function dn(obj: tls.Certificate | undefined): string {
  if (!obj) return '';
  return Object.entries(obj)
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => `${k}=${x}`) : [`${k}=${String(v)}`]))
    .join(', ');
}

export function summarize(cert: tls.PeerCertificate): CertificateSummary {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  for (const part of (cert.subjectaltname ?? '').split(/,\s*/)) {
    if (part.startsWith('DNS:')) dnsNames.push(part.slice(4));
    else if (part.startsWith('IP Address:')) ipAddresses.push(part.slice(11));
  }
  return {
    subject: dn(cert.subject),
    issuer: dn(cert.issuer),
    fingerprint256: cert.fingerprint256,
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    dnsNames,
    ipAddresses,
  };
}

function peerChain(leaf: tls.DetailedPeerCertificate): CertificateSummary[] {
  const chain: CertificateSummary[] = [];
  const seen = new Set<string>();
  let cert: tls.DetailedPeerCertificate | undefined = leaf;
  while (cert && Object.keys(cert).length > 0 && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(summarize(cert));
    cert = cert.issuerCertificate;
  }
  return chain;
}

/**
 * TLS handshake over an established TCP socket, without rejecting anything: the ladder wants to
 * see the certificate whatever it is, then judges it (intercepted, untrusted, wrong name).
 * The leaf's own peer object is returned for `tls.checkServerIdentity`; the socket stays open, so
 * the API requests can reuse it once the ladder has judged the certificate.
 */
export function handshakeTls(
  socket: net.Socket,
  opts: {
    servername?: string;
    ca?: string;
    cert?: string;
    key?: string;
    /** Used instead of ca/cert/key when given (shared across connections). */
    secureContext?: tls.SecureContext;
    signal: AbortSignal;
  },
): Promise<{ facts: TlsFacts; leaf: tls.PeerCertificate; socket: tls.TLSSocket }> {
  return new Promise((resolve, reject) => {
    let given: tls.DetailedPeerCertificate | undefined;
    const tlsSocket = tls.connect({
      socket,
      ...(opts.servername ? { servername: opts.servername } : {}),
      // A client certificate goes in this handshake, as kubectl sends it, so the connection can
      // carry the API requests afterwards.
      ...(opts.secureContext
        ? { secureContext: opts.secureContext }
        : {
            ...(opts.ca ? { ca: opts.ca } : {}),
            ...(opts.cert && opts.key ? { cert: opts.cert, key: opts.key } : {}),
          }),
      rejectUnauthorized: false,
      // What Go's net/http offers; the answer says whether the server speaks HTTP/2.
      ALPNProtocols: ['h2', 'http/1.1'],
      // Name checks are the ladder's own, with a clearer verdict than OpenSSL's. Node hands this
      // the detailed peer certificate when the chain verifies; kept, it is not built twice.
      checkServerIdentity: (_host, cert) => {
        given = cert as tls.DetailedPeerCertificate;
        return undefined;
      },
    });
    const onAbort = () => {
      tlsSocket.destroy();
      socket.destroy();
      reject(opts.signal.reason);
    };
    if (opts.signal.aborted) return onAbort();
    opts.signal.addEventListener('abort', onAbort, { once: true });
    tlsSocket.once('secureConnect', () => {
      opts.signal.removeEventListener('abort', onAbort);
      // From here on, errors surface through whoever uses the connection next.
      tlsSocket.on('error', () => {});
      // Once, with the chain: the leaf of the detailed form serves checkServerIdentity as well.
      const leaf = given ?? tlsSocket.getPeerCertificate(true);
      const facts: TlsFacts = {
        protocol: tlsSocket.getProtocol(),
        alpn: tlsSocket.alpnProtocol || null,
        cipher: tlsSocket.getCipher().name,
        chain: peerChain(leaf),
        chainVerified: tlsSocket.authorized,
        ...(tlsSocket.authorized ? {} : { verifyError: String(tlsSocket.authorizationError) }),
      };
      resolve({ facts, leaf, socket: tlsSocket });
    });
    tlsSocket.once('error', (e) => {
      opts.signal.removeEventListener('abort', onAbort);
      tlsSocket.destroy();
      reject(e);
    });
  });
}

/** Node's own host check (IP SANs for IPs, DNS SANs with wildcards for names); null when it matches. */
export function nameMismatch(expected: string, leaf: tls.PeerCertificate): string | null {
  const err = tls.checkServerIdentity(expected, leaf);
  return err ? err.message : null;
}
