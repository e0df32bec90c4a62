// `kubezt setup --yes` through the engine, as its own process: reads the clusters (JSON) from the
// file given in argv[2] and merges them into KUBECONFIG.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { describeChanges, resolveKubeconfigFiles, setupKubeconfig } from '../../main/core/kubeconfig/index.ts';
import type { ClusterEntry } from '../../main/core/model/cluster.ts';

const clusters = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as ClusterEntry[];
const paths = resolveKubeconfigFiles({ env: process.env.KUBECONFIG ?? '', homeDir: homedir(), cwd: process.cwd() });
const result = await setupKubeconfig({ paths, clusters });
process.stdout.write(`${describeChanges(result.plan.changes).length} changes\n`);
