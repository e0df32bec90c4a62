import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { billionLaughs } from '../../bench/hostile/generate.ts';
import { CatalogError, parseCatalog } from '../../main/core/discovery/catalog/index.ts';
import { CATALOG_GUARD } from '../../main/core/discovery/catalog-limits.ts';
import { LIMITS } from '../../main/core/read-capped.ts';
import { indexYamlDocument } from '../../main/core/yaml-guard.ts';
import { fuzzParams, isOneSentence, PROPERTY_TIMEOUT_MS, REPO_ROOT } from './fuzz.ts';
import { mutated } from './mutate.ts';

/**
 * The catalog reader on hostile input: the valid catalog fixtures, mutated, and structured
 * catalogs with aliases in every place. It returns entries or one CatalogError whose message is
 * one sentence naming the file and a line; never another exception; and its alias work stays
 * within the cap (counted by the document index, not timed).
 */

const FILE = '/team/catalog.yaml';
const VALID = path.join(REPO_ROOT, 'test/fixtures/catalog/valid');
const INVALID = path.join(REPO_ROOT, 'test/fixtures/catalog/invalid');
const seeds = [VALID, INVALID].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => readFileSync(path.join(dir, f), 'utf8')),
);
// CA files named by the fixtures resolve against FILE's folder; any read is answered in memory.
const readCaFile = (p: string) => {
  if (p.includes('missing')) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
  return readFileSync(path.join(REPO_ROOT, 'test/fixtures/catalog/certs/ca.crt'), 'utf8');
};

function parseOrRefuse(text: string): unknown {
  try {
    return parseCatalog(text, FILE, { readCaFile });
  } catch (e) {
    expect(e).toBeInstanceOf(CatalogError);
    const err = e as CatalogError;
    expect(err.code).toBe('catalog-invalid');
    expect(err.message.startsWith(`${FILE} line `)).toBe(true);
    expect(isOneSentence(err.message)).toBe(true);
    for (const issue of err.issues) expect(issue.message).not.toMatch(/[\n\r\u2028\u2029]/);
    return err;
  }
}

/** What the reader may follow: aliases repeat at most the cap, and the index walks each node once. */
function expectBoundedWork(text: string): void {
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { schema: 'failsafe', uniqueKeys: false });
  } catch (e) {
    // Nesting too deep for the library's parser: the reader refused it before any work.
    expect(e).toBeInstanceOf(RangeError);
    return;
  }
  const index = indexYamlDocument(doc, CATALOG_GUARD);
  expect(index.visited).toBeLessThanOrEqual(2 * text.length + 2);
  if (!index.aliasProblem) expect(index.aliasedSize).toBeLessThanOrEqual(LIMITS.catalog);
}

const scalar = fc.oneof(
  fc.constantFrom('prod', 'a', '198.51.100.7', 'https://198.51.100.7:6443', '6443', '', '~', 'no', '0x10', 'é'),
  fc.string({ maxLength: 20 }),
);
const key = fc.constantFrom(
  'name',
  'server',
  'ip',
  'port',
  'namespace',
  'user',
  'exec',
  'command',
  'args',
  'env',
  'token',
  'tokenFile',
  'certificateAuthority',
  'certificateAuthorityData',
  'tlsServerName',
  'clusters',
  'defaults',
  'sever',
  '<<',
);

/** Catalog-shaped YAML (flow style), with anchors on some values and aliases to them later. */
const catalogYaml = fc
  .letrec<{ value: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar.map((s) => JSON.stringify(s)),
      fc.array(tie('value'), { maxLength: 4 }).map((xs) => `[${xs.join(', ')}]`),
      fc
        .array(fc.tuple(key, tie('value')), { maxLength: 5 })
        .map((kvs) => `{${kvs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
    ),
  }))
  .value.chain((value) =>
    fc.record({ anchorAt: fc.nat(), aliasCount: fc.integer({ min: 0, max: 60 }) }).map(({ anchorAt, aliasCount }) => {
      // Anchor the n-th value of the cluster, then list the cluster again through aliases.
      const cluster = `{name: prod, ip: 198.51.100.7, user: &u ${value}}`;
      const aliases = Array.from({ length: aliasCount }, (_, i) => (i % 2 ? '*c' : `{name: c${i}, user: *u}`));
      return `clusters: [&c ${cluster}${aliases.map((a) => `, ${a}`).join('')}]\n# ${anchorAt}\n`;
    }),
  );

describe('catalog reader on hostile input', () => {
  it(
    'mutated fixtures: entries, or one CatalogError sentence',
    () => {
      fc.assert(
        fc.property(mutated(seeds), (text) => {
          parseOrRefuse(text);
          expectBoundedWork(text);
        }),
        fuzzParams(400),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'catalogs with aliases anywhere: entries, or one CatalogError sentence, within the alias cap',
    () => {
      fc.assert(
        fc.property(catalogYaml, (text) => {
          parseOrRefuse(text);
          expectBoundedWork(text);
        }),
        fuzzParams(300),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'alias bombs under clusters are refused at the cap, naming a line',
    () => {
      fc.assert(
        fc.property(fc.integer({ min: 3, max: 9 }), fc.integer({ min: 8, max: 14 }), (depth, fan) => {
          const text = billionLaughs(depth, fan, '').replace(/^l0:/, 'clusters: *l0\nl0:');
          const bomb = `${billionLaughs(depth, fan, '')}clusters: *l${depth}\n`;
          parseOrRefuse(text);
          const err = parseOrRefuse(bomb);
          if (fan ** depth * 4 > LIMITS.catalog) {
            expect(err).toBeInstanceOf(CatalogError);
            expect((err as CatalogError).issues).toHaveLength(1);
            expect((err as CatalogError).message).toContain('aliases repeat more than 4 MiB');
          }
        }),
        fuzzParams(60),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
