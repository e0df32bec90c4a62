export type { SeedCluster, SeedOptions, SeedTunnelHealth } from './seed.ts';
export { seedFromClusters, seedUuid } from './seed.ts';
export { newAccountId, startCloudflareApi } from './server.ts';
export type {
  CloudflareEndpoint,
  CloudflareFault,
  CloudflarePermission,
  CloudflareSeed,
  FakeCloudflareApi,
  GatewayItemsShape,
  LoggedRequest,
  SeedGatewayList,
  StartCloudflareApiOptions,
} from './types.ts';
