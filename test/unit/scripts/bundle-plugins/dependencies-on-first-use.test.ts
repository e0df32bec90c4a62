import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { dependenciesOnFirstUse } from '../../../../scripts/bundle-plugins/dependencies-on-first-use.ts';
import { bundle, NODE, type TinyProject, tinyProject } from '../../../helpers/tiny-bundle.ts';

// The CLI bundle leaves client-node's undici, socks and hpagent in node_modules until first
// used (scripts/build-cli.ts). What is handed over must be the real package, loaded then and not
// before, and the named imports must see it.

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

let project: TinyProject | undefined;
afterEach(() => project?.remove());

describe('dependenciesOnFirstUse', () => {
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
