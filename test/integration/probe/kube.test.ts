import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeCluster } from '../../../main/core/probe/index.ts';
import { createKubeClient, detectKubectlClient, KubeHttpError } from '../../../main/core/probe/kube.ts';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { type ApiServerFarm, buildKubeconfig, startApiServerFarm } from '../../../sim/apiserver/index.ts';
import { createCertificateAuthority, issueServerCertificate } from '../../../sim/apiserver/pki.ts';
import { env, statuses, stepOf, targetFor } from './helpers.ts';

let farm: ApiServerFarm;

beforeAll(async () => {
  farm = await startApiServerFarm({
    servers: [
      { name: 'k', gitVersion: 'v1.30.1' },
      { name: 'rogue', fault: 'unknown-ca' },
      { name: 'sni', ipSan: false },
      { name: 'rejects', fault: 'reject-credentials' },
    ],
  });
});

afterAll(async () => {
  await farm?.close();
});

describe('client-node wrapper', () => {
  it('keeps one dispatcher per context, so requests reuse kept-alive connections', async () => {
    const server = farm.server('k');
    const client = createKubeClient(targetFor(server), { token: server.token });
    const before = server.stats();
    const signal = new AbortController().signal;
    for (let i = 0; i < 5; i++) expect((await client.version(signal)).gitVersion).toBe('v1.30.1');
    expect((await client.selfSubjectReview(signal)).username).toBe('admin');
    await client.close();
    const after = server.stats();
    expect(after.requests - before.requests).toBe(6);
    // client-node alone builds a new undici Agent (and connection) per request: 6 here.
    expect(after.connections - before.connections).toBeLessThanOrEqual(2);
  });

  it('aborts a request when its signal fires', async () => {
    const server = farm.server('k');
    await farm.setFault('k', { kind: 'slow', delayMs: 10_000 });
    const client = createKubeClient(targetFor(server), { token: server.token });
    const controller = new AbortController();
    const pending = client.version(controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow();
    await client.close();
    await farm.setFault('k', 'none');
  });
});

describe('requests made by @kubernetes/client-node', () => {
  it('sends GET /version and POST selfsubjectreviews through client-node, which names itself in User-Agent', async () => {
    const server = farm.server('k');
    const pkg = JSON.parse(
      await readFile(join(import.meta.dirname, '../../../node_modules/@kubernetes/client-node/package.json'), 'utf8'),
    ) as { version: string };
    const seen = server.requestLog().length;
    const client = createKubeClient(targetFor(server), { token: server.token });
    const signal = new AbortController().signal;
    expect(await client.version(signal)).toEqual({
      major: '1',
      minor: '30',
      gitVersion: 'v1.30.1',
      platform: 'linux/amd64',
    });
    expect(await client.selfSubjectReview(signal)).toEqual({
      username: 'admin',
      groups: ['system:masters', 'system:authenticated'],
    });
    await client.close();
    expect(server.requestLog().slice(seen)).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/version',
        userAgent: `kubernetes-client-javascript/${pkg.version}`,
      }),
      expect.objectContaining({
        method: 'POST',
        path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        userAgent: `kubernetes-client-javascript/${pkg.version}`,
      }),
    ]);
  });

  it("turns client-node's errors into the status and Status body the ladder reads", async () => {
    const server = farm.server('rejects');
    const client = createKubeClient(targetFor(server), { token: server.token });
    const signal = new AbortController().signal;
    const error = await client.version(signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeHttpError);
    expect((error as KubeHttpError).status).toBe(401);
    await farm.setFault('rejects', { kind: 'http-status', status: 503 });
    const busy = await client.selfSubjectReview(signal).catch((e: unknown) => e);
    await farm.setFault('rejects', 'reject-credentials');
    await client.close();
    expect(busy).toBeInstanceOf(KubeHttpError);
    expect((busy as KubeHttpError).status).toBe(503);
    expect(JSON.parse((busy as KubeHttpError).body)).toMatchObject({
      kind: 'Status',
      message: 'the server is currently unable to handle the request',
    });
  });

  it('verifies a connection it opens itself before sending anything: an unknown CA gets no request', async () => {
    const server = farm.server('rogue');
    const client = createKubeClient(targetFor(server), { token: server.token });
    await expect(client.version(new AbortController().signal)).rejects.toThrow();
    await client.close();
    expect(server.stats().connections).toBeGreaterThan(0);
    expect(server.requestLog()).toEqual([]);
    // What kubectl does with insecure-skip-tls-verify: the same server, unverified, answers.
    const insecure = createKubeClient(targetFor(server, { insecureSkipTlsVerify: true }), { token: server.token });
    expect((await insecure.version(new AbortController().signal)).gitVersion).toBe('v1.32.3');
    await insecure.close();
  });

  it('checks the certificate against tls-server-name on its own connections', async () => {
    const server = farm.server('sni');
    const signal = new AbortController().signal;
    const byIp = createKubeClient(targetFor(server), { token: server.token });
    await expect(byIp.version(signal)).rejects.toThrow();
    await byIp.close();
    expect(server.requestLog()).toEqual([]);
    const byName = createKubeClient(targetFor(server, { tlsServerName: 'kubernetes.default.svc' }), {
      token: server.token,
    });
    expect((await byName.version(signal)).gitVersion).toBe('v1.32.3');
    await byName.close();
  });
});

describe('an HTTP/2 API server', () => {
  it('gets both requests of a ladder as two streams on the connection the tls step judged', async () => {
    // kube-apiserver speaks HTTP/2 when the client offers it (the farm speaks HTTP/1.1 only).
    const ca = await createCertificateAuthority({ CN: 'h2-cluster-ca' });
    const cert = await issueServerCertificate(ca, { ip: '127.0.0.1', dnsNames: ['kubernetes'], ipSan: true });
    const server = http2.createSecureServer({ key: cert.keyPem, cert: cert.certPem });
    const sessions = new Set<http2.ServerHttp2Session>();
    const streams: { path: unknown; userAgent: unknown; authorization: unknown }[] = [];
    server.on('session', (session) => sessions.add(session));
    server.on('stream', (stream, headers) => {
      streams.push({
        path: headers[':path'],
        userAgent: headers['user-agent'],
        authorization: headers.authorization,
      });
      stream.resume();
      stream.on('end', () => {
        const version = headers[':path'] === '/version';
        stream.respond({ ':status': version ? 200 : 201, 'content-type': 'application/json' });
        stream.end(
          JSON.stringify(
            version
              ? { major: '1', minor: '33', gitVersion: 'v1.33.2', platform: 'linux/arm64' }
              : {
                  kind: 'SelfSubjectReview',
                  apiVersion: 'authentication.k8s.io/v1',
                  status: { userInfo: { username: 'h2-user', groups: ['system:authenticated'] } },
                },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const r = await probeCluster(
        {
          name: 'h2',
          server: `https://127.0.0.1:${port}`,
          certificateAuthorityData: Buffer.from(ca.certPem).toString('base64'),
          credentials: { kind: 'token', token: 'h2-token' },
        },
        env(),
      );
      expect(statuses(r)).toEqual({
        warp: 'ok',
        vnet: 'skip',
        route: 'ok',
        tcp: 'ok',
        tls: 'ok',
        version: 'ok',
        auth: 'ok',
      });
      expect(stepOf(r, 'tls').data).toMatchObject({ alpn: 'h2' });
      expect(stepOf(r, 'version').data).toMatchObject({ gitVersion: 'v1.33.2' });
      expect(stepOf(r, 'auth').data).toEqual({ username: 'h2-user', groups: ['system:authenticated'] });
      expect(streams).toEqual([
        {
          path: '/version',
          userAgent: expect.stringMatching(/^kubernetes-client-javascript\//),
          authorization: 'Bearer h2-token',
        },
        {
          path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
          userAgent: expect.stringMatching(/^kubernetes-client-javascript\//),
          authorization: 'Bearer h2-token',
        },
      ]);
      // One HTTP/2 connection in all: the tls step's, which client-node's requests then used (the
      // spare opened beside it offered only HTTP/1.1, which this server refuses).
      expect(sessions.size).toBe(1);
    } finally {
      server.close();
    }
  });
});

describe('local kubectl detection', () => {
  it('reads the real kubectl client version, and the minors a gcloud dispatcher can run', async () => {
    const info = await detectKubectlClient(nodeProcessRunner, '/usr/bin/kubectl', process.env);
    expect(info).not.toBeNull();
    expect(info?.major).toBe(1);
    expect(info?.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    if (info?.gitVersion.includes('dispatcher')) {
      // Google Cloud SDK's kubectl ships kubectl.1.N binaries beside the dispatcher.
      expect(info.dispatcherMinors?.length).toBeGreaterThan(0);
    }
  });

  it("contacts no cluster to learn it, not even the current context's (a gcloud dispatcher would)", async () => {
    const server = farm.server('k');
    const dir = await mkdtemp(join(tmpdir(), 'kubezt-kubectl-'));
    try {
      const kubeconfig = join(dir, 'config');
      await writeFile(kubeconfig, buildKubeconfig([{ server }]), { mode: 0o600 });
      const seen = server.requestLog().length;
      const info = await detectKubectlClient(nodeProcessRunner, '/usr/bin/kubectl', {
        ...process.env,
        KUBECONFIG: kubeconfig,
      });
      expect(info?.gitVersion).toMatch(/^v1\./);
      expect(server.requestLog().slice(seen)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('returns null when kubectl is missing', async () => {
    expect(await detectKubectlClient(nodeProcessRunner, '/nonexistent/kubectl', process.env)).toBeNull();
  });
});
