// Benchmark: `kubezt check` over N simulated clusters (each API server adds a fixed round trip
// before its TLS hello and before every response) against what users do without kubezt,
// `kubectl version` once per context, one after another and 16 at a time.
//
//   node_modules/.bin/node bench/check/fleet-vs-kubectl.ts [--servers 100] [--latency 100] [--runs 3]
//
// Every timing is a whole process started the way a user starts it: the real CLI
// (`node bin/kubezt.js check --json`, default concurrency and --concurrency N) with KUBECONFIG
// pointing at N kubezt contexts, and the real kubectl. Loopback only. Results: stdout and
// bench/results/check-*.json.
//
// WARP is the simulator's fake client with the loopback interface as the tunnel. Its warp-cli is
// a Node script, whose start-up (0.15-0.4 s of CPU on a 2-core machine) the real, native warp-cli
// does not have; so the main figures use a stand-in that answers `warp-cli -j status` with the
// fake's own output at native speed (and hands every other command to the fake). One extra run
// with the fake itself shows what that costs.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setupKubeconfig } from '../../main/core/kubeconfig/index.ts';
import type { ClusterEntry } from '../../main/core/model/cluster.ts';
import { catalogEntryFor, startApiServerFarm } from '../../sim/apiserver/index.ts';
import { planCall, startFakeWarp } from '../../sim/warp/index.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const KUBEZT = join(ROOT, 'bin', 'kubezt.js');

const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: '100' },
    latency: { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    kubectl: { type: 'string', default: process.env.KUBECTL ?? '/usr/bin/kubectl' },
  },
});
const count = Number(values.servers);
const latencyMs = Number(values.latency);
const runs = Math.max(1, Number(values.runs));
const kubectl = values.kubectl;

interface Ran {
  ms: number;
  code: number;
  stdout: string;
  stderr: string;
}

/** Async on purpose: the farm answers from this process, so a blocking spawn would stall it. */
function timed(command: string, args: string[], env: Record<string, string>): Promise<Ran> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(command, args, { env, cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ ms: performance.now() - started, code, stdout, stderr });
    });
  });
}

async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

interface CheckOutput {
  durationMs: number;
  clusters: { context: string; ok: boolean; verdict: string; durationMs: number }[];
  summary: { total: number; ok: number; unhealthy: number };
}

const dir = mkdtempSync(join(tmpdir(), 'kubezt-bench-check-'));
const farm = await startApiServerFarm({
  servers: Array.from({ length: count }, (_, i) => ({ name: `bench-${i + 1}`, latencyMs })),
});
const warp = await startFakeWarp({ dir: join(dir, 'warp') });
try {
  const kubeconfig = join(dir, 'config');
  const clusters: ClusterEntry[] = farm.servers.map(catalogEntryFor);
  await setupKubeconfig({ paths: [kubeconfig], clusters });
  // A real warp-cli is a native binary that answers in milliseconds; the simulator's is a Node
  // process. Every call a check makes (the status and the client profile) is answered by a shell
  // script with the fake's own output, so the figures measure kubezt, not Node starting warp-cli.
  const q = (x: string) => `'${x.replace(/'/g, `'\\''`)}'`;
  const answered = [
    ['-j', 'status'],
    ['-j', 'settings'],
    ['-j', 'vnet'],
    ['registration', 'organization'],
  ].map((args) => {
    const plan = planCall(args, warp.state());
    if (plan.kind !== 'output') throw new Error(`the fake warp-cli has no plain answer to ${args.join(' ')}`);
    return `if [ "$*" = ${q(args.join(' '))} ]; then printf '%s' ${q(plan.output.stdout)}; exit ${plan.output.code}; fi\n`;
  });
  const standIn = join(dir, 'warp-cli-native-speed');
  writeFileSync(standIn, `#!/bin/sh\n${answered.join('')}exec ${q(warp.warpCliPath)} "$@"\n`);
  chmodSync(standIn, 0o755);
  const simEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    KUBECONFIG: kubeconfig,
    KUBEZT_CONFIG_DIR: join(dir, 'kubezt'),
    ...warp.env,
  };
  const env: Record<string, string> = { ...simEnv, KUBEZT_WARP_CLI: standIn };
  const contexts = clusters.map((c) => `zt-${c.name}`);

  const check = async (extra: string[], withEnv = env): Promise<{ ms: number; out: CheckOutput }> => {
    const r = await timed(NODE, [KUBEZT, 'check', '--json', ...extra], withEnv);
    const out = JSON.parse(r.stdout) as CheckOutput;
    if (r.code !== 0 || out.summary.ok !== out.summary.total || out.summary.total === 0) {
      const bad = out.clusters.filter((c) => !c.ok).map((c) => `${c.context}: ${c.verdict}`);
      throw new Error(`kubezt check ${extra.join(' ')} exited ${r.code}; unhealthy: ${bad.slice(0, 5).join(', ')}`);
    }
    return { ms: r.ms, out };
  };
  const kubectlVersion = async (context: string) => {
    const r = await timed(kubectl, ['--kubeconfig', kubeconfig, '--context', context, 'version', '-o', 'json'], env);
    if (r.code !== 0) throw new Error(`kubectl version --context ${context} failed: ${r.stderr.trim()}`);
  };

  // Warm the page cache and Node's compile cache, and let kubezt remember the kubectl client
  // version (as it does for users after their first check), so every figure is steady state.
  await check([contexts[0] as string]);
  await check([contexts[0] as string], simEnv);
  await kubectlVersion(contexts[0] as string);

  const checkRuns = async (extra: string[], withEnv = env) => {
    const all: { ms: number; out: CheckOutput }[] = [];
    for (let i = 0; i < runs; i++) all.push(await check(extra, withEnv));
    const ms = median(all.map((r) => r.ms));
    const slowestLadderMs = median(all.map((r) => Math.max(...r.out.clusters.map((c) => c.durationMs))));
    return { ms, runsMs: all.map((r) => Math.round(r.ms)), slowestLadderMs };
  };
  const atDefault = await checkRuns([]);
  const at100 = await checkRuns(['--concurrency', String(count)]);
  // One cluster alone: its ladder with nothing else running, the latency floor of the fleet.
  const alone = await checkRuns([contexts[0] as string]);
  const withSimWarp = await checkRuns(['--concurrency', String(count)], simEnv);

  let t = performance.now();
  for (const c of contexts) await kubectlVersion(c);
  const sequentialMs = performance.now() - t;

  t = performance.now();
  await pool(contexts, 16, kubectlVersion);
  const parallelMs = performance.now() - t;

  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const x = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  const lines = [
    `${count} simulated API servers, ${latencyMs} ms added per TLS hello and per response; ${cpus().length} CPUs, load ${loadavg()[0]?.toFixed(2)}; median of ${runs} runs for kubezt`,
    '',
    `A. kubezt check --json (concurrency 16, default): ${s(atDefault.ms)}   runs ${atDefault.runsMs.join(', ')} ms`,
    `B. kubezt check --json --concurrency ${count}:     ${s(at100.ms)}   runs ${at100.runsMs.join(', ')} ms`,
    `C. kubectl version, once per context, sequential:  ${s(sequentialMs)}`,
    `D. kubectl version, 16 in parallel:                ${s(parallelMs)}`,
    '',
    `C / B = ${x(sequentialMs, at100.ms)} (target ≥ 50×)    D / B = ${x(parallelMs, at100.ms)} (target ≥ 5×)`,
    `C / A = ${x(sequentialMs, atDefault.ms)}                     D / A = ${x(parallelMs, atDefault.ms)}`,
    '',
    `Slowest single ladder in run B: ${Math.round(at100.slowestLadderMs)} ms; B wall / that = ${x(at100.ms, at100.slowestLadderMs)} (target ≤ 2×)`,
    `One cluster alone: wall ${Math.round(alone.ms)} ms, its ladder ${Math.round(alone.slowestLadderMs)} ms; B wall / lone ladder = ${x(at100.ms, alone.slowestLadderMs)}`,
    `B with the simulator's Node warp-cli instead of the native-speed stand-in: ${s(withSimWarp.ms)} (C / that = ${x(sequentialMs, withSimWarp.ms)})`,
  ];
  console.log(lines.join('\n'));

  const result = {
    benchmark: 'check',
    at: new Date().toISOString(),
    servers: count,
    latencyMs,
    cpus: cpus().length,
    load: loadavg(),
    kubeztCheckDefaultMs: Math.round(atDefault.ms),
    kubeztCheckDefaultRunsMs: atDefault.runsMs,
    kubeztCheckConcurrentMs: Math.round(at100.ms),
    kubeztCheckConcurrentRunsMs: at100.runsMs,
    slowestLadderConcurrentMs: Math.round(at100.slowestLadderMs),
    loneClusterWallMs: Math.round(alone.ms),
    loneClusterLadderMs: Math.round(alone.slowestLadderMs),
    kubeztCheckConcurrentSimWarpCliMs: Math.round(withSimWarp.ms),
    kubectlSequentialMs: Math.round(sequentialMs),
    kubectlParallel16Ms: Math.round(parallelMs),
    ratios: {
      sequentialOverConcurrent: sequentialMs / at100.ms,
      parallelOverConcurrent: parallelMs / at100.ms,
      sequentialOverDefault: sequentialMs / atDefault.ms,
      parallelOverDefault: parallelMs / atDefault.ms,
      concurrentWallOverSlowestLadder: at100.ms / at100.slowestLadderMs,
    },
  };
  const out = join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const stamp = result.at.replace(/[:.]/g, '-');
  writeFileSync(join(out, `check-${stamp}.json`), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(out, 'check-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await Promise.all([farm.close(), warp.close()]);
  rmSync(dir, { recursive: true, force: true });
}
