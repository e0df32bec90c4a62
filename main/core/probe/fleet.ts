import { availableParallelism } from 'node:os';
import { createProbeRun, probeCluster } from './ladder.ts';
import type { ProbeEnvironment, ProbeOptions, ProbeResult, ProbeTarget } from './types.ts';

export const DEFAULT_CONCURRENCY = 16;

export interface FleetOptions extends ProbeOptions {
  env: ProbeEnvironment;
  /** Ladders running at once (default 16). */
  concurrency?: number;
  /** Called with each cluster's result as soon as its ladder ends (completion order). */
  onResult?: (result: ProbeResult) => void;
  /** Stops starting new ladders and cuts running ones short (their remaining steps are skipped). */
  signal?: AbortSignal;
  /** CPUs to plan for (default: os.availableParallelism()). */
  cpus?: number;
}

/**
 * Ladders in flight per CPU up to which each ladder opens a spare connection to send its two API
 * requests at once. Below it the run waits on round trips, and a spare saves one per ladder;
 * above it the run waits on the CPU (a hundred ladders at once on two cores), and a second
 * handshake per cluster costs more than the round trip it saves.
 */
export const SPARE_CONNECTIONS_PER_CPU = 16;

/**
 * Checks many clusters with bounded concurrency, yielding each result as it arrives. The
 * kubectl version and WARP state are asked once for the whole fleet.
 */
export async function* streamFleet(targets: readonly ProbeTarget[], opts: FleetOptions): AsyncGenerator<ProbeResult> {
  const run = createProbeRun(opts.env);
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_CONCURRENCY));
  const inFlight = Math.min(concurrency, targets.length);
  const ladderOpts = {
    ...opts,
    parallelRequests:
      opts.parallelRequests ?? inFlight <= SPARE_CONNECTIONS_PER_CPU * (opts.cpus ?? availableParallelism()),
  };
  const ready: ProbeResult[] = [];
  let wake: (() => void) | undefined;
  let next = 0;
  let running = 0;
  const launch = () => {
    while (running < concurrency && next < targets.length && !opts.signal?.aborted) {
      const target = targets[next++] as ProbeTarget;
      running++;
      probeCluster(target, run, ladderOpts).then((result) => {
        running--;
        ready.push(result);
        opts.onResult?.(result);
        launch();
        wake?.();
      });
    }
  };
  launch();
  while (running > 0 || ready.length > 0) {
    if (ready.length === 0) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
    while (ready.length > 0) yield ready.shift() as ProbeResult;
  }
}

/** Like `streamFleet`, collected: results in the order of `targets` (onResult still streams). */
export async function checkFleet(targets: readonly ProbeTarget[], opts: FleetOptions): Promise<ProbeResult[]> {
  const byName = new Map<ProbeTarget, ProbeResult>();
  const results: ProbeResult[] = [];
  for await (const r of streamFleet(targets, opts)) results.push(r);
  // Names may repeat (the same context probed twice); match by position of first unused.
  const pool = [...results];
  for (const t of targets) {
    const i = pool.findIndex((r) => r.name === t.name && r.server === t.server);
    if (i >= 0) byName.set(t, pool.splice(i, 1)[0] as ProbeResult);
  }
  return targets.map((t) => byName.get(t)).filter((r): r is ProbeResult => r !== undefined);
}
