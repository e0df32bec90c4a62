import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import {
  type ApiServerFarm,
  buildKubeconfig,
  type SimContext,
  startApiServerFarm,
} from '../../../sim/apiserver/index.ts';

// The real /usr/bin/kubectl against the simulated servers: the farm is only useful if kubectl
// cannot tell it from a kube-apiserver, faults included.
const KUBECTL = '/usr/bin/kubectl';

let farm: ApiServerFarm;
let dir: string;

beforeAll(async () => {
  farm = await startApiServerFarm({
    servers: [
      { name: 'good', gitVersion: 'v1.31.7', tokens: { 'tok-alice': { username: 'alice', groups: ['dev', 'ops'] } } },
      { name: 'v6', family: 6, gitVersion: 'v1.30.2' },
      { name: 'sni-only', ipSan: false, dnsNames: ['kubernetes.default.svc'] },
      { name: 'refused', fault: 'refuse' },
      { name: 'blackholed', fault: 'blackhole' },
      { name: 'hangs', fault: 'no-tls' },
      { name: 'rogue', fault: 'unknown-ca' },
      { name: 'gateway', fault: 'intercepted' },
      { name: 'rejects', fault: 'reject-credentials' },
      { name: 'no-review', fault: 'forbid-selfsubjectreviews' },
      { name: 'switchable' },
    ],
  });
  dir = await mkdtemp(join(tmpdir(), 'kubezt-sim-kubectl-'));
});

afterAll(async () => {
  await farm?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function kubectl(contexts: SimContext[], args: string[]) {
  const path = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  await writeFile(path, buildKubeconfig(contexts), { mode: 0o600 });
  // HOME in the temp folder: kubectl must not read or cache anything of the user's.
  return nodeProcessRunner.run(KUBECTL, ['--kubeconfig', path, '--request-timeout=1s', ...args], {
    timeoutMs: 20_000,
    env: { PATH: process.env.PATH, HOME: dir },
  });
}

describe('kubectl against the fake API server', () => {
  it('reads the configured server version with `kubectl version -o json`', async () => {
    const r = await kubectl([{ server: farm.server('good') }], ['version', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.serverVersion).toMatchObject({ gitVersion: 'v1.31.7', major: '1', minor: '31' });
  });

  it('names the token user and groups with `kubectl auth whoami`', async () => {
    const r = await kubectl(
      [{ server: farm.server('good'), user: { token: 'tok-alice' } }],
      ['auth', 'whoami', '-o', 'json'],
    );
    expect(r.code, r.stderr).toBe(0);
    const review = JSON.parse(r.stdout);
    expect(review.kind).toBe('SelfSubjectReview');
    expect(review.status.userInfo.username).toBe('alice');
    expect(review.status.userInfo.groups).toEqual(['dev', 'ops', 'system:authenticated']);
  });

  it('names the client-certificate user (CN) and groups (O)', async () => {
    const cert = await farm.issueClientCert('bob', ['system:masters']);
    const r = await kubectl(
      [{ server: farm.server('good'), user: { clientCertificatePem: cert.certPem, clientKeyPem: cert.keyPem } }],
      ['auth', 'whoami', '-o', 'json'],
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).status.userInfo).toEqual({
      username: 'bob',
      groups: ['system:masters', 'system:authenticated'],
    });
  });

  it('rejects an expired client certificate as Unauthorized', async () => {
    const cert = await farm.issueClientCert('bob', [], { expired: true });
    const r = await kubectl(
      [{ server: farm.server('good'), user: { clientCertificatePem: cert.certPem, clientKeyPem: cert.keyPem } }],
      ['auth', 'whoami'],
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('You must be logged in to the server (Unauthorized)');
  });

  it('serves IPv6 on [::1]', async () => {
    const v6 = farm.server('v6');
    expect(v6.url).toMatch(/^https:\/\/\[::1\]:\d+$/);
    const r = await kubectl([{ server: v6 }], ['version', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).serverVersion.gitVersion).toBe('v1.30.2');
  });

  it('needs tls-server-name when the certificate has no IP SAN', async () => {
    const server = farm.server('sni-only');
    const without = await kubectl([{ server }], ['version']);
    expect(without.code).toBe(1);
    expect(without.stderr).toContain(
      `x509: cannot validate certificate for ${server.ip} because it doesn't contain any IP SANs`,
    );
    const withName = await kubectl([{ server, tlsServerName: 'kubernetes.default.svc' }], ['version', '-o', 'json']);
    expect(withName.code, withName.stderr).toBe(0);
  });

  it('refuse: connection refused', async () => {
    const r = await kubectl([{ server: farm.server('refused') }], ['version']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`The connection to the server ${farm.server('refused').ip}:6443 was refused`);
  });

  it('blackhole: the connect times out, it is not refused', async () => {
    const r = await kubectl([{ server: farm.server('blackholed') }], ['version']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/i\/o timeout|context deadline exceeded|Client\.Timeout exceeded/);
    expect(r.stderr).not.toContain('refused');
  });

  it('no-tls: accepts TCP and the request dies waiting for the handshake', async () => {
    const server = farm.server('hangs');
    const before = server.stats();
    const r = await kubectl([{ server }], ['version']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/context deadline exceeded|Client\.Timeout exceeded|TLS handshake timeout/);
    expect(r.stderr).not.toContain('refused');
    const after = server.stats();
    expect(after.connections).toBeGreaterThan(before.connections);
    expect(after.requests).toBe(before.requests);
  });

  it('unknown-ca and intercepted: certificate signed by unknown authority', async () => {
    for (const name of ['rogue', 'gateway']) {
      const r = await kubectl([{ server: farm.server(name) }], ['version']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('x509: certificate signed by unknown authority');
    }
  });

  it('intercepted: trusting the Gateway CA gets through, as on a laptop with the WARP certificate installed', async () => {
    const gatewayCaData = Buffer.from(farm.gatewayCaPem).toString('base64');
    const r = await kubectl([{ server: farm.server('gateway'), caData: gatewayCaData }], ['version', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(farm.gatewayCaSubject).toMatch(/CN=Gateway CA - Cloudflare Managed G1 [0-9a-f]{32}/);
  });

  it('reject-credentials: Unauthorized', async () => {
    const r = await kubectl([{ server: farm.server('rejects') }], ['version']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error: You must be logged in to the server (the server has asked for the client to provide credentials)',
    );
  });

  it('forbid-selfsubjectreviews: whoami is refused while version works', async () => {
    const server = farm.server('no-review');
    const whoami = await kubectl([{ server }], ['auth', 'whoami']);
    expect(whoami.code).toBe(1);
    expect(whoami.stderr).toContain('you do not have permission to call it');
    const version = await kubectl([{ server }], ['version', '-o', 'json']);
    expect(version.code, version.stderr).toBe(0);
  });

  it('switches faults at runtime: refuse, then serve again on the same address', async () => {
    const server = farm.server('switchable');
    await farm.setFault('switchable', 'refuse');
    const refused = await kubectl([{ server }], ['version']);
    expect(refused.stderr).toContain('was refused');
    await farm.setFault('switchable', 'none');
    const ok = await kubectl([{ server }], ['version', '-o', 'json']);
    expect(ok.code, ok.stderr).toBe(0);
    await farm.setFault('switchable', 'reject-credentials');
    const rejected = await kubectl([{ server }], ['version']);
    expect(rejected.stderr).toContain('You must be logged in to the server');
    await farm.setFault('switchable', 'none');
  });
});
