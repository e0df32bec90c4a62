import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Alias, parseDocument } from 'yaml';
import {
  ACCEPTED_46K,
  aliasFanCatalog,
  aliasGroupsKubeconfig,
  heavyAliasCatalog,
  REFUSED_46K,
  wideCatalogCluster,
} from '../../../bench/hostile/generate.ts';
import { CatalogError, loadCatalog, parseCatalog } from '../../../main/core/discovery/catalog/index.ts';
import { CATALOG_GUARD } from '../../../main/core/discovery/catalog-limits.ts';
import { isUserError, type UserError } from '../../../main/core/errors.ts';
import { documentIndex } from '../../../main/core/kubeconfig/doc-index.ts';
import { readKubeconfigBytes } from '../../../main/core/kubeconfig/file-io.ts';
import { parseKubeconfigFile } from '../../../main/core/kubeconfig/parse.ts';
import { readMergedKubeconfig } from '../../../main/core/kubeconfig/read-full.ts';
import { MIB } from '../../../main/core/read-capped.ts';
import { indexYamlDocument } from '../../../main/core/yaml-guard.ts';

/**
 * The two reported hostile files, generated here (bench/hostile/generate.ts), and the caps.
 * Linear work is asserted by counting, never by timing: the documents' own index counts the
 * nodes it visits, and the yaml library's Alias.resolve, which walks the whole document on each
 * call (what made one reader quadratic and the other cubic), must not be called at all.
 */

const KUBECONFIG = '/home/user/.kube/config';
const CATALOG = '/team/catalog.yaml';
const readCaFile = () => {
  throw new Error('no CA file in these tests');
};

function refusal(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    if (isUserError(e)) return e;
    throw e;
  }
  throw new Error('expected a refusal, got none');
}

let resolveCalls: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  resolveCalls = vi.spyOn(Alias.prototype, 'resolve');
});
afterEach(() => {
  resolveCalls.mockRestore();
});

describe('the reported catalog: 80 KB of aliases to one cluster', () => {
  const text = aliasFanCatalog(20_000);

  it('is about 80 KB, and is read following each alias once, in constant time', () => {
    expect(text.length).toBeGreaterThan(78_000);
    const err = refusal(() => parseCatalog(text, CATALOG, { readCaFile })) as CatalogError;
    expect(err).toBeInstanceOf(CatalogError);
    // What the file says is wrong is still said: the unknown key, then 19,999 duplicate names.
    expect(err.message).toBe(
      `${CATALOG} line 1: unknown key "base" at the top level; allowed keys are defaults, clusters (19999 more problems in this file).`,
    );
    expect(err.issues[1]?.message).toMatch(/cluster name "prod" is already used on line 1/);
    expect(resolveCalls).not.toHaveBeenCalled();
    const index = indexYamlDocument(parseDocument(text, { schema: 'failsafe', uniqueKeys: false }), CATALOG_GUARD);
    // The root mapping, its two keys and the list (4 nodes), the anchored mapping and its four
    // scalars (5), and the 20,000 aliases: each entered once.
    expect(index.visited).toBe(4 + 5 + 20_000);
  });

  it('past 4 MiB of aliased content, is refused in one sentence naming the cap', () => {
    const heavy = heavyAliasCatalog(3_000);
    const err = refusal(() => parseCatalog(heavy, CATALOG, { readCaFile })) as CatalogError;
    expect(err.issues).toHaveLength(1);
    expect(err.message).toBe(
      `${CATALOG} line 2: the YAML aliases repeat more than 4 MiB of content, kubezt's limit for a catalog; use fewer aliases.`,
    );
  });

  it('a cluster with 20,000 unknown keys names the cluster without rescanning it per key', () => {
    const err = refusal(() => parseCatalog(wideCatalogCluster(20_000), CATALOG, { readCaFile })) as CatalogError;
    expect(err.issues).toHaveLength(20_000);
    expect(err.message).toMatch(/unknown key "unknown0" in cluster "prod"; allowed keys are/);
  });
});

describe('the reported kubeconfig: 46 KB that took `kubezt use` seconds', () => {
  const accepted = aliasGroupsKubeconfig(ACCEPTED_46K.users, ACCEPTED_46K.groups, ACCEPTED_46K.pad);
  const refused = aliasGroupsKubeconfig(REFUSED_46K.users, REFUSED_46K.groups, REFUSED_46K.pad);

  it('kubectl accepts it: kubezt reads it, visiting each node once and resolving no alias by search', () => {
    expect(accepted.length).toBeGreaterThan(46_000);
    expect(accepted.length).toBeLessThan(48_000);
    const file = parseKubeconfigFile({ path: KUBECONFIG, bytes: accepted }, 0);
    expect(file.lists.user.entries).toHaveLength(ACCEPTED_46K.users);
    const merged = readMergedKubeconfig([{ path: KUBECONFIG, bytes: accepted }]);
    expect(merged.contexts).toHaveLength(ACCEPTED_46K.pad);
    expect(merged.contexts[0]).toMatchObject({ name: 'ctx-0', cluster: 'c0', user: 'u0' });
    expect(resolveCalls).not.toHaveBeenCalled();
    const index = documentIndex(file.doc as NonNullable<typeof file.doc>);
    expect(index.visited).toBeLessThan(accepted.length / 2);
    // What its aliases repeat, counted without repeating it: 620 copies of 250 groups.
    expect(index.aliasedSize).toBeGreaterThan(ACCEPTED_46K.users * ACCEPTED_46K.groups * 10);
  });

  it('with more aliasing kubectl refuses it, and so does kubezt, in one sentence', () => {
    expect(refused.length).toBeGreaterThan(46_000);
    const err = refusal(() => parseKubeconfigFile({ path: KUBECONFIG, bytes: refused }, 0));
    expect(err.code).toBe('kubeconfig-invalid');
    expect(err.message).toMatch(
      /^Cannot use the kubeconfig \/home\/user\/\.kube\/config: its YAML aliases expand it far beyond its own size, which kubectl refuses \("document contains excessive aliasing"\) at line \d+, column \d+; use fewer aliases \(kubezt did not change the file\)\.$/,
    );
    expect(resolveCalls).not.toHaveBeenCalled();
  });
});

describe('aliases kubectl refuses, refused the same way', () => {
  const cases: [string, string, RegExp][] = [
    [
      'an alias inside the node it refers to',
      'contexts:\n- name: a\n  context: &x {cluster: a, extensions: [{name: e, extension: *x}]}\n',
      /the alias \*x is inside the node it refers to, so it never ends, and kubectl refuses that at line 3/,
    ],
    [
      'an alias to no anchor',
      'current-context: *nowhere\n',
      /the alias \*nowhere refers to no anchor defined before it, and kubectl refuses that at line 1, column 18/,
    ],
    [
      'a merge of a scalar',
      'users:\n- name: a\n  user:\n    <<: 5\n',
      /a "<<" merge key is given something other than a mapping or a list of mappings, and kubectl refuses that/,
    ],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    const err = refusal(() => parseKubeconfigFile({ path: KUBECONFIG, bytes: text }, 0));
    expect(err.message).toMatch(expected);
  });
});

describe('text no parser can nest', () => {
  it('`a: a: a: ...` on one line, then a document, is refused in one sentence, not a stack overflow', () => {
    // The yaml library's parser closes the 20,000 levels recursively at the `---`.
    const text = `${'a: '.repeat(20_000)}# c\n---\nx: 1\n`;
    const err = refusal(() => parseKubeconfigFile({ path: KUBECONFIG, bytes: text }, 0));
    expect(err.message).toBe(
      `Cannot use the kubeconfig ${KUBECONFIG}: its lists and mappings nest too deeply to read; fix the YAML (kubezt did not change the file).`,
    );
    const cat = refusal(() => parseCatalog(text, CATALOG, { readCaFile })) as CatalogError;
    expect(cat.message).toBe(`${CATALOG} line 1: lists and mappings nest too deeply to read; flatten them.`);
  });

  it('a key with a line break is quoted on one line', () => {
    const text = 'users:\n- name: a\n  user:\n    auth-provider: {config: {"x\\ny": 5}}\n';
    const err = refusal(() => parseKubeconfigFile({ path: KUBECONFIG, bytes: text }, 0));
    expect(err.message).toContain('users[0].user.auth-provider.config.x\\ny must be a string');
    expect(err.message).not.toMatch(/\n/);
  });
});

describe('size caps where files are read', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kubezt-caps-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a kubeconfig over 16 MiB is refused before it is parsed', async () => {
    const file = path.join(dir, 'config');
    writeFileSync(file, `# ${'x'.repeat(16 * MIB)}\n`);
    await expect(readKubeconfigBytes(file)).rejects.toThrow(
      `The kubeconfig ${file} is larger than 16 MiB, kubezt's limit; split it into several files listed in KUBECONFIG (kubezt did not change it).`,
    );
  });

  it('a catalog over 4 MiB is refused before it is parsed', async () => {
    const file = path.join(dir, 'catalog.yaml');
    writeFileSync(file, `# ${'x'.repeat(4 * MIB)}\nclusters: []\n`);
    await expect(loadCatalog(file)).rejects.toThrow(
      `The catalog file ${file} is larger than 4 MiB, kubezt's limit for a catalog; keep only the clusters your team uses in it.`,
    );
  });

  it.skipIf(!existsSync('/dev/zero'))(
    'a path that never ends (/dev/zero) is read up to the cap, then refused',
    async () => {
      await expect(readKubeconfigBytes('/dev/zero')).rejects.toThrow(
        /The kubeconfig \/dev\/zero is larger than 16 MiB/,
      );
      await expect(loadCatalog('/dev/zero')).rejects.toThrow(/The catalog file \/dev\/zero is larger than 4 MiB/);
    },
  );
});
