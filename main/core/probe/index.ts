export { DeadlineError, withDeadline } from './deadline.ts';
export { checkFleet, DEFAULT_CONCURRENCY, type FleetOptions, streamFleet } from './fleet.ts';
export { isCloudflareGatewayName } from './gateway.ts';
export { detectKubectlClient, ExecPluginError, runExecPlugin } from './kube.ts';
export { createProbeRun, DEFAULT_STEP_TIMEOUT_MS, type ProbeRun, probeCluster } from './ladder.ts';
export type { CertificateSummary, TlsFacts } from './network.ts';
export { type TargetProblem, targetsFromKubeconfig } from './targets.ts';
export * from './types.ts';
