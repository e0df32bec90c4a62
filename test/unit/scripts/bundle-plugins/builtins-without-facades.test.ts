import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinsWithoutFacades } from '../../../../scripts/bundle-plugins/builtins-without-facades.ts';
import { bundle, runForJson, type TinyProject, tinyProject } from '../../../helpers/tiny-bundle.ts';

// What node:fs's ES module facade loads at start-up when it is built (see
// main/core/node-builtins.ts): fs/promises, readline and the streams.
const FACADE_WORK = [
  'NativeModule internal/fs/promises',
  'NativeModule internal/readline/interface',
  'NativeModule internal/fs/streams',
];

const FILES = {
  'entry.ts': `import { readFileSync } from 'node:fs';
import * as fs from 'node:fs';
import util from 'node:util';
import { format } from 'util';
import legacy from './legacy.cjs';
const FACADE_WORK = ${JSON.stringify(FACADE_WORK)};
const atStart = FACADE_WORK.filter((m) => process.moduleLoadList.includes(m));
const promisesReadFile = typeof fs.promises.readFile;
process.stdout.write(JSON.stringify({
  atStart,
  promisesReadFile,
  promisesLoadedOnRead: process.moduleLoadList.includes('NativeModule internal/fs/promises'),
  selfRead: readFileSync(new URL(import.meta.url), 'utf8').length > 0,
  formatted: [util.format('%s=%d', 'a', 1), format('%j', { b: 2 })],
  legacy,
}));
`,
  'legacy.cjs': `const fs = require('fs');
const util = require('node:util');
module.exports = {
  fsIsTheModuleObject: fs === process.getBuiltinModule('node:fs'),
  formatted: util.format('%s-%d', 'cjs', 1),
};
`,
};

let project: TinyProject | undefined;
afterEach(() => project?.remove());

describe('builtinsWithoutFacades', () => {
  it("hands imports and requires of node:fs and node:util the module objects, so node:fs's facade never loads", async () => {
    project = tinyProject(FILES);
    await bundle(join(project.dir, 'entry.ts'), join(project.dir, 'out'), [builtinsWithoutFacades()]);
    expect(await runForJson(join(project.dir, 'out', 'entry.mjs'))).toEqual({
      atStart: [],
      // A namespace import keeps the lazy getters: fs.promises works, loaded when read.
      promisesReadFile: 'function',
      promisesLoadedOnRead: true,
      selfRead: true,
      formatted: ['a=1', '{"b":2}'],
      legacy: { fsIsTheModuleObject: true, formatted: 'cjs-1' },
    });
  });

  it('is what keeps the facades out: the same input bundled without it loads them at start', async () => {
    project = tinyProject(FILES);
    await bundle(join(project.dir, 'entry.ts'), join(project.dir, 'out'), []);
    const result = (await runForJson(join(project.dir, 'out', 'entry.mjs'))) as { atStart: string[] };
    expect(result.atStart).toEqual(expect.arrayContaining(FACADE_WORK));
  });

  it('fails the build on a named import of a getter, rather than running it at start-up', async () => {
    project = tinyProject({ 'entry.ts': `import { promises } from 'node:fs';\nconsole.log(typeof promises);\n` });
    await expect(
      bundle(join(project.dir, 'entry.ts'), join(project.dir, 'out'), [builtinsWithoutFacades()]),
    ).rejects.toThrow(/"promises" is not exported/);
  });
});
