import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { UserError } from '../../../main/core/errors.ts';
import {
  planDiff,
  planKubeconfig,
  resolveContextName,
  resolveKubeconfigFiles,
  setCurrentContext,
  unifiedDiff,
} from '../../../main/core/kubeconfig/index.ts';
import { readMergedKubeconfig } from '../../../main/core/kubeconfig/read-full.ts';
import { clusterSet } from './helpers.ts';

const BASE = `# laptop
apiVersion: v1
kind: Config
current-context: dev   # set by kubectx
clusters:
- name: dev
  cluster: {server: "https://dev:6443"}
- name: shared
  cluster: {server: "https://shared:6443"}
contexts:
- name: dev
  context: {cluster: dev}
- name: shared-admin
  context: {cluster: shared}
- name: shared-ro
  context: {cluster: shared}
`;

function withKubezt(bytes: string): string {
  const plan = planKubeconfig({ clusters: clusterSet('standard'), files: [{ path: 'config', bytes }] });
  return plan.writes[0]?.after ?? bytes;
}

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('resolveContextName (kubezt use NAME)', () => {
  const files = [{ path: 'config', bytes: withKubezt(BASE) }];
  it.each([
    ['a context name', 'shared-admin', 'shared-admin'],
    ['a kubezt context', 'zt-prod-us', 'zt-prod-us'],
    ['a kubezt cluster (catalog name)', 'prod-us', 'zt-prod-us'],
    ['a kubeconfig cluster with one context', 'dev', 'dev'],
  ])('%s', (_what, name, context) => {
    expect(resolveContextName(files, name)).toBe(context);
  });

  it('a kubeconfig cluster with several contexts asks for the context', () => {
    const e = userError(() => resolveContextName(files, 'shared'));
    expect(e.code).toBe('bad-input');
    expect(e.message).toContain('"shared-admin", "shared-ro"');
  });

  it('an unknown name lists close matches', () => {
    const e = userError(() => resolveContextName(files, 'prod-su'));
    expect(e.code).toBe('not-found');
    expect(e.message).toBe('No context or cluster named "prod-su" is in config; did you mean "prod-us"?');
    expect(userError(() => resolveContextName(files, 'zt-prod-su')).message).toMatch(/did you mean "zt-prod-us"/);
  });

  it('an unknown name with nothing close says how to list contexts', () => {
    const e = userError(() => resolveContextName(files, 'qqqqqqqqqq'));
    expect(e.message).toContain('kubectl config get-contexts');
  });
});

describe('setCurrentContext (where kubectl use-context writes)', () => {
  it('replaces only the value, keeping the comment and every other byte', () => {
    const plan = setCurrentContext([{ path: 'config', bytes: BASE }], 'shared-ro');
    expect(plan.writes).toHaveLength(1);
    expect(plan.writes[0]?.after).toBe(BASE.replace('current-context: dev ', 'current-context: shared-ro '));
    expect(plan.writes[0]?.currentContextSplice?.value).toBe('shared-ro');
    expect(plan.currentContext).toEqual({ from: 'dev', to: 'shared-ro', file: 'config' });
  });

  it('quotes a name YAML 1.1 would read as a boolean', () => {
    const bytes = `${BASE}- name: "on"\n  context: {cluster: dev}\n`;
    const plan = setCurrentContext([{ path: 'config', bytes }], 'on');
    expect(plan.writes[0]?.after).toContain('current-context: "on"   # set by kubectx');
    expect(parse(plan.writes[0]?.after ?? '', { version: '1.1' })['current-context']).toBe('on');
  });

  it('adds the key when the file has none, and writes JSON in a JSON file', () => {
    const json = '{"apiVersion": "v1", "contexts": [{"name": "a", "context": {"cluster": "a"}}]}';
    const plan = setCurrentContext([{ path: 'config', bytes: json }], 'a');
    const after = plan.writes[0]?.after ?? '';
    expect(JSON.parse(after)['current-context']).toBe('a');
    expect(after.startsWith('{"apiVersion": "v1", "contexts": [{"name": "a", "context": {"cluster": "a"}}]')).toBe(
      true,
    );
    const block = 'contexts:\n- name: a\n  context: {cluster: a}\n';
    expect(setCurrentContext([{ path: 'config', bytes: block }], 'a').writes[0]?.after).toBe(
      `${block}current-context: a\n`,
    );
  });

  it('fills an empty value', () => {
    const bytes = 'current-context:\ncontexts:\n- name: a\n  context: {cluster: a}\n';
    expect(setCurrentContext([{ path: 'c', bytes }], 'a').writes[0]?.after).toBe(
      bytes.replace('current-context:', 'current-context: a'),
    );
  });

  it('writes nothing when it already is the current context (like kubectl)', () => {
    expect(setCurrentContext([{ path: 'config', bytes: BASE }], 'dev').writes).toEqual([]);
  });

  it('writes to the first existing KUBECONFIG file even when a later one sets current-context', () => {
    // client-go 1.32 writeCurrentContext: GetDefaultFilename, not the file that had it.
    const files = [
      { path: 'missing', bytes: null },
      { path: 'a', bytes: 'contexts:\n- name: x\n  context: {cluster: c}\n' },
      { path: 'b', bytes: 'current-context: x\ncontexts:\n- name: z\n  context: {cluster: c}\n' },
    ];
    const plan = setCurrentContext(files, 'z');
    expect(plan.writes.map((w) => w.path)).toEqual(['a']);
    expect(
      readMergedKubeconfig(files.map((f) => (f.path === 'a' ? { ...f, bytes: plan.writes[0]?.after ?? '' } : f)))
        .currentContext,
    ).toBe('z');
  });

  it('an unknown context is not-found', () => {
    expect(userError(() => setCurrentContext([{ path: 'config', bytes: BASE }], 'nope')).code).toBe('not-found');
  });
});

describe('readMergedKubeconfig', () => {
  it('merges like kubectl: first file wins, first current-context wins, paths resolved per file', () => {
    const merged = readMergedKubeconfig([
      {
        path: '/home/dev/.kube/config',
        bytes:
          'current-context: a\nclusters:\n- name: c\n  cluster: {server: "https://first", certificate-authority: ca.pem}\nusers:\n- name: u\n  user:\n    tokenFile: tok\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/login, interactiveMode: Never}\n',
      },
      {
        path: '/etc/kube/team.yaml',
        bytes:
          'current-context: b\nclusters:\n- name: c\n  cluster: {server: "https://second"}\n- name: d\n  cluster: {server: "https://d", tls-server-name: api.d}\n',
      },
    ]);
    expect(merged.currentContext).toBe('a');
    expect(merged.clusters).toEqual([
      {
        name: 'c',
        server: 'https://first',
        certificateAuthority: '/home/dev/.kube/ca.pem',
        file: '/home/dev/.kube/config',
        managed: false,
      },
      { name: 'd', server: 'https://d', tlsServerName: 'api.d', file: '/etc/kube/team.yaml', managed: false },
    ]);
    expect(merged.users[0]).toMatchObject({
      name: 'u',
      tokenFile: '/home/dev/.kube/tok',
      exec: { command: '/home/dev/.kube/bin/login', interactiveMode: 'Never' },
    });
    expect(merged.defaultFile).toBe('/home/dev/.kube/config');
  });

  it('describes kubezt entries with their source cluster and CA', () => {
    const merged = readMergedKubeconfig([{ path: 'config', bytes: withKubezt(BASE) }]);
    expect(merged.contexts.find((c) => c.name === 'zt-prod-us')).toMatchObject({
      cluster: 'zt-prod-us',
      user: 'zt-prod-us',
      namespace: 'payments',
      managed: true,
      sourceCluster: 'prod-us',
    });
    expect(merged.clusters.find((c) => c.name === 'zt-lab-v6')?.server).toBe('https://[2001:db8::101]:6443');
    expect(merged.clusters.find((c) => c.name === 'zt-prod-us')?.tlsServerName).toBe('api.prod-us.internal');
  });
});

describe('diffs', () => {
  it('is a unified diff with hunks and masked credentials', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const after = 'a\nb\nc\nd\nX\nf\ng\nh\n- name: u\n  user:\n    token: s3cret\n';
    const text = unifiedDiff('cfg', before, after);
    expect(text).toBe(
      [
        '--- cfg',
        '+++ cfg',
        '@@ -2,7 +2,10 @@',
        ' b',
        ' c',
        ' d',
        '-e',
        '+X',
        ' f',
        ' g',
        ' h',
        '+- name: u',
        '+  user:',
        '+    token: <redacted>',
        '',
      ].join('\n'),
    );
    expect(unifiedDiff('cfg', before, after, { redact: false })).toContain('+    token: s3cret');
  });

  it('shows a new file against /dev/null', () => {
    expect(unifiedDiff('new', null, 'x\n')).toBe('--- /dev/null\n+++ new\n@@ -0,0 +1,1 @@\n+x\n');
  });

  it('planDiff covers every written file and nothing else', () => {
    const plan = planKubeconfig({ clusters: clusterSet('standard'), files: [{ path: 'config', bytes: BASE }] });
    const text = planDiff(plan);
    expect(text.match(/^\+\+\+ /gm)).toHaveLength(1);
    expect(text).not.toMatch(/^-[^-]/m);
    expect(text).toContain('+    token: <redacted>');
    expect(text).not.toContain('staging-token-123');
  });
});

describe('resolveKubeconfigFiles', () => {
  it('takes the flag alone', () => {
    expect(resolveKubeconfigFiles({ flag: '/k', env: '/a:/b', homeDir: '/h' })).toEqual(['/k']);
  });
  it('splits KUBECONFIG, drops empty entries and duplicates, keeps order', () => {
    expect(resolveKubeconfigFiles({ env: '/a::/b:/a:', homeDir: '/h', platform: 'linux' })).toEqual(['/a', '/b']);
    expect(resolveKubeconfigFiles({ env: 'C:\\a;C:\\b', homeDir: 'C:\\h', platform: 'win32' })).toEqual([
      'C:\\a',
      'C:\\b',
    ]);
  });
  it('defaults to ~/.kube/config', () => {
    expect(resolveKubeconfigFiles({ homeDir: '/home/dev' })).toEqual(['/home/dev/.kube/config']);
    expect(resolveKubeconfigFiles({ env: '', homeDir: '/home/dev' })).toEqual(['/home/dev/.kube/config']);
  });
  it('resolves relative paths against the working directory', () => {
    expect(resolveKubeconfigFiles({ env: 'k1:/abs', homeDir: '/h', cwd: '/work', platform: 'linux' })).toEqual([
      '/work/k1',
      '/abs',
    ]);
  });
});
