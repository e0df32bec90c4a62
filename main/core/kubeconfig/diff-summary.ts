import { createHash, X509Certificate } from 'node:crypto';
import { parse } from 'yaml';
import { MASK } from '../secrets/kubeconfig-mask.ts';

/**
 * One readable line for a kubeconfig line that holds certificate data or another long base64
 * value, for the setup diff: `certificate-authority-data: <CA certificate, SHA256 AB:CD:…,
 * CN=kubernetes, expires 2027-01-02>`. A reviewer needs to see which certificate arrives and
 * whether it changed, not 1,000 characters of base64 that wrap over a dozen terminal rows.
 *
 * Secrets stay out: a value the mask hid (every credential under `users`) is summarised only when
 * it is a certificate, which is public by design (the client sends it in every TLS handshake);
 * a private key or anything else hidden keeps MASK alone, with nothing derived from it.
 */

/** Lines this short are left as they are: nothing to gain. */
const LONG_VALUE = 64;

/** `  certificate-authority-data: VALUE` and `- key: VALUE`, block style, one plain or quoted scalar. */
const KEY_VALUE = /^(\s*(?:-\s+)?)([\w.-]+)(\s*:\s+)(["']?)([A-Za-z0-9+/=_-]+)\4(\s*)$/;

/** How many bytes of the SHA-256 fingerprint are shown: enough to tell certificates apart at a glance. */
const SHOWN_BYTES = 8;

function shortFingerprint(hex: string): string {
  const pairs = hex.toUpperCase().match(/../g) ?? [];
  return `${pairs.slice(0, SHOWN_BYTES).join(':')}:…`;
}

function commonName(subject: string): string | undefined {
  const cn = subject.split('\n').find((part) => part.startsWith('CN='));
  return cn?.trim();
}

/** The certificates in base64 data: PEM text (one or a bundle) or a single DER certificate. */
function certificatesIn(base64: string): X509Certificate[] {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0) return [];
  const text = bytes.toString('latin1');
  try {
    if (text.includes('-----BEGIN CERTIFICATE-----')) {
      const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
      return blocks.map((pem) => new X509Certificate(pem));
    }
    return [new X509Certificate(bytes)];
  } catch {
    return [];
  }
}

function describeCertificates(kind: string, certs: readonly X509Certificate[]): string {
  const first = certs[0] as X509Certificate;
  const fingerprint = shortFingerprint(first.fingerprint256.replace(/:/g, ''));
  const cn = commonName(first.subject);
  const expires = new Date(first.validTo).toISOString().slice(0, 10);
  const what = certs.length === 1 ? kind : `${certs.length} ${kind}s, the first`;
  return `<${what}, SHA256 ${fingerprint}${cn ? `, ${cn}` : ''}, expires ${expires}>`;
}

const CERTIFICATE_KIND: Readonly<Record<string, string>> = {
  'certificate-authority-data': 'CA certificate',
  'client-certificate-data': 'client certificate',
};

/**
 * The line to show for `shown` (the masked line) whose clear text is `clear`; `shown` itself
 * when neither holds certificate data nor a long base64 value.
 */
export function summarizeDiffLine(clear: string, shown: string): string {
  const m = KEY_VALUE.exec(clear);
  if (!m) return shown;
  const [, lead, key, sep, , value, trail] = m as unknown as [string, string, string, string, string, string, string];
  const head = `${lead}${key}${sep}`;
  if (!shown.startsWith(head)) return shown;
  const masked = shown.slice(head.length).trim() === MASK;
  const kind = CERTIFICATE_KIND[key];
  if (kind) {
    const certs = certificatesIn(value);
    if (certs.length > 0) return `${head}${describeCertificates(kind, certs)}${trail}`;
  }
  // Hidden and not a certificate (a private key, a token): MASK alone, nothing derived from it.
  if (masked || value.length < LONG_VALUE || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return shown;
  const bytes = Buffer.from(value, 'base64');
  const hash = createHash('sha256').update(bytes).digest('hex');
  return `${head}<${bytes.length} bytes of base64, SHA256 ${shortFingerprint(hash)}>${trail}`;
}

/** The keys kubezt writes in its marker (core/kubeconfig/desired.ts); any other key keeps the block whole. */
const MARKER_KEYS: ReadonlySet<string> = new Set(['managed', 'cluster', 'sources', 'virtualNetwork']);

/** `extensions: <kubezt: cluster prod-us, sources catalog+cloudflare, network default>`, or undefined. */
function markerSummary(lines: readonly string[], indent: number): string | undefined {
  let doc: unknown;
  try {
    doc = parse(lines.map((l) => l.slice(indent)).join('\n'));
  } catch {
    return undefined;
  }
  const list = (doc as { extensions?: unknown } | null)?.extensions;
  if (!Array.isArray(list) || list.length !== 1) return undefined;
  const item = list[0] as { name?: unknown; extension?: Record<string, unknown> } | null;
  const ext = item?.extension;
  if (item?.name !== 'kubezt' || Object.keys(item).length !== 2 || !ext || typeof ext !== 'object') return undefined;
  if (ext.managed !== true || !Object.keys(ext).every((k) => MARKER_KEYS.has(k))) return undefined;
  const sources = Array.isArray(ext.sources) ? ext.sources : [];
  const vnet = ext.virtualNetwork as { name?: unknown } | undefined;
  if (typeof ext.cluster !== 'string' || !sources.every((x) => typeof x === 'string')) return undefined;
  const parts = [`cluster ${ext.cluster}`, `sources ${sources.join('+') || 'none'}`];
  if (vnet !== undefined) {
    if (typeof vnet?.name !== 'string') return undefined;
    parts.push(`network ${vnet.name}`);
  }
  return `${' '.repeat(indent)}extensions: <kubezt: ${parts.join(', ')}>`;
}

export interface ShownOp {
  kind: ' ' | '-' | '+';
  /** The line in clear. */
  line: string;
  /** The line as shown (masked, summarised). */
  shown: string;
}

/**
 * The lines of one hunk, each kubezt marker block (`extensions:` holding only kubezt's own
 * extension, added, removed or kept whole) folded into one line: it is the same eleven lines under
 * every cluster, context and user kubezt writes. A block that is partly changed, holds anything
 * else, or has a masked part is shown line by line.
 */
export function foldMarkers(ops: readonly ShownOp[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as ShownOp;
    const m = /^( *)extensions:\s*$/.exec(op.line);
    if (m) {
      const indent = (m[1] as string).length;
      let j = i + 1;
      while (j < ops.length) {
        const next = ops[j] as ShownOp;
        const depth = next.line.length - next.line.trimStart().length;
        if (next.line.trim() === '' || !(next.line.startsWith(`${' '.repeat(indent)}- `) || depth > indent)) break;
        j++;
      }
      const block = ops.slice(i, j);
      // Only a block seen whole (the hunk may cut it), all of one kind, with nothing masked.
      const whole = j < ops.length && block.every((b) => b.kind === op.kind && b.shown === b.line);
      const summary = whole
        ? markerSummary(
            block.map((b) => b.line),
            indent,
          )
        : undefined;
      if (summary) {
        out.push(`${op.kind}${summary}`);
        i = j - 1;
        continue;
      }
    }
    out.push(`${op.kind}${op.shown}`);
  }
  return out;
}

const ESC = '\u001b[';
const PAINT: Readonly<Record<string, string>> = { '+': '32', '-': '31', '@': '36' };

/**
 * ANSI colours for a unified diff: added lines green, removed red, hunk headers cyan, the file
 * header bold. Only for a terminal: the caller decides (a pipe or NO_COLOR gets the plain text).
 */
export function colorDiff(diff: string): string {
  return diff
    .split('\n')
    .map((line) => {
      if (line.startsWith('+++ ') || line.startsWith('--- ')) return `${ESC}1m${line}${ESC}0m`;
      const code = line.startsWith('@@') ? PAINT['@'] : PAINT[line.charAt(0)];
      return code && line.length > 0 ? `${ESC}${code}m${line}${ESC}0m` : line;
    })
    .join('\n');
}
