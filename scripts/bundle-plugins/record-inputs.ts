import { relative } from 'node:path';
import type { Plugin } from 'rolldown';

/**
 * Adds to `inputs` every file under `root` in the build's module graph, outside node_modules, as
 * a path relative to `root`. bin/kubezt.js compares their times with the bundle's to tell whether
 * the bundle was built from the sources as they are now. Read from the graph once it is complete,
 * so the answer does not depend on which plugin loaded a file.
 */
export function recordInputs(root: string, inputs: Set<string>): Plugin {
  return {
    name: 'kubezt-record-inputs',
    buildEnd() {
      for (const id of this.getModuleIds()) {
        if (id.startsWith(root) && !id.includes('node_modules')) inputs.add(relative(root, id));
      }
    },
  };
}
