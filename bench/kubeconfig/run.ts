// Benchmark: `kubezt use` against `kubectl config use-context` on a 2,000-context (~2 MB) and a
// 20-context kubeconfig, and `kubezt setup` adding 100 clusters to the big one against the 200
// kubectl calls (set-cluster + set-context per cluster) doing the same by hand.
//
//   node_modules/.bin/node bench/kubeconfig/run.ts [--quick]
//
// Every timing is a whole process, started the way a user starts it. `--quick` times 20 of the
// kubectl setup pairs and scales to 100 (labelled as such). Results: stdout and bench/results/.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli } from '../../scripts/build-cli.ts';
import { generateCatalog, generateKubeconfig } from './generate.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const quick = process.argv.includes('--quick');

function timed(command: string, args: string[], env: Record<string, string>): number {
  const started = performance.now();
  const r = spawnSync(command, args, { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', cwd: ROOT });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

// The product is the CLI as users run it: bin/kubezt.js, which runs the bundle in out/cli (built
// here first, as `npm ci` does). The same CLI from its TypeScript sources shows what the bundle
// saves. Both use Node's compile cache, as every `kubezt` start does.
await buildCli();
interface Variant {
  key: string;
  how: string;
  args: string[];
  env: Record<string, string>;
}
const variants: Variant[] = [
  {
    key: 'cli',
    how: 'node bin/kubezt.js use NAME (the bundled CLI, out/cli)',
    args: [join(ROOT, 'bin', 'kubezt.js'), 'use'],
    env: { KUBEZT_CLI_FROM: 'bundle' },
  },
  {
    key: 'cli-from-sources',
    how: 'the same CLI run from its TypeScript sources (KUBEZT_CLI_FROM=sources)',
    args: [join(ROOT, 'bin', 'kubezt.js'), 'use'],
    env: { KUBEZT_CLI_FROM: 'sources' },
  },
];

const work = mkdtempSync(join(tmpdir(), 'kubezt-bench-'));
const home = join(work, 'home');
mkdirSync(home);
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  node: spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim(),
  kubectl: spawnSync(KUBECTL, ['version', '--client', '-o', 'json'], { encoding: 'utf8' }).stdout.match(
    /"gitVersion":\s*"([^"]+)"/,
  )?.[1],
  loadAverage: loadavg(),
  useVariants: Object.fromEntries(variants.map((v) => [v.key, v.how])),
};

try {
  const cacheDir = join(work, 'compile-cache');
  for (const v of variants) v.env.NODE_COMPILE_CACHE = cacheDir;
  for (const [label, contexts, reps] of [
    ['20 contexts', 20, 21],
    ['2,000 contexts', 2000, 9],
  ] as const) {
    const text = generateKubeconfig(contexts);
    const theirs = join(work, `use-${contexts}-kubectl`);
    writeFileSync(theirs, text, { mode: 0o600 });
    const ours = variants.map((v) => {
      const file = join(work, `use-${contexts}-${v.key}`);
      writeFileSync(file, text, { mode: 0o600 });
      return file;
    });
    const times: number[][] = variants.map(() => []);
    const kc: number[] = [];
    // One untimed round (page cache, compile cache, first-run costs), then rounds that run every
    // variant and kubectl back to back, so machine noise hits them alike.
    for (let i = -1; i < reps; i++) {
      const name = `team-ctx-${i % 2 === 0 ? 1 : 2}`;
      variants.forEach((v, j) => {
        const ms = timed(NODE, [...v.args, name], { KUBECONFIG: ours[j] ?? '', HOME: home, ...v.env });
        if (i >= 0) times[j]?.push(ms);
      });
      const ms = timed(KUBECTL, ['config', 'use-context', name], { KUBECONFIG: theirs, HOME: home });
      if (i >= 0) kc.push(ms);
    }
    const kubectlMedian = median(kc);
    const row: Record<string, unknown> = {
      sizeBytes: text.length,
      runs: reps,
      kubectlMedianMs: Math.round(kubectlMedian),
    };
    const parts: string[] = [];
    variants.forEach((v, j) => {
      const m = median(times[j] ?? []);
      row[v.key] = { medianMs: Math.round(m), ratio: Number((m / kubectlMedian).toFixed(2)) };
      parts.push(`${v.key} ${Math.round(m)} ms (ratio ${(m / kubectlMedian).toFixed(2)})`);
    });
    results[`use ${label}`] = row;
    console.log(
      `use, ${label} (${(text.length / 1e6).toFixed(2)} MB): kubectl ${Math.round(kubectlMedian)} ms; kubezt ${parts.join(', ')}; target ratio <= 1.0`,
    );
  }

  const big = generateKubeconfig(2000);
  const clusters = await generateCatalog(100);
  const catalogFile = join(work, 'catalog.yaml');
  writeFileSync(catalogFile, clusters.yaml);
  const kzSetup: number[] = [];
  for (let i = 0; i < 3; i++) {
    const file = join(work, `setup-kubezt-${i}`);
    writeFileSync(file, big, { mode: 0o600 });
    // The CLI as users run it, reading the team catalog; no Cloudflare account is configured.
    kzSetup.push(
      timed(NODE, [join(ROOT, 'bin', 'kubezt.js'), 'setup', '--yes'], {
        KUBECONFIG: file,
        HOME: home,
        KUBEZT_CATALOG: catalogFile,
        KUBEZT_CONFIG_DIR: join(work, `kubezt-${i}`),
        KUBEZT_CLI_FROM: 'bundle',
        NODE_COMPILE_CACHE: join(work, 'compile-cache'),
      }),
    );
  }
  const kubectlFile = join(work, 'setup-kubectl');
  writeFileSync(kubectlFile, big, { mode: 0o600 });
  const pairs = quick ? 20 : clusters.entries.length;
  let kubectlMs = 0;
  for (const c of clusters.entries.slice(0, pairs)) {
    const env = { KUBECONFIG: kubectlFile, HOME: home };
    kubectlMs += timed(KUBECTL, ['config', 'set-cluster', `zt-${c.name}`, `--server=${c.server}`], env);
    kubectlMs += timed(
      KUBECTL,
      ['config', 'set-context', `zt-${c.name}`, `--cluster=zt-${c.name}`, `--user=zt-${c.name}`],
      env,
    );
  }
  const kubectlTotal = (kubectlMs * clusters.entries.length) / pairs;
  const setup = {
    kubeztMedianMs: Math.round(median(kzSetup)),
    kubectlMs: Math.round(kubectlTotal),
    kubectlCallsTimed: pairs * 2,
    speedup: Number((kubectlTotal / median(kzSetup)).toFixed(1)),
    note: 'kubezt also writes CA data and a user per cluster; the kubectl calls write only server and context',
    kubeztInvocation: 'node bin/kubezt.js setup --yes (the bundled CLI), with a 100-cluster team catalog',
  };
  results['setup 100 clusters into 2,000 contexts'] = setup;
  console.log(
    `setup, 100 clusters into the 2,000-context file: kubezt ${setup.kubeztMedianMs} ms, kubectl ${setup.kubectlMs} ms${quick ? ` (scaled from ${pairs} pairs)` : ''} for ${clusters.entries.length * 2} calls, ${setup.speedup}x faster (target >= 20x)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

const out = join(ROOT, 'bench', 'results');
mkdirSync(out, { recursive: true });
const file = join(out, `kubeconfig-${String(results.date).replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
copyFileSync(file, join(out, 'kubeconfig-latest.json'));
console.log(`results written to ${file}`);
