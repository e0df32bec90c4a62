// Builds the CLI into out/cli: one ES module per command (split at the commands' dynamic
// imports), with its pure-JS dependencies bundled and minified.
//
//   node scripts/build-cli.ts        (run by `npm ci` through "prepare", and by `npm test`)
//
// Why: the CLI also runs straight from its TypeScript sources, but then every start strips the
// types of and links a hundred modules, and `kubezt use` (which sits in prompt hooks) must start
// about as fast as `kubectl config use-context`. bin/kubezt.js runs this build when it is at least
// as new as every source file it was built from (listed in out/cli/inputs.json), and the sources
// otherwise, so an edited checkout never runs stale code.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'rolldown';
import { builtinsWithoutFacades } from './bundle-plugins/builtins-without-facades.ts';
import { dependenciesOnFirstUse } from './bundle-plugins/dependencies-on-first-use.ts';
import { recordInputs } from './bundle-plugins/record-inputs.ts';
import { simulatorFromSource } from './bundle-plugins/simulator-from-source.ts';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'out', 'cli');

/**
 * Left to Node at run time:
 * - node builtins;
 * - native addons (the keychain), which cannot be bundled;
 * - the simulator (only `kubezt demo` loads it), which runs from sim/ through type stripping
 *   (scripts/bundle-plugins/simulator-from-source.ts).
 */
function isExternal(id: string): boolean {
  if (id.startsWith('node:')) return true;
  if (id === '@napi-rs/keyring' || id.startsWith('@napi-rs/')) return true;
  return false;
}

/** The modules `kubezt use` runs (check with test/integration/cli-setup/bundle.test.ts). */
const USE_PATH = [
  'main/cli/commands/use.ts',
  'main/usecases/use-context.ts',
  'main/cli/command.ts',
  'main/cli/parse-errors.ts',
  'main/cli/kubeconfig-paths.ts',
  'main/core/errors.ts',
  'main/core/node-builtins.ts',
  'main/core/settings/paths.ts',
  'main/core/settings/previous-context.ts',
  'main/core/kubeconfig/switch.ts',
  'main/core/kubeconfig/apply.ts',
  'main/core/kubeconfig/file-io.ts',
  'main/core/kubeconfig/lock.ts',
  'main/core/kubeconfig/quick-file.ts',
  'main/core/kubeconfig/block-yaml.ts',
  'main/core/kubeconfig/contexts.ts',
  'main/core/kubeconfig/names.ts',
  'main/core/kubeconfig/types.ts',
  // Joining the cluster's WARP virtual network before the write (warp-cli loads only when needed).
  'main/cli/commands/use-network.ts',
  'main/cli/prompt.ts',
  'main/usecases/join-network.ts',
  'main/core/kubeconfig/context-network.ts',
].map((p) => join(ROOT, p));

/**
 * client-node's dependencies that the probe never calls, loaded from node_modules on first use
 * instead of at start-up. client-node imports undici (its default fetch and dispatchers), socks
 * and hpagent (proxy-url support) at the top of config.js; the probe hands client-node its own
 * HTTP library and opens its own connections, so for a check these are never touched, yet
 * evaluating them (undici alone is half of client-node's chunk, and loads zlib, web streams and
 * diagnostics channels) would cost every `kubezt check` about 50 ms of CPU. A kubeconfig with a
 * proxy-url still gets the real agents, loaded when client-node first reads them.
 * test/integration/cli-setup/bundle.test.ts checks that a check loads none of them.
 */
const LOAD_ON_FIRST_USE = ['undici', 'socks', 'hpagent'];

export async function buildCli(): Promise<{ inputs: string[] }> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const inputs = new Set<string>();
  await build({
    input: { kubezt: join(ROOT, 'main', 'cli', 'index.ts') },
    platform: 'node',
    treeshake: {
      // client-node's index re-exports everything (watch, exec, cp, informers...); its modules
      // have no import-time effects the probe relies on, so what the probe does not use is dropped.
      moduleSideEffects: (id: string) => !/node_modules[\\/]@kubernetes[\\/]client-node[\\/]/.test(id),
    },
    external: (id) => isExternal(id),
    plugins: [
      builtinsWithoutFacades(),
      dependenciesOnFirstUse(LOAD_ON_FIRST_USE, ROOT),
      simulatorFromSource(ROOT, OUT),
      recordInputs(ROOT, inputs),
    ],
    write: true,
    output: {
      dir: OUT,
      format: 'esm',
      minify: true,
      // .mjs: Node knows the module type without looking for a package.json up the tree.
      entryFileNames: '[name].mjs',
      chunkFileNames: '[name]-[hash].mjs',
      // `kubezt use` in one chunk: each extra module file costs a prompt hook about half a ms.
      codeSplitting: {
        groups: [{ name: 'use-path', test: (id: string) => USE_PATH.includes(id) }],
      },
    },
  });
  // Dependencies are bundled too: a changed lockfile (npm ci, an upgrade) makes the bundle stale.
  inputs.add('package-lock.json');
  const list = [...inputs].sort();
  writeFileSync(join(OUT, 'inputs.json'), `${JSON.stringify({ inputs: list })}\n`);
  return { inputs: list };
}

if (import.meta.main) {
  const { inputs } = await buildCli();
  process.stdout.write(`built out/cli from ${inputs.length} source files\n`);
}
