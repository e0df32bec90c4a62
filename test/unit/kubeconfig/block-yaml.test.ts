import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_SCHEMA, load, YAML11_SCHEMA } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { generateKubeconfig } from '../../../bench/kubeconfig/generate.ts';
import { blockScalarReadsAs, readBlockYaml } from '../../../main/core/kubeconfig/block-yaml.ts';
import { planKubeconfig } from '../../../main/core/kubeconfig/index.ts';
import { FIXTURES, mergeCases } from './helpers.ts';

// The block reader must read exactly what js-yaml reads (YAML 1.1 and 1.2) wherever it answers,
// and hand over (null) wherever it is not sure.

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every kubeconfig the tests know: fixtures, what setup writes over them, the bench's files. */
function corpus(): { label: string; text: string }[] {
  const out: { label: string; text: string }[] = [];
  for (const path of filesUnder(FIXTURES)) {
    if (path.endsWith('.json')) continue;
    out.push({ label: path.slice(FIXTURES.length + 1), text: readFileSync(path, 'utf8') });
  }
  for (const c of mergeCases()) {
    const files = c.names.map((name, i) => ({ path: name, bytes: c.bytes[i] ?? null }));
    try {
      const plan = planKubeconfig({ clusters: c.clusters, files });
      for (const w of plan.writes) out.push({ label: `${c.name} after setup: ${w.path}`, text: w.after });
    } catch {
      // A case whose setup is refused has no output to read.
    }
  }
  for (const n of [1, 20, 200]) out.push({ label: `bench ${n} contexts`, text: generateKubeconfig(n) });
  return out;
}

function jsYaml(text: string, schema: typeof YAML11_SCHEMA): unknown {
  try {
    return load(text, { schema });
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('readBlockYaml against js-yaml', () => {
  const docs = corpus();

  it.each(docs)('$label: reads what js-yaml reads, or hands over', ({ text }) => {
    const doc = readBlockYaml(text);
    if (!doc) return;
    expect(doc.data).toEqual(jsYaml(text, YAML11_SCHEMA));
    expect(doc.data).toEqual(jsYaml(text, CORE_SCHEMA));
    for (const [key, range] of doc.rootValueTokens) {
      const token = text.slice(range.start, range.end);
      expect(jsYaml(`x: ${token}`, YAML11_SCHEMA)).toEqual({ x: doc.data[key] });
    }
  });

  it('answers for the kubeconfigs kubectl and kubezt write', () => {
    const answered = docs.filter((d) => readBlockYaml(d.text) !== null).map((d) => d.label);
    expect(answered).toContain('merge/kubectl-written/config');
    expect(answered).toContain('bench 20 contexts');
    expect(answered.filter((l) => l.includes('after setup')).length).toBeGreaterThan(5);
  });
});

describe('readBlockYaml hands over whatever it is not certain of', () => {
  const handOver: [string, string][] = [
    ['a YAML 1.1 boolean word', 'current-context: on\n'],
    ['a capitalised boolean word', 'current-context: Yes\n'],
    ['a boolean-word key', 'y: x\n'],
    ['a number', 'current-context: 12\n'],
    ['a hex number', 'current-context: 0x1f\n'],
    ['a YAML 1.2 octal number', 'current-context: 0o17\n'],
    ['a YAML 1.1 binary number', 'current-context: 0b101\n'],
    ['a sexagesimal number', 'current-context: 190:20:30\n'],
    ['a timestamp', 'current-context: 2001-12-14\n'],
    ['a float word', 'current-context: .inf\n'],
    ['a multi-line plain scalar', 'current-context: a\n  b\n'],
    ['a block scalar', 'current-context: |\n  a\n'],
    ['an anchor', 'current-context: &a x\n'],
    ['an alias', 'a: &x b\ncurrent-context: *x\n'],
    ['a tag', 'current-context: !!str x\n'],
    ['a flow sequence', 'contexts: [a]\n'],
    ['a flow mapping root', '{"current-context": "a"}\n'],
    ['a duplicate key', 'current-context: a\ncurrent-context: b\n'],
    ['a tab', 'current-context:\ta\n'],
    ['CRLF line ends', 'current-context: a\r\n'],
    ['two documents', 'current-context: a\n---\ncurrent-context: b\n'],
    ['a document marker', '---\ncurrent-context: a\n'],
    ['a directive', '%YAML 1.1\n---\na: b\n'],
    ['a YAML-only escape', 'current-context: "\\x41"\n'],
    ['a plain scalar with a space', 'current-context: my cluster\n'],
    ['a comment without a space', 'current-context: "a"#c\n'],
    ['a trailing colon', 'current-context: a:\n'],
    ['a merge key', 'a: &x {}\n<<: *x\n'],
    ['a nested sequence', 'a:\n- - b\n'],
    ['a mis-indented line', 'a:\n  b: c\n d: e\n'],
    ['an unterminated quote', "current-context: 'a\n"],
    ['a root sequence', '- a\n'],
    ['an empty file', ''],
    ['a comment-only file', '# nothing\n'],
    ['a signed float word', 'a: +.inf\n'],
    ['a signed number', 'a: +12\n'],
    ['a negative number', 'a: -12\n'],
  ];
  it.each(handOver)('%s', (_label, text) => {
    expect(readBlockYaml(text)).toBeNull();
  });
});

describe('readBlockYaml reads kubectl-shaped YAML', () => {
  it('reads mappings, same-column sequences, quotes, comments, empty collections and nulls', () => {
    const text = [
      '# written by hand',
      'apiVersion: v1',
      'clusters:',
      '- cluster:',
      '    server: https://[::1]:6443   # loopback',
      '    insecure-skip-tls-verify: true',
      '  name: "prod"',
      'contexts:',
      "- name: 'it''s'",
      '  context:',
      '    cluster: prod',
      '    namespace: ~',
      '-',
      'current-context: it',
      'preferences: {}',
      'users: []',
      'extensions:',
      '  - name: a',
      '    extension: null',
      '',
    ].join('\n');
    const doc = readBlockYaml(text);
    expect(doc?.data).toEqual({
      apiVersion: 'v1',
      clusters: [{ cluster: { server: 'https://[::1]:6443', 'insecure-skip-tls-verify': true }, name: 'prod' }],
      contexts: [{ name: "it's", context: { cluster: 'prod', namespace: null } }, null],
      'current-context': 'it',
      preferences: {},
      users: [],
      extensions: [{ name: 'a', extension: null }],
    });
    expect(doc?.data).toEqual(load(text, { schema: YAML11_SCHEMA }));
    const range = doc?.rootValueTokens.get('current-context');
    expect(range && text.slice(range.start, range.end)).toBe('it');
  });

  it('vouches for a scalar only when every parser reads it as that string', () => {
    expect(blockScalarReadsAs('zt-prod-us', 'zt-prod-us')).toBe(true);
    expect(blockScalarReadsAs('"on"', 'on')).toBe(true);
    expect(blockScalarReadsAs('zt-a', 'zt-b')).toBe(false);
    expect(blockScalarReadsAs('on', 'on')).toBeNull();
    expect(blockScalarReadsAs('"a\nb"', 'a\nb')).toBeNull();
  });
});

describe('readBlockYaml on generated documents', () => {
  // A seeded generator of block YAML built from tokens that trip parsers up: YAML 1.1 words,
  // numbers in every base, timestamps, indicators, quotes, comments and odd indentation. Wherever
  // the block reader answers, js-yaml must read the same (YAML 1.1 and 1.2).
  const keys = ['name', 'server', 'y', 'on', 'a b', '"q"', 'x:y', '-k', 'k', 'current-context', '? k', 'user'];
  const scalars = [
    'plain',
    'yes',
    'No',
    'true',
    'false',
    '0x1f',
    '0o17',
    '0b101',
    '0b3f',
    '0x1g',
    '0X1F',
    '017',
    '1e5',
    '1_000',
    '12:30',
    '2001-01-01',
    '-1',
    '+1',
    '.5',
    '.inf',
    '~',
    'null',
    '"a\\"b"',
    '"\\x41"',
    "'it''s'",
    'a: b',
    'a #c',
    'a#b',
    '[]',
    '{}',
    '[a]',
    '&x a',
    '*x',
    '!t a',
    '|',
    'https://[::1]:6443',
    '--flag',
    '+abc',
    '/path/to',
    '1abc',
    '72ad7e91',
    '1e',
    'abc:',
    'a:b',
    '""',
    "''",
    'LS0tLS1CRUdJTi==',
    '@at',
    '%pct',
  ];
  let seed = 20261129;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const pick = <T>(xs: readonly T[]): T => xs[next(xs.length)] as T;

  function block(indent: number, depth: number): string[] {
    const pad = ' '.repeat(indent);
    const lines: string[] = [];
    const entries = 1 + next(3);
    for (let i = 0; i < entries; i++) {
      const roll = next(10);
      if (roll === 0) lines.push(`${pad}# comment ${pick(scalars)}`);
      if (roll === 1) lines.push('');
      const key = pick(keys);
      const shape = depth >= 3 ? 0 : next(4);
      if (shape === 0) lines.push(`${pad}${key}: ${pick(scalars)}${next(6) === 0 ? ' # trailing' : ''}`);
      else if (shape === 1) lines.push(`${pad}${key}:`, ...block(indent + 2, depth + 1));
      else {
        const dash = shape === 2 ? indent : indent + 2;
        lines.push(`${pad}${key}:`);
        for (let j = 0, n = 1 + next(3); j < n; j++) {
          if (next(2) === 0) lines.push(`${' '.repeat(dash)}- ${pick(scalars)}`);
          else {
            const [first, ...rest] = block(dash + 2, depth + 1);
            lines.push(`${' '.repeat(dash)}- ${(first ?? '').trimStart()}`, ...rest);
          }
        }
      }
      if (next(25) === 0) lines.push(`${' '.repeat(indent + 1)}${pick(scalars)}`);
    }
    return lines;
  }

  it('agrees with js-yaml on 3,000 documents wherever it answers', () => {
    let answered = 0;
    for (let i = 0; i < 3000; i++) {
      const text = `${block(0, 0).join('\n')}\n`;
      const doc = readBlockYaml(text);
      if (!doc) continue;
      answered++;
      const expected = jsYaml(text, YAML11_SCHEMA);
      if (JSON.stringify(doc.data) !== JSON.stringify(expected))
        expect({ text, data: doc.data }).toEqual({ text, data: expected });
      expect(doc.data).toEqual(jsYaml(text, CORE_SCHEMA));
    }
    expect(answered).toBeGreaterThan(100);
  });
});
