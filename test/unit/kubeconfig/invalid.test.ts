import { describe, expect, it } from 'vitest';
import { UserError } from '../../../main/core/errors.ts';
import { parseKubeconfigSet, planKubeconfig } from '../../../main/core/kubeconfig/index.ts';
import { clusterSet } from './helpers.ts';

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

const PATH = '/home/dev/.kube/config';

describe('files kubectl would refuse are refused with file, line and reason', () => {
  const cases: { name: string; bytes: string; line?: number; says: RegExp }[] = [
    {
      name: 'broken flow mapping',
      bytes: 'apiVersion: v1\nclusters:\n- name: a\n  cluster: {server: x\n',
      line: 5,
      says: /Flow map .* end with a }/,
    },
    { name: 'tab indentation', bytes: 'apiVersion: v1\nclusters:\n\t- name: a\n', line: 3, says: /tab/i },
    { name: 'a kind other than Config', bytes: 'apiVersion: v1\nkind: Pod\n', line: 2, says: /kind "Pod"/ },
    { name: 'apiVersion v2', bytes: 'apiVersion: v2\nkind: Config\n', line: 1, says: /apiVersion is "v2"/ },
    {
      name: 'a YAML 1.1 boolean name',
      bytes: 'kind: Config\nclusters:\n- name: on\n  cluster: {server: "https://x"}\n',
      line: 3,
      says: /clusters\[0\]\.name must be a string but is read as the boolean true .*quote it \("on"\)/,
    },
    { name: 'a numeric name', bytes: 'contexts:\n- name: 123\n', line: 2, says: /number 123/ },
    {
      name: 'a duplicate name',
      bytes: 'users:\n- name: a\n  user: {token: t1}\n- name: a\n  user: {token: t2}\n',
      line: 4,
      says: /user "a" is defined twice \(also at line 2\)/,
    },
    { name: 'a duplicate key', bytes: 'kind: Config\nkind: Config\n', line: 2, says: /key appears twice/ },
    { name: 'two documents', bytes: 'kind: Config\n---\nkind: Config\n', line: 2, says: /more than one YAML document/ },
    { name: 'a top-level list', bytes: '- a\n- b\n', line: 1, says: /top level is a list/ },
    { name: 'a plain string file', bytes: 'hello\n', line: 1, says: /top level is not a string|top level/ },
    {
      name: 'CA data that is not base64',
      bytes: 'clusters:\n- name: a\n  cluster:\n    certificate-authority-data: "not base64!"\n',
      line: 4,
      says: /certificate-authority-data is not valid base64/,
    },
    {
      name: 'a quoted string where kubectl wants a boolean',
      bytes: 'clusters:\n- name: a\n  cluster:\n    insecure-skip-tls-verify: "true"\n',
      line: 4,
      says: /must be true or false/,
    },
    {
      name: 'a list where a mapping belongs',
      bytes: 'contexts:\n- name: a\n  context: [a]\n',
      line: 3,
      says: /must be a mapping/,
    },
    { name: 'a NUL byte', bytes: 'kind: Config\n\0', line: 2, says: /NUL/ },
  ];
  it.each(cases)('$name', ({ bytes, line, says }) => {
    const e = errorOf(() => parseKubeconfigSet([{ path: PATH, bytes }]));
    expect(e.code).toBe('kubeconfig-invalid');
    expect(e.message).toMatch(says);
    expect(e.message).toContain(PATH);
    if (line !== undefined) expect(e.message).toContain(`at line ${line},`);
    expect(e.message).toContain('kubezt did not change the file');
    // One sentence.
    expect(e.message.split('\n')).toHaveLength(1);
  });

  it('also refuses to plan on such a file', () => {
    const e = errorOf(() =>
      planKubeconfig({ clusters: clusterSet('one'), files: [{ path: PATH, bytes: 'kind: Pod\n' }] }),
    );
    expect(e.code).toBe('kubeconfig-invalid');
  });
});

describe('files kubectl accepts are accepted', () => {
  const ok: { name: string; bytes: string }[] = [
    { name: 'empty', bytes: '' },
    { name: 'only white space', bytes: '  \n\n' },
    { name: 'only a document start', bytes: '---\n' },
    { name: 'null', bytes: 'null\n' },
    { name: 'no kind or apiVersion', bytes: 'clusters:\n- name: a\n  cluster: {server: "https://x"}\n' },
    { name: 'a timestamp-looking name (go-yaml keeps it a string)', bytes: 'contexts:\n- name: 2001-01-01\n' },
    { name: 'a null name', bytes: 'contexts:\n- name: null\n' },
    {
      name: 'YAML 1.1 yes as a boolean field',
      bytes: 'clusters:\n- name: a\n  cluster: {insecure-skip-tls-verify: yes}\n',
    },
    {
      name: 'anchors and merge keys',
      bytes: 'x-base: &base {server: "https://x"}\nclusters:\n- name: a\n  cluster:\n    <<: *base\n',
    },
    {
      name: 'kubectl style nulls',
      bytes: 'apiVersion: v1\nclusters: null\ncontexts: null\nusers: null\npreferences: {}\n',
    },
    { name: 'unknown keys everywhere', bytes: 'x: 1\nclusters:\n- name: a\n  extra: [1, 2]\n  cluster: {foo: bar}\n' },
  ];
  it.each(ok)('$name', ({ bytes }) => {
    expect(() => parseKubeconfigSet([{ path: PATH, bytes }])).not.toThrow();
  });
});

describe('planning refuses what it must not do', () => {
  const foreign = (kind: 'cluster' | 'user' | 'context') =>
    `apiVersion: v1\nkind: Config\n${kind}s:\n- name: zt-staging\n  ${kind}: {}\n`;

  it.each(['cluster', 'context', 'user'] as const)(
    'a foreign %s with kubezt name is a conflict, not an overwrite',
    (kind) => {
      const e = errorOf(() =>
        planKubeconfig({ clusters: clusterSet('standard'), files: [{ path: PATH, bytes: foreign(kind) }] }),
      );
      expect(e.code).toBe('kubeconfig-conflict');
      expect(e.message).toContain(`${PATH} already has a ${kind} named "zt-staging" that kubezt did not create`);
      expect(e.message).toMatch(/name template/);
    },
  );

  it('a collision in a later KUBECONFIG file is named with that file', () => {
    const e = errorOf(() =>
      planKubeconfig({
        clusters: clusterSet('one'),
        files: [
          { path: '/a', bytes: '' },
          { path: '/b', bytes: 'clusters:\n- name: zt-edge\n  cluster: {server: "https://mine"}\n' },
        ],
      }),
    );
    expect(e.code).toBe('kubeconfig-conflict');
    expect(e.message).toContain('/b already has a cluster named "zt-edge"');
  });

  it('a different template avoids the collision', () => {
    const plan = planKubeconfig({
      clusters: clusterSet('standard'),
      files: [{ path: PATH, bytes: foreign('cluster') }],
      nameTemplate: 'cf-{name}',
    });
    expect(plan.changes.map((c) => c.context)).toEqual(['cf-prod-us', 'cf-staging', 'cf-lab-v6']);
  });

  it('a template that maps every cluster to one name is rejected', () => {
    const e = errorOf(() =>
      planKubeconfig({ clusters: clusterSet('standard'), files: [{ path: PATH, bytes: '' }], nameTemplate: 'kube' }),
    );
    expect(e.code).toBe('bad-input');
    expect(e.message).toContain('must contain {name}');
  });

  it('a template with an unknown placeholder is rejected', () => {
    const e = errorOf(() =>
      planKubeconfig({
        clusters: clusterSet('one'),
        files: [{ path: PATH, bytes: '' }],
        nameTemplate: '{account}-{name}',
      }),
    );
    expect(e.code).toBe('bad-input');
    expect(e.message).toContain('{account}');
  });

  it('two entries that map to one name are rejected', () => {
    const [edge] = clusterSet('one');
    if (!edge) throw new Error('fixture');
    const e = errorOf(() => planKubeconfig({ clusters: [edge, { ...edge }], files: [{ path: PATH, bytes: '' }] }));
    expect(e.code).toBe('bad-input');
    expect(e.message).toContain('"edge" is listed twice');
  });

  it('an existing user that is nowhere in the kubeconfig is an error naming it', () => {
    const e = errorOf(() => planKubeconfig({ clusters: clusterSet('updated'), files: [{ path: PATH, bytes: '' }] }));
    expect(e.code).toBe('not-found');
    expect(e.message).toContain('existing kubeconfig user "corp-sso"');
    expect(e.message).toContain(PATH);
  });

  it('an existing user defined in another KUBECONFIG file is fine', () => {
    const plan = planKubeconfig({
      clusters: clusterSet('updated'),
      files: [
        { path: '/a', bytes: '' },
        { path: '/b', bytes: 'users:\n- name: corp-sso\n  user: {token: x}\n' },
      ],
    });
    expect(plan.changes.find((c) => c.context === 'zt-staging')?.user).toBe('corp-sso');
    // The merged config names no user kubezt would have had to write.
    expect(plan.writes.map((w) => w.path)).toEqual(['/a']);
    expect(plan.writes[0]?.after).not.toContain('name: corp-sso');
  });

  it('a list that is a YAML alias is not edited', () => {
    const bytes = 'x: &l\n- name: a\n  cluster: {server: "https://x"}\nclusters: *l\n';
    const e = errorOf(() => planKubeconfig({ clusters: clusterSet('one'), files: [{ path: PATH, bytes }] }));
    expect(e.code).toBe('kubeconfig-invalid');
    expect(e.message).toContain('"clusters" is a YAML alias');
  });

  it('a cluster without a server address keeps its existing entries and is reported', () => {
    const first = planKubeconfig({ clusters: clusterSet('standard'), files: [{ path: PATH, bytes: '' }] });
    const after = first.writes[0]?.after ?? '';
    const noServer = clusterSet('standard').map((c) =>
      c.name === 'staging' ? { ...c, server: undefined, ips: [] } : c,
    );
    const plan = planKubeconfig({ clusters: noServer, files: [{ path: PATH, bytes: after }] });
    expect(plan.writes).toEqual([]);
    expect(plan.warnings).toEqual([expect.stringContaining('skipped cluster staging')]);
  });
});
