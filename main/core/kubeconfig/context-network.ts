import { readBlockYaml } from './block-yaml.ts';
import { readKubeconfigBytes } from './file-io.ts';
import { KUBEZT_EXTENSION } from './types.ts';

/**
 * The WARP virtual network kubezt recorded on a context (its `kubezt` extension's
 * `virtualNetwork`, see desired.ts), for `use` and the per-shell commands: with overlapping
 * private IPs, the server address alone does not say which cluster a context is for. As quick as
 * `use` itself: the block reader, and js-yaml (quick.ts) only for files it hands over.
 */

/** The network a kubezt context was written for. */
export interface ContextNetwork {
  id: string;
  name: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function networkOfContextEntry(raw: unknown): ContextNetwork | null {
  const inner = isObj(raw) && isObj(raw.context) ? raw.context : null;
  const exts = inner && Array.isArray(inner.extensions) ? inner.extensions : [];
  for (const ext of exts) {
    if (!isObj(ext) || ext.name !== KUBEZT_EXTENSION || !isObj(ext.extension)) continue;
    const vnet = ext.extension.virtualNetwork;
    if (isObj(vnet) && typeof vnet.id === 'string' && vnet.id) {
      return { id: vnet.id, name: typeof vnet.name === 'string' && vnet.name ? vnet.name : vnet.id };
    }
  }
  return null;
}

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
  // plain `use` pays one read here, not a second parse of a large file.
  if (!files.some((f) => f.bytes?.includes('virtualNetwork'))) return null;
  for (const { path, bytes } of files) {
    if (bytes === null) continue;
    const data = bytes.includes('virtualNetwork') || bytes.includes(context) ? await documentOf(path, bytes) : null;
    const contexts = isObj(data) && Array.isArray(data.contexts) ? data.contexts : [];
    const entry = contexts.find((c) => isObj(c) && c.name === context);
    if (entry !== undefined) return networkOfContextEntry(entry);
  }
  return null;
}
