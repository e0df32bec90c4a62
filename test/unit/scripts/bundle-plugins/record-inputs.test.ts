import { join } from 'node:path';
import type { Plugin } from 'rolldown';
import { afterEach, describe, expect, it } from 'vitest';
import { recordInputs } from '../../../../scripts/bundle-plugins/record-inputs.ts';
import { bundle, type TinyProject, tinyProject } from '../../../helpers/tiny-bundle.ts';

// bin/kubezt.js trusts the bundle only while it is newer than every file recorded here, so a
// source missing from the list would let an edited checkout run stale code.

const projects: TinyProject[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.remove();
});

/** A module no file holds, as the builtins plugin makes. */
const virtualModule: Plugin = {
  name: 'virtual',
  resolveId: (source) => (source === 'virtual:answer' ? '\0virtual:answer' : null),
  load: (id) => (id === '\0virtual:answer' ? 'export const answer = 42;' : null),
};

/** A plugin that loads a real file itself, as a transforming plugin might. */
const loadsNestedB: Plugin = {
  name: 'loads-b',
  load: (id) => (id.endsWith(join('nested', 'b.ts')) ? `export const b = 'from the plugin';` : null),
};

describe('recordInputs', () => {
  it('records the files under the root in the build, whichever plugin loaded them, and nothing from node_modules or elsewhere', async () => {
    const elsewhere = tinyProject({ 'shared.ts': `export const shared = 'shared';\n` });
    projects.push(elsewhere);
    const project = tinyProject({
      'src/entry.ts': `import { answer } from 'virtual:answer';
import { dep } from 'dep';
import { shared } from ${JSON.stringify(join(elsewhere.dir, 'shared.ts'))};
import { b } from './nested/b.ts';
console.log(answer, dep, shared, b);
`,
      'src/nested/b.ts': `export const b = 'b';\n`,
      'src/unused.ts': `export const unused = 1;\n`,
      'node_modules/dep/package.json': JSON.stringify({ name: 'dep', main: 'index.js', type: 'module' }),
      'node_modules/dep/index.js': `export const dep = 'dep';\n`,
    });
    projects.push(project);
    const inputs = new Set<string>();
    await bundle(join(project.dir, 'src', 'entry.ts'), join(project.dir, 'out'), [
      virtualModule,
      loadsNestedB,
      recordInputs(project.dir, inputs),
    ]);
    expect([...inputs].sort()).toEqual([join('src', 'entry.ts'), join('src', 'nested', 'b.ts')]);
  });
});
