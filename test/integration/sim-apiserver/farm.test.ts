import https from 'node:https';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServerFarm, type FakeApiServer, startApiServerFarm } from '../../../sim/apiserver/index.ts';

interface Reply {
  status: number;
  contentType: string;
  body: string;
}

function request(
  server: FakeApiServer,
  path: string,
  opts: { method?: string; token?: string; body?: string; cert?: { certPem: string; keyPem: string } } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: server.ip,
        port: server.port,
        path,
        method: opts.method ?? 'GET',
        ca: server.caPem,
        agent: false,
        headers: {
          ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
          ...(opts.body ? { 'Content-Type': 'application/json' } : {}),
        },
        ...(opts.cert ? { cert: opts.cert.certPem, key: opts.cert.keyPem } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

let farm: ApiServerFarm;

beforeAll(async () => {
  farm = await startApiServerFarm({
    servers: [{ name: 'closed', gitVersion: 'v1.29.11' }, { name: 'open', anonymous: true }, { name: 'b' }],
  });
});

afterAll(async () => {
  await farm?.close();
});

describe('fake API server farm', () => {
  it('gives each IPv4 server its own 127.0.x.y at 6443 and a kubeconfig-ready URL', () => {
    const ips = farm.servers.map((s) => s.ip);
    expect(new Set(ips).size).toBe(ips.length);
    for (const s of farm.servers) {
      expect(s.ip).toMatch(/^127\.0\.(\d+)\.(\d+)$/);
      expect(s.ip).not.toBe('127.0.0.1');
      expect(s.port).toBe(6443);
      expect(s.url).toBe(`https://${s.ip}:6443`);
      expect(Buffer.from(s.caData, 'base64').toString()).toBe(s.caPem);
    }
  });

  it('never hands out an address another farm holds, even one that refuses connections', async () => {
    // Two farms started at once, one server refusing: the refused address stays reserved.
    const [x, y] = await Promise.all([
      startApiServerFarm({
        servers: Array.from({ length: 20 }, (_, i) => ({ name: `x${i}`, fault: 'refuse' as const })),
      }),
      startApiServerFarm({ servers: Array.from({ length: 20 }, (_, i) => ({ name: `y${i}` })) }),
    ]);
    try {
      const all = [...farm.servers, ...x.servers, ...y.servers].map((s) => s.ip);
      expect(new Set(all).size).toBe(all.length);
    } finally {
      await Promise.all([x.close(), y.close()]);
    }
  });

  it('answers /version like kube-apiserver', async () => {
    const s = farm.server('closed');
    const r = await request(s, '/version', { token: s.token });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json');
    expect(JSON.parse(r.body)).toMatchObject({
      major: '1',
      minor: '29',
      gitVersion: 'v1.29.11',
      platform: 'linux/amd64',
    });
  });

  it('answers health endpoints with "ok" and discovery with APIVersions', async () => {
    const s = farm.server('closed');
    for (const p of ['/livez', '/readyz', '/healthz']) {
      expect(await request(s, p, { token: s.token })).toMatchObject({ status: 200, body: 'ok' });
    }
    const api = JSON.parse((await request(s, '/api', { token: s.token })).body);
    expect(api).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
  });

  it('answers unknown paths with a NotFound Status', async () => {
    const s = farm.server('closed');
    const r = await request(s, '/apis/nope.example.com/v1', { token: s.token });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
  });

  it('answers 401 Status to anonymous requests when anonymous auth is off', async () => {
    const r = await request(farm.server('closed'), '/version');
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  });

  it('lets anonymous read /version but not /api when anonymous auth is on', async () => {
    const s = farm.server('open');
    expect((await request(s, '/version')).status).toBe(200);
    const api = await request(s, '/api');
    expect(api.status).toBe(403);
    expect(JSON.parse(api.body).message).toBe('forbidden: User "system:anonymous" cannot get path "/api"');
  });

  it('answers 401 to a token it does not know, and a token of another server', async () => {
    const s = farm.server('closed');
    expect((await request(s, '/version', { token: 'nope' })).status).toBe(401);
    expect((await request(s, '/version', { token: farm.server('b').token })).status).toBe(401);
  });

  it('rejects client certificates from a CA other than the client CA', async () => {
    const s = farm.server('closed');
    // A server certificate's key pair is a valid TLS client identity, but the client CA did not sign it.
    const other = await farm.issueClientCert('mallory');
    const forged = { certPem: farm.unknownCaPem, keyPem: other.keyPem };
    await expect(request(s, '/version', { cert: forged })).rejects.toThrow();
    const good = await request(s, '/version', { cert: other });
    expect(good.status).toBe(200);
  });

  it('creates a SelfSubjectReview with the user and system:authenticated', async () => {
    const s = farm.server('closed');
    const r = await request(s, '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      method: 'POST',
      token: s.token,
      body: JSON.stringify({ kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1' }),
    });
    expect(r.status).toBe(201);
    expect(JSON.parse(r.body).status.userInfo).toEqual({
      username: 'admin',
      groups: ['system:masters', 'system:authenticated'],
    });
  });

  it('close() frees every address', async () => {
    const f = await startApiServerFarm({ servers: [{ name: 'temp' }] });
    const { ip, port } = f.server('temp');
    await f.close();
    const again = net.createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(port, ip, () => resolve());
    });
    again.close();
  });
});
