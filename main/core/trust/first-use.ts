import { X509Certificate } from 'node:crypto';
import { connect, type DetailedPeerCertificate, type PeerCertificate } from 'node:tls';
import { UserError } from '../errors.ts';
import { isCloudflareGatewayName } from '../probe/gateway.ts';

/**
 * Trust on first use, for clusters whose CA no source knows: fetch the chain the API server
 * presents, show its SHA-256 fingerprint and issuer, and pin it only once the user confirms.
 * A chain issued by a Cloudflare Gateway CA is refused: the connection is being inspected, and
 * pinning it would make kubectl trust the middlebox instead of the cluster.
 */
export interface PresentedChain {
  /** What gets pinned: the top-most certificate the server sent (its CA when it sends one). */
  anchorPem: string;
  /** `certificate-authority-data`: base64 of anchorPem. */
  anchorData: string;
  /** SHA-256 fingerprint of the anchor, colon-separated hex as openssl prints it. */
  fingerprint: string;
  subject: string;
  issuer: string;
  /** The leaf's names (SANs), to help the user recognise the cluster. */
  names: string[];
  intercepted: boolean;
}

export async function fetchPresentedChain(
  server: string,
  opts: { tlsServerName?: string; timeoutMs?: number } = {},
): Promise<PresentedChain> {
  const url = new URL(server);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  const peer = await new Promise<DetailedPeerCertificate>((resolve, reject) => {
    const socket = connect({
      host,
      port,
      // An IP is not a valid SNI name; only send one when the catalog names the server.
      ...(opts.tlsServerName ? { servername: opts.tlsServerName } : {}),
      // Reading the chain is the point: it is shown to the user and pinned only on their word.
      rejectUnauthorized: false,
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new UserError(
          'bad-input',
          `${server} did not complete a TLS handshake within ${opts.timeoutMs ?? 5000} ms, so its certificate could not be read; run "kubezt diagnose" for the cause.`,
        ),
      );
    }, opts.timeoutMs ?? 5000);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate(true);
      socket.destroy();
      resolve(cert);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(
        new UserError(
          'bad-input',
          `Could not read the certificate of ${server} (${e.message}); run "kubezt diagnose" for the cause.`,
        ),
      );
    });
  });
  const chain: PeerCertificate[] = [];
  let c: DetailedPeerCertificate | undefined = peer;
  while (c?.raw && !chain.some((x) => x.fingerprint256 === c?.fingerprint256)) {
    chain.push(c);
    c = c.issuerCertificate;
  }
  const leaf = chain[0];
  const anchor = chain[chain.length - 1];
  if (!leaf || !anchor)
    throw new UserError('bad-input', `${server} presented no certificate; it is not a Kubernetes API server.`);
  const x509 = new X509Certificate(anchor.raw);
  const leafX509 = new X509Certificate(leaf.raw);
  const anchorPem = x509.toString();
  return {
    anchorPem,
    anchorData: Buffer.from(anchorPem).toString('base64'),
    fingerprint: anchor.fingerprint256,
    subject: readableName(x509.subject),
    issuer: readableName(x509.issuer),
    names: (leafX509.subjectAltName ?? '').split(/,\s*/).filter(Boolean),
    intercepted: chain.some((x) => isCloudflareGatewayName(readableName(new X509Certificate(x.raw).issuer))),
  };
}

/**
 * A certificate name as people write it: `C=US, O=Cloudflare, Inc., CN=…`. Node gives one
 * attribute per line with RFC 2253 escapes (`O=Cloudflare\, Inc.`), which read as noise in a
 * prompt that asks the user to trust a certificate.
 */
export function readableName(distinguishedName: string): string {
  return distinguishedName
    .split('\n')
    .map((part) => part.replace(/\\(.)/g, '$1'))
    .join(', ');
}
