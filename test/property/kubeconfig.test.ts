import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { billionLaughs } from '../../bench/hostile/generate.ts';
import { isUserError, UserError } from '../../main/core/errors.ts';
import { readBlockYaml } from '../../main/core/kubeconfig/block-yaml.ts';
import { documentIndex } from '../../main/core/kubeconfig/doc-index.ts';
import { type ParsedKubeconfigFile, parseKubeconfigFile } from '../../main/core/kubeconfig/parse.ts';
import { planSwitchQuick, quickReadKubeconfig } from '../../main/core/kubeconfig/quick.ts';
import { quickMergedKubeconfig } from '../../main/core/kubeconfig/read-fast.ts';
import { readMergedKubeconfig } from '../../main/core/kubeconfig/read-full.ts';
import { LIMITS } from '../../main/core/read-capped.ts';
import { runCli } from '../helpers/cli.ts';
import { CORPUS, fuzzParams, isOneSentence, PROPERTY_TIMEOUT_MS } from './fuzz.ts';
import { corpusTexts, mutated } from './mutate.ts';

/**
 * The kubeconfig readers on hostile input, seeded with the real kubeconfigs of the shared corpus
 * and mutated: every reader answers or refuses in one sentence, never crashes, and does work
 * bounded by the size of the file (counted, not timed).
 */

const PATH = '/home/user/.kube/config';
const corpus = corpusTexts(path.join(CORPUS, 'kubeconfigs'), /\.ya?ml$/);
if (corpus.length === 0) console.log(`kubeconfig properties skipped: no corpus at ${CORPUS}/kubeconfigs`);
const seeds = corpus.map((c) => c.text);

/** The full parser's answer: the parsed file, or its UserError (anything else fails the test). */
function parseOrRefuse(text: string): ParsedKubeconfigFile | UserError {
  try {
    return parseKubeconfigFile({ path: PATH, bytes: text }, 0);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return e;
  }
}

function expectRefusal(e: UserError): void {
  expect(e.code).toBe('kubeconfig-invalid');
  expect(e.message.startsWith(`Cannot use the kubeconfig ${PATH}: `)).toBe(true);
  expect(isOneSentence(e.message)).toBe(true);
}

/** Work is bounded by the text: at most a node per character, aliases within the cap. */
function expectBoundedWork(parsed: ParsedKubeconfigFile, text: string): void {
  if (!parsed.doc) return;
  const index = documentIndex(parsed.doc);
  expect(index.visited).toBeLessThanOrEqual(2 * text.length + 2);
  expect(index.aliasedSize).toBeLessThanOrEqual(LIMITS.kubeconfig);
}

describe.skipIf(corpus.length === 0)('kubeconfig readers on mutated real kubeconfigs', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'kubezt-prop-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it(
    'the full parser parses within bounded work, or refuses in one sentence',
    () => {
      fc.assert(
        fc.property(mutated(seeds), (text) => {
          const r = parseOrRefuse(text);
          if (r instanceof UserError) return expectRefusal(r);
          expectBoundedWork(r, text);
          // What parsed is readable: the merged view never throws.
          readMergedKubeconfig([{ path: PATH, bytes: text }]);
        }),
        fuzzParams(300),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'the fast readers never accept what the full parser refuses, and read the same contexts',
    () => {
      fc.assert(
        fc.property(mutated(seeds), (text) => {
          const source = { path: PATH, bytes: text };
          const quick = quickReadKubeconfig(source);
          const view = quickMergedKubeconfig([source]);
          readBlockYaml(text);
          if (!quick && !view) return;
          const full = parseOrRefuse(text);
          expect(full).not.toBeInstanceOf(UserError);
          const merged = readMergedKubeconfig([source]);
          if (quick && !quick.empty) {
            expect(quick.contexts.map((c) => c.name)).toEqual(merged.contexts.map((c) => c.name));
            expect(quick.currentContext).toBe(merged.currentContext);
          }
          if (view) expect(view.contexts.map((c) => c.name)).toEqual(merged.contexts.map((c) => c.name));
        }),
        fuzzParams(300),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'planning `kubezt use` answers, takes the full path, or refuses in one sentence',
    () => {
      fc.assert(
        fc.property(mutated(seeds), fc.string({ maxLength: 12 }), (text, name) => {
          try {
            planSwitchQuick([{ path: PATH, bytes: text }], name);
          } catch (e) {
            if (!isUserError(e)) throw e;
            expect(isOneSentence(e.message)).toBe(true);
          }
        }),
        fuzzParams(200),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    '`kubezt use` exits 0 or 2, with one sentence on stderr, and never a bug',
    async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(mutated(seeds), async (text) => {
          const file = path.join(work, `config-${n++}`);
          writeFileSync(file, text);
          const r = await runCli(['use', 'ctx-from-fuzz', '--kubeconfig', file]);
          expect([0, 2]).toContain(r.code);
          if (r.code === 2) {
            const line = r.stderr.replace(/^kubezt: /, '').replace(/\n$/, '');
            expect(isOneSentence(line)).toBe(true);
          }
        }),
        fuzzParams(60),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('kubeconfig readers on alias bombs', () => {
  it(
    'any nesting of aliases is parsed within the cap or refused in one sentence, as kubectl refuses it',
    () => {
      const bomb = fc
        .record({
          depth: fc.integer({ min: 0, max: 9 }),
          fan: fc.integer({ min: 1, max: 14 }),
          where: fc.constantFrom('top', 'extension', 'as-groups'),
        })
        .map(({ depth, fan, where }) => {
          const laughs = billionLaughs(depth, fan, 'apiVersion: v1\nkind: Config\n');
          const top = `l${depth}`;
          if (where === 'top') return laughs;
          if (where === 'extension') {
            return `${laughs}preferences: {extensions: [{name: x, extension: *${top}}]}\n`;
          }
          return `${laughs}users: [{name: u, user: {as-groups: *${top}}}]\n`;
        });
      fc.assert(
        fc.property(bomb, (text) => {
          const r = parseOrRefuse(text);
          if (r instanceof UserError) {
            expectRefusal(r);
            expect(r.message).toMatch(/aliases|must be a string/);
            return;
          }
          expectBoundedWork(r, text);
          readMergedKubeconfig([{ path: PATH, bytes: text }]);
        }),
        fuzzParams(200),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
