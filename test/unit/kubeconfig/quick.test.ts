import { load, YAML11_SCHEMA } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { UserError } from '../../../main/core/errors.ts';
import {
  type KubeconfigSource,
  planKubeconfig,
  resolveContextName,
  setCurrentContext,
} from '../../../main/core/kubeconfig/index.ts';
import { planSwitchQuick, quickReadKubeconfig, renderScalarQuick } from '../../../main/core/kubeconfig/quick.ts';
import { readMergedKubeconfig } from '../../../main/core/kubeconfig/read-full.ts';
import { clusterSet, mergeCases } from './helpers.ts';

// The fast `use` path must agree with the full parser wherever it answers, and hand over
// (return null) wherever it is not sure.

function afterSetup(c: ReturnType<typeof mergeCases>[number]): KubeconfigSource[] {
  const files = c.names.map((name, i) => ({ path: name, bytes: c.bytes[i] ?? null }));
  const plan = planKubeconfig(
    c.nameTemplate === undefined
      ? { clusters: c.clusters, files }
      : { clusters: c.clusters, files, nameTemplate: c.nameTemplate },
  );
  return files.map((f) => ({ path: f.path, bytes: plan.writes.find((w) => w.path === f.path)?.after ?? f.bytes }));
}

function outcome(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (e) {
    if (e instanceof UserError) return { code: e.code, message: e.message };
    throw e;
  }
}

describe.each(mergeCases())('fast use on $name', (c) => {
  for (const [label, files] of [
    ['before setup', c.names.map((name, i) => ({ path: name, bytes: c.bytes[i] ?? null }))],
    ['after setup', afterSetup(c)],
  ] as const) {
    it(`${label}: same context, same bytes, same errors as the full path, for every name`, () => {
      const merged = readMergedKubeconfig(files);
      const names = [
        ...merged.contexts.map((x) => x.name),
        ...merged.contexts.flatMap((x) => (x.sourceCluster ? [x.sourceCluster] : [])),
        ...merged.clusters.map((x) => x.name),
        'no-such-thing',
        'zt-prod-su',
      ];
      let answered = 0;
      for (const name of names) {
        const quick = outcome(() => planSwitchQuick(files, name));
        if (quick === null) continue;
        answered++;
        const full = outcome(() => setCurrentContext(files, resolveContextName(files, name)));
        expect(quick).toEqual(full);
      }
      // JSON files, empty files and files without a current-context line go the full way; the
      // rest must be answered quickly.
      const quickFile = files.every((f) => quickReadKubeconfig(f) !== null);
      if (quickFile) expect(answered).toBeGreaterThan(0);
    });
  }
});

describe('the fast reader hands over what it is not sure about', () => {
  const valid =
    'apiVersion: v1\nkind: Config\ncurrent-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\n- name: b\n  context: {cluster: c}\n';
  it.each([
    ['a YAML error', 'contexts: [\n'],
    ['a YAML 1.1 boolean name', 'contexts:\n- name: on\n'],
    ['a timestamp-looking name', 'contexts:\n- name: 2001-01-01\n'],
    ['a duplicate context', 'contexts:\n- name: a\n- name: a\n'],
    ['a merge key', 'x: &x {cluster: c}\ncontexts:\n- name: a\n  context:\n    <<: *x\n'],
    ['two documents', 'kind: Config\n---\nkind: Config\n'],
    ['a kind other than Config', 'kind: Pod\n'],
    ['bad CA data', 'clusters:\n- name: a\n  cluster: {certificate-authority-data: "!!"}\n'],
  ])('%s', (_label, bytes) => {
    expect(quickReadKubeconfig({ path: 'k', bytes })).toBeNull();
  });

  it.each([
    ['no current-context line', valid.replace('current-context: a\n', '')],
    ['an empty current-context', valid.replace('current-context: a', 'current-context:')],
    ['a tagged current-context', valid.replace('current-context: a', 'current-context: !!str a')],
    ['an anchored current-context', valid.replace('current-context: a', 'current-context: &c a')],
    ['a block scalar current-context', valid.replace('current-context: a', 'current-context: |-\n  a')],
  ])('%s: the full path plans it', (_label, bytes) => {
    const files = [{ path: 'k', bytes }];
    expect(planSwitchQuick(files, 'b')).toBeNull();
    expect(setCurrentContext(files, 'b').writes).toHaveLength(1);
  });

  it('replaces exactly the value token, quotes included, keeping the comment', () => {
    const bytes = valid.replace('current-context: a', "current-context: 'a'   # via kubectx");
    const plan = planSwitchQuick([{ path: 'k', bytes }], 'b');
    expect(plan?.writes[0]?.after).toBe(bytes.replace("current-context: 'a'", 'current-context: b'));
  });

  it('writes JSON into a JSON kubeconfig', () => {
    const json =
      '{"apiVersion": "v1", "current-context": "a", "contexts": [{"name": "a", "context": {"cluster": "c"}}, {"name": "on", "context": {"cluster": "c"}}]}';
    const after = planSwitchQuick([{ path: 'k', bytes: json }], 'on')?.writes[0]?.after ?? '';
    expect(JSON.parse(after)['current-context']).toBe('on');
  });

  it('resolves a kubezt cluster name to its context', () => {
    const bytes =
      planKubeconfig({ clusters: clusterSet('standard'), files: [{ path: 'k', bytes: valid }] }).writes[0]?.after ?? '';
    expect(planSwitchQuick([{ path: 'k', bytes }], 'lab-v6')?.currentContext).toEqual({
      from: 'a',
      to: 'zt-lab-v6',
      file: 'k',
    });
  });
});

describe('renderScalarQuick', () => {
  const nasty = [
    'y',
    'n',
    'on',
    'Off',
    'NO',
    'true',
    'null',
    '~',
    '',
    '0755',
    '0o17',
    '1:20',
    '1e3',
    '.inf',
    'NaN',
    '2001-01-01',
    '#x',
    'a #b',
    'a: b',
    '- a',
    "it's",
    '"q"',
    'tab\there',
    'é',
    'zt-prod-us',
    'arn:aws:eks:eu-west-1:1:cluster/x',
    'gke_p_z_c',
    '@at',
    '`b',
    'multi\nline',
  ];
  it.each(nasty)('%j reads back as itself under YAML 1.1 and 1.2', (name) => {
    const text = renderScalarQuick(name);
    expect(load(`x: ${text}`, { schema: YAML11_SCHEMA })).toEqual({ x: name });
    expect(parse(`x: ${text}`, { version: '1.1' })).toEqual({ x: name });
    expect(parse(`x: ${text}`, { version: '1.2' })).toEqual({ x: name });
  });
  it('keeps ordinary names plain', () => {
    expect(renderScalarQuick('zt-prod-us')).toBe('zt-prod-us');
    expect(renderScalarQuick('on')).toBe('"on"');
  });
});
