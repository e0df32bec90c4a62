import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { colorDiff, foldMarkers } from '../../../main/core/kubeconfig/diff-summary.ts';
import { unifiedDiff } from '../../../main/core/kubeconfig/index.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const corpus = path.resolve(repoRoot, '../shared/corpus/kubeconfigs');
/** A kubeadm-style kubeconfig with an inline CA, client certificate and client key. */
const ALLINONE = readFileSync(path.join(corpus, 'kubeclient-allinone.yaml'), 'utf8');
const value = (key: string) => new RegExp(`${key}: (\\S+)`).exec(ALLINONE)?.[1] as string;

describe('the setup diff summarises certificate data', () => {
  const diff = unifiedDiff('config', null, ALLINONE);

  it('shows the CA and the client certificate as fingerprint, CN and expiry lines', () => {
    expect(diff).toContain('+    certificate-authority-data: <CA certificate, SHA256 ');
    expect(diff).toMatch(
      /^\+ {4}certificate-authority-data: <CA certificate, SHA256 (?:[0-9A-F]{2}:){8}…, CN=kubernetes-ca, expires 2035-10-13>$/m,
    );
    expect(diff).toMatch(
      /^\+ {4}client-certificate-data: <client certificate, SHA256 (?:[0-9A-F]{2}:){8}…, CN=kubernetes-admin, expires 2026-10-15>$/m,
    );
    expect(diff).not.toContain(value('certificate-authority-data'));
    expect(diff).not.toContain(value('client-certificate-data'));
  });

  it('keeps the private key masked, with nothing derived from it', () => {
    expect(diff).toMatch(/^\+ {4}client-key-data: <redacted>$/m);
    expect(diff).not.toContain(value('client-key-data').slice(0, 12));
  });

  it('a changed CA shows as - and + with two fingerprints', () => {
    const other = Buffer.from(
      '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n'.repeat(3),
    ).toString('base64');
    const changed = ALLINONE.replace(value('certificate-authority-data'), other);
    const d = unifiedDiff('config', ALLINONE, changed);
    expect(d).toMatch(/^- {4}certificate-authority-data: <CA certificate, SHA256 .*CN=kubernetes-ca/m);
    // Not a certificate: its size and hash, never its text.
    expect(d).toMatch(/^\+ {4}certificate-authority-data: <\d+ bytes of base64, SHA256 (?:[0-9A-F]{2}:){8}…>$/m);
  });

  it('summarize: false shows the data as it is', () => {
    expect(unifiedDiff('config', null, ALLINONE, { summarize: false })).toContain(value('certificate-authority-data'));
  });
});

describe('foldMarkers', () => {
  const marker = [
    'extensions:',
    '- name: kubezt',
    '  extension:',
    '    managed: true',
    '    cluster: prod',
    '    sources:',
    '    - catalog',
  ].map((l) => `      ${l}`);
  const ops = (kind: ' ' | '+' | '-', lines: string[]) => lines.map((line) => ({ kind, line, shown: line }));

  const after = ops(' ', ['  - name: next']);

  it('folds a whole kubezt marker into one line', () => {
    expect(foldMarkers([...ops('+', marker), ...after])).toEqual([
      '+      extensions: <kubezt: cluster prod, sources catalog>',
      '   - name: next',
    ]);
    // Cut by the end of the hunk: it may go on, so it is shown as it is.
    expect(foldMarkers(ops('+', marker))).toHaveLength(7);
  });

  it('keeps a partly changed marker, a foreign extension or a masked part line by line', () => {
    const partly = [...ops(' ', marker.slice(0, 6)), ...ops('+', marker.slice(6)), ...after];
    expect(foldMarkers(partly)).toHaveLength(8);
    const foreign = [...ops('+', [...marker, '      - name: other', '        extension: { x: 1 }']), ...after];
    expect(foldMarkers(foreign)).toHaveLength(10);
    const masked = [
      ...ops('+', marker).map((o, i) => (i === 4 ? { ...o, shown: '    cluster: <redacted>' } : o)),
      ...after,
    ];
    expect(foldMarkers(masked)).toHaveLength(8);
  });
});

describe('colorDiff', () => {
  it('paints + green, - red, @@ cyan and the file header bold, nothing else', () => {
    expect(colorDiff('--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n z\n').split('\n')).toEqual([
      '\u001b[1m--- a\u001b[0m',
      '\u001b[1m+++ b\u001b[0m',
      '\u001b[36m@@ -1 +1 @@\u001b[0m',
      '\u001b[31m-x\u001b[0m',
      '\u001b[32m+y\u001b[0m',
      ' z',
      '',
    ]);
  });
});
