import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Plugin } from 'rolldown';

/**
 * Leaves the named packages in node_modules until a property of theirs is first read. Each
 * becomes a CommonJS module whose exports are a proxy: the first read requires the real package,
 * the same code at the same version, so whoever does use it gets exactly what an import gives.
 * The point is start-up time: evaluating a package nobody calls on a command's path still costs
 * every run of that command its CPU.
 *
 * `resolveFrom` is the folder whose node_modules the build reads the packages from; the bundle
 * requires them from its own place at run time, so it must sit where the same packages resolve.
 */
export function dependenciesOnFirstUse(packages: Iterable<string>, resolveFrom: string): Plugin {
  const names = new Set(packages);
  const prefix = '\0kubezt-on-first-use:';
  const requireAtBuild = createRequire(join(resolveFrom, 'package.json'));
  return {
    name: 'kubezt-dependencies-on-first-use',
    resolveId(source, importer) {
      if (!names.has(source)) return null;
      // The proxy's own require() of the package stays a run-time require from node_modules.
      if (importer?.startsWith(prefix)) return { id: source, external: true };
      return { id: `${prefix}${source}`, moduleSideEffects: false };
    },
    load(id) {
      if (!id.startsWith(prefix)) return null;
      const name = id.slice(prefix.length);
      // The export names and the __esModule flag are read from the package at build time, so
      // rolldown's ES module interop, which enumerates the exports and reads the flag from
      // importers that are not Node-style ES modules, does not load it.
      const atBuild = requireAtBuild(name);
      const keys = JSON.stringify(Object.keys(atBuild));
      const esModule = atBuild.__esModule === undefined ? 'undefined' : JSON.stringify(atBuild.__esModule);
      return [
        'let real;',
        `const load = () => (real ??= require(${JSON.stringify(name)}));`,
        `const keys = ${keys};`,
        'module.exports = new Proxy({}, {',
        `  get: (_, key) => (key === '__esModule' ? ${esModule} : load()[key]),`,
        '  has: (_, key) => key in load(),',
        '  ownKeys: () => keys,',
        '  getOwnPropertyDescriptor: (_, key) =>',
        '    keys.includes(key) ? { configurable: true, enumerable: true, get: () => load()[key] } : undefined,',
        '});',
      ].join('\n');
    },
  };
}
