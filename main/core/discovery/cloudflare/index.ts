export type { CloudflareApiOptions, CloudflareProgress, DiscoveryStep } from './api.ts';
export { cloudflareOptionsFromEnv, DEFAULT_BASE_URL } from './api.ts';
export type { BuildClustersInput, BuildClustersOutput } from './clusters.ts';
export { buildClusters, clusterNameFromTunnel, KUBERNETES_API_PORT } from './clusters.ts';
export type {
  CloudflareAccount,
  DiscoverOptions,
  DiscoveryResult,
  SplitTunnelEntry,
  SplitTunnelLists,
  TokenStatus,
  VirtualNetworkInfo,
} from './discover.ts';
export { discoverFromCloudflare, fetchSplitTunnelLists, listAccounts, verifyToken } from './discover.ts';
export type { GatewayAuditEntry, GatewayListContents, RuleRef } from './gateway.ts';
export { auditGateway, parseTraffic } from './gateway.ts';
export type { AccessOrganization } from './organization.ts';
export { teamOfAuthDomain } from './organization.ts';
