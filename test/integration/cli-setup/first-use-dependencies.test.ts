import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependenciesOnFirstUse } from '../../../scripts/build-cli.ts';

// The CLI bundle leaves client-node's undici, socks and hpagent in node_modules until first
// used (scripts/build-cli.ts). What is handed over must be the real package, loaded then and not
// before, and the named imports must see it.

const ROOT = join(import.meta.dirname, '..', '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
// Inside the checkout: the bundle requires the packages from its own place, as out/cli does.
const dir = join(ROOT, 'out', `first-use-test-${process.pid}`);

beforeAll(() => mkdirSync(dir, { recursive: true }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dependencies loaded on first use', () => {
  it('loads undici at the first read of an export, and gives its real classes and functions', async () => {
    const entry = join(dir, 'entry.mjs');
    writeFileSync(
      entry,
      `import { Agent, fetch } from 'undici';
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
    );
    await build({
      input: entry,
      platform: 'node',
      plugins: [dependenciesOnFirstUse()],
      write: true,
      output: { dir: join(dir, 'out'), format: 'esm', entryFileNames: '[name].mjs' },
    });
    const { stdout } = await promisify(execFile)(NODE, [join(dir, 'out', 'entry.mjs')]);
    expect(JSON.parse(stdout)).toEqual({
      before: { undici: false, hpagent: false },
      after: { undici: true, hpagent: false },
      realAgent: true,
      sameFetch: true,
      hpagentNames: ['HttpProxyAgent', 'HttpsProxyAgent'],
    });
  });
});
