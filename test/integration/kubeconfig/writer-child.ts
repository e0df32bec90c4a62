// A kubezt writer in its own process, for the crash tests: it alternates the kubeconfig between
// two cluster sets forever, backing each version up into BACKUPS and reporting each step on
// stdout so the parent can SIGKILL it mid-write.
// argv: CONFIG BACKUPS [KILL_AT_STEP]. With KILL_AT_STEP it kills itself at that step of its first write.
import { writeSync } from 'node:fs';
import { applyKubeconfigPlan, loadKubeconfig, planKubeconfig } from '../../../main/core/kubeconfig/index.ts';
import { clusterSet } from '../../unit/kubeconfig/helpers.ts';

const [config, backups, killAt] = process.argv.slice(2);
if (!config || !backups) throw new Error('usage: writer-child.ts CONFIG BACKUPS [STEP]');
const sets = [clusterSet('standard'), clusterSet('one')];

for (let i = 0; ; i++) {
  const plan = planKubeconfig({ clusters: sets[i % 2] ?? [], files: await loadKubeconfig([config]) });
  await applyKubeconfigPlan(plan, {
    lockTimeoutMs: 10_000,
    backup: { dir: backups, what: 'crash test' },
    onStep: (step) => {
      if (step === killAt) process.kill(process.pid, 'SIGKILL');
      writeSync(1, `${step}\n`);
    },
  });
}
