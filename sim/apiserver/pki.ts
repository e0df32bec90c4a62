// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/**
 * Certificates for the fake API servers: real ECDSA P-256 keys and X.509 chains, so the TLS that
 * kubectl, @kubernetes/client-node and the probe see is the same TLS a real cluster presents.
 * The WebCrypto provider is passed explicitly to every call instead of registering it in
 * @peculiar/x509's global provider.
 */

const crypto = webcrypto as unknown as Crypto;
const EC_KEY: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY_MS = 86_400_000;

export interface CertificateAuthority {
  /** PEM of the CA certificate. */
  certPem: string;
  /** Subject as a one-line string (`CN=..., O=...`). */
  subject: string;
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

/** A subject given attribute by attribute, so values with commas ("Cloudflare, Inc.") need no escaping. */
export type SubjectAttributes = { C?: string; ST?: string; L?: string; O?: string[] | string; OU?: string; CN: string };

function toJsonName(s: SubjectAttributes): x509.JsonName {
  const name: x509.JsonName = [];
  if (s.C) name.push({ C: [s.C] });
  if (s.ST) name.push({ ST: [s.ST] });
  if (s.L) name.push({ L: [s.L] });
  for (const o of typeof s.O === 'string' ? [s.O] : (s.O ?? [])) name.push({ O: [o] });
  if (s.OU) name.push({ OU: [s.OU] });
  name.push({ CN: [s.CN] });
  return name;
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function keyToPem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

function randomSerial(): string {
  // Positive 16-byte serial: the top bit cleared so DER does not read it as negative.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

export async function createCertificateAuthority(
  subject: SubjectAttributes,
  opts: { validDays?: number } = {},
): Promise<CertificateAuthority> {
  const keys = await newKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: toJsonName(subject),
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + (opts.validDays ?? 3650) * DAY_MS),
      keys,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), subject: cert.subject, cert, keys };
}

async function issue(
  ca: CertificateAuthority,
  subject: SubjectAttributes,
  usage: 'server' | 'client',
  altNames: x509.JsonGeneralName[],
  validity: { notBefore: Date; notAfter: Date },
): Promise<IssuedCertificate> {
  const keys = await newKeys();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(
      [usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
      false,
    ),
    await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey, false, crypto),
  ];
  if (altNames.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(altNames, false));
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: toJsonName(subject),
      issuer: ca.cert.subjectName,
      notBefore: validity.notBefore,
      notAfter: validity.notAfter,
      publicKey: keys.publicKey,
      signingKey: ca.keys.privateKey,
      signingAlgorithm: SIGNING,
      extensions,
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await keyToPem(keys.privateKey) };
}

/**
 * A serving certificate like kube-apiserver's: CN=kube-apiserver, the in-cluster DNS names, and
 * the IP it listens on (omitted when `ipSan` is false, which is what forces `tls-server-name`).
 */
export async function issueServerCertificate(
  ca: CertificateAuthority,
  opts: { ip: string; dnsNames: string[]; ipSan: boolean; commonName?: string },
): Promise<IssuedCertificate> {
  const altNames: x509.JsonGeneralName[] = opts.dnsNames.map((value) => ({ type: 'dns', value }));
  if (opts.ipSan) altNames.push({ type: 'ip', value: opts.ip });
  const now = Date.now();
  return issue(ca, { CN: opts.commonName ?? 'kube-apiserver' }, 'server', altNames, {
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 365 * DAY_MS),
  });
}

/**
 * A client certificate as kube-apiserver reads it: CN is the username, each O is a group.
 * `expired` issues one whose validity ended yesterday, to exercise "credentials expired";
 * `notAfter` one that ends then.
 */
export async function issueClientCertificate(
  ca: CertificateAuthority,
  user: string,
  groups: string[] = [],
  opts: { expired?: boolean; notAfter?: Date } = {},
): Promise<IssuedCertificate> {
  const now = Date.now();
  const validity = opts.notAfter
    ? { notBefore: new Date(Math.min(now, opts.notAfter.getTime()) - 30 * DAY_MS), notAfter: opts.notAfter }
    : opts.expired
      ? { notBefore: new Date(now - 30 * DAY_MS), notAfter: new Date(now - DAY_MS) }
      : { notBefore: new Date(now - DAY_MS), notAfter: new Date(now + 365 * DAY_MS) };
  return issue(ca, { CN: user, O: groups }, 'client', [], validity);
}

/**
 * Cloudflare Gateway's per-account inspection root is named "Gateway CA - Cloudflare Managed G1"
 * followed by a 32-hex-digit account tag (older accounts: "Cloudflare for Teams ECC Certificate
 * Authority"). The fake mimics the current form so detectors are tested against the real shape.
 */
export function gatewayCaSubject(accountTag: string): SubjectAttributes {
  return { C: 'US', O: 'Cloudflare, Inc.', CN: `Gateway CA - Cloudflare Managed G1 ${accountTag}` };
}

export function randomHex(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');
}
