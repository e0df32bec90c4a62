// Benchmark: the readers on hostile input grow linearly. For each hostile shape it times the
// reader at size n and 4n and prints the ratio (4 is linear; 16 would be quadratic, 64 cubic),
// then times `kubezt use` (the real CLI, bin/kubezt.js) on the reported 46 KB kubeconfigs.
//
//   node_modules/.bin/node bench/hostile/run.ts [--quick]
//
// Reader timings are CPU time of this process (process.cpuUsage), the least of several runs,
// so other load on the machine mostly cancels out; the CLI's are wall time, median of 5.
// `--quick` uses smaller sizes. Results: stdout and bench/results/hostile-*.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCatalog } from '../../main/core/discovery/catalog/index.ts';
import { buildClusters } from '../../main/core/discovery/cloudflare/clusters.ts';
import { parseTraffic } from '../../main/core/discovery/cloudflare/gateway.ts';
import { parseKubeconfigFile } from '../../main/core/kubeconfig/parse.ts';
import { quickReadKubeconfig } from '../../main/core/kubeconfig/quick.ts';
import { quickMergedKubeconfig } from '../../main/core/kubeconfig/read-fast.ts';
import { readMergedKubeconfig } from '../../main/core/kubeconfig/read-full.ts';
import { parseMacRoute } from '../../main/core/warp/parse-route.ts';
import { parseSettingsSplitTunnel, parseTunnelIpList } from '../../main/core/warp/parse-split-tunnel.ts';
import { parseStatusText } from '../../main/core/warp/parse-status.ts';
import { buildCli } from '../../scripts/build-cli.ts';
import {
  ACCEPTED_46K,
  aliasFanCatalog,
  aliasGroupsKubeconfig,
  billionLaughs,
  manyErrorsOneLine,
  plainKubeconfig,
  REFUSED_46K,
  wideCatalogCluster,
  wideMapping,
} from './generate.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const quick = process.argv.includes('--quick');
const K = quick ? 1 : 4;

/** Runs `f`, ignoring what it returns or throws (a refusal is a reader's answer too). */
function attempt(f: () => unknown): void {
  try {
    f();
  } catch {
    // refused: timed all the same
  }
}

function cpuMs(f: () => void, reps: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < reps; i++) {
    const start = process.cpuUsage();
    f();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

interface Shape {
  name: string;
  /** Input of size about n (n is the shape's own unit: aliases, keys, lines...). */
  make: (n: number) => string;
  read: (text: string) => void;
  n: number;
}

const catalog = (text: string) => attempt(() => parseCatalog(text, '/bench/catalog.yaml', { readCaFile: () => '' }));
const kubeconfig = (text: string) => attempt(() => parseKubeconfigFile({ path: '/bench/config', bytes: text }, 0));
const kubeconfigAll = (text: string) => {
  const source = { path: '/bench/config', bytes: text };
  attempt(() => readMergedKubeconfig([source]));
  attempt(() => quickReadKubeconfig(source));
  attempt(() => quickMergedKubeconfig([source]));
};

const shapes: Shape[] = [
  { name: 'catalog: list of aliases to one cluster (reported)', make: aliasFanCatalog, read: catalog, n: 5_000 * K },
  { name: 'catalog: a cluster with n unknown keys', make: wideCatalogCluster, read: catalog, n: 2_000 * K },
  { name: 'catalog: n YAML errors on one line', make: manyErrorsOneLine, read: catalog, n: 2_000 * K },
  {
    name: 'catalog: nested lists of aliases, fan n',
    make: (n) => `${billionLaughs(2, n, '')}clusters: *l2\n`,
    read: catalog,
    n: 20 * K,
  },
  {
    name: 'kubeconfig: users of an aliased group list (reported)',
    make: (n) => aliasGroupsKubeconfig(n, 250, n),
    read: kubeconfigAll,
    n: 150 * K,
  },
  { name: 'kubeconfig: plain, n contexts (baseline)', make: plainKubeconfig, read: kubeconfigAll, n: 500 * K },
  { name: 'kubeconfig: one mapping of n keys', make: wideMapping, read: kubeconfig, n: 5_000 * K },
  {
    name: 'kubeconfig: nested lists of aliases, fan n',
    make: (n) => billionLaughs(3, n, 'apiVersion: v1\n'),
    read: kubeconfig,
    n: 10 * K,
  },
  {
    name: 'warp status: a status word then n spaces',
    make: (n) => `Status update: Connected${' '.repeat(n)}!`,
    read: (t) => parseStatusText(t),
    n: 20_000 * K,
  },
  {
    name: 'warp tunnel ip list: n ":[" on a header line',
    make: (n) => `exclude ${':['.repeat(n)}`,
    read: (t) => parseTunnelIpList(t),
    n: 20_000 * K,
  },
  {
    name: 'warp settings: n "[" after the mode',
    make: (n) => `Exclude mode:${'['.repeat(n)}`,
    read: (t) => parseSettingsSplitTunnel(t),
    n: 20_000 * K,
  },
  {
    name: 'macOS route: n leading spaces',
    make: (n) => `${' '.repeat(n)}1`,
    read: (t) => parseMacRoute(t, ''),
    n: 20_000 * K,
  },
  {
    name: 'Gateway traffic: n "or" terms',
    make: (n) => Array(n).fill('http.conn.dst_ip == 10.0.0.1').join(' or '),
    read: (t) => parseTraffic(t).matches('10.0.0.2', new Map()),
    n: 2_000 * K,
  },
  {
    name: 'Cloudflare: n tunnels of one name',
    make: (n) => String(n),
    read: (t) => {
      const n = Number(t);
      buildClusters({
        routes: Array.from({ length: n }, (_, i) => ({
          network: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`,
          tunnel_id: `t${i}`,
          comment: 'kubernetes',
        })),
        tunnels: Array.from({ length: n }, (_, i) => ({ id: `t${i}`, name: 'k8s-same' })),
        virtualNetworks: [],
        kubernetesListValues: [],
      });
    },
    n: 500 * K,
  },
];

const results: Record<string, unknown> = { date: new Date().toISOString(), loadAverage: loadavg(), readers: {} };
console.log('Reader CPU time at n and 4n (least of 3 runs); linear is a ratio near 4.\n');
for (const s of shapes) {
  // Warm-up at a small size, so the JIT is not what the first size measures.
  s.read(s.make(Math.max(1, s.n >> 3)));
  const small = s.make(s.n);
  const large = s.make(4 * s.n);
  const a = cpuMs(() => s.read(small), 3);
  const b = cpuMs(() => s.read(large), 3);
  const ratio = b / Math.max(a, 0.05);
  const verdict = ratio <= 8 ? 'linear' : ratio <= 24 ? 'CHECK (above 8)' : 'SUPERLINEAR';
  (results.readers as Record<string, unknown>)[s.name] = {
    n: s.n,
    bytes: [small.length, large.length],
    cpuMs: [Number(a.toFixed(1)), Number(b.toFixed(1))],
    ratio: Number(ratio.toFixed(2)),
  };
  console.log(
    `${s.name.padEnd(56)} n=${String(s.n).padStart(6)}: ${a.toFixed(1).padStart(8)} ms -> ${b.toFixed(1).padStart(8)} ms  x${ratio.toFixed(1).padStart(5)}  ${verdict}`,
  );
}

// `kubezt use` on the reported 46 KB files, as a user runs it (the bundled CLI, bin/kubezt.js).
await buildCli();
const work = mkdtempSync(join(tmpdir(), 'kubezt-bench-hostile-'));
try {
  const home = join(work, 'home');
  mkdirSync(home);
  const cli: Record<string, unknown> = {};
  const cases: [string, string][] = [
    ['46 KB, kubectl accepts it', aliasGroupsKubeconfig(ACCEPTED_46K.users, ACCEPTED_46K.groups, ACCEPTED_46K.pad)],
    ['46 KB, kubectl refuses it', aliasGroupsKubeconfig(REFUSED_46K.users, REFUSED_46K.groups, REFUSED_46K.pad)],
    [
      '4 x 46 KB (accepted shape, 4 x the users and contexts)',
      aliasGroupsKubeconfig(4 * ACCEPTED_46K.users, ACCEPTED_46K.groups, 4 * ACCEPTED_46K.pad),
    ],
  ];
  console.log('\n`kubezt use` (real CLI, wall time, median of 5):');
  for (const [label, text] of cases) {
    const times: number[] = [];
    let status = 0;
    for (let i = 0; i < 6; i++) {
      const file = join(work, `config-${times.length}`);
      writeFileSync(file, text, { mode: 0o600 });
      const started = performance.now();
      const r = spawnSync(NODE, [join(ROOT, 'bin', 'kubezt.js'), 'use', `ctx-${1 + (i % 2)}`, '--kubeconfig', file], {
        env: { PATH: process.env.PATH ?? '', HOME: home, NODE_COMPILE_CACHE: join(work, 'cc') },
        encoding: 'utf8',
      });
      if (i > 0) times.push(performance.now() - started);
      status = r.status ?? -1;
    }
    times.sort((x, y) => x - y);
    const median = times[2] as number;
    cli[label] = { bytes: text.length, exit: status, medianMs: Math.round(median) };
    console.log(
      `  ${label.padEnd(58)} ${(text.length / 1024).toFixed(0).padStart(4)} KB: ${Math.round(median)} ms, exit ${status}`,
    );
  }
  results.kubeztUse = cli;
} finally {
  rmSync(work, { recursive: true, force: true });
}

mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const out = join(ROOT, 'bench', 'results', `hostile-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nWritten to ${out}`);
