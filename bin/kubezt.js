#!/usr/bin/env node
// The CLI runs straight from its TypeScript sources on Node 24 (type stripping), so `npx kubezt`
// works right after `npm ci` with no build step. A shell whose `node` is older (Debian's 20 here)
// is handed over to the Node 24 binary that the `node` devDependency installs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

if (!process.features.typescript) {
  const bundled = join(root, 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(bundled)) {
    process.stderr.write(
      `kubezt needs Node.js 24 or newer (this is ${process.version}); run "npm ci" in ${root} to install it.\n`,
    );
    process.exit(2);
  }
  const r = spawnSync(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

// Node caches the stripped and compiled sources, so repeated runs (`kubezt use` in a prompt
// hook, the tray) start in about half the time. The cache lives in the OS temp folder.
module.enableCompileCache?.();
const { runFromProcess } = await import(pathToFileURL(join(root, 'main', 'cli', 'index.ts')).href);
await runFromProcess();
