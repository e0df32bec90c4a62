import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckJson } from '../../../main/cli/commands/check.ts';
import { type ApiServerFarm, buildKubeconfig, startApiServerFarm } from '../../../sim/apiserver/index.ts';
import { type FakeWarp, startFakeWarp } from '../../../sim/warp/index.ts';
import { runKubezt } from './world.ts';

const DAY = 86_400_000;

function jwt(payload: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  return `${head}.${createHmac('sha256', 's'.repeat(32)).update(head).digest('base64url')}`;
}

const exp = (ms: number) => Math.floor((Date.now() + ms) / 1000);
const LONG_JWT = jwt({ iss: 'https://dex.example.com', sub: 'long', exp: exp(30 * DAY + 3_600_000) });
const SOON_JWT = jwt({ iss: 'https://sts.example.com', sub: 'soon', exp: exp(3 * DAY + 3_600_000) });
const EXPIRED_JWT = jwt({ iss: 'https://dex.example.com', sub: 'old', exp: exp(-2 * 3_600_000 - 60_000) });

let root: string;
let farm: ApiServerFarm;
let warp: FakeWarp;
let env: Record<string, string>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kubezt-expiry-cli-'));
  // The fake accepts both JWTs: only kubezt's reading of `exp` can call the expired one expired.
  farm = await startApiServerFarm({
    servers: [
      { name: 'certs' },
      { name: 'catalogued' },
      {
        name: 'tokens',
        tokens: { [LONG_JWT]: { username: 'long', groups: [] }, [EXPIRED_JWT]: { username: 'old', groups: [] } },
      },
    ],
  });
  warp = await startFakeWarp({ dir: join(root, 'warp') });
  const certs = farm.server('certs');
  const tokens = farm.server('tokens');
  const soon = await certs.issueClientCert('alice', [], { notAfter: new Date(Date.now() + 3 * DAY + 3_600_000) });
  const gone = await certs.issueClientCert('bob', [], { expired: true });
  const kubeconfig = join(root, 'config');
  await writeFile(
    kubeconfig,
    buildKubeconfig([
      { server: certs, name: 'cert-soon', user: { clientCertificatePem: soon.certPem, clientKeyPem: soon.keyPem } },
      { server: certs, name: 'cert-expired', user: { clientCertificatePem: gone.certPem, clientKeyPem: gone.keyPem } },
      { server: tokens, name: 'jwt-long', user: { token: LONG_JWT } },
      { server: tokens, name: 'jwt-expired', user: { token: EXPIRED_JWT } },
    ]),
    { mode: 0o600 },
  );
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(root, 'home'),
    KUBEZT_CONFIG_DIR: join(root, 'settings'),
    KUBECONFIG: kubeconfig,
    ...warp.env,
  };
});

afterAll(async () => {
  await Promise.all([farm?.close(), warp?.close()]);
  await rm(root, { recursive: true, force: true });
});

const NAMES = ['cert-soon', 'cert-expired', 'jwt-long', 'jwt-expired'];

describe('kubezt check shows when credentials expire', () => {
  it('--json: verdicts, severities, expiry and the remedy that refreshes them', async () => {
    const r = await runKubezt(['check', ...NAMES, '--json'], env);
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as CheckJson;
    const by = new Map(out.clusters.map((c) => [c.context, c]));
    expect(by.get('cert-soon')).toMatchObject({
      verdict: 'credentials-expiring',
      severity: 'warn',
      ok: true,
      username: 'alice',
      expiry: { kind: 'client-certificate', text: 'expires in 3 days' },
    });
    expect(by.get('cert-soon')?.remedy).toMatch(/^Get a new client certificate from "/);
    // The server refuses the expired certificate (401); the expiry explains why.
    expect(by.get('cert-expired')).toMatchObject({
      verdict: 'credentials-expired',
      severity: 'fail',
      expiry: { kind: 'client-certificate', text: expect.stringMatching(/^expired /) },
    });
    expect(by.get('jwt-long')).toMatchObject({
      verdict: 'ok',
      expiry: { kind: 'token', text: 'expires in 30 days', issuer: 'https://dex.example.com' },
    });
    expect(by.get('jwt-expired')).toMatchObject({
      verdict: 'credentials-expired',
      expiry: { kind: 'token', text: 'expired 2 hours ago' },
      remedy: 'Get a new token from "https://dex.example.com" and put it in context "jwt-expired"\'s user.',
    });
    expect(out.summary).toEqual({ total: 4, ok: 2, warnings: 1, unhealthy: 2 });
    for (const secret of [LONG_JWT, EXPIRED_JWT]) expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it('text: one line per cluster says when', async () => {
    const r = await runKubezt(['check', ...NAMES], env);
    expect(r.code, r.stderr).toBe(1);
    const line = (name: string) => r.stdout.split('\n').find((l) => l.includes(` ${name} `)) ?? '';
    expect(line('cert-soon')).toMatch(/^! cert-soon .*certificate expires in 3 days .*credentials-expiring: Get a new/);
    expect(line('jwt-long')).toMatch(/^✓ jwt-long .*token expires in 30 days$/);
    expect(line('jwt-expired')).toMatch(/^✗ jwt-expired .*credentials-expired: Get a new token from/);
  });
});

describe('kubezt diagnose --report', () => {
  it("carries this run's own log lines, redacted, and the expiry in the cluster's finding", async () => {
    const report = join(root, 'report.md');
    const r = await runKubezt(['diagnose', 'jwt-long', 'jwt-expired', '--report', report], env);
    expect(r.code, r.stderr).toBe(1);
    const md = await readFile(report, 'utf8');
    expect((await stat(report)).mode & 0o777).toBe(0o600);
    const log = md.slice(md.indexOf('## kubezt log'));
    expect(log).toMatch(/^## kubezt log \(last \d+ lines\)/);
    expect(log).toMatch(/INFO {2}kubezt \S+ diagnose on linux/);
    expect(log).toMatch(/INFO {2}jwt-long: ok after \d+ ms/);
    expect(log).toMatch(
      /WARN {2}jwt-expired: credentials-expired after \d+ ms: The token of context "jwt-expired" expired 2 hours ago/,
    );
    expect(log).toContain('writing the report to');
    for (const secret of [LONG_JWT, EXPIRED_JWT]) expect(md).not.toContain(secret);
  });
});

describe('kubezt clusters', () => {
  it("shows when each kubezt context's credentials expire, from the kubeconfig alone", async () => {
    const server = farm.server('catalogued');
    const catalog = join(root, 'catalog.yaml');
    await writeFile(
      catalog,
      JSON.stringify({
        clusters: [
          {
            name: 'team-api',
            ip: server.ip,
            port: server.port,
            certificateAuthorityData: server.caData,
            user: { token: SOON_JWT },
          },
        ],
      }),
    );
    const setupEnv = { ...env, KUBECONFIG: join(root, 'setup-config'), KUBEZT_CATALOG: catalog };
    const setup = await runKubezt(['setup', '--yes'], setupEnv);
    expect(setup.code, setup.stderr).toBe(0);
    const text = await runKubezt(['clusters'], setupEnv);
    expect(text.code, text.stderr).toBe(0);
    const [head, row] = text.stdout.split('\n');
    expect(head).toMatch(/DO NOT INSPECT +CREDENTIALS$/);
    expect(row).toMatch(/^team-api .* token expires in 3 days$/);
    const json = await runKubezt(['clusters', '--json'], setupEnv);
    const out = JSON.parse(json.stdout) as { clusters: { name: string; credentials?: unknown }[] };
    expect(out.clusters[0]).toMatchObject({
      name: 'team-api',
      credentials: { kind: 'token', issuer: 'https://sts.example.com', text: 'expires in 3 days' },
    });
    expect(json.stdout + text.stdout).not.toContain(SOON_JWT);
  });
});
