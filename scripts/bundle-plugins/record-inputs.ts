import { relative } from 'node:path';
import type { Plugin } from 'rolldown';

/**
 * Adds to `inputs` every file under `root` that the build loads, outside node_modules, as a path
 * relative to `root`. bin/kubezt.js compares their times with the bundle's to tell whether the
 * bundle was built from the sources as they are now.
 */
export function recordInputs(root: string, inputs: Set<string>): Plugin {
  return {
    name: 'kubezt-record-inputs',
    load(id) {
      if (id.startsWith(root) && !id.includes('node_modules')) inputs.add(relative(root, id));
      return null;
    },
  };
}
