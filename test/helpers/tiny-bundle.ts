import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { build, type Plugin } from 'rolldown';

// For the bundler plugin tests (test/unit/scripts/bundle-plugins/): a few source files in a
// folder of their own, bundled by the real rolldown with the plugin under test, the output run by
// the project's Node 24.

const ROOT = join(import.meta.dirname, '..', '..');
export const NODE = join(ROOT, 'node_modules', '.bin', 'node');

export interface TinyProject {
  dir: string;
  remove(): void;
}

/** Writes `files` (path relative to the folder → text) into a fresh folder under `parent`. */
export function tinyProject(files: Record<string, string>, parent = tmpdir()): TinyProject {
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'kubezt-bundle-plugin-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Bundles `input` into `outDir` as ES modules (entry `[name].mjs`), as scripts/build-cli.ts does. */
export async function bundle(input: string, outDir: string, plugins: Plugin[]): Promise<void> {
  await build({
    input,
    platform: 'node',
    plugins,
    write: true,
    output: { dir: outDir, format: 'esm', entryFileNames: '[name].mjs' },
  });
}

/** Runs `file` on Node 24 and parses the JSON it prints. */
export async function runForJson(file: string): Promise<unknown> {
  const { stdout } = await promisify(execFile)(NODE, [file], { env: { PATH: process.env.PATH ?? '' } });
  return JSON.parse(stdout);
}
