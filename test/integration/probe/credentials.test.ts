/**
 * When a ladder spends a credential. Kubeconfig files on disk, read the way kubezt reads them;
 * API servers with real TLS on loopback that record every handshake (with the client
 * certificate it carried, if any) and every request (with whether an Authorization header came).
 *
 * The rules: no credential file is read, no plugin runs and no credential is sent before the tls
 * step has passed; the handshake the tls step judges never carries a client certificate; a
 * Gateway-intercepted connection gets nothing, even when its chain verifies; a cluster that is
 * not set up gets no credentials at all.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { createKubeClient, probeCluster, targetFromClusterEntry } from '../../../main/core/probe/index.ts';
import type { ProbeTarget } from '../../../main/core/probe/types.ts';
import {
  type ApiServerFarm,
  buildKubeconfig,
  catalogEntryFor,
  type FakeApiServer,
  type SimContext,
  startApiServerFarm,
} from '../../../sim/apiserver/index.ts';
import { env, statuses, stepOf, targetsFromKubeconfigFile } from './helpers.ts';

let farm: ApiServerFarm;
let dir: string;

beforeAll(async () => {
  farm = await startApiServerFarm({
    servers: [
      { name: 'good' },
      { name: 'anon', anonymous: true, gitVersion: 'v1.31.2' },
      { name: 'gateway', fault: 'intercepted' },
      // The Gateway answers the TLS hello late: time enough for anything started at TCP connect to run.
      { name: 'gateway-slow', fault: 'intercepted', latencyMs: 1_500 },
    ],
  });
  dir = await mkdtemp(join(tmpdir(), 'kubezt-creds-'));
});

afterAll(async () => {
  await farm?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Targets from a kubeconfig written to disk, with every file read recorded. */
async function fromKubeconfig(name: string, contexts: SimContext[], edit?: (doc: KubeDoc) => void) {
  const doc = parse(buildKubeconfig(contexts)) as KubeDoc;
  edit?.(doc);
  const path = join(dir, name);
  await writeFile(path, stringify(doc), { mode: 0o600 });
  const reads: string[] = [];
  const readFile_ = async (p: string) => {
    reads.push(p);
    return readFile(p, 'utf8');
  };
  const { targets, problems } = await targetsFromKubeconfigFile(path, { readFile: readFile_ });
  expect(problems).toEqual([]);
  return { targets, reads, readFile: readFile_ };
}

interface KubeDoc {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> }[];
}

const newSince = <T>(list: T[], before: number) => list.slice(before);

/** A shell plugin that appends "ran" to `log` and prints an ExecCredential with `token`. */
async function recordingPlugin(name: string, token: string): Promise<{ command: string; log: string }> {
  const command = join(dir, name);
  const log = join(dir, `${name}.log`);
  await writeFile(
    command,
    `#!/bin/sh
echo ran >> '${log}'
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${token}"}}'
`,
  );
  await chmod(command, 0o755);
  return { command, log };
}

async function runs(log: string): Promise<number> {
  try {
    return (await readFile(log, 'utf8')).split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

describe('a Gateway-intercepted connection', () => {
  it('fails tls and gets no credential, even when the context trusts the Gateway CA', async () => {
    const server = farm.server('gateway');
    const cert = await farm.issueClientCert('carol', ['team-a']);
    // The user added the Gateway CA to the context's CA, so the chain verifies.
    const caData = Buffer.from(`${server.caPem.trim()}\n${farm.gatewayCaPem}`).toString('base64');
    const { targets } = await fromKubeconfig('gateway-trusted', [
      { server, name: 'with-token', caData },
      {
        server,
        name: 'with-cert',
        caData,
        user: { clientCertificatePem: cert.certPem, clientKeyPem: cert.keyPem },
      },
    ]);
    const requests = server.requestLog().length;
    const handshakes = server.handshakeLog().length;
    for (const target of targets) {
      const r = await probeCluster(target, env());
      const tls = stepOf(r, 'tls');
      expect(tls, target.name).toMatchObject({ status: 'fail', reason: 'intercepted' });
      expect(tls.data?.chainVerified).toBe(true);
      expect(statuses(r)).toMatchObject({ version: 'skip', auth: 'skip' });
    }
    // No request at all: no token, and no client certificate on a connection that carried one.
    expect(newSince(server.requestLog(), requests)).toEqual([]);
    expect(newSince(server.handshakeLog(), handshakes).filter((h) => h.clientCertificate !== null)).toEqual([]);
  });
});

describe('nothing before the tls step has passed', () => {
  it('runs no exec plugin for a server that fails TLS, and runs it once for one that passes', async () => {
    const slow = farm.server('gateway-slow');
    const good = farm.server('good');
    const plugin = await recordingPlugin('record-plugin', good.token);
    const { targets } = await fromKubeconfig('exec', [
      { server: slow, name: 'slow-gateway', user: { exec: { command: plugin.command } } },
      { server: good, name: 'good', user: { exec: { command: plugin.command } } },
    ]);
    const [toGateway, toGood] = targets as [ProbeTarget, ProbeTarget];
    const r = await probeCluster(toGateway, env());
    expect(stepOf(r, 'tls')).toMatchObject({ status: 'fail', reason: 'intercepted' });
    expect(await runs(plugin.log)).toBe(0);

    const ok = await probeCluster(toGood, env());
    expect(statuses(ok)).toMatchObject({ tls: 'ok', version: 'ok', auth: 'ok' });
    expect(await runs(plugin.log)).toBe(1);
  });

  it('reads no token, certificate or key file for a server that fails TLS, and reads them for one that passes', async () => {
    const gateway = farm.server('gateway');
    const good = farm.server('good');
    const cert = await farm.issueClientCert('erin', ['ops']);
    await writeFile(join(dir, 'erin.crt'), cert.certPem);
    await writeFile(join(dir, 'erin.key'), cert.keyPem, { mode: 0o600 });
    await writeFile(join(dir, 'good.token'), `${good.token}\n`, { mode: 0o600 });
    await writeFile(join(dir, 'gateway.token'), 'never-read\n', { mode: 0o600 });
    const files = { clientCertificate: 'erin.crt', clientKey: 'erin.key' };
    const {
      targets,
      reads,
      readFile: read,
    } = await fromKubeconfig(
      'files',
      [
        { server: gateway, name: 'gw-token' },
        { server: gateway, name: 'gw-cert', user: files },
        { server: good, name: 'good-token' },
        { server: good, name: 'good-cert', user: files },
      ],
      (doc) => {
        (doc.users[0] as { user: Record<string, unknown> }).user = { tokenFile: 'gateway.token' };
        (doc.users[2] as { user: Record<string, unknown> }).user = { tokenFile: 'good.token' };
      },
    );
    expect(reads).toEqual([]);
    const [gwToken, gwCert, goodToken, goodCert] = targets as ProbeTarget[];
    for (const t of [gwToken, gwCert] as ProbeTarget[]) {
      expect(stepOf(await probeCluster(t, env({ readFile: read })), 'tls').status).toBe('fail');
    }
    expect(reads).toEqual([]);

    const byToken = await probeCluster(goodToken as ProbeTarget, env({ readFile: read }));
    expect(stepOf(byToken, 'auth').data).toMatchObject({ username: 'admin' });
    expect(reads).toEqual([join(dir, 'good.token')]);
    const byCert = await probeCluster(goodCert as ProbeTarget, env({ readFile: read }));
    expect(stepOf(byCert, 'auth').data).toMatchObject({ username: 'erin' });
    expect([...reads].sort()).toEqual([join(dir, 'erin.crt'), join(dir, 'erin.key'), join(dir, 'good.token')]);
  });
});

describe('client certificates', () => {
  it('are not in the handshake the tls step judges: the requests go over a second connection that carries one', async () => {
    const server = farm.server('good');
    const cert = await farm.issueClientCert('carol', ['team-a']);
    const { targets } = await fromKubeconfig('cert', [
      { server, user: { clientCertificatePem: cert.certPem, clientKeyPem: cert.keyPem } },
    ]);
    const requests = server.requestLog().length;
    const handshakes = server.handshakeLog().length;
    const before = server.stats().connections;
    const r = await probeCluster(targets[0] as ProbeTarget, env(), { parallelRequests: true });
    expect(stepOf(r, 'auth').data).toEqual({ username: 'carol', groups: ['team-a', 'system:authenticated'] });
    const judged = before + 1;
    const seen = newSince(server.handshakeLog(), handshakes);
    expect(seen.find((h) => h.connection === judged)).toMatchObject({ presented: 'genuine', clientCertificate: null });
    const sent = newSince(server.requestLog(), requests);
    expect(sent.map((q) => q.path)).toEqual(['/version', '/apis/authentication.k8s.io/v1/selfsubjectreviews']);
    for (const q of sent) {
      expect(q.connection).not.toBe(judged);
      expect(q).toMatchObject({ authorization: false, clientCertificate: 'carol' });
    }
    // One extra handshake for the certificate, and no more: both requests share it.
    expect(server.stats().connections - before).toBe(2);
  });

  it('a connection the client opens itself is used only if it shows the judged certificate', async () => {
    const server = farm.server('good');
    const requests = server.requestLog().length;
    const signal = new AbortController().signal;
    const target: ProbeTarget = {
      name: 'pinned',
      server: server.url,
      certificateAuthorityData: server.caData,
      credentials: { kind: 'token', token: server.token },
    };
    // The chain and the name verify, but this is not the certificate the tls step judged.
    const wrongPin = Array.from({ length: 32 }, () => 'AB').join(':');
    const pinned = createKubeClient(target, { token: server.token }, { pin: wrongPin });
    await expect(pinned.version(signal)).rejects.toThrow(/another certificate/);
    await pinned.close();
    expect(newSince(server.requestLog(), requests)).toEqual([]);
  });
});

describe('a cluster that is not set up (no kubeconfig context)', () => {
  async function probeEntry(server: FakeApiServer) {
    // The catalog lists a token for it: it must not be used.
    const target = await targetFromClusterEntry(catalogEntryFor(server));
    const requests = server.requestLog().length;
    const r = await probeCluster(target, env());
    return { r, sent: newSince(server.requestLog(), requests) };
  }

  it('is checked up to an unauthenticated GET /version, and its auth step says it is not set up', async () => {
    const { r, sent } = await probeEntry(farm.server('anon'));
    expect(statuses(r)).toEqual({
      warp: 'ok',
      vnet: 'skip',
      route: 'ok',
      tcp: 'ok',
      tls: 'ok',
      version: 'ok',
      auth: 'skip',
    });
    expect(stepOf(r, 'version').data).toMatchObject({ gitVersion: 'v1.31.2' });
    expect(stepOf(r, 'auth')).toMatchObject({ reason: 'not-set-up', remedy: expect.stringContaining('kubezt setup') });
    expect(stepOf(r, 'auth').detail).toMatch(/^Not set up/);
    expect(sent).toEqual([
      expect.objectContaining({ path: '/version', authorization: false, clientCertificate: null }),
    ]);
    expect(r.ok).toBe(true);
  });

  it('is reachable, not failed, when the server keeps /version from anonymous requests', async () => {
    const { r, sent } = await probeEntry(farm.server('good'));
    expect(stepOf(r, 'version')).toMatchObject({ status: 'ok', reason: 'anonymous-refused' });
    expect(stepOf(r, 'auth')).toMatchObject({ status: 'skip', reason: 'not-set-up' });
    expect(sent.map((q) => [q.path, q.authorization])).toEqual([['/version', false]]);
    expect(r.ok).toBe(true);
  });
});
