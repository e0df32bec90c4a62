import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { dependenciesOnFirstUse } from '../../../../scripts/bundle-plugins/dependencies-on-first-use.ts';
import { bundle, NODE, runForJson, type TinyProject, tinyProject } from '../../../helpers/tiny-bundle.ts';

// The CLI bundle leaves client-node's undici, socks and hpagent in node_modules until first
// used (scripts/build-cli.ts). What is handed over must be the real package, loaded then and not
// before, and the named imports must see it.

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

let project: TinyProject | undefined;
afterEach(() => project?.remove());

/**
 * A package that says when it is evaluated (compiled from an ES module, hence __esModule), beside
 * an entry that imports it. The entry is TypeScript, so rolldown's interop reads __esModule.
 */
const LOCAL_PACKAGE = {
  'node_modules/noisy/package.json': JSON.stringify({ name: 'noisy', main: 'index.js' }),
  'node_modules/noisy/index.js': `globalThis.noisyEvaluations = (globalThis.noisyEvaluations ?? 0) + 1;
Object.defineProperty(exports, '__esModule', { value: true });
exports.default = 'the default export';
exports.greet = (who) => 'hello ' + who;
exports.Thing = class Thing {};
`,
  'entry.ts': `import noisy, { greet, Thing } from 'noisy';
import * as whole from 'noisy';
const atStart = globalThis.noisyEvaluations ?? 0;
const names = Object.keys(whole).filter((k) => k !== 'default').sort();
const afterListing = globalThis.noisyEvaluations ?? 0;
const greeting = [greet('you'), noisy];
const isClass = typeof Thing === 'function' && new Thing() instanceof whole.Thing;
process.stdout.write(JSON.stringify({
  atStart,
  names,
  afterListing,
  greeting,
  isClass,
  hasGreet: 'greet' in whole,
  evaluations: globalThis.noisyEvaluations,
}));
`,
};

describe('dependenciesOnFirstUse', () => {
  it('evaluates a listed package at the first read of an export, once, and not for listing its names', async () => {
    project = tinyProject(LOCAL_PACKAGE);
    const out = join(project.dir, 'out');
    await bundle(join(project.dir, 'entry.ts'), out, [dependenciesOnFirstUse(['noisy'], project.dir)]);
    // The package stays a run-time require, its code out of the bundle.
    const code = readFileSync(join(out, 'entry.mjs'), 'utf8');
    expect(code).toContain('require("noisy")');
    expect(code).not.toContain('hello ');
    expect(await runForJson(join(out, 'entry.mjs'))).toEqual({
      atStart: 0,
      names: ['Thing', 'greet'],
      afterListing: 0,
      greeting: ['hello you', 'the default export'],
      isClass: true,
      hasGreet: true,
      evaluations: 1,
    });
  });

  it('leaves a package it was not given to the bundle as usual', async () => {
    project = tinyProject(LOCAL_PACKAGE);
    const out = join(project.dir, 'out');
    await bundle(join(project.dir, 'entry.ts'), out, [dependenciesOnFirstUse(['something-else'], project.dir)]);
    expect(readFileSync(join(out, 'entry.mjs'), 'utf8')).toContain('hello ');
    expect(await runForJson(join(out, 'entry.mjs'))).toMatchObject({ atStart: 1, evaluations: 1 });
  });

  it('loads undici at the first read of an export, and gives its real classes and functions', async () => {
    // Inside the checkout: the bundle requires the packages from its own place, as out/cli does.
    project = tinyProject(
      {
        'entry.mjs': `import { Agent, fetch } from 'undici';
import * as whole from 'hpagent';
const { createRequire } = process.getBuiltinModule('node:module');
const require = createRequire(import.meta.url);
const loaded = (name) => Object.keys(require.cache).some((k) => k.includes('/node_modules/' + name + '/'));
const before = { undici: loaded('undici'), hpagent: loaded('hpagent') };
const agent = new Agent();
const after = { undici: loaded('undici'), hpagent: loaded('hpagent') };
const real = require('undici');
process.stdout.write(JSON.stringify({
  before,
  after,
  realAgent: agent instanceof real.Agent,
  sameFetch: fetch === real.fetch,
  hpagentNames: Object.keys(whole).filter((k) => k !== 'default').sort(),
}));
await agent.close();
`,
      },
      join(ROOT, 'out'),
    );
    const out = join(project.dir, 'out');
    await bundle(join(project.dir, 'entry.mjs'), out, [dependenciesOnFirstUse(['undici', 'socks', 'hpagent'], ROOT)]);
    const { stdout } = await promisify(execFile)(NODE, [join(out, 'entry.mjs')]);
    expect(JSON.parse(stdout)).toEqual({
      before: { undici: false, hpagent: false },
      after: { undici: true, hpagent: false },
      realAgent: true,
      sameFetch: true,
      hpagentNames: ['HttpProxyAgent', 'HttpsProxyAgent'],
    });
  });
});
