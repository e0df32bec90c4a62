import { readBlockYaml } from './block-yaml.ts';
import { readKubeconfigBytes } from './file-io.ts';
import { isMapping, networkOfContextEntry } from './quick-file.ts';
import type { ContextNetwork } from './types.ts';

export type { ContextNetwork };

/**
 * The WARP virtual network kubezt recorded on a context (its `kubezt` extension's
 * `virtualNetwork`, see desired.ts), for the per-shell commands (`shell`, `env`, `exec`), which
 * plan no switch: with overlapping private IPs, the server address alone does not say which
 * cluster a context is for. (`use` takes it from its switch plan, switch.ts.) As quick as `use`:
 * the block reader, and js-yaml (quick.ts) only for files it hands over.
 */

/** The block reader for the files kubectl writes; js-yaml (quick.ts) only for the rest, as `use` does. */
async function documentOf(path: string, bytes: string): Promise<unknown> {
  const simple = readBlockYaml(bytes);
  if (simple) return simple.data;
  const { loadKubeconfigData } = await import('./quick.ts');
  return loadKubeconfigData({ path, bytes })?.data ?? null;
}

/**
 * The virtual network recorded on `context` by kubezt, or null (not kubezt's, or written without
 * one). The first file that defines the context wins, as in kubectl's merge. A file that
 * mentions neither a network nor the context's name is not parsed at all, and when no file
 * mentions a network none is.
 */
export async function contextVirtualNetwork(paths: readonly string[], context: string): Promise<ContextNetwork | null> {
  const files = await Promise.all(paths.map(async (path) => ({ path, bytes: await readKubeconfigBytes(path) })));
  // No file records any network (every kubeconfig kubezt did not write): nothing to parse, so a
  // session on a plain kubeconfig pays one read here, not a parse of a large file.
  if (!files.some((f) => f.bytes?.includes('virtualNetwork'))) return null;
  for (const { path, bytes } of files) {
    if (bytes === null) continue;
    const data = bytes.includes('virtualNetwork') || bytes.includes(context) ? await documentOf(path, bytes) : null;
    const contexts = isMapping(data) && Array.isArray(data.contexts) ? data.contexts : [];
    const entry = contexts.find((c) => isMapping(c) && c.name === context);
    if (entry !== undefined) return networkOfContextEntry(entry);
  }
  return null;
}
