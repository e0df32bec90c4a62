import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeconfig, setupKubeconfig } from '../../../main/core/kubeconfig/index.ts';
import { quickMergedKubeconfig } from '../../../main/core/kubeconfig/read-fast.ts';
import { readMergedKubeconfig } from '../../../main/core/kubeconfig/read-full.ts';
import type { ClusterEntry } from '../../../main/core/model/cluster.ts';

// `kubezt check` reads the kubeconfig with the fast strategies and falls back to the full reader
// on anything unusual. Both return the one MergedKubeconfig, and must return the same one.

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubezt-view-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');

async function both(paths: string[]) {
  const sources = await Promise.all(paths.map(async (path) => ({ path, bytes: await readFile(path, 'utf8') })));
  const quick = quickMergedKubeconfig(sources);
  const full = readMergedKubeconfig(await loadKubeconfig(paths));
  return { quick, full };
}

describe('the fast kubeconfig view', () => {
  it('reads two KUBECONFIG files as kubectl merges them: first file wins, paths made absolute', async () => {
    await mkdir(join(dir, 'a'), { recursive: true });
    await mkdir(join(dir, 'b'), { recursive: true });
    const first = join(dir, 'a', 'config');
    const second = join(dir, 'b', 'config');
    await writeFile(
      first,
      `apiVersion: v1
kind: Config
clusters:
- name: shared
  cluster:
    server: https://10.1.2.3:6443
    certificate-authority: ca.pem
    tls-server-name: api.internal
contexts:
- name: one
  context: { cluster: shared, user: file-user, namespace: team }
users:
- name: file-user
  user:
    tokenFile: ./token
    client-certificate: certs/me.crt
    client-key: certs/me.key
`,
    );
    await writeFile(
      second,
      `apiVersion: v1
kind: Config
current-context: two
clusters:
- name: shared
  cluster: { server: https://192.0.2.1:443 }
- name: v6
  cluster:
    server: "https://[2001:db8::1]:6443"
    certificate-authority-data: "${CA.slice(0, 20)}\\r\\n${CA.slice(20)}"
    insecure-skip-tls-verify: true
contexts:
- name: one
  context: { cluster: v6, user: nobody }
- name: two
  context: { cluster: v6, user: plugin }
users:
- name: plugin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/get-token
      args: [--cluster, v6]
      env: [{ name: TEAM, value: sre }]
      provideClusterInfo: true
      interactiveMode: Never
- name: aws-user
  user:
    exec: { apiVersion: client.authentication.k8s.io/v1beta1, command: aws }
`,
    );
    const { quick, full } = await both([first, second]);
    expect(quick).toEqual(full);
    expect(quick?.currentContext).toBe('two');
    expect(quick?.clusters.find((c) => c.name === 'shared')).toMatchObject({
      server: 'https://10.1.2.3:6443',
      certificateAuthority: join(dir, 'a', 'ca.pem'),
    });
    expect(quick?.users.find((u) => u.name === 'plugin')?.exec?.command).toBe(join(dir, 'b', 'bin', 'get-token'));
    expect(quick?.users.find((u) => u.name === 'aws-user')?.exec?.command).toBe('aws');
  });

  it('returns the same model as the full reader for the fields only diagnostics read', async () => {
    const path = join(dir, 'extras');
    await writeFile(
      path,
      `apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: c
  cluster:
    server: https://10.9.8.7:6443
    proxy-url: socks5://127.0.0.1:1080
contexts:
- name: dev
  context: {cluster: c, user: basic, namespace: team-a}
users:
- name: basic
  user: {username: alice, password: s3cret-pass}
- name: oidc
  user:
    auth-provider: {name: oidc, config: {client-id: x}}
`,
    );
    const { quick, full } = await both([path]);
    expect(quick).toEqual(full);
    expect(quick?.contexts[0]?.namespace).toBe('team-a');
    expect(quick?.clusters[0]?.proxyUrl).toBe('socks5://127.0.0.1:1080');
    expect(quick?.users.map((u) => [u.name, u.username, u.authProvider])).toEqual([
      ['basic', 'alice', undefined],
      ['oidc', undefined, 'oidc'],
    ]);
    expect(quick?.defaultFile).toBe(path);
  });

  it("knows kubezt's own contexts and the cluster each was written for", async () => {
    const path = join(dir, 'managed');
    const clusters: ClusterEntry[] = ['prod-us', 'staging'].map((name, i) => ({
      name,
      sources: ['catalog'],
      server: `https://127.0.9.${i + 1}:6443`,
      ips: [`127.0.9.${i + 1}`],
      port: 6443,
      certificateAuthorityData: CA,
      user: { kind: 'token', token: `token-${name}` },
    }));
    await writeFile(
      path,
      'apiVersion: v1\nkind: Config\ncurrent-context: mine\ncontexts: [{name: mine, context: {cluster: x, user: someone}}]\n',
    );
    await setupKubeconfig({ paths: [path], clusters });
    const { quick, full } = await both([path]);
    expect(quick).toEqual(full);
    expect(quick?.contexts.filter((c) => c.managed).map((c) => [c.name, c.sourceCluster])).toEqual([
      ['zt-prod-us', 'prod-us'],
      ['zt-staging', 'staging'],
    ]);
  });

  it('leaves anything unusual to the kubeconfig engine', async () => {
    const cases = {
      'merge keys': 'base: &b { server: https://10.0.0.1 }\nclusters:\n- name: c\n  cluster:\n    <<: *b\n',
      'duplicate names': 'contexts:\n- name: a\n  context: {}\n- name: a\n  context: {}\n',
      'wrong type': 'clusters:\n- name: c\n  cluster: { server: [not, a, string] }\n',
      'not base64': 'clusters:\n- name: c\n  cluster: { certificate-authority-data: "%%%" }\n',
      'two documents': 'kind: Config\n---\nkind: Config\n',
      'not yaml': 'clusters: [\n',
      'another kind': 'kind: Pod\napiVersion: v1\n',
    };
    for (const [what, text] of Object.entries(cases)) {
      expect(quickMergedKubeconfig([{ path: join(dir, 'odd'), bytes: text }]), what).toBeNull();
    }
    expect(quickMergedKubeconfig([{ path: join(dir, 'missing'), bytes: null }])).toEqual({
      currentContext: '',
      contexts: [],
      clusters: [],
      users: [],
      defaultFile: join(dir, 'missing'),
    });
  });
});
