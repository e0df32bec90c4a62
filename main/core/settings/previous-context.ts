import { join, resolve } from 'node:path';
import { builtin } from '../node-builtins.ts';

/**
 * The context each kubeconfig file had before kubezt last switched it, for `kubezt use -` (what
 * kubectx keeps in ~/.kube/kubectx). One small JSON file in the settings folder, 0600, keyed by
 * the file current-context is written to, so `--kubeconfig` files and per-shell private files
 * each switch back within themselves. Synchronous I/O through node-builtins.ts: this runs on
 * every `kubezt use`, which must keep pace with kubectl.
 */

export const PREVIOUS_CONTEXT_FILE = 'previous-context.json';
/** Files remembered; the oldest is dropped first (private per-shell files come and go). */
export const PREVIOUS_CONTEXT_KEPT = 64;
const MAX_BYTES = 256 * 1024;

interface Stored {
  version: 1;
  /** Kubeconfig file (absolute) → the context it had before the last switch, oldest first. */
  kubeconfigs: Record<string, string>;
}

function readStored(configDir: string): Record<string, string> {
  const fs = builtin('node:fs');
  try {
    const file = join(configDir, PREVIOUS_CONTEXT_FILE);
    if (fs.statSync(file).size > MAX_BYTES) return {};
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Stored> | null;
    const entries = Object.entries(parsed?.kubeconfigs ?? {}).filter(
      (e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '',
    );
    return Object.fromEntries(entries);
  } catch {
    // Missing or damaged: nothing is remembered, and the next switch writes it afresh.
    return {};
  }
}

/** The context `kubeconfigFile` had before kubezt's last switch of it; undefined when none. */
export function readPreviousContext(configDir: string, kubeconfigFile: string): string | undefined {
  return readStored(configDir)[resolve(kubeconfigFile)];
}

/** Remembers `context` for `kubeconfigFile`, atomically (a temp file renamed over the old one). */
export function rememberPreviousContext(configDir: string, kubeconfigFile: string, context: string): void {
  const fs = builtin('node:fs');
  const key = resolve(kubeconfigFile);
  const stored = readStored(configDir);
  delete stored[key];
  stored[key] = context;
  const keys = Object.keys(stored);
  for (const old of keys.slice(0, Math.max(0, keys.length - PREVIOUS_CONTEXT_KEPT))) delete stored[old];
  const body: Stored = { version: 1, kubeconfigs: stored };
  fs.mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const file = join(configDir, PREVIOUS_CONTEXT_FILE);
  const temp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    try {
      fs.writeSync(fd, `${JSON.stringify(body, null, 2)}\n`);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw e;
  }
}
