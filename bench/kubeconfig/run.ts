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
import { generateClusters, generateKubeconfig } from './generate.ts';

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

const help = spawnSync(NODE, [join(ROOT, 'bin', 'kubezt.js'), '--help'], { encoding: 'utf8' }).stdout ?? '';
const cliHasUse = /^\s+use\s/m.test(help);
const useInvocation = cliHasUse
  ? { how: 'node bin/kubezt.js use NAME (the CLI)', args: [join(ROOT, 'bin', 'kubezt.js'), 'use'] }
  : {
      how: 'node bench/kubeconfig/use-engine.ts NAME (the CLI has no `use` command yet; same engine call)',
      args: [join(ROOT, 'bench', 'kubeconfig', 'use-engine.ts')],
    };

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
  useInvocation: useInvocation.how,
};

try {
  console.log(`kubezt use is timed as: ${useInvocation.how}`);
  for (const [label, contexts, reps] of [
    ['20 contexts', 20, 21],
    ['2,000 contexts', 2000, 9],
  ] as const) {
    const text = generateKubeconfig(contexts);
    const ours = join(work, `use-${contexts}-kubezt`);
    const theirs = join(work, `use-${contexts}-kubectl`);
    writeFileSync(ours, text, { mode: 0o600 });
    writeFileSync(theirs, text, { mode: 0o600 });
    const kz: number[] = [];
    const kc: number[] = [];
    // One untimed run each (page cache, first-run costs), then alternate so noise hits both.
    for (let i = -1; i < reps; i++) {
      const name = `team-ctx-${i % 2 === 0 ? 1 : 2}`;
      const a = timed(NODE, [...useInvocation.args, name], { KUBECONFIG: ours, HOME: home });
      const b = timed(KUBECTL, ['config', 'use-context', name], { KUBECONFIG: theirs, HOME: home });
      if (i >= 0) {
        kz.push(a);
        kc.push(b);
      }
    }
    const row = {
      sizeBytes: text.length,
      kubeztMedianMs: Math.round(median(kz)),
      kubectlMedianMs: Math.round(median(kc)),
      ratio: Number((median(kz) / median(kc)).toFixed(2)),
      runs: reps,
    };
    results[`use ${label}`] = row;
    console.log(
      `use, ${label} (${(text.length / 1e6).toFixed(2)} MB): kubezt ${row.kubeztMedianMs} ms, kubectl ${row.kubectlMedianMs} ms, ratio ${row.ratio} (target <= 1.0)`,
    );
  }

  const big = generateKubeconfig(2000);
  const clusters = generateClusters(100);
  const clustersFile = join(work, 'clusters.json');
  writeFileSync(clustersFile, JSON.stringify(clusters));
  const kzSetup: number[] = [];
  for (let i = 0; i < 3; i++) {
    const file = join(work, `setup-kubezt-${i}`);
    writeFileSync(file, big, { mode: 0o600 });
    kzSetup.push(
      timed(NODE, [join(ROOT, 'bench', 'kubeconfig', 'setup-engine.ts'), clustersFile], {
        KUBECONFIG: file,
        HOME: home,
      }),
    );
  }
  const kubectlFile = join(work, 'setup-kubectl');
  writeFileSync(kubectlFile, big, { mode: 0o600 });
  const pairs = quick ? 20 : clusters.length;
  let kubectlMs = 0;
  for (const c of clusters.slice(0, pairs)) {
    const env = { KUBECONFIG: kubectlFile, HOME: home };
    kubectlMs += timed(KUBECTL, ['config', 'set-cluster', `zt-${c.name}`, `--server=${c.server}`], env);
    kubectlMs += timed(
      KUBECTL,
      ['config', 'set-context', `zt-${c.name}`, `--cluster=zt-${c.name}`, `--user=zt-${c.name}`],
      env,
    );
  }
  const kubectlTotal = (kubectlMs * clusters.length) / pairs;
  const setup = {
    kubeztMedianMs: Math.round(median(kzSetup)),
    kubectlMs: Math.round(kubectlTotal),
    kubectlCallsTimed: pairs * 2,
    speedup: Number((kubectlTotal / median(kzSetup)).toFixed(1)),
    note: 'kubezt also writes CA data and a user per cluster; the kubectl calls write only server and context',
    kubeztInvocation: 'node bench/kubeconfig/setup-engine.ts (the engine behind `kubezt setup --yes`)',
  };
  results['setup 100 clusters into 2,000 contexts'] = setup;
  console.log(
    `setup, 100 clusters into the 2,000-context file: kubezt ${setup.kubeztMedianMs} ms, kubectl ${setup.kubectlMs} ms${quick ? ` (scaled from ${pairs} pairs)` : ''} for ${clusters.length * 2} calls, ${setup.speedup}x faster (target >= 20x)`,
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
