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
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { build, type Plugin } from 'rolldown';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'out', 'cli');

/**
 * Left to Node at run time:
 * - node builtins;
 * - native addons (the keychain), which cannot be bundled;
 * - the simulator (only `kubezt demo` loads it): it locates its own warp-cli script next to its
 *   source, so it runs from sim/ through type stripping, imported by a path relative to out/cli.
 */
function isExternal(id: string): boolean {
  if (id.startsWith('node:')) return true;
  if (id === '@napi-rs/keyring' || id.startsWith('@napi-rs/')) return true;
  return false;
}

/** The modules `kubezt use` runs (check with test/integration/cli-setup/bundle.test.ts). */
const USE_PATH = [
  'main/cli/commands/use.ts',
  'main/cli/command.ts',
  'main/cli/kubeconfig-paths.ts',
  'main/core/errors.ts',
  'main/core/node-builtins.ts',
  'main/core/settings/paths.ts',
  'main/core/kubeconfig/switch.ts',
  'main/core/kubeconfig/apply.ts',
  'main/core/kubeconfig/io.ts',
  'main/core/kubeconfig/lock.ts',
  'main/core/kubeconfig/quick-file.ts',
  'main/core/kubeconfig/block-yaml.ts',
  'main/core/kubeconfig/contexts.ts',
  'main/core/kubeconfig/names.ts',
  'main/core/kubeconfig/types.ts',
].map((p) => join(ROOT, p));

/**
 * Builtins whose ES module facade is costly: Node builds it by reading every export, and their
 * lazy getters then load whole subsystems at start-up (node:fs's `promises` brings readline
 * and the streams, node:http's `WebSocket` Node's internal undici, node:tls's
 * `rootCertificates` parses the CA store). In the bundle, `import ... from 'node:http'` (ours
 * and our dependencies') becomes the CommonJS object from process.getBuiltinModule, whose
 * getters run only when used.
 */
// Not node:crypto: given the stand-in, a dependency's request path failed ("r[e] is not a
// function") in the CLI tests, so it keeps its facade.
const FACADE_HEAVY = new Set(['fs', 'http', 'https', 'tls', 'util']);

const NAMESPACE_IMPORT = new RegExp(
  `import\\s*\\*\\s*as\\s+([\\w$]+)\\s+from\\s*(['"])(${[...FACADE_HEAVY].join('|')})\\2`,
  'g',
);
const NODE_SPECIFIER = new RegExp(`(['"])node:(${[...FACADE_HEAVY].join('|')})\\1`, 'g');

function builtinsWithoutFacades(): Plugin {
  const prefix = '\0kubezt-builtin:';
  const cjsPrefix = '\0kubezt-builtin-cjs:';
  return {
    name: 'kubezt-builtins-without-facades',
    resolveId(source, _importer, extra) {
      const name = source.startsWith('node:') ? source.slice(5) : source;
      if (!FACADE_HEAVY.has(name)) return null;
      // require() must get the module object itself (`class X extends require('events')`); the
      // bundle would otherwise turn it into an import of the facade.
      if (extra.kind === 'require-call') return { id: `${cjsPrefix}${name}`, moduleSideEffects: false };
      if (extra.kind !== 'import-statement') return null;
      return { id: `${prefix}${name}`, moduleSideEffects: false };
    },
    // rolldown settles `node:`-prefixed builtins before any plugin sees them, so those
    // specifiers are first rewritten to their bare names, which reach resolveId.
    // A namespace import becomes a default import: the namespace of the stand-in module has
    // no getters (crypto.getRandomValues, fs.promises), the default export is the real object.
    transform(code, id) {
      if (id.startsWith('\0') || !/\.[cm]?[jt]s$/.test(id)) return null;
      const rewritten = code
        .replace(NODE_SPECIFIER, (_all, quote: string, name: string) => `${quote}${name}${quote}`)
        .replace(
          NAMESPACE_IMPORT,
          (_all, local: string, quote: string, name: string) => `import ${local} from ${quote}${name}${quote}`,
        );
      return rewritten === code ? null : { code: rewritten, map: null };
    },
    load(id) {
      if (id.startsWith(cjsPrefix)) {
        return `module.exports = process.getBuiltinModule('node:${id.slice(cjsPrefix.length)}');`;
      }
      if (!id.startsWith(prefix)) return null;
      const name = id.slice(prefix.length);
      const descriptors = Object.getOwnPropertyDescriptors(process.getBuiltinModule(`node:${name}`));
      // Data properties only: a getter (fs.promises, crypto.fips...) stays on the default export,
      // read when used; importing one by name fails the build rather than running it at start.
      const exported = Object.entries(descriptors)
        .filter(([k, d]) => 'value' in d && /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default')
        .map(([k]) => k);
      return [
        `const kubeztBuiltin$ = process.getBuiltinModule('node:${name}');`,
        'export default kubeztBuiltin$;',
        `export const { ${exported.join(', ')} } = kubeztBuiltin$;`,
      ].join('\n');
    },
  };
}

/**
 * client-node's dependencies that the probe never calls, loaded from node_modules on first use
 * instead of at start-up. client-node imports undici (its default fetch and dispatchers), socks
 * and hpagent (proxy-url support) at the top of config.js; the probe hands client-node its own
 * HTTP library and opens its own connections, so for a check these are never touched, yet
 * evaluating them (undici alone is half of client-node's chunk, and loads zlib, web streams and
 * diagnostics channels) cost every `kubezt check` about 50 ms of CPU. Each becomes a CommonJS
 * module whose exports are a proxy: the first property read requires the real package, the same
 * code at the same version, so a kubeconfig with a proxy-url still gets the real agents.
 * test/integration/cli-setup/bundle.test.ts checks that a check loads none of them.
 */
const LOAD_ON_FIRST_USE = new Set(['undici', 'socks', 'hpagent']);

export function dependenciesOnFirstUse(): Plugin {
  const prefix = '\0kubezt-on-first-use:';
  return {
    name: 'kubezt-dependencies-on-first-use',
    resolveId(source, importer) {
      if (!LOAD_ON_FIRST_USE.has(source)) return null;
      // The proxy's own require() of the package stays a run-time require from node_modules.
      if (importer?.startsWith(prefix)) return { id: source, external: true };
      return { id: `${prefix}${source}`, moduleSideEffects: false };
    },
    load(id) {
      if (!id.startsWith(prefix)) return null;
      const name = JSON.stringify(id.slice(prefix.length));
      // The export names are read from the package at build time, so enumerating the exports
      // (rolldown's ES module interop does) does not load it.
      const keys = JSON.stringify(Object.keys(createRequire(join(ROOT, 'package.json'))(id.slice(prefix.length))));
      return [
        'let real;',
        `const load = () => (real ??= require(${name}));`,
        `const keys = ${keys};`,
        'module.exports = new Proxy({}, {',
        '  get: (_, key) => load()[key],',
        '  has: (_, key) => key in load(),',
        '  ownKeys: () => keys,',
        '  getOwnPropertyDescriptor: (_, key) =>',
        '    keys.includes(key) ? { configurable: true, enumerable: true, get: () => load()[key] } : undefined,',
        '});',
      ].join('\n');
    },
  };
}

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
      dependenciesOnFirstUse(),
      {
        name: 'kubezt-simulator-from-source',
        resolveId(source, importer) {
          if (!importer || !/(^|\/)sim\//.test(source) || !source.startsWith('.')) return null;
          const absolute = join(importer, '..', source);
          if (!relative(ROOT, absolute).startsWith('sim')) return null;
          return { id: `../../${relative(ROOT, absolute)}`, external: true };
        },
      },
      {
        name: 'kubezt-record-inputs',
        load(id) {
          if (id.startsWith(ROOT) && !id.includes('node_modules')) inputs.add(relative(ROOT, id));
          return null;
        },
      },
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
