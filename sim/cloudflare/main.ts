/**
 * Runs the fake Cloudflare API on its own, for poking at it with curl or pointing a local kubezt
 * at it: `node sim/cloudflare/main.ts [--clusters N] [--port P] [--token T] [--no-overlap]`.
 * Unless --no-overlap, the first cluster's IP is also routed in a second virtual network
 * ("staging-vnet") by the same tunnel, as organisations with overlapping private ranges have.
 * The token is printed because it is a throwaway value for a loopback fake, never a real secret.
 */
import { parseArgs } from 'node:util';
import { type SeedCluster, seedFromClusters } from './seed.ts';
import { startCloudflareApi } from './server.ts';

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '3' },
    port: { type: 'string', default: '0' },
    token: { type: 'string' },
    'no-overlap': { type: 'boolean' },
  },
});
const count = Number(values.clusters);
const port = Number(values.port);
if (!Number.isInteger(count) || count < 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write('usage: node sim/cloudflare/main.ts [--clusters N] [--port P] [--token T] [--no-overlap]\n');
  process.exit(2);
}
const names = ['prod-us', 'prod-eu', 'staging', 'dev', 'payments', 'search', 'ml', 'edge'];
const clusters: SeedCluster[] = Array.from({ length: count }, (_, i) => ({
  name: i < names.length ? (names[i] as string) : `cluster-${i + 1}`,
  ipv4: `198.51.100.${101 + i}`,
  ipv6: `2001:db8::${101 + i}`,
  // The last cluster is left out of every Do Not Inspect rule, to show the Gateway warning.
  doNotInspect: count < 2 || i < count - 1,
}));
const first = clusters[0];
if (first && !values['no-overlap']) {
  clusters.push({
    name: first.name,
    ...(first.ipv4 ? { ipv4: first.ipv4 } : {}),
    // The same connector serves both networks: the twin is listed as `<name>-staging-vnet`.
    tunnelName: `k8s-${first.name}`,
    virtualNetwork: 'staging-vnet',
  });
}
const api = await startCloudflareApi({
  seed: seedFromClusters(clusters),
  port,
  ...(values.token ? { token: values.token } : {}),
});
process.stdout.write(
  `CLOUDFLARE_BASE_URL=${api.baseUrl}\nCLOUDFLARE_API_TOKEN=${api.token}\nCLOUDFLARE_ACCOUNT_ID=${api.accountId}\n`,
);
const stop = () => {
  void api.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
