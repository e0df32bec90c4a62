export { DeadlineError, withDeadline } from './deadline.ts';
export {
  createExecPluginPool,
  DEFAULT_MAX_RUNNING_PLUGINS,
  ExecPluginError,
  type ExecPluginPool,
  interactiveDecision,
  runExecPlugin,
} from './exec-plugin.ts';
export { checkFleet, DEFAULT_CONCURRENCY, type FleetOptions, SPARE_CONNECTIONS_PER_CPU, streamFleet } from './fleet.ts';
export { isCloudflareGatewayName } from './gateway.ts';
export {
  createKubeClient,
  detectKubectlClient,
  type KubeClient,
  KubeHttpError,
  openSpareConnection,
  preloadKubeApi,
} from './kube.ts';
export { createProbeRun, DEFAULT_STEP_TIMEOUT_MS, type ProbeRun, probeCluster } from './ladder.ts';
export type { CertificateSummary, TlsFacts } from './network.ts';
export { type TargetProblem, targetFromClusterEntry, targetsFromMergedKubeconfig } from './targets.ts';
export * from './types.ts';
export { createFleetWarpView, type FleetWarpView } from './warp.ts';
export { batchCommandLine, planSpawn, quoteForCmd, UnsafeArgumentError } from './win-cmd.ts';
