// A kubezt writer for the interleaving test: adds COUNT clusters named PREFIX-i one by one. Each
// write is a whole `setup` as another kubezt would run it: it keeps every cluster kubezt already
// manages (read back from the file) and adds one, so a write planned on bytes that changed before
// it got the lock would remove the other writers' new entries as stale, unless the re-read under
// the lock catches it and the writer plans again.
// argv: CONFIG PREFIX COUNT SUBNET
import { writeSync } from 'node:fs';
import { isUserError } from '../../../main/core/errors.ts';
import { applyKubeconfigPlan, loadKubeconfig, planKubeconfig } from '../../../main/core/kubeconfig/index.ts';
import { readMergedKubeconfig } from '../../../main/core/kubeconfig/read-full.ts';
import type { ClusterEntry } from '../../../main/core/model/cluster.ts';

const [config, prefix, count, subnet] = process.argv.slice(2);
if (!config || !prefix || !count || !subnet) throw new Error('usage: adder-child.ts CONFIG PREFIX COUNT SUBNET');

function entry(name: string, server: string): ClusterEntry {
  return { name, sources: ['catalog'], server, ips: [], port: 6443 };
}

let replans = 0;
for (let i = 0; i < Number(count); i++) {
  for (;;) {
    const set = await loadKubeconfig([config]);
    const merged = readMergedKubeconfig(set);
    const clusters = merged.contexts
      .filter((c) => c.managed && c.sourceCluster)
      .map((c) => entry(c.sourceCluster ?? '', merged.clusters.find((k) => k.name === c.cluster)?.server ?? ''));
    clusters.push(entry(`${prefix}-${i}`, `https://10.${subnet}.0.${i + 1}:6443`));
    try {
      await applyKubeconfigPlan(planKubeconfig({ clusters, files: set }), { lockTimeoutMs: 60_000 });
      break;
    } catch (e) {
      if (!isUserError(e) || e.code !== 'kubeconfig-changed') throw e;
      replans++;
    }
  }
}
writeSync(1, `${JSON.stringify({ replans })}\n`);
