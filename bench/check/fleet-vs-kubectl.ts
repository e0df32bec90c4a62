import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkFleet, type ProbeTarget } from '../../main/core/probe/index.ts';
import { nodeProcessRunner } from '../../main/core/process/runner.ts';
import { buildKubeconfig, startApiServerFarm } from '../../sim/apiserver/index.ts';

/**
 * How long a fleet check takes against what users do today, on simulated API servers with a
 * fixed round trip (loopback only):
 *   A. kubezt's checkFleet (full ladder per cluster: tcp, tls, /version, selfsubjectreviews)
 *   B. `kubectl version` per context, one after another
 *   C. `kubectl version` per context, 16 at a time
 * Not a test: prints wall times and ratios. Run: node bench/check/fleet-vs-kubectl.ts [--servers 100] [--latency 100]
 */
const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: '100' },
    latency: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '16' },
    kubectl: { type: 'string', default: '/usr/bin/kubectl' },
  },
});
const count = Number(values.servers);
const latencyMs = Number(values.latency);
const concurrency = Number(values.concurrency);
const kubectl = values.kubectl;

async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

const farm = await startApiServerFarm({
  servers: Array.from({ length: count }, (_, i) => ({ name: `bench-${i + 1}`, latencyMs })),
});
const dir = await mkdtemp(join(tmpdir(), 'kubezt-bench-check-'));
try {
  const kubeconfig = join(dir, 'config');
  await writeFile(kubeconfig, buildKubeconfig(farm.servers.map((server) => ({ server }))), { mode: 0o600 });
  const targets: ProbeTarget[] = farm.servers.map((s) => ({
    name: s.name,
    server: s.url,
    certificateAuthorityData: s.caData,
    credentials: { kind: 'token', token: s.token },
  }));
  const kubectlEnv = { PATH: process.env.PATH, HOME: dir };
  const kubectlVersion = async (context: string) => {
    const r = await nodeProcessRunner.run(
      kubectl,
      ['--kubeconfig', kubeconfig, '--context', context, 'version', '-o', 'json'],
      {
        timeoutMs: 60_000,
        env: kubectlEnv,
      },
    );
    if (r.code !== 0) throw new Error(`kubectl version --context ${context} failed: ${r.stderr.trim()}`);
  };
  // Warm the page cache for kubectl and its dispatcher target, so B and C measure steady state.
  await kubectlVersion(targets[0]?.name as string);

  let t = performance.now();
  const results = await checkFleet(targets, { env: { runner: nodeProcessRunner, kubectlPath: kubectl }, concurrency });
  const fleetMs = performance.now() - t;
  const healthy = results.filter((r) => r.ok).length;
  if (healthy !== count) throw new Error(`only ${healthy}/${count} clusters passed the ladder`);

  t = performance.now();
  for (const target of targets) await kubectlVersion(target.name);
  const sequentialMs = performance.now() - t;

  t = performance.now();
  await pool(targets, concurrency, (target) => kubectlVersion(target.name));
  const parallelMs = performance.now() - t;

  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`${count} simulated API servers, ${latencyMs} ms simulated round trip, concurrency ${concurrency}`);
  console.log(`A. kubezt checkFleet (6-step ladder each):   ${s(fleetMs)}`);
  console.log(
    `B. kubectl version, sequential:              ${s(sequentialMs)}  (${(sequentialMs / fleetMs).toFixed(1)}× A)`,
  );
  console.log(
    `C. kubectl version, ${concurrency} in parallel:          ${s(parallelMs)}  (${(parallelMs / fleetMs).toFixed(1)}× A)`,
  );
} finally {
  await farm.close();
  await rm(dir, { recursive: true, force: true });
}
