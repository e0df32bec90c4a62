import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../../main/core/diagnostics/verdict.ts';
import {
  certificateExpiry,
  credentialFilesRead,
  expiryState,
  formatExpiry,
  readCredentialExpiry,
  tokenExpiry,
} from '../../../main/core/probe/credential-expiry.ts';
import { createExecPluginPool } from '../../../main/core/probe/exec-plugin.ts';
import type { ProbeResult, ProbeTarget, StepResult } from '../../../main/core/probe/types.ts';
import type { ProcessRunner } from '../../../main/core/process/runner.ts';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { createCertificateAuthority, issueClientCertificate } from '../../../sim/apiserver/pki.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = new Date('2026-12-06T12:00:00.000Z');

/** A real HS256 JWT, as an OIDC provider or a service-account issuer would hand out. */
function jwt(payload: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  return `${head}.${createHmac('sha256', 'k'.repeat(32)).update(head).digest('base64url')}`;
}

const readFile = (p: string) => import('node:fs/promises').then((fs) => fs.readFile(p, 'utf8'));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubezt-expiry-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const target = (credentials: ProbeTarget['credentials']): ProbeTarget => ({
  name: 'zt-prod',
  server: 'https://127.0.0.1:6443',
  credentials,
});

describe('reading when credentials expire', () => {
  it('reads a client certificate notAfter and issuer, from data and from a file', async () => {
    const ca = await createCertificateAuthority({ CN: 'prod-client-ca' });
    const notAfter = new Date(Date.now() + 3 * DAY);
    notAfter.setMilliseconds(0);
    const cert = await issueClientCertificate(ca, 'alice', [], { notAfter });
    expect(certificateExpiry(cert.certPem)).toEqual({ expiresAt: notAfter.toISOString(), issuer: 'prod-client-ca' });
    const fromData = await readCredentialExpiry(
      target({ kind: 'clientCertificate', certPem: cert.certPem, keyPem: cert.keyPem }),
      { readFile },
    );
    expect(fromData).toEqual({
      kind: 'client-certificate',
      expiresAt: notAfter.toISOString(),
      issuer: 'prod-client-ca',
    });
    const file = join(dir, 'client.crt');
    await writeFile(file, cert.certPem);
    const fromFile = await readCredentialExpiry(
      target({ kind: 'clientCertificateFiles', cert: { file }, key: { pem: cert.keyPem } }),
      { readFile },
    );
    expect(fromFile).toEqual(fromData);
    // A file that went away has no known expiry; it is not an error here (the ladder reports it).
    const gone = await readCredentialExpiry(
      target({ kind: 'clientCertificateFiles', cert: { file: join(dir, 'missing.crt') }, key: { pem: cert.keyPem } }),
      { readFile },
    );
    expect(gone).toBeNull();
  });

  it("reads a JWT's exp and iss from a token and a token file; an opaque token has none", async () => {
    const exp = Math.floor(NOW.getTime() / 1000) + 2 * 3600;
    const token = jwt({ iss: 'https://dex.example.com', sub: 'alice', exp });
    const expected = {
      kind: 'token',
      expiresAt: new Date(exp * 1000).toISOString(),
      issuer: 'https://dex.example.com',
    };
    expect(await readCredentialExpiry(target({ kind: 'token', token }), { readFile })).toEqual(expected);
    const file = join(dir, 'token');
    await writeFile(file, `${token}\n`);
    expect(await readCredentialExpiry(target({ kind: 'tokenFile', tokenFile: file }), { readFile })).toEqual(expected);
    // After a ladder that failed TLS, no credential file is read, as the ladder read none.
    const reads: string[] = [];
    const counting = (p: string) => {
      reads.push(p);
      return readFile(p);
    };
    const fileTarget = target({ kind: 'tokenFile', tokenFile: file });
    expect(await readCredentialExpiry(fileTarget, { readFile: counting, readFiles: false })).toBeNull();
    expect(reads).toEqual([]);
    expect(credentialFilesRead({ steps: [{ step: 'tls', status: 'fail' }] })).toBe(false);
    expect(credentialFilesRead({ steps: [{ step: 'tls', status: 'ok' }] })).toBe(true);
    expect(tokenExpiry('abcdef0123456789.opaque')).toBeNull();
    expect(tokenExpiry(jwt({ sub: 'no-exp' }))).toBeNull();
    expect(tokenExpiry('a.!!!notbase64json.c')).toBeNull();
  });

  it('reads an exec credential expirationTimestamp only from what the pool remembers (never runs the plugin)', async () => {
    const runs: string[] = [];
    const runner: ProcessRunner = {
      ...nodeProcessRunner,
      run(command, args, opts) {
        runs.push(command);
        return nodeProcessRunner.run(command, args, opts);
      },
    };
    const at = '2026-12-06T13:30:00Z';
    const plugin = join(dir, 'get-token');
    await writeFile(
      plugin,
      `#!/bin/sh\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t0ken-from-plugin","expirationTimestamp":"${at}"}}'\n`,
      { mode: 0o755 },
    );
    const t = target({
      kind: 'exec',
      exec: { command: plugin, apiVersion: 'client.authentication.k8s.io/v1', interactiveMode: 'Never' },
    });
    const pool = createExecPluginPool({ now: () => NOW.getTime() });
    expect(await readCredentialExpiry(t, { readFile, execPlugins: pool })).toBeNull();
    expect(runs).toEqual([]);
    const { loadCredentials } = await import('../../../main/core/probe/credentials.ts');
    await loadCredentials(t, { pool, env: { runner }, timeoutMs: 10_000 });
    expect(runs).toHaveLength(1);
    expect(await readCredentialExpiry(t, { readFile, execPlugins: pool })).toEqual({
      kind: 'exec',
      expiresAt: new Date(at).toISOString(),
      plugin: 'get-token',
    });
    expect(runs).toHaveLength(1);
  });

  it('says how long is left, or how long ago it ended', () => {
    const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
    expect(formatExpiry(at(3 * DAY + 5 * HOUR), NOW)).toBe('expires in 3 days');
    expect(formatExpiry(at(-2 * HOUR - 60_000), NOW)).toBe('expired 2 hours ago');
    expect(formatExpiry(at(45 * 60_000), NOW)).toBe('expires in 45 minutes');
    expect(formatExpiry(at(-DAY), NOW)).toBe('expired 24 hours ago');
    expect(formatExpiry(at(30_000), NOW)).toBe('expires in less than a minute');
    expect(expiryState({ expiresAt: at(-1) }, NOW)).toBe('expired');
    expect(expiryState({ expiresAt: at(6 * DAY) }, NOW)).toBe('expiring');
    expect(expiryState({ expiresAt: at(8 * DAY) }, NOW)).toBe('valid');
  });
});

function ladder(auth: Partial<StepResult> = {}): ProbeResult {
  const step = (name: StepResult['step'], extra: Partial<StepResult> = {}): StepResult => ({
    step: name,
    status: 'ok',
    reason: 'connected',
    durationMs: 1,
    detail: 'ok.',
    ...extra,
  });
  return {
    name: 'zt-prod',
    server: 'https://127.0.0.1:6443',
    host: '127.0.0.1',
    port: 6443,
    startedAt: NOW.toISOString(),
    durationMs: 5,
    steps: [step('warp'), step('route'), step('tcp'), step('tls'), step('version'), step('auth', auth)],
    ok: auth.status !== 'fail',
  };
}

describe('the expiry in the verdict', () => {
  const cert = (ms: number) => ({
    kind: 'client-certificate' as const,
    expiresAt: new Date(NOW.getTime() + ms).toISOString(),
    issuer: 'prod-client-ca',
  });

  it('an expired certificate is credentials-expired (fail), also over a 401, with the issuer in the remedy', () => {
    const d = diagnose(ladder(), undefined, { context: 'zt-prod', expiry: cert(-2 * HOUR), now: NOW });
    expect(d).toMatchObject({ verdict: 'credentials-expired', severity: 'fail', step: 'auth' });
    expect(d.summary).toContain('The client certificate of context "zt-prod" expired 2 hours ago');
    expect(d.remedy).toBe(
      'Get a new client certificate from "prod-client-ca" and put it in context "zt-prod"\'s user.',
    );
    const rejected = diagnose(
      ladder({ status: 'fail', reason: 'unauthorized', detail: '401.', remedy: 'x' }),
      undefined,
      { context: 'zt-prod', expiry: cert(-DAY), now: NOW },
    );
    expect(rejected.verdict).toBe('credentials-expired');
  });

  it('a certificate expiring within 7 days is a warning; later, nothing', () => {
    const d = diagnose(ladder(), undefined, { context: 'zt-prod', expiry: cert(3 * DAY + HOUR), now: NOW });
    expect(d).toMatchObject({ verdict: 'credentials-expiring', severity: 'warn' });
    expect(d.summary).toContain('expires in 3 days');
    const later = diagnose(ladder(), undefined, { context: 'zt-prod', expiry: cert(30 * DAY), now: NOW });
    expect(later).toMatchObject({ verdict: 'ok', severity: 'ok', expiry: cert(30 * DAY) });
  });

  it('a network failure still decides, with the expiry as a note', () => {
    const l = ladder();
    l.steps[2] = { ...(l.steps[2] as StepResult), status: 'fail', reason: 'refused', detail: 'Refused.', remedy: 'r' };
    const d = diagnose(l, undefined, { context: 'zt-prod', expiry: cert(-HOUR), now: NOW });
    expect(d.verdict).toBe('tcp-refused');
    expect(d.notes.join(' ')).toContain('expired 60 minutes ago');
  });

  it("an exec credential's short lifetime is no warning; expired and not renewed names the plugin", () => {
    const exec = (ms: number) => ({
      kind: 'exec' as const,
      expiresAt: new Date(NOW.getTime() + ms).toISOString(),
      plugin: 'kubelogin',
    });
    expect(diagnose(ladder(), undefined, { context: 'zt-prod', expiry: exec(HOUR), now: NOW }).verdict).toBe('ok');
    const skipped = ladder({ status: 'skip', reason: 'plugins-off', detail: 'Not run.', remedy: 'Check now.' });
    const d = diagnose(skipped, undefined, { context: 'zt-prod', expiry: exec(-HOUR), now: NOW });
    expect(d).toMatchObject({ verdict: 'credentials-expired', severity: 'fail' });
    expect(d.remedy).toContain('Sign in again with "kubelogin"');
  });
});
