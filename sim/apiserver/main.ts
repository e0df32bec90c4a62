import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startApiServerFarm } from './farm.ts';
import { buildKubeconfig } from './kubeconfig.ts';
import type { FakeServerSpec, ServerFaultInput } from './types.ts';

/**
 * `node sim/apiserver/main.ts --servers N [--latency MS] [--ipv6 K] [--fault NAME=FAULT ...]`
 * (servers are named cluster-1…N, then cluster-v6-1…K)
 * Starts a farm, writes a kubeconfig for it to a temp folder, prints both, and stays up until
 * SIGINT/SIGTERM.
 */
const FAULTS = new Set([
  'none',
  'refuse',
  'blackhole',
  'no-tls',
  'reset',
  'intercepted',
  'unknown-ca',
  'reject-credentials',
  'forbid-selfsubjectreviews',
]);

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: '3' },
    ipv6: { type: 'string', default: '0' },
    latency: { type: 'string', default: '0' },
    version: { type: 'string' },
    fault: { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'usage: node sim/apiserver/main.ts [--servers N] [--ipv6 K] [--latency MS] [--version vX.Y.Z] [--fault NAME=FAULT|slow:MS|status:NNN ...]\n',
  );
  process.exit(0);
}
const count = Number(values.servers);
const ipv6 = Number(values.ipv6);
const latencyMs = Number(values.latency);
if (!Number.isInteger(count) || count < 1 || count > 5000) fail('--servers takes a whole number from 1 to 5000.');
if (!Number.isInteger(ipv6) || ipv6 < 0) fail('--ipv6 takes a whole number of IPv6 servers, 0 or more.');
if (!Number.isFinite(latencyMs) || latencyMs < 0) fail('--latency takes milliseconds, 0 or more.');

const faults = new Map<string, ServerFaultInput>();
for (const f of values.fault) {
  const [name, what] = f.split('=');
  if (!name || !what) fail(`--fault takes NAME=FAULT, got "${f}".`);
  const slow = /^slow:(\d+)$/.exec(what);
  const httpStatus = /^status:(\d{3})$/.exec(what);
  if (slow) faults.set(name, { kind: 'slow', delayMs: Number(slow[1]) });
  else if (httpStatus) faults.set(name, { kind: 'http-status', status: Number(httpStatus[1]) });
  else if (FAULTS.has(what)) faults.set(name, what as ServerFaultInput);
  else fail(`Unknown fault "${what}": use one of ${[...FAULTS].join(', ')} slow:MS or status:NNN.`);
}

const specs: FakeServerSpec[] = [];
for (let i = 1; i <= count + ipv6; i++) {
  const name = i <= count ? `cluster-${i}` : `cluster-v6-${i - count}`;
  specs.push({
    name,
    family: i <= count ? 4 : 6,
    latencyMs,
    ...(values.version ? { gitVersion: values.version } : {}),
    ...(faults.has(name) ? { fault: faults.get(name) } : {}),
  });
}

const farm = await startApiServerFarm({ servers: specs });
const dir = mkdtempSync(join(tmpdir(), 'kubezt-apiserver-'));
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(kubeconfig, buildKubeconfig(farm.servers.map((server) => ({ server }))), { mode: 0o600 });
for (const s of farm.servers) {
  process.stdout.write(`${s.name.padEnd(16)} ${s.url.padEnd(28)} ${s.gitVersion} fault=${s.fault().kind}\n`);
}
process.stdout.write(`kubeconfig: ${kubeconfig}\n(try: kubectl --kubeconfig ${kubeconfig} version)\nCtrl-C to stop.\n`);

const stop = () => {
  farm.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
