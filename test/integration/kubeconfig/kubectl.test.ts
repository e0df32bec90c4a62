import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadKubeconfig,
  planKubeconfig,
  setupKubeconfig,
  switchKubeconfigContext,
} from '../../../main/core/kubeconfig/index.ts';
import { readMergedKubeconfig } from '../../../main/core/kubeconfig/read-full.ts';
import type { ClusterEntry } from '../../../main/core/model/cluster.ts';
import { type ApiServerFarm, catalogEntryFor, startApiServerFarm } from '../../../sim/apiserver/index.ts';
import { clusterSet, MERGE_CASES, mergeCases } from '../../unit/kubeconfig/helpers.ts';

// The real kubectl is the judge of what kubezt writes, and a writer kubezt must coexist with.
const KUBECTL = '/usr/bin/kubectl';
const ROOT = join(import.meta.dirname, '..', '..', '..');
const NODE = existsSync(join(ROOT, 'node_modules', '.bin', 'node'))
  ? join(ROOT, 'node_modules', '.bin', 'node')
  : process.execPath;
const run = promisify(execFile);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubezt-kubectl-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** kubectl with HOME in the temp folder, so it never reads or caches anything of the user's. */
async function kubectl(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(KUBECTL, args, { env: { PATH: process.env.PATH ?? '', HOME: dir, ...env }, timeout: 30_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

interface ViewJson {
  clusters:
    | { name: string; cluster: { server: string; 'certificate-authority-data'?: string; 'tls-server-name'?: string } }[]
    | null;
  contexts: { name: string; context: { cluster: string; user?: string; namespace?: string } }[] | null;
  users: { name: string; user: { exec?: { interactiveMode?: string }; token?: string } }[] | null;
  'current-context': string;
}

async function view(kubeconfig: string): Promise<ViewJson> {
  const r = await kubectl(['config', 'view', '--raw', '-o', 'json'], { KUBECONFIG: kubeconfig });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ViewJson;
}

describe('what kubezt writes, kubectl reads', () => {
  it.each(mergeCases().filter((c) => !c.noWrites))(
    'golden $name reads back in kubectl with the same names, servers and CAs',
    async (c) => {
      const caseDir = join(dir, c.name);
      await mkdir(caseDir, { recursive: true });
      const paths: string[] = [];
      for (const [i, name] of c.names.entries()) {
        const path = join(caseDir, name);
        const golden = join(MERGE_CASES, c.name, `${name}.golden`);
        if (existsSync(golden)) await copyFile(golden, path);
        else if (c.bytes[i] !== null && c.bytes[i] !== undefined) await writeFile(path, c.bytes[i] ?? '');
        paths.push(path);
      }
      const ours = readMergedKubeconfig(await loadKubeconfig(paths));
      const theirs = await view(paths.join(':'));
      expect((theirs.contexts ?? []).map((x) => x.name).sort()).toEqual(ours.contexts.map((x) => x.name).sort());
      expect(
        (theirs.clusters ?? [])
          .map((x) => [x.name, x.cluster.server, x.cluster['certificate-authority-data'] ?? ''])
          .sort(),
      ).toEqual(ours.clusters.map((x) => [x.name, x.server, x.certificateAuthorityData ?? '']).sort());
      expect(theirs['current-context']).toBe(ours.currentContext);
      for (const ctx of ours.contexts.filter((x) => x.managed)) {
        const k = theirs.contexts?.find((x) => x.name === ctx.name);
        expect(k?.context).toMatchObject({
          cluster: ctx.cluster,
          ...(ctx.namespace ? { namespace: ctx.namespace } : {}),
        });
      }
      for (const user of ours.users.filter((u) => u.exec?.apiVersion === 'client.authentication.k8s.io/v1')) {
        expect(theirs.users?.find((u) => u.name === user.name)?.user.exec?.interactiveMode).toBe(
          user.exec?.interactiveMode,
        );
      }
    },
  );

  it('YAML 1.1 names survive kubectl as strings', async () => {
    const config = join(dir, 'yaml11');
    await setupKubeconfig({ paths: [config], clusters: clusterSet('yaml11'), nameTemplate: '{name}' });
    const theirs = await view(config);
    expect((theirs.contexts ?? []).map((c) => c.name).sort()).toEqual(['0755', 'no', 'on', 'y']);
    expect(theirs.contexts?.find((c) => c.name === 'y')?.context.namespace).toBe('no');
    expect(theirs.users?.find((u) => u.name === 'on')?.user.token).toBe('true');
    await switchKubeconfigContext({ paths: [config], name: 'on' });
    expect((await view(config))['current-context']).toBe('on');
  });
});

describe('what kubectl writes, kubezt reads and keeps', () => {
  it('kubectl set-context / set-cluster / use-context on a kubezt file: read back, kept on the next setup, no spurious updates', async () => {
    const config = join(dir, 'kubectl-edits');
    await writeFile(config, '# mine\napiVersion: v1\nkind: Config\n');
    await setupKubeconfig({ paths: [config], clusters: clusterSet('standard') });
    const env = { KUBECONFIG: config };
    for (const args of [
      ['config', 'set-cluster', 'k-cluster', '--server=https://10.3.3.3:6443'],
      ['config', 'set-context', 'k-ctx', '--cluster=k-cluster', '--namespace=team'],
      ['config', 'use-context', 'zt-staging'],
    ]) {
      const r = await kubectl(args, env);
      expect(r.code, r.stderr).toBe(0);
    }
    const merged = readMergedKubeconfig(await loadKubeconfig([config]));
    expect(merged.currentContext).toBe('zt-staging');
    expect(merged.contexts.find((c) => c.name === 'k-ctx')).toMatchObject({
      cluster: 'k-cluster',
      namespace: 'team',
      managed: false,
    });
    expect(merged.clusters.find((c) => c.name === 'k-cluster')?.server).toBe('https://10.3.3.3:6443');
    // kubectl rewrote the whole file (its own key order, `args: null`...): kubezt's entries are
    // still recognised as its own and unchanged.
    expect(
      merged.contexts
        .filter((c) => c.managed)
        .map((c) => c.name)
        .sort(),
    ).toEqual(['zt-lab-v6', 'zt-prod-us', 'zt-staging']);
    const again = planKubeconfig({ clusters: clusterSet('standard'), files: await loadKubeconfig([config]) });
    expect(again.writes).toEqual([]);
    // A real change keeps everything kubectl wrote, byte for byte outside kubezt's entries.
    const kubectlBytes = await readFile(config, 'utf8');
    await setupKubeconfig({ paths: [config], clusters: clusterSet('one') });
    const after = await view(config);
    expect((after.contexts ?? []).map((c) => c.name).sort()).toEqual(['k-ctx', 'zt-edge']);
    expect(after['current-context']).toBe('zt-staging');
    const afterText = await readFile(config, 'utf8');
    const kBlock = kubectlBytes.slice(
      kubectlBytes.indexOf('- context:\n    cluster: k-cluster'),
      kubectlBytes.indexOf('  name: k-ctx\n') + 14,
    );
    expect(afterText).toContain(kBlock);
  });

  it.each([
    { name: 'first file missing, second without current-context, third with it', files: [null, 'nocc', 'cc'] },
    { name: 'only the second file has current-context', files: ['nocc', 'cc'] },
    { name: 'both have it', files: ['cc', 'cc'] },
    { name: 'one file', files: ['cc'] },
  ])('kubezt use writes current-context to the same file as kubectl use-context: $name', async ({ files }) => {
    const contents: Record<string, string> = {
      nocc: 'apiVersion: v1\nkind: Config\ncontexts:\n- name: ca\n  context: {cluster: c}\n',
      cc: 'apiVersion: v1\nkind: Config\ncurrent-context: ca\ncontexts:\n- name: cb\n  context: {cluster: c}\n',
    };
    const setUp = async (sub: string) => {
      const d = join(dir, `use-${Math.random().toString(36).slice(2)}-${sub}`);
      await mkdir(d);
      const paths = files.map((_, i) => join(d, `f${i}`));
      for (const [i, f] of files.entries()) if (f) await writeFile(paths[i] ?? '', contents[f] ?? '');
      return paths;
    };
    const viaKubectl = await setUp('kubectl');
    const viaKubezt = await setUp('kubezt');
    const r = await kubectl(['config', 'use-context', 'cb'], { KUBECONFIG: viaKubectl.join(':') });
    expect(r.code, r.stderr).toBe(0);
    await switchKubeconfigContext({ paths: viaKubezt, name: 'cb' });
    const changed = async (paths: string[]) => {
      const out: number[] = [];
      for (const [i, p] of paths.entries()) {
        const now = existsSync(p) ? await readFile(p, 'utf8') : null;
        const was = files[i] ? contents[files[i] ?? ''] : null;
        if (now !== was) out.push(i);
      }
      return out;
    };
    expect(await changed(viaKubezt)).toEqual(await changed(viaKubectl));
    expect((await view(viaKubezt.join(':')))['current-context']).toBe('cb');
  });
});

describe('kubezt and kubectl writing the same file', () => {
  it('100 interleaved writes lose nothing: 3 kubezt writers in parallel, kubectl one call at a time', async () => {
    const config = join(dir, 'interleaved');
    await writeFile(
      config,
      'apiVersion: v1\nkind: Config\nclusters:\n- name: kc\n  cluster: {server: "https://10.9.0.1:6443"}\n',
    );
    const writers = [0, 1, 2].map((w) =>
      run(NODE, [join(import.meta.dirname, 'adder-child.ts'), config, `w${w}`, '20', String(50 + w)], {
        timeout: 240_000,
      }),
    );
    let kubectlRetries = 0;
    for (let j = 0; j < 40; j++) {
      for (;;) {
        const r = await kubectl(['config', 'set-context', `kctx-${j}`, '--cluster=kc', `--namespace=ns-${j}`], {
          KUBECONFIG: config,
        });
        if (r.code === 0) break;
        // kubectl does not wait for a lock: it fails, and its user runs it again.
        expect(r.stderr).toMatch(/\.lock: file exists/);
        kubectlRetries++;
      }
    }
    const results = await Promise.all(writers);
    const merged = readMergedKubeconfig(await loadKubeconfig([config]));
    const names = merged.contexts.map((c) => c.name);
    const expected = [
      ...Array.from({ length: 40 }, (_, j) => `kctx-${j}`),
      ...[0, 1, 2].flatMap((w) => Array.from({ length: 20 }, (_, i) => `zt-w${w}-${i}`)),
    ];
    expect(names.sort()).toEqual(expected.sort());
    expect(((await view(config)).contexts ?? []).length).toBe(100);
    expect(merged.contexts.find((c) => c.name === 'kctx-7')?.namespace).toBe('ns-7');
    expect(await readdir(dir)).not.toContain('interleaved.lock');
    // Report the contention actually exercised (visible with --reporter=verbose).
    const replans = results.map((r) => JSON.parse(r.stdout).replans as number);
    console.info(`interleaving: kubezt re-planned ${replans.join('/')} times, kubectl retried ${kubectlRetries} times`);
  }, 300_000);
});

describe('kubectl uses what kubezt writes against a (simulated) API server', () => {
  let farm: ApiServerFarm;
  beforeAll(async () => {
    farm = await startApiServerFarm({
      servers: [
        { name: 'x', gitVersion: 'v1.31.4' },
        { name: 'v6', family: 6, gitVersion: 'v1.30.9', ipSan: false, dnsNames: ['api.v6.internal'] },
      ],
    });
  });
  afterAll(async () => {
    await farm?.close();
  });

  it('kubectl --context zt-x version answers over TLS with the CA, token, client certificate and tls-server-name kubezt wrote', async () => {
    const x = farm.server('x');
    const v6 = farm.server('v6');
    const cert = await v6.issueClientCert('lab-admin', ['system:masters']);
    const certFile = join(dir, 'lab.crt');
    const keyFile = join(dir, 'lab.key');
    await writeFile(certFile, cert.certPem);
    await writeFile(keyFile, cert.keyPem, { mode: 0o600 });
    const clusters: ClusterEntry[] = [
      catalogEntryFor(x),
      {
        name: 'v6',
        sources: ['catalog'],
        server: v6.url,
        ips: [v6.ip],
        port: v6.port,
        certificateAuthorityData: v6.caData,
        tlsServerName: 'api.v6.internal',
        user: { kind: 'clientCertificate', clientCertificate: certFile, clientKey: keyFile },
      },
    ];
    const config = join(dir, 'against-sim');
    await setupKubeconfig({ paths: [config], clusters });
    expect(v6.url).toMatch(/^https:\/\/\[::1\]:\d+$/);
    for (const [context, version] of [
      ['zt-x', 'v1.31.4'],
      ['zt-v6', 'v1.30.9'],
    ] as const) {
      const r = await kubectl(['--context', context, '--request-timeout=5s', 'version', '-o', 'json'], {
        KUBECONFIG: config,
      });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).serverVersion.gitVersion).toBe(version);
    }
  });
});
