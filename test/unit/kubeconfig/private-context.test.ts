import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseKubeconfigSet } from '../../../main/core/kubeconfig/parse.ts';
import { extractPrivateContext } from '../../../main/core/kubeconfig/private-context.ts';

// The private kubeconfig is what kubectl itself keeps of one context (`config view --minify`),
// with relative file references made absolute, read back by the real kubectl.

const REPO = resolve(import.meta.dirname, '..', '..', '..');
const CORPUS = resolve(REPO, '../shared/corpus/kubeconfigs');
const KUBECTL = '/usr/bin/kubectl';
const scratch = mkdtempSync(join(tmpdir(), 'kubezt-private-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Obj = Record<string, unknown>;

function kubectlView(path: string, context?: string): Obj | null {
  try {
    const args = ['--kubeconfig', path, 'config', 'view', '--minify', '--raw', '-o', 'json'];
    if (context) args.push('--context', context);
    return JSON.parse(
      execFileSync(KUBECTL, args, { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: scratch }, stdio: 'pipe' }),
    );
  } catch {
    return null;
  }
}

/** kubectl's view with relative references resolved against `dir` and extensions dropped. */
function normalized(view: Obj, dir: string): Obj {
  const abs = (v: unknown) => (typeof v === 'string' && v !== '' && !isAbsolute(v) ? resolve(dir, v) : v);
  const fix = (entry: Obj, keys: string[]) => {
    for (const k of keys) if (k in entry) entry[k] = abs(entry[k]);
    delete entry.extensions;
    const exec = entry.exec as Obj | undefined;
    if (exec && typeof exec.command === 'string' && exec.command.includes('/')) exec.command = abs(exec.command);
  };
  for (const c of (view.clusters as { cluster: Obj }[]) ?? []) fix(c.cluster, ['certificate-authority']);
  for (const u of (view.users as { user: Obj }[]) ?? []) fix(u.user, ['client-certificate', 'client-key', 'tokenFile']);
  for (const c of (view.contexts as { context: Obj }[]) ?? []) delete c.context.extensions;
  return view;
}

const FILES = [
  'kubeclient-execauth.yaml',
  'k8s-csharp-relative.yaml',
  'fabric8-merge-config-1.yaml',
  'k8s-js-kubeconfig.yaml',
  'kubeclient-allinone.yaml',
  'kubeclient-impersonate.yaml',
  'k8s-csharp-user-oidc.yaml',
  'kubectx-config1.yaml',
  'awscli-eks-output-single.yaml',
  'fabric8-test-kubeconfig-exec-args-with-spaces-windows.yaml',
];

describe('extractPrivateContext against kubectl config view --minify', () => {
  it.each(FILES)('%s: every context, as kubectl reads it', (name) => {
    const path = join(CORPUS, name);
    const set = parseKubeconfigSet([{ path, bytes: readFileSync(path, 'utf8') }]);
    let compared = 0;
    for (const context of set.merged.context.keys()) {
      const expected = kubectlView(path, context);
      if (!expected) continue;
      const pc = extractPrivateContext(set, { name: context });
      const file = join(scratch, `${compared}-${name}`);
      writeFileSync(file, pc.bytes, { mode: 0o600 });
      const actual = kubectlView(file);
      expect(actual, context).not.toBeNull();
      expect(normalized(actual as Obj, CORPUS), context).toEqual(normalized(expected, CORPUS));
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  });

  it('copies exec args and env exactly, and resolves only a command with a path separator', () => {
    const path = join(CORPUS, 'kubeclient-execauth.yaml');
    const set = parseKubeconfigSet([{ path, bytes: readFileSync(path, 'utf8') }]);
    const search = extractPrivateContext(set, { name: 'localhost/system:admin:exec-search-path' });
    const file = join(scratch, 'exec-search');
    writeFileSync(file, search.bytes);
    const view = kubectlView(file) as { users: { user: { exec: Obj } }[] };
    expect(view.users[0]?.user.exec).toMatchObject({
      command: 'example-exec-plugin',
      args: ['arg1', 'arg2'],
      env: [{ name: 'FOO', value: 'bar' }],
    });
    const relative = extractPrivateContext(set, { name: 'localhost/system:admin:exec-relative-path' });
    expect(relative.bytes).toContain(`command: ${join(CORPUS, 'dir', 'example-exec-plugin')}`);
  });

  it('overrides the namespace, and resolves a cluster name to its context', () => {
    const path = join(CORPUS, 'k8s-csharp-relative.yaml');
    const set = parseKubeconfigSet([{ path, bytes: readFileSync(path, 'utf8') }]);
    const pc = extractPrivateContext(set, { name: 'federal-context', namespace: 'web' });
    expect(pc).toMatchObject({
      context: 'federal-context',
      cluster: 'horse-cluster',
      user: 'green-user',
      namespace: 'web',
    });
    const file = join(scratch, 'ns-override');
    writeFileSync(file, pc.bytes);
    const view = kubectlView(file) as { contexts: { context: Obj }[]; 'current-context': string };
    expect(view.contexts).toHaveLength(1);
    expect(view.contexts[0]?.context.namespace).toBe('web');
    expect(view['current-context']).toBe('federal-context');
  });

  it('takes each entry from the first file that defines it, as kubectl merges', () => {
    const a = join(CORPUS, 'fabric8-merge-config-1.yaml');
    const b = join(CORPUS, 'fabric8-merge-config-2.yaml');
    const set = parseKubeconfigSet([a, b].map((p) => ({ path: p, bytes: readFileSync(p, 'utf8') })));
    const pc = extractPrivateContext(set, { name: 'duplicate-context' });
    expect(pc.bytes).toContain('duplicate-user-1-token');
    expect(pc.bytes).not.toContain('duplicate-user-2-token');
  });

  it('names an unknown context, and a context whose cluster is missing', () => {
    const set = parseKubeconfigSet([
      {
        path: '/k/config',
        bytes: 'contexts:\n- name: lost\n  context: {cluster: gone, user: u}\nusers:\n- name: u\n  user: {}\n',
      },
    ]);
    expect(() => extractPrivateContext(set, { name: 'nope' })).toThrow(/nope/);
    expect(() => extractPrivateContext(set, { name: 'lost' })).toThrow(/context "lost" names the cluster "gone"/);
  });
});
