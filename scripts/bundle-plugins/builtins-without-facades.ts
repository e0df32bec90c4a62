import type { Plugin } from 'rolldown';

/**
 * Builtins whose ES module facade is costly: Node builds it by reading every export, and their
 * lazy getters then load whole subsystems at start-up (node:fs's `promises` brings readline
 * and the streams, node:http's `WebSocket` Node's internal undici, node:tls's
 * `rootCertificates` parses the CA store). In the bundle, `import ... from 'node:http'` (ours
 * and our dependencies') becomes the CommonJS object from process.getBuiltinModule, whose
 * getters run only when used. main/core/node-builtins.ts does the same for the sources.
 */
// Not node:crypto: given the stand-in, a dependency's request path failed ("r[e] is not a
// function") in the CLI tests, so it keeps its facade.
export const FACADE_HEAVY: ReadonlySet<string> = new Set(['fs', 'http', 'https', 'tls', 'util']);

const NAMESPACE_IMPORT = new RegExp(
  `import\\s*\\*\\s*as\\s+([\\w$]+)\\s+from\\s*(['"])(${[...FACADE_HEAVY].join('|')})\\2`,
  'g',
);
const NODE_SPECIFIER = new RegExp(`(['"])node:(${[...FACADE_HEAVY].join('|')})\\1`, 'g');

const PREFIX = '\0kubezt-builtin:';
const CJS_PREFIX = '\0kubezt-builtin-cjs:';

/** The ES module stand-in: the real object as default export, its data properties by name. */
function standIn(name: string): string {
  const descriptors = Object.getOwnPropertyDescriptors(process.getBuiltinModule(`node:${name}`));
  // Data properties only: a getter (fs.promises, crypto.fips...) stays on the default export,
  // read when used; importing one by name fails the build rather than running it at start.
  // Some data properties are V8 lazy ones that load code when first read (node:util's diff and
  // setTraceSigInt load the streams, net and worker_threads; node:fs's opendir loads its dir
  // module), and the destructuring below reads them: node:util's stand-in costs what its facade
  // does, node:fs's a little.
  const exported = Object.entries(descriptors)
    .filter(([k, d]) => 'value' in d && /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default')
    .map(([k]) => k);
  return [
    `const kubeztBuiltin$ = process.getBuiltinModule('node:${name}');`,
    'export default kubeztBuiltin$;',
    `export const { ${exported.join(', ')} } = kubeztBuiltin$;`,
  ].join('\n');
}

export function builtinsWithoutFacades(): Plugin {
  return {
    name: 'kubezt-builtins-without-facades',
    resolveId(source, _importer, extra) {
      const name = source.startsWith('node:') ? source.slice(5) : source;
      if (!FACADE_HEAVY.has(name)) return null;
      // require() must get the module object itself (`class X extends require('events')`); the
      // bundle would otherwise turn it into an import of the facade.
      if (extra.kind === 'require-call') return { id: `${CJS_PREFIX}${name}`, moduleSideEffects: false };
      if (extra.kind !== 'import-statement') return null;
      return { id: `${PREFIX}${name}`, moduleSideEffects: false };
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
      if (id.startsWith(CJS_PREFIX)) {
        return `module.exports = process.getBuiltinModule('node:${id.slice(CJS_PREFIX.length)}');`;
      }
      return id.startsWith(PREFIX) ? standIn(id.slice(PREFIX.length)) : null;
    },
  };
}
