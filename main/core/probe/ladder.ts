import { preloadKubeApi } from './kube.ts';
import { createProbeRun, type ProbeRun } from './run.ts';
import { authStep } from './steps/auth.ts';
import { routeStep } from './steps/route.ts';
import { createSchedule } from './steps/schedule.ts';
import { createLadderState } from './steps/state.ts';
import { tcpStep } from './steps/tcp.ts';
import { tlsStep } from './steps/tls.ts';
import { versionStep } from './steps/version.ts';
import { vnetStep } from './steps/vnet.ts';
import { warpStep } from './steps/warp.ts';
import type { ProbeEnvironment, ProbeOptions, ProbeResult, ProbeTarget } from './types.ts';

export { createProbeRun, type ProbeRun } from './run.ts';

export const DEFAULT_STEP_TIMEOUT_MS = 5_000;

export interface LadderOptions extends ProbeOptions {
  signal?: AbortSignal;
}

const LADDER_FINISHED = new Error('ladder finished');

/**
 * Runs the ladder warp → vnet → route → tcp → tls → version → auth for one cluster (one module
 * per step, under steps/; how they run and are reported is steps/schedule.ts). Never throws and
 * never outlives `ladderTimeoutMs` by more than a step's cleanup: every step has a deadline.
 *
 * Steps are reported in ladder order, and every step after a failure is `skip`; the work itself
 * overlaps where that is safe: TCP and TLS start while WARP and the route are being read (a bare
 * connection carries no credential) once the vnet step has not found WARP in another virtual
 * network, the API requests (made by @kubernetes/client-node, see kube-api.ts) reuse the judged
 * TLS connection, and /version and selfsubjectreviews go out together (over HTTP/2 on that
 * connection, or over a spare HTTP/1.1 connection opened beside it).
 *
 * Credentials wait for the tls step: no credential file is read, no exec plugin runs and nothing
 * is sent before it has passed, and a Gateway-intercepted connection never passes. Some are not
 * sent at all (a cluster with no kubeconfig context, a plugin this check may not run; see
 * credentials.ts): the ladder then stops at an unauthenticated GET /version and skips auth.
 */
export async function probeCluster(
  target: ProbeTarget,
  envOrRun: ProbeEnvironment | ProbeRun,
  opts: LadderOptions = {},
): Promise<ProbeResult> {
  // client-node (for the version and auth steps) is loaded before the ladder's clocks start, as
  // the ladder's own code was: loading it holds the event loop (about 0.1 s from the bundle, a
  // second or two from sources), which would otherwise count against whatever step was running.
  // Loaded once per process; a load that fails is reported by the version step.
  await preloadKubeApi().catch(() => undefined);
  const run = 'warpState' in envOrRun ? envOrRun : createProbeRun(envOrRun);
  const stepTimeoutMs = opts.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const ladderTimeoutMs = opts.ladderTimeoutMs ?? stepTimeoutMs * 4;
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const endBy = t0 + ladderTimeoutMs;
  // Aborted when the ladder ends or a step fails (or the caller aborts): stops the work that ran
  // ahead of the report.
  const ladder = new AbortController();
  const onParentAbort = () => ladder.abort(opts.signal?.reason);
  if (opts.signal?.aborted) ladder.abort(opts.signal.reason);
  else opts.signal?.addEventListener('abort', onParentAbort, { once: true });
  const parallelRequests = opts.parallelRequests !== false;
  const state = createLadderState(target, run, { stepTimeoutMs, endBy, parallelRequests }, ladder.signal);

  const { start, after, report, steps } = createSchedule(
    state,
    { endBy, stepTimeoutMs, ladderTimeoutMs },
    ladder,
    opts.onStep && ((result) => opts.onStep?.(target, result)),
  );

  // Started at once and together where safe; reported below in ladder order. Once TLS has passed,
  // the API requests go out at once: the server is proven, so the credentials are safe with it
  // even while WARP and the route are still being read.
  // TCP waits for the vnet step alone: in another virtual network the address is another cluster's.
  const [warp, vnet, route] = [start(warpStep), start(vnetStep), start(routeStep)];
  const tcp = after(vnet, tcpStep);
  const tls = after(tcp, tlsStep);
  const ladderSteps = [warp, vnet, route, tcp, tls, after(tls, versionStep), after(tls, authStep)];

  try {
    await report(ladderSteps);
  } finally {
    ladder.abort(LADDER_FINISHED);
    opts.signal?.removeEventListener('abort', onParentAbort);
    await state.close();
  }

  const { host, port, conn } = state;
  return {
    name: target.name,
    server: target.server,
    host,
    ...(conn.ip ? { ip: conn.ip } : {}),
    port,
    startedAt,
    durationMs: Math.round(performance.now() - t0),
    steps: steps(),
    ok: steps().every((s) => s.status !== 'fail'),
  };
}
