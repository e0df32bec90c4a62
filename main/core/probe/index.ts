export { DeadlineError, withDeadline } from './deadline.ts';
export { checkFleet, DEFAULT_CONCURRENCY, type FleetOptions, SPARE_CONNECTIONS_PER_CPU, streamFleet } from './fleet.ts';
export { isCloudflareGatewayName } from './gateway.ts';
export {
  createKubeClient,
  detectKubectlClient,
  ExecPluginError,
  type KubeClient,
  KubeHttpError,
  openSpareConnection,
  preloadKubeApi,
  runExecPlugin,
} from './kube.ts';
export {
  type MergedKubeconfigView,
  quickMergedKubeconfig,
  type TargetProblem,
  targetsFromMergedKubeconfig,
} from './kubeconfig-view.ts';
export { createProbeRun, DEFAULT_STEP_TIMEOUT_MS, type ProbeRun, probeCluster } from './ladder.ts';
export type { CertificateSummary, TlsFacts } from './network.ts';
export { targetFromClusterEntry, targetsFromKubeconfig } from './targets.ts';
export * from './types.ts';
export { createFleetWarpView, type FleetWarpView } from './warp.ts';
