import { readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isMap, isSeq, type Node, parseDocument } from 'yaml';
import {
  CATALOG_KEYS,
  CatalogError,
  loadCatalog,
  parseCatalog,
  suggest,
} from '../../../main/core/discovery/catalog/index.ts';
import { UserError } from '../../../main/core/errors.ts';
import type { ClusterEntry } from '../../../main/core/model/cluster.ts';

const fixtures = resolve(import.meta.dirname, '../../fixtures/catalog');
const readCaFile = (p: string) => readFileSync(p, 'utf8');
const yamlIn = (dir: string) =>
  readdirSync(join(fixtures, dir))
    .filter((f) => f.endsWith('.yaml'))
    .sort();

function parseFixture(dir: string, name: string): ClusterEntry[] {
  const file = join(fixtures, dir, name);
  return parseCatalog(readFileSync(file, 'utf8'), file, { readCaFile });
}

function catalogErrorOf(fn: () => unknown): CatalogError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CatalogError);
    return e as CatalogError;
  }
  throw new Error('expected a CatalogError, got none');
}

describe('parseCatalog: valid fixtures (golden JSON)', () => {
  it.each(yamlIn('valid'))('%s', (name) => {
    const golden = readFileSync(join(fixtures, 'valid', name.replace(/\.yaml$/, '.json')), 'utf8');
    const expected = JSON.parse(golden.replaceAll('{fixtures}', fixtures)) as ClusterEntry[];
    const entries = parseFixture('valid', name);
    expect(entries).toEqual(expected);
    // The entries cross IPC and are cached on disk: they must survive JSON unchanged.
    expect(JSON.parse(JSON.stringify(entries))).toEqual(entries);
    for (const e of entries) expect(e.sources).toEqual(['catalog']);
  });

  it('the valid fixtures use every key the catalog accepts', () => {
    const used = {
      root: new Set<string>(),
      defaults: new Set<string>(),
      cluster: new Set<string>(),
      user: new Set<string>(),
      exec: new Set<string>(),
      env: new Set<string>(),
    };
    const keysOf = (n: unknown) => (isMap(n) ? n.items.map((p) => String((p.key as { value: unknown }).value)) : []);
    const childOf = (n: unknown, key: string): Node | undefined =>
      isMap(n)
        ? (n.items.find((p) => (p.key as { value: unknown }).value === key)?.value as Node | undefined)
        : undefined;
    const addUser = (u: unknown) => {
      for (const k of keysOf(u)) used.user.add(k);
      const exec = childOf(u, 'exec');
      for (const k of keysOf(exec)) used.exec.add(k);
      const env = childOf(exec, 'env');
      if (isSeq(env)) for (const item of env.items) for (const k of keysOf(item)) used.env.add(k);
    };
    for (const name of yamlIn('valid')) {
      const doc = parseDocument(readFileSync(join(fixtures, 'valid', name), 'utf8'));
      for (const k of keysOf(doc.contents)) used.root.add(k);
      const defaults = childOf(doc.contents, 'defaults');
      for (const k of keysOf(defaults)) used.defaults.add(k);
      addUser(childOf(defaults, 'user'));
      const clusters = childOf(doc.contents, 'clusters');
      if (isSeq(clusters)) {
        for (const c of clusters.items) {
          for (const k of keysOf(c)) used.cluster.add(k);
          addUser(childOf(c, 'user'));
        }
      }
    }
    for (const level of Object.keys(CATALOG_KEYS) as (keyof typeof CATALOG_KEYS)[]) {
      expect([...used[level]].sort(), level).toEqual([...CATALOG_KEYS[level]].sort());
    }
  });

  it('merges defaults into every cluster and lets the cluster win', () => {
    const text = [
      'defaults:',
      '  port: 7443',
      '  namespace: shared',
      '  user: { existing: team-user }',
      'clusters:',
      '  - name: inherits',
      '    ip: 192.0.2.1',
      '  - name: overrides',
      '    ip: 192.0.2.2',
      '    port: 6443',
      '    namespace: own',
      '    user: { tokenFile: /run/token }',
      '  - name: url-port-wins',
      '    server: https://192.0.2.3:8443',
    ].join('\n');
    const [inherits, overrides, urlPortWins] = parseCatalog(text, '/teams/catalog.yaml', { readCaFile });
    expect(inherits).toEqual({
      name: 'inherits',
      sources: ['catalog'],
      server: 'https://192.0.2.1:7443',
      ips: ['192.0.2.1'],
      port: 7443,
      namespace: 'shared',
      user: { kind: 'existing', name: 'team-user' },
    });
    expect(overrides).toMatchObject({
      server: 'https://192.0.2.2:6443',
      port: 6443,
      namespace: 'own',
      user: { kind: 'tokenFile', tokenFile: '/run/token' },
    });
    expect(urlPortWins).toMatchObject({ server: 'https://192.0.2.3:8443', port: 8443, namespace: 'shared' });
  });

  it('gives each cluster its own copy of the default user', () => {
    const text = 'defaults:\n  user: { exec: { command: a, args: [x] } }\nclusters:\n  - name: a\n  - name: b\n';
    const [a, b] = parseCatalog(text, 'c.yaml', { readCaFile });
    expect(a?.user).toEqual(b?.user);
    expect(a?.user).not.toBe(b?.user);
  });

  it('reads a certificateAuthority path relative to the catalog folder through readCaFile', () => {
    const asked: string[] = [];
    const pem = readFileSync(join(fixtures, 'certs/ca.crt'), 'utf8');
    const [entry] = parseCatalog(
      'clusters:\n  - name: a\n    ip: 192.0.2.1\n    certificateAuthority: ca/team.crt\n',
      '/etc/kubezt/catalog.yaml',
      {
        readCaFile: (p) => {
          asked.push(p);
          return pem;
        },
      },
    );
    expect(asked).toEqual(['/etc/kubezt/ca/team.crt']);
    expect(Buffer.from(entry?.certificateAuthorityData ?? '', 'base64').toString('utf8')).toBe(pem);
  });
});

describe('parseCatalog: invalid fixtures (golden messages)', () => {
  it.each(yamlIn('invalid'))('%s', (name) => {
    const file = join(fixtures, 'invalid', name);
    const expected = readFileSync(file.replace(/\.yaml$/, '.errors.txt'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => line.replaceAll('{file}', file).replaceAll('{fixtures}', fixtures));
    const error = catalogErrorOf(() => parseCatalog(readFileSync(file, 'utf8'), file, { readCaFile }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.code).toBe('catalog-invalid');
    expect(error.file).toBe(file);
    expect(error.issues.map((i) => i.message)).toEqual(expected);
    for (const issue of error.issues) {
      // Each message names the file and the line it reports, and is one sentence.
      expect(issue.message.startsWith(`${file} line ${issue.line}: `)).toBe(true);
      expect(issue.message).toMatch(/[.?]$/);
      expect(issue.message).not.toContain('\n');
    }
    const more = error.issues.length - 1;
    const first = expected[0] ?? '';
    expect(error.message).toBe(
      more === 0
        ? first
        : `${first.slice(0, -1)} (${more} more problem${more > 1 ? 's' : ''} in this file)${first.slice(-1)}`,
    );
  });

  it('says exactly what the brief asks for a misspelt key', () => {
    const text = readFileSync(join(fixtures, 'invalid/brief-example.yaml'), 'utf8');
    const error = catalogErrorOf(() => parseCatalog(text, 'catalog.yaml', { readCaFile }));
    expect(error.message).toBe('catalog.yaml line 7: unknown key "sever" in cluster "prod-us"; did you mean "server"?');
    expect(error.issues).toEqual([{ line: 7, key: 'sever', message: error.message }]);
  });

  it('names the key of every value problem', () => {
    const error = catalogErrorOf(() => parseFixture('invalid', 'servers.yaml'));
    expect(error.issues.map((i) => i.key)).toEqual([
      'server',
      'server',
      'server',
      'server',
      'server',
      'server',
      'server',
      'server',
      'server',
      'server',
      'server',
      'ip',
      'port',
      'ip',
      'port',
      'port',
      'port',
      'ip',
    ]);
  });

  it('never echoes credentials in its messages', () => {
    const everything = [
      ...catalogErrorOf(() => parseFixture('invalid', 'users.yaml')).issues,
      ...catalogErrorOf(() => parseFixture('invalid', 'servers.yaml')).issues,
    ]
      .map((i) => i.message)
      .join('\n');
    expect(everything).toContain('token-with-space');
    expect(everything).not.toContain('s3cr3t-t0ken');
    expect(everything).not.toContain('admin:secret');
    expect(everything).not.toContain('secret@');
    const envError = catalogErrorOf(() =>
      parseCatalog(
        'clusters:\n  - name: a\n    user:\n      exec:\n        command: x\n        env:\n          - { name: "bad name", value: hunter2-secret }\n          - { name: OK, value: [hunter3-secret] }\n',
        'c.yaml',
        { readCaFile },
      ),
    );
    expect(envError.issues).toHaveLength(2);
    expect(envError.message).not.toMatch(/hunter[23]-secret/);
    expect(envError.issues.map((i) => i.message).join()).not.toMatch(/hunter[23]-secret/);
  });

  it('reports a problem in a default user even when no cluster uses the default', () => {
    const error = catalogErrorOf(() =>
      parseCatalog('defaults:\n  user: { exec: { command: a, interactiveMode: always } }\nclusters: []\n', 'c.yaml', {
        readCaFile,
      }),
    );
    expect(error.message).toBe(
      'c.yaml line 2: interactiveMode "always" in the exec user of defaults must be one of Never, IfAvailable, Always.',
    );
  });

  it('reports a readCaFile failure other than ENOENT with its reason', () => {
    const error = catalogErrorOf(() =>
      parseCatalog('clusters:\n  - name: a\n    certificateAuthority: /secure/ca.crt\n', 'c.yaml', {
        readCaFile: () => {
          throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
        },
      }),
    );
    expect(error.message).toBe(
      `c.yaml line 3: certificateAuthority file /secure/ca.crt in cluster "a" cannot be read (EACCES); fix the path (relative paths start at the catalog's folder).`,
    );
  });
});

describe('loadCatalog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubezt-catalog-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the file and its CA relative to the file, not to the working directory', async () => {
    await mkdir(join(dir, 'team', 'pki'), { recursive: true });
    await copyFile(join(fixtures, 'certs/ca.crt'), join(dir, 'team', 'pki', 'ca.crt'));
    const path = join(dir, 'team', 'catalog.yaml');
    await writeFile(
      path,
      'clusters:\n  - name: prod\n    ip: 2001:db8::1\n    certificateAuthority: pki/ca.crt\n    user: { tokenFile: tokens/prod }\n',
    );
    const entries = await loadCatalog(path);
    expect(entries).toEqual([
      {
        name: 'prod',
        sources: ['catalog'],
        server: 'https://[2001:db8::1]:6443',
        ips: ['2001:db8::1'],
        port: 6443,
        certificateAuthorityData: (await readFile(join(dir, 'team', 'pki', 'ca.crt'))).toString('base64'),
        user: { kind: 'tokenFile', tokenFile: join(dir, 'team', 'tokens', 'prod') },
      },
    ]);
  });

  it('uses an injected reader', async () => {
    const entries = await loadCatalog('/virtual/catalog.yaml', {
      readFile: async (p) => {
        expect(p).toBe('/virtual/catalog.yaml');
        return 'clusters:\n  - name: v\n    ip: 192.0.2.9\n';
      },
    });
    expect(entries.map((e) => e.server)).toEqual(['https://192.0.2.9:6443']);
  });

  it('says when the file does not exist', async () => {
    const path = join(dir, 'missing.yaml');
    await expect(loadCatalog(path)).rejects.toMatchObject({
      code: 'not-found',
      message: `The catalog file ${path} does not exist; fix KUBEZT_CATALOG or the catalogPath setting.`,
    });
  });

  it('says when the path cannot be read as a file', async () => {
    await expect(loadCatalog(dir)).rejects.toMatchObject({
      code: 'catalog-invalid',
      message: `The catalog file ${dir} cannot be read (EISDIR); check that it is a readable file.`,
    });
  });

  it('fails with the file and line for bad content', async () => {
    const path = join(dir, 'catalog.yaml');
    await writeFile(path, 'clusters:\n  - name: a\n    namespace: Bad\n');
    await expect(loadCatalog(path)).rejects.toMatchObject({
      code: 'catalog-invalid',
      message: `${path} line 3: namespace "Bad" in cluster "a" is not a valid Kubernetes namespace (lower-case letters, digits and "-", at most 63).`,
    });
  });

  it('reads every fixture directory without tripping on the goldens', async () => {
    // Guards the table above: a fixture without its golden would otherwise be skipped silently.
    for (const sub of ['valid', 'invalid']) {
      const names = await readdir(join(fixtures, sub));
      for (const yaml of names.filter((n) => n.endsWith('.yaml'))) {
        const golden = yaml.replace(/\.yaml$/, sub === 'valid' ? '.json' : '.errors.txt');
        expect(names, `${sub}/${yaml}`).toContain(golden);
      }
    }
  });
});

describe('suggest', () => {
  it.each([
    ['sever', 'server'],
    ['Server', 'server'],
    ['certificate-authority-data', 'certificateAuthorityData'],
    ['certificate_authority', 'certificateAuthority'],
    ['tls-server-name', 'tlsServerName'],
    ['namepsace', 'namespace'],
    ['cluster', undefined],
    ['insecure-skip-tls-verify', undefined],
  ])('%s → %s', (typo, expected) => {
    expect(suggest(typo, CATALOG_KEYS.cluster)).toBe(expected);
  });
});
