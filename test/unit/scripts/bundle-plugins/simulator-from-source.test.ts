import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatorFromSource } from '../../../../scripts/bundle-plugins/simulator-from-source.ts';
import { bundle, runForJson, type TinyProject, tinyProject } from '../../../helpers/tiny-bundle.ts';

// The CLI bundle leaves the simulator in sim/, run from its TypeScript sources, and bundles the
// rest: a tiny project laid out like the repository (main/cli, sim/, output in out/cli).

const FILES = {
  'main/cli/index.ts': `import { helper } from './sim/helper.ts';
const { whereAmI } = await import('../../sim/environment.ts');
process.stdout.write(JSON.stringify({ simulator: whereAmI(), helper: helper() }));
`,
  // Under a folder named sim, but not the simulator: bundled like any other module.
  'main/cli/sim/helper.ts': `export const helper = (): string => 'bundled helper';\n`,
  'sim/environment.ts': `export function whereAmI(): string {
  return new URL(import.meta.url).pathname.split('/').slice(-2).join('/');
}
`,
};

let project: TinyProject | undefined;
afterEach(() => project?.remove());

describe('simulatorFromSource', () => {
  it('imports sim/ by its path from the output folder, runs it from source, and bundles the rest', async () => {
    project = tinyProject(FILES);
    const out = join(project.dir, 'out', 'cli');
    await bundle(join(project.dir, 'main', 'cli', 'index.ts'), out, [simulatorFromSource(project.dir, out)]);
    const code = readdirSync(out)
      .map((f) => readFileSync(join(out, f), 'utf8'))
      .join('\n');
    expect(code).toMatch(/import\(["`']\.\.\/\.\.\/sim\/environment\.ts["`']\)/);
    expect(code).not.toContain('.pathname.split');
    expect(code).toContain('bundled helper');
    expect(await runForJson(join(out, 'index.mjs'))).toEqual({
      simulator: 'sim/environment.ts',
      helper: 'bundled helper',
    });
  });

  it('is what keeps sim/ out: without it the simulator is bundled and runs from the output', async () => {
    project = tinyProject(FILES);
    const out = join(project.dir, 'out', 'cli');
    await bundle(join(project.dir, 'main', 'cli', 'index.ts'), out, []);
    const result = (await runForJson(join(out, 'index.mjs'))) as { simulator: string };
    expect(result.simulator).toMatch(/^cli\//);
  });
});
