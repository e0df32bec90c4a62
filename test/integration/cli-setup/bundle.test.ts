import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKubeconfig } from '../../../bench/kubeconfig/generate.ts';
import { setupKubeconfig } from '../../../main/core/kubeconfig/index.ts';
import { catalogEntryFor, startApiServerFarm } from '../../../sim/apiserver/index.ts';
import { startFakeWarp } from '../../../sim/warp/index.ts';

// bin/kubezt.js runs the bundle in out/cli (what `npm ci` builds and users run) or the
// TypeScript sources; both must behave the same, and the bundle's `use` must stay lean.

const ROOT = join(import.meta.dirname, '..', '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const run = promisify(execFile);

let dir: string;
// out/cli is built by the node project's global setup (test/helpers/build-cli-once.ts).
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubezt-bundle-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the bundled CLI and records every module file it loads (ours and node_modules', through
 * import or require) and the builtins it compiled.
 */
async function loadedBy(args: string[], env: Record<string, string>) {
  const probe = join(dir, 'loaded.mjs');
  const record = join(dir, 'loaded.json');
  writeFileSync(
    probe,
    // Builtins through getBuiltinModule: importing node:fs here would itself load fs/promises.
    `const { writeFileSync } = process.getBuiltinModule('node:fs');
const { registerHooks } = process.getBuiltinModule('node:module');
const files = [];
registerHooks({ load(url, context, next) { files.push(url); return next(url, context); } });
process.on('exit', () => writeFileSync(${JSON.stringify(record)}, JSON.stringify({ files, builtins: process.moduleLoadList })));`,
  );
  const r = await run(NODE, ['--import', probe, join(ROOT, 'bin', 'kubezt.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, KUBEZT_CLI_FROM: 'bundle', ...env },
  }).catch((e: { code: number; stdout: string; stderr: string }) => e);
  const loaded = JSON.parse(readFileSync(record, 'utf8')) as { files: string[]; builtins: string[] };
  return { loaded, stdout: r.stdout, stderr: r.stderr };
}

async function kubezt(from: 'sources' | 'bundle', args: string[], env: Record<string, string> = {}) {
  const r = await run(NODE, [join(ROOT, 'bin', 'kubezt.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, KUBEZT_CLI_FROM: from, ...env },
  }).catch((e: { code: number; stdout: string; stderr: string }) => e);
  return { code: 'code' in r && typeof r.code === 'number' ? r.code : 0, stdout: r.stdout, stderr: r.stderr };
}

describe('the bundled CLI', () => {
  it('prints the same help and usage as the sources', async () => {
    for (const args of [['--help'], ['use', '--help'], ['check', '--help'], ['--version']]) {
      const [sources, bundle] = await Promise.all([kubezt('sources', args), kubezt('bundle', args)]);
      expect(bundle).toEqual(sources);
      expect(bundle.code).toBe(0);
    }
  });

  it('switches context like the sources, and refuses an unknown name alike', async () => {
    const config = join(dir, 'config');
    writeFileSync(config, generateKubeconfig(20));
    const env = { KUBECONFIG: config };
    const viaBundle = await kubezt('bundle', ['use', 'team-ctx-7'], env);
    expect(viaBundle).toMatchObject({ code: 0, stdout: 'Switched to context "team-ctx-7" in ~/config.\n' });
    expect(readFileSync(config, 'utf8')).toContain('\ncurrent-context: team-ctx-7\n');
    const viaSources = await kubezt('sources', ['use', 'team-cluster-3'], env);
    expect(viaSources).toMatchObject({ code: 0, stdout: 'Switched to context "team-ctx-3" in ~/config.\n' });
    const [a, b] = await Promise.all([
      kubezt('bundle', ['use', 'team-ctx-77'], env),
      kubezt('sources', ['use', 'team-ctx-77'], env),
    ]);
    expect(a).toEqual(b);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/team-ctx-77/);
  });

  it('loads neither a YAML library, child_process nor fs/promises for `use` on a kubectl-written file', async () => {
    const config = join(dir, 'lean');
    writeFileSync(config, generateKubeconfig(20));
    const { loaded } = await loadedBy(['use', 'team-ctx-2'], { KUBECONFIG: config });
    const ours = loaded.files.filter((f) => f.includes('/out/cli/'));
    // The entry, the bundler's runtime helpers, package.json's chunk, the use-path group and the
    // command itself.
    expect(ours.length).toBeLessThanOrEqual(5);
    expect(loaded.files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    expect(ours.filter((f) => /yaml|probe|cloudflare|kube-/i.test(f))).toEqual([]);
    // Neither a child process nor the thread pool's fs/promises, readline and streams machinery.
    expect(loaded.builtins).not.toContain('NativeModule child_process');
    expect(loaded.builtins).not.toContain('NativeModule fs/promises');
    expect(loaded.builtins).not.toContain('NativeModule internal/fs/promises');
    expect(loaded.builtins).not.toContain('NativeModule internal/readline/interface');
    expect(readFileSync(config, 'utf8')).toContain('\ncurrent-context: team-ctx-2\n');
  });

  it('checks a cluster through client-node without loading the undici, socks and hpagent it never calls', async () => {
    const farm = await startApiServerFarm({ servers: [{ name: 'lean-check' }] });
    const warp = await startFakeWarp({ dir: join(dir, 'warp') });
    try {
      const config = join(dir, 'check-config');
      const server = farm.server('lean-check');
      await setupKubeconfig({ paths: [config], clusters: [catalogEntryFor(server)] });
      const { loaded, stdout, stderr } = await loadedBy(['check', '--json'], {
        KUBECONFIG: config,
        KUBEZT_CONFIG_DIR: join(dir, 'kubezt'),
        ...warp.env,
      });
      const result = JSON.parse(stdout) as { clusters: { verdict: string; serverVersion?: string }[] };
      expect(result.clusters, stderr).toMatchObject([{ verdict: 'ok', serverVersion: expect.stringMatching(/^v1\./) }]);
      // client-node answered (its chunk ran), and what it only uses for its own fetch and proxies
      // stayed on disk.
      expect(loaded.files.some((f) => /\/out\/cli\/kube-api-/.test(f))).toBe(true);
      expect(loaded.files.filter((f) => /node_modules\/(undici|socks|hpagent)\//.test(f))).toEqual([]);
      expect(server.requestLog().map((r) => `${r.method} ${r.path} ${r.userAgent}`)).toEqual([
        expect.stringMatching(/^GET \/version kubernetes-client-javascript\//),
        expect.stringMatching(
          /^POST \/apis\/authentication\.k8s\.io\/v1\/selfsubjectreviews kubernetes-client-javascript\//,
        ),
      ]);
    } finally {
      await Promise.all([farm.close(), warp.close()]);
    }
  });
});
