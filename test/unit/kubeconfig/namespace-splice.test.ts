import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkNamespaceName, spliceContextNamespace } from '../../../main/core/kubeconfig/namespace.ts';
import { getString, parseKubeconfigFile } from '../../../main/core/kubeconfig/parse.ts';

// The namespace splice changes only the bytes of one value (or adds one line / one flow item),
// and the real kubectl reads the namespace back from the result.

const REPO = resolve(import.meta.dirname, '..', '..', '..');
const CORPUS = resolve(REPO, '../shared/corpus/kubeconfigs');
const KUBECTL = '/usr/bin/kubectl';
const scratch = mkdtempSync(join(tmpdir(), 'kubezt-ns-splice-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function corpus(name: string): string {
  return readFileSync(join(CORPUS, name), 'utf8');
}

/** What kubectl reads as NAME's namespace in `bytes`. */
function kubectlNamespace(bytes: string, context: string): string {
  const path = join(scratch, `config-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, bytes, { mode: 0o600 });
  return execFileSync(
    KUBECTL,
    ['--kubeconfig', path, 'config', 'view', '-o', `jsonpath={.contexts[?(@.name=="${context}")].context.namespace}`],
    { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: scratch } },
  );
}

describe('spliceContextNamespace: golden edits', () => {
  it('replaces an existing namespace value and nothing else (fabric8, comments kept)', () => {
    const before = corpus('fabric8-merge-config-1.yaml');
    const after = spliceContextNamespace(before, 'context-in-all-configs', 'team-a');
    expect(after).toBe(before.replace('namespace: config-1-namespace', 'namespace: team-a'));
  });

  it('adds one namespace line at the context mapping indentation (fabric8, comments kept)', () => {
    const before = corpus('fabric8-merge-config-1.yaml');
    const after = spliceContextNamespace(before, 'duplicate-context', 'team-a');
    expect(after).toBe(
      before.replace(
        '      user: duplicate-user\n    name: duplicate-context',
        '      user: duplicate-user\n      namespace: team-a\n    name: duplicate-context',
      ),
    );
    expect(after).toContain('password: config-1-user-pa33word # notsecret');
  });

  it('keeps a document-start marker and header comments (k8s-csharp)', () => {
    const before = corpus('k8s-csharp-kubeconfig.yaml');
    const after = spliceContextNamespace(before, 'federal-context', 'web');
    expect(after).toBe(
      before.replace('    namespace: chisel-ns\n    user: green-user', '    namespace: web\n    user: green-user'),
    );
  });

  it('adds an item to a flow mapping', () => {
    const before =
      'apiVersion: v1\nkind: Config\ncontexts: [{name: a, context: {cluster: c, user: u}}] # mine\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {}}]\n';
    expect(spliceContextNamespace(before, 'a', 'web')).toBe(
      before.replace('{cluster: c, user: u}', '{cluster: c, user: u, "namespace": "web"}'),
    );
  });

  it('fills an empty flow mapping', () => {
    const before = 'apiVersion: v1\ncontexts:\n- name: a\n  context: {}\n';
    expect(spliceContextNamespace(before, 'a', 'web')).toBe(before.replace('{}', '{"namespace": "web"}'));
  });

  it('replaces a quoted value, keeping CRLF line endings', () => {
    const before =
      'apiVersion: v1\r\ncontexts:\r\n- name: a\r\n  context:\r\n    cluster: c\r\n    namespace: "old"  # keep\r\n';
    expect(spliceContextNamespace(before, 'a', 'new')).toBe(before.replace('"old"', 'new'));
  });

  it('adds a line in CRLF style', () => {
    const before = 'apiVersion: v1\r\ncontexts:\r\n- name: a\r\n  context:\r\n    cluster: c\r\n    user: u\r\n';
    expect(spliceContextNamespace(before, 'a', 'web')).toBe(`${before}    namespace: web\r\n`);
  });

  it('adds a line to a file without a final newline', () => {
    const before = 'contexts:\n- name: a\n  context:\n    cluster: c';
    expect(spliceContextNamespace(before, 'a', 'web')).toBe(`${before}\n    namespace: web\n`);
  });

  it('quotes a namespace YAML 1.1 would read as a boolean', () => {
    const before = 'contexts:\n- name: a\n  context:\n    cluster: c\n';
    const after = spliceContextNamespace(before, 'a', 'on');
    expect(after).toBe(`${before}    namespace: "on"\n`);
    expect(kubectlNamespace(after, 'a')).toBe('on');
  });

  it('returns the same bytes when the namespace is already set', () => {
    const before = corpus('fabric8-merge-config-1.yaml');
    expect(spliceContextNamespace(before, 'context-in-all-configs', 'config-1-namespace')).toBe(before);
  });

  it('refuses an unknown context and a merge key, naming the context', () => {
    expect(() => spliceContextNamespace(corpus('fabric8-merge-config-1.yaml'), 'nope', 'x')).toThrow(
      /no context "nope"/,
    );
    const merged = 'base: &b {cluster: c}\ncontexts:\n- name: a\n  context:\n    <<: *b\n    user: u\n';
    expect(() => spliceContextNamespace(merged, 'a', 'x')).toThrow(/context "a".*merge key/);
  });

  it('checks namespace names', () => {
    expect(() => checkNamespaceName('Web')).toThrow(/not a namespace name/);
    expect(() => checkNamespaceName('-x')).toThrow(/not a namespace name/);
    expect(() => checkNamespaceName('team-a')).not.toThrow();
  });
});

/** Every context of every corpus file that kubezt can parse, as YAML and as JSON. */
function corpusCases(): { label: string; bytes: string; contexts: string[] }[] {
  const out: { label: string; bytes: string; contexts: string[] }[] = [];
  for (const name of readdirSync(CORPUS).filter((n) => n.endsWith('.yaml'))) {
    const bytes = corpus(name);
    let parsed: ReturnType<typeof parseKubeconfigFile>;
    try {
      parsed = parseKubeconfigFile({ path: name, bytes }, 0);
    } catch {
      continue;
    }
    const contexts = parsed.lists.context.entries.filter((e) => e.inner).map((e) => e.name);
    if (contexts.length === 0 || !parsed.doc) continue;
    out.push({ label: name, bytes, contexts });
    out.push({ label: `${name} as JSON`, bytes: `${JSON.stringify(parsed.doc.toJS(), null, 2)}\n`, contexts });
  }
  return out;
}

describe('spliceContextNamespace over the corpus', () => {
  const cases = corpusCases();
  it('has cases', () => expect(cases.length).toBeGreaterThan(20));
  // kubectl (a process per read) checks the first context of each file; the parser the rest.
  it.each(cases)('$label: one edit per context, read back', ({ label, bytes, contexts }) => {
    for (const [i, context] of contexts.entries()) {
      let after: string;
      try {
        after = spliceContextNamespace(bytes, context, 'kubezt-ns');
      } catch (e) {
        // Only a refusal that names the reason is allowed, never a wrong edit.
        expect((e as Error).message).toMatch(/cannot safely set the namespace/);
        continue;
      }
      // Every line is kept but at most one, which the edit changed; at most one line is added.
      const beforeLines = bytes.split('\n');
      const afterLines = after.split('\n');
      expect([0, 1]).toContain(afterLines.length - beforeLines.length);
      const afterSet = new Set(afterLines);
      expect(beforeLines.filter((line) => !afterSet.has(line)).length).toBeLessThanOrEqual(1);
      if (i === 0 && !label.endsWith('as JSON')) expect(kubectlNamespace(after, context)).toBe('kubezt-ns');
      else {
        const back = parseKubeconfigFile({ path: label, bytes: after }, 0);
        const entry = back.lists.context.entries.find((e) => e.name === context);
        expect(back.doc && entry?.inner ? getString(back.doc, entry.inner, 'namespace') : '').toBe('kubezt-ns');
      }
    }
  });
});
