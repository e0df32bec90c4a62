#!/usr/bin/env node
// The CLI runs the bundle in out/cli (built by `npm ci` through "prepare", or `npm run build:cli`)
// when it is at least as new as every source it was built from, and otherwise straight from its
// TypeScript sources on Node 24 (type stripping), so an edited checkout never runs stale code.
// KUBEZT_CLI_FROM=sources|bundle forces one (tests compare the two).
//
// A shell whose `node` is older (Debian's 20 here) is handed over to the Node 24 binary that the
// `node` devDependency installs.
import module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// From the start, SIGINT, SIGTERM and SIGHUP end the process with 128 + the signal's
// number; the CLI's own handler (main/cli/signals.ts) takes over before any command runs.
const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
function launcherSignalListener(signal) {
  process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 0));
}
for (const signal of Object.keys(SIGNAL_NUMBERS)) process.on(signal, launcherSignalListener);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nodeMajor = Number(process.versions.node.split('.')[0]);

if (nodeMajor < 24) {
  const bundled = join(root, 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  const { statSync } = await import('node:fs');
  let found = false;
  try {
    found = statSync(bundled).isFile();
  } catch {}
  if (!found) {
    process.stderr.write(
      `kubezt needs Node.js 24 or newer (this is ${process.version}); run "npm ci" in ${root} to install it.\n`,
    );
    process.exit(2);
  }
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

// Not `import ... from 'node:fs'`: its ES module facade loads fs/promises, readline and streams,
// a few ms of every start.
const { readFileSync, statSync } = process.getBuiltinModule('node:fs');

/** out/cli/kubezt.mjs when it was built from the sources as they are now; null otherwise. */
function freshBundle() {
  const bundle = join(root, 'out', 'cli', 'kubezt.mjs');
  try {
    const builtMs = statSync(bundle).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(join(root, 'out', 'cli', 'inputs.json'), 'utf8'));
    for (const input of inputs) if (statSync(join(root, input)).mtimeMs > builtMs) return null;
    return bundle;
  } catch {
    return null;
  }
}

// Node caches compiled code (and the stripped TypeScript), so repeated runs (`kubezt use` in a
// prompt hook, the tray) start faster. The cache lives in the OS temp folder.
module.enableCompileCache?.();
const from = process.env.KUBEZT_CLI_FROM;
const bundle = from === 'sources' ? null : freshBundle();
if (from === 'bundle' && !bundle) {
  process.stderr.write(`kubezt: KUBEZT_CLI_FROM=bundle but out/cli is missing or stale; run "npm run build:cli".\n`);
  process.exit(2);
}
const entry = bundle ?? join(root, 'main', 'cli', 'index.ts');
const { runFromProcess } = await import(pathToFileURL(entry).href);
await runFromProcess({ launcherSignalListener });
