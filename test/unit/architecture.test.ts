import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_FILE_LINES, MAX_FUNCTION_LINES, measure } from '../../scripts/code-size.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SKIP_DIRS = new Set(['node_modules', 'out', 'dist', '.git', 'test-results', 'fixtures']);
const SOURCE = /\.(?:[cm]?[jt]s|tsx|jsx)$/;

/**
 * Modules that pull in Electron's runtime: `electron` itself (and its subpaths) and
 * electron-store, which imports it. The CLI, the core and the tests run on plain Node, where
 * importing them fails or needs the Electron binary.
 */
const ELECTRON_MODULES = String.raw`(?:electron|electron\/[\w/-]+|electron-store)`;
const IMPORT_PATTERNS = [
  // import x from 'electron' / import { a } from "electron" / export … from 'electron' (not `import type`)
  new RegExp(String.raw`^\s*(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s*['"]${ELECTRON_MODULES}['"]`, 'm'),
  // import 'electron'
  new RegExp(String.raw`^\s*import\s*['"]${ELECTRON_MODULES}['"]`, 'm'),
  // require('electron') / import('electron')
  new RegExp(String.raw`\b(?:require|import)\s*\(\s*['"]${ELECTRON_MODULES}['"]\s*\)`),
];

/**
 * The Electron glue: main/electron/ (main process), and the preload, which is the renderer half
 * of the glue and cannot do its job (contextBridge) without `electron`.
 */
function mayImportElectron(rel: string): boolean {
  return rel.startsWith(`main${path.sep}electron${path.sep}`) || rel === path.join('preload', 'index.ts');
}

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) sources(path.join(dir, entry.name), out);
    } else if (SOURCE.test(entry.name)) {
      out.push(path.join(dir, entry.name));
    }
  }
  return out;
}

/** Drops comment lines (doc comments may well mention `require('electron')`), keeps code. */
function withoutCommentLines(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*(?:\/\/|\/\*|\*)/.test(line))
    .join('\n');
}

/** This file holds import statements as test samples; it is the one file not scanned. */
const SELF = path.relative(ROOT, import.meta.filename);

function electronImporters(root: string): string[] {
  return sources(root)
    .map((file) => path.relative(root, file))
    .filter((rel) => rel !== SELF)
    .filter((rel) => {
      const text = withoutCommentLines(readFileSync(path.join(root, rel), 'utf8'));
      return IMPORT_PATTERNS.some((re) => re.test(text));
    });
}

describe('architecture', () => {
  it('nothing outside the Electron glue imports electron', () => {
    const importers = electronImporters(ROOT);
    expect(importers.filter((rel) => !mayImportElectron(rel))).toEqual([]);
    // And the scan does find the glue, so it is not passing by finding nothing.
    expect(importers).toContain(path.join('main', 'electron', 'index.ts'));
    expect(importers).toContain(path.join('preload', 'index.ts'));
  });

  it('recognises every way of importing it', () => {
    const samples = [
      "import { app } from 'electron';",
      'import electron from "electron";',
      "import Store from 'electron-store';",
      "export { shell } from 'electron';",
      "import 'electron';",
      "const { ipcRenderer } = require('electron');",
      "const m = await import('electron/main');",
      "import {\n  app,\n  BrowserWindow,\n} from 'electron';",
    ];
    for (const s of samples)
      expect(
        IMPORT_PATTERNS.some((re) => re.test(s)),
        s,
      ).toBe(true);
    const harmless = [
      "import type { WebContents } from 'electron';",
      "import { x } from './electron.ts';",
      "import { startKubeztApp } from '../main/electron/glue.ts';",
      '// Electron is only imported in main/electron',
      "import { build } from 'electron-builder';",
    ];
    for (const s of harmless)
      expect(
        IMPORT_PATTERNS.some((re) => re.test(s)),
        s,
      ).toBe(false);
  });
});

/** Every module specifier a source imports or re-exports, statically or dynamically. */
function specifiersOf(text: string): string[] {
  const code = withoutCommentLines(text);
  return [...code.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1] as string);
}

/** Repo-relative targets (forward slashes) of a file's relative imports; bare specifiers as they are. */
function importsOf(rel: string): { local: string[]; bare: string[] } {
  const local: string[] = [];
  const bare: string[] = [];
  for (const spec of specifiersOf(readFileSync(path.join(ROOT, rel), 'utf8'))) {
    if (spec.startsWith('.'))
      local.push(
        path
          .relative(ROOT, path.resolve(ROOT, path.dirname(rel), spec))
          .split(path.sep)
          .join('/'),
      );
    else bare.push(spec);
  }
  return { local, bare };
}

function filesUnder(dir: string): string[] {
  return sources(path.join(ROOT, dir)).map((file) => path.relative(ROOT, file).split(path.sep).join('/'));
}

/** The imports of the files under `from` that land in any of `forbidden` (folders), as "file -> target". */
function crossings(from: string, forbidden: readonly string[]): string[] {
  return filesUnder(from).flatMap((rel) =>
    importsOf(rel)
      .local.filter((target) => forbidden.some((dir) => target.startsWith(`${dir}/`)))
      .map((target) => `${rel} -> ${target}`),
  );
}

const ELECTRON_BARE = /^electron(?:\/|$)|^electron-store$/;

describe('layering', () => {
  it('reads every form of import', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../b.ts';",
      'import {\n  c,\n  d,\n} from "./c.ts";',
      "export { e } from './e.ts';",
      "import './side.css';",
      "const f = await import('./f.ts');",
      "// import { g } from './commented.ts';",
    ].join('\n');
    expect(specifiersOf(text)).toEqual(['./a.ts', '../b.ts', './c.ts', './e.ts', './side.css', './f.ts']);
  });

  it('the CLI and the app do not import each other', () => {
    expect(crossings('main/cli', ['main/app', 'main/electron'])).toEqual([]);
    expect(crossings('main/app', ['main/cli'])).toEqual([]);
    expect(crossings('main/electron', ['main/cli'])).toEqual([]);
    // The scan sees the imports it judges: both front ends do reach the use cases.
    expect(crossings('main/cli', ['main/usecases']).length).toBeGreaterThan(0);
    expect(crossings('main/app', ['main/usecases']).length).toBeGreaterThan(0);
  });

  it('the use cases import neither front end, nor electron', () => {
    expect(crossings('main/usecases', ['main/cli', 'main/app', 'main/electron'])).toEqual([]);
    expect(filesUnder('main/usecases').filter((rel) => importsOf(rel).bare.some((s) => ELECTRON_BARE.test(s)))).toEqual(
      [],
    );
    expect(crossings('main/usecases', ['main/core']).length).toBeGreaterThan(0);
  });

  it('the domain imports none of the layers above it', () => {
    expect(crossings('main/core', ['main/usecases', 'main/cli', 'main/app', 'main/electron'])).toEqual([]);
  });

  it('outside the kubeconfig engine, the merged kubeconfig is read only through readKubeconfig', () => {
    const strategies = ['read-fast.ts', 'read-full.ts', 'block-yaml.ts', 'quick-file.ts', 'quick.ts'].map(
      (f) => `main/core/kubeconfig/${f}`,
    );
    // The credential scan parses each file's own data (YAML 1.1, as kubectl reads it), not the
    // merged model: which values are secrets depends on where they sit in that file.
    const allowed = new Set(['main/core/secrets/user-fields.ts -> main/core/kubeconfig/quick.ts']);
    const reaching = filesUnder('main')
      .filter((rel) => !rel.startsWith('main/core/kubeconfig/'))
      .flatMap((rel) =>
        importsOf(rel)
          .local.filter((t) => strategies.includes(t))
          .map((t) => `${rel} -> ${t}`),
      );
    expect(reaching.filter((crossing) => !allowed.has(crossing))).toEqual([]);
    expect(
      filesUnder('main/usecases').some((rel) => importsOf(rel).local.includes('main/core/kubeconfig/read.ts')),
    ).toBe(true);
  });

  it('the renderer imports only the IPC contract, its own files and React', () => {
    const outside = filesUnder('renderer').flatMap((rel) => {
      const { local, bare } = importsOf(rel);
      return [
        ...local.filter((t) => !t.startsWith('renderer/') && t !== 'ipc/contract.ts'),
        ...bare.filter((s) => !/^react(?:-dom)?(?:\/[\w/-]+)?$/.test(s)),
      ].map((target) => `${rel} -> ${target}`);
    });
    expect(outside).toEqual([]);
    expect(filesUnder('renderer').some((rel) => importsOf(rel).local.includes('ipc/contract.ts'))).toBe(true);
  });
});

describe('small parts', () => {
  // A file a reader cannot hold in mind, or a function that does not fit on a screen or two, is
  // several parts. Measured over the application code (scripts/code-size.ts lists the largest).
  const report = measure(ROOT);

  it(`no source file in main/, renderer/, ipc/ or preload/ is over ${MAX_FILE_LINES} lines`, () => {
    expect(report.files.length).toBeGreaterThan(100);
    expect(report.files.filter((f) => f.lines > MAX_FILE_LINES).map((f) => `${f.file}: ${f.lines}`)).toEqual([]);
  });

  it(`no function there is over ${MAX_FUNCTION_LINES} lines`, () => {
    expect(report.functions.length).toBeGreaterThan(500);
    expect(
      report.functions
        .filter((f) => f.lines > MAX_FUNCTION_LINES)
        .map((f) => `${f.file}:${f.line} ${f.name}: ${f.lines}`),
    ).toEqual([]);
  });
});
