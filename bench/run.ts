// `npm run bench`: every benchmark, one after the other (they would skew each other in
// parallel on a 2-core machine). Each prints its figures and ratios against kubectl and writes
// JSON to bench/results/. Extra arguments go to both (e.g. --quick where supported).
import { spawnSync } from 'node:child_process';

const benches = ['bench/kubeconfig/run.ts', 'bench/check/fleet-vs-kubectl.ts'];
let failed = 0;
for (const bench of benches) {
  console.log(`\n==> ${bench}`);
  const r = spawnSync(process.execPath, [bench], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
