import { isAbsolute, join, relative, sep } from 'node:path';
import type { Plugin } from 'rolldown';

/**
 * Keeps the simulator (root/sim/) out of the bundle: a relative import of it becomes an external
 * import of the same file, by its path relative to the output folder, so it runs from its
 * TypeScript sources. Only `kubezt demo` loads the simulator, and it locates its own fake
 * warp-cli script next to its source file, which a bundled copy would not find.
 */
export function simulatorFromSource(root: string, outDir: string): Plugin {
  const simDir = join(root, 'sim');
  return {
    name: 'kubezt-simulator-from-source',
    resolveId(source, importer) {
      if (!importer || !/(^|\/)sim\//.test(source) || !source.startsWith('.')) return null;
      const absolute = join(importer, '..', source);
      const inSim = relative(simDir, absolute);
      if (inSim.startsWith('..') || isAbsolute(inSim)) return null;
      return { id: relative(outDir, absolute).split(sep).join('/'), external: true };
    },
  };
}
