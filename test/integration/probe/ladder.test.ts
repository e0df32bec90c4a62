import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeCluster } from '../../../main/core/probe/index.ts';
import { type ApiServerFarm, startApiServerFarm } from '../../../sim/apiserver/index.ts';
import { env, fixedWarp, statuses, stepOf, targetFor } from './helpers.ts';

let farm: ApiServerFarm;
let dir: string;

beforeAll(async () => {
  farm = await startApiServerFarm({
    servers: [
      { name: 'good', gitVersion: 'v1.31.4' },
      { name: 'v6', family: 6 },
      { name: 'sni', ipSan: false, dnsNames: ['kubernetes.default.svc', 'api.internal.example'] },
      { name: 'refused', fault: 'refuse' },
      { name: 'blackholed', fault: 'blackhole' },
      { name: 'no-tls', fault: 'no-tls' },
      { name: 'gateway', fault: 'intercepted' },
      { name: 'rogue', fault: 'unknown-ca' },
      { name: 'rejects', fault: 'reject-credentials' },
      { name: 'no-review', fault: 'forbid-selfsubjectreviews' },
      { name: 'slow', fault: { kind: 'slow', delayMs: 5_000 } },
      { name: 'old', gitVersion: 'v1.20.15' },
    ],
  });
  dir = await mkdtemp(join(tmpdir(), 'kubezt-probe-'));
});

afterAll(async () => {
  await farm?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('probe ladder against the farm', () => {
  it('passes every step on a healthy cluster and reports what it saw', async () => {
    const server = farm.server('good');
    const before = server.stats();
    const r = await probeCluster(targetFor(server), env());
    expect(statuses(r)).toEqual({
      warp: 'ok',
      vnet: 'skip',
      route: 'ok',
      tcp: 'ok',
      tls: 'ok',
      version: 'ok',
      auth: 'ok',
    });
    expect(r.ok).toBe(true);
    expect(r.ip).toBe(server.ip);
    const tls = stepOf(r, 'tls');
    expect(tls.data).toMatchObject({ protocol: 'TLSv1.3', alpn: 'http/1.1', chainVerified: true });
    const chain = tls.data?.chain as {
      subject: string;
      issuer: string;
      fingerprint256: string;
      ipAddresses: string[];
    }[];
    expect(chain[0]?.issuer).toContain('CN=kubernetes');
    expect(chain[0]?.ipAddresses).toContain(server.ip);
    expect(chain[0]?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(stepOf(r, 'version').data).toMatchObject({ gitVersion: 'v1.31.4', skew: -1 });
    expect(stepOf(r, 'auth').data).toEqual({ username: 'admin', groups: ['system:masters', 'system:authenticated'] });
    // tcp and tls share one connection, which the API requests reuse; a spare may open beside it.
    const after = server.stats();
    expect(after.requests - before.requests).toBe(2);
    expect(after.connections - before.connections).toBeLessThanOrEqual(3);
  });

  it('sends both API requests over the connection the tls step judged, opening none for them', async () => {
    const server = farm.server('good');
    const before = server.stats();
    const seen = server.requestLog().length;
    const r = await probeCluster(targetFor(server), env(), { parallelRequests: false });
    expect(r.ok).toBe(true);
    expect(server.stats().connections - before.connections).toBe(1);
    const judged = before.connections + 1;
    expect(server.requestLog().slice(seen)).toEqual([
      expect.objectContaining({ method: 'GET', path: '/version', connection: judged }),
      expect.objectContaining({
        method: 'POST',
        path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        connection: judged,
      }),
    ]);
  });

  it('with a spare connection beside the judged one, sends the two requests side by side, one on each', async () => {
    const server = farm.server('good');
    const before = server.stats();
    const seen = server.requestLog().length;
    const r = await probeCluster(targetFor(server), env(), { parallelRequests: true });
    expect(r.ok).toBe(true);
    expect(server.stats().connections - before.connections).toBe(2);
    const carriers = server
      .requestLog()
      .slice(seen)
      .map((q) => q.connection)
      .sort();
    expect(carriers).toEqual([before.connections + 1, before.connections + 2]);
  });

  it('skips warp and route when no WARP detector is given', async () => {
    const r = await probeCluster(targetFor(farm.server('good')), env({ warp: undefined }));
    expect(statuses(r)).toEqual({
      warp: 'skip',
      vnet: 'skip',
      route: 'skip',
      tcp: 'ok',
      tls: 'ok',
      version: 'ok',
      auth: 'ok',
    });
  });

  it('fails warp when WARP is disconnected and skips the rest', async () => {
    const r = await probeCluster(targetFor(farm.server('good')), env({ warp: fixedWarp('disconnected') }));
    expect(statuses(r)).toEqual({
      warp: 'fail',
      vnet: 'skip',
      route: 'skip',
      tcp: 'skip',
      tls: 'skip',
      version: 'skip',
      auth: 'skip',
    });
    expect(stepOf(r, 'warp').remedy).toContain('warp-cli connect');
    expect(stepOf(r, 'tcp').detail).toBe('Skipped because the warp step failed.');
  });

  it('fails route when split tunnel excludes the IP, with the detector remedy', async () => {
    const server = farm.server('good');
    const warp = fixedWarp('connected', 'split-tunnel-excluded');
    const r = await probeCluster(targetFor(server), env({ warp }));
    expect(stepOf(r, 'route')).toMatchObject({ status: 'fail', reason: 'split-tunnel-excluded' });
    expect(stepOf(r, 'route').remedy).toContain(`add ${server.ip}/32 to the Include list`);
    expect(warp.routeCalls).toEqual([server.ip]);
  });

  it('a WARP detector that throws makes warp and route unknown (warn), and the ladder goes on', async () => {
    const broken = {
      state: async () => {
        throw new Error('warp-cli printed something new');
      },
      routeFor: async () => {
        throw new Error('ip route failed');
      },
    };
    const r = await probeCluster(targetFor(farm.server('good')), env({ warp: broken }));
    expect(stepOf(r, 'warp')).toMatchObject({ status: 'warn', reason: 'warp-unknown' });
    expect(stepOf(r, 'route')).toMatchObject({ status: 'warn', reason: 'route-unknown' });
    expect(stepOf(r, 'auth').status).toBe('ok');
  });

  it('authenticates with a client certificate', async () => {
    const cert = await farm.issueClientCert('carol', ['team-a']);
    const r = await probeCluster(
      targetFor(farm.server('good'), { credentials: { kind: 'clientCertificate', ...cert } }),
      env(),
    );
    expect(stepOf(r, 'auth').data).toEqual({ username: 'carol', groups: ['team-a', 'system:authenticated'] });
  });

  it('works over IPv6 [::1]', async () => {
    const r = await probeCluster(targetFor(farm.server('v6')), env());
    expect(r.ok).toBe(true);
    expect(r.host).toBe('::1');
    expect(stepOf(r, 'tcp').detail).toContain(`[::1]:${farm.server('v6').port}`);
  });

  it('tcp refused: fail with reason refused, later steps skipped', async () => {
    const r = await probeCluster(targetFor(farm.server('refused')), env());
    expect(statuses(r)).toMatchObject({ tcp: 'fail', tls: 'skip', version: 'skip', auth: 'skip' });
    expect(stepOf(r, 'tcp').reason).toBe('refused');
  });

  it('tcp timeout: SYNs dropped, the step fails by its deadline with reason timeout', async () => {
    const r = await probeCluster(targetFor(farm.server('blackholed')), env(), { stepTimeoutMs: 800 });
    expect(statuses(r)).toMatchObject({ tcp: 'fail', tls: 'skip' });
    expect(stepOf(r, 'tcp').reason).toBe('timeout');
    expect(stepOf(r, 'tcp').remedy).toContain('dropped');
  });

  it('a server that never answers the TLS handshake fails tls by its deadline instead of hanging', async () => {
    const r = await probeCluster(targetFor(farm.server('no-tls')), env(), { stepTimeoutMs: 800 });
    expect(stepOf(r, 'tcp').status).toBe('ok');
    expect(stepOf(r, 'tls')).toMatchObject({ status: 'fail', reason: 'tls-timeout' });
    expect(stepOf(r, 'version').status).toBe('skip');
  });

  it('names Cloudflare Gateway interception and asks for a Do Not Inspect rule for the IP', async () => {
    const server = farm.server('gateway');
    const r = await probeCluster(targetFor(server), env());
    const tls = stepOf(r, 'tls');
    expect(tls).toMatchObject({ status: 'fail', reason: 'intercepted' });
    expect(tls.detail).toContain('Gateway CA - Cloudflare Managed G1');
    expect(tls.remedy).toContain(`Do Not Inspect action for ${server.ip}`);
  });

  it('reports a certificate from an unknown CA as untrusted', async () => {
    const r = await probeCluster(targetFor(farm.server('rogue')), env());
    expect(stepOf(r, 'tls')).toMatchObject({ status: 'fail', reason: 'untrusted' });
    expect(stepOf(r, 'tls').detail).toContain('elsewhere-root-ca');
  });

  it('reports a missing IP SAN as name-mismatch listing the names to use, and passes with tls-server-name', async () => {
    const server = farm.server('sni');
    const r = await probeCluster(targetFor(server), env());
    const tls = stepOf(r, 'tls');
    expect(tls).toMatchObject({ status: 'fail', reason: 'name-mismatch' });
    expect(tls.remedy).toBe(
      "Set tls-server-name to one of the certificate's names: kubernetes.default.svc, api.internal.example.",
    );
    const fixed = await probeCluster(targetFor(server, { tlsServerName: 'kubernetes.default.svc' }), env());
    expect(statuses(fixed)).toMatchObject({ tls: 'ok', version: 'ok', auth: 'ok' });
    expect(stepOf(fixed, 'tls').data).toMatchObject({ servername: 'kubernetes.default.svc' });
  });

  it('reports rejected credentials as unauthorized at /version', async () => {
    const r = await probeCluster(targetFor(farm.server('rejects')), env());
    expect(stepOf(r, 'version')).toMatchObject({ status: 'fail', reason: 'unauthorized' });
    expect(stepOf(r, 'version').remedy).toContain('token was rejected');
    expect(stepOf(r, 'auth').status).toBe('skip');
  });

  it('says the context has no credentials when it has none', async () => {
    const r = await probeCluster(targetFor(farm.server('good'), { credentials: { kind: 'none' } }), env());
    expect(stepOf(r, 'version')).toMatchObject({ status: 'fail', reason: 'unauthorized' });
    expect(stepOf(r, 'version').remedy).toContain('has no credentials');
  });

  it('warns forbidden when selfsubjectreviews are not permitted', async () => {
    const r = await probeCluster(targetFor(farm.server('no-review')), env());
    expect(stepOf(r, 'version').status).toBe('ok');
    expect(stepOf(r, 'auth')).toMatchObject({ status: 'warn', reason: 'forbidden' });
    expect(r.ok).toBe(true);
  });

  it('fails version with http-timeout when the server is slower than the step deadline', async () => {
    const r = await probeCluster(targetFor(farm.server('slow')), env(), { stepTimeoutMs: 800 });
    expect(stepOf(r, 'tls').status).toBe('ok');
    expect(stepOf(r, 'version')).toMatchObject({ status: 'fail', reason: 'http-timeout' });
  });

  it('stops at the whole-ladder deadline: later steps are skipped for lack of time', async () => {
    const r = await probeCluster(targetFor(farm.server('slow')), env(), { stepTimeoutMs: 5_000, ladderTimeoutMs: 800 });
    expect(stepOf(r, 'version')).toMatchObject({ status: 'fail', reason: 'http-timeout' });
    expect(stepOf(r, 'auth').status).toBe('skip');
  });

  it("warns on version skew beyond ±1 in kubectl's own words", async () => {
    const r = await probeCluster(targetFor(farm.server('old')), env());
    const v = stepOf(r, 'version');
    expect(v).toMatchObject({ status: 'warn', reason: 'version-skew' });
    expect(v.detail).toContain(
      'WARNING: version difference between client (1.32) and server (1.20) exceeds the supported minor version skew of +/-1',
    );
    expect(v.remedy).toBe('Use a kubectl from 1.19 to 1.21 for this cluster, or upgrade the cluster.');
  });

  it('does not count skew for a minor the kubectl dispatcher can switch to', async () => {
    const r = await probeCluster(
      targetFor(farm.server('old')),
      env({
        kubectlClient: async () => ({
          gitVersion: 'v1.32.4-dispatcher',
          major: 1,
          minor: 32,
          dispatcherMinors: [20, 31],
        }),
      }),
    );
    expect(stepOf(r, 'version')).toMatchObject({ status: 'ok', reason: 'supported-skew' });
  });

  describe('exec credential plugins', () => {
    async function plugin(name: string, body: string): Promise<string> {
      const path = join(dir, name);
      await writeFile(path, `#!/bin/sh\n${body}\n`);
      await chmod(path, 0o755);
      return path;
    }

    it('uses the token an exec plugin prints, with KUBERNETES_EXEC_INFO set and a relative path resolved', async () => {
      const server = farm.server('good');
      await mkdir(join(dir, 'bin'), { recursive: true });
      await plugin(
        'bin/get-token',
        `case "$KUBERNETES_EXEC_INFO" in *'"interactive":false'*) ;; *) echo "no exec info" >&2; exit 3;; esac
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"'"$1"'"}}'`,
      );
      const r = await probeCluster(
        targetFor(server, {
          credentials: {
            kind: 'exec',
            baseDir: dir,
            exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './bin/get-token', args: [server.token] },
          },
        }),
        env(),
      );
      expect(statuses(r)).toMatchObject({ version: 'ok', auth: 'ok' });
      expect(stepOf(r, 'auth').data).toMatchObject({ username: 'admin' });
    });

    it('uses a client certificate an exec plugin prints', async () => {
      const cert = await farm.issueClientCert('dave', ['sre']);
      const credential = JSON.stringify({
        apiVersion: 'client.authentication.k8s.io/v1',
        kind: 'ExecCredential',
        status: { clientCertificateData: cert.certPem, clientKeyData: cert.keyPem },
      });
      await writeFile(join(dir, 'cred.json'), credential);
      const command = await plugin('cert-plugin', `cat "${join(dir, 'cred.json')}"`);
      const r = await probeCluster(
        targetFor(farm.server('good'), {
          credentials: { kind: 'exec', exec: { apiVersion: 'client.authentication.k8s.io/v1', command } },
        }),
        env(),
      );
      expect(stepOf(r, 'auth').data).toEqual({ username: 'dave', groups: ['sre', 'system:authenticated'] });
    });

    it('fails version with the plugin error and its install hint when the plugin fails', async () => {
      const command = await plugin('broken-plugin', 'echo "error: token expired, run login" >&2; exit 1');
      const r = await probeCluster(
        targetFor(farm.server('good'), {
          credentials: {
            kind: 'exec',
            exec: { apiVersion: 'client.authentication.k8s.io/v1', command, installHint: 'Run my-login first.' },
          },
        }),
        env(),
      );
      const v = stepOf(r, 'version');
      expect(v).toMatchObject({ status: 'fail', reason: 'credentials-failed', remedy: 'Run my-login first.' });
      expect(v.detail).toContain('failed with exit code 1: error: token expired, run login');
    });

    it('kills a plugin that waits forever and reports it instead of hanging', async () => {
      const command = await plugin('stuck-plugin', 'exec sleep 60');
      const r = await probeCluster(
        targetFor(farm.server('good'), {
          credentials: { kind: 'exec', exec: { apiVersion: 'client.authentication.k8s.io/v1', command } },
        }),
        env(),
        { stepTimeoutMs: 800 },
      );
      expect(stepOf(r, 'version').status).toBe('fail');
      expect(stepOf(r, 'version').reason).toMatch(/credentials-failed|http-timeout/);
    });

    it('reports a missing plugin command', async () => {
      const r = await probeCluster(
        targetFor(farm.server('good'), {
          credentials: {
            kind: 'exec',
            exec: { apiVersion: 'client.authentication.k8s.io/v1', command: join(dir, 'no-such-plugin') },
          },
        }),
        env(),
      );
      expect(stepOf(r, 'version')).toMatchObject({ status: 'fail', reason: 'credentials-failed' });
      expect(stepOf(r, 'version').detail).toContain('could not start');
    });
  });
});
