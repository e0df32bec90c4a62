// The soak's verdict from its samples: growth after warm-up, plateau and peak, and the range of
// fds, sockets and timers (which a leak would push up, run after run).
import type { SoakSample } from './app.ts';

export const TARGET_GROWTH_MB = 10;
export const TARGET_PLATEAU_MB = 200;

export interface SoakFigures {
  warmupSampleAtSec: number;
  rssAtWarmupMb: number;
  rssAtEndMb: number;
  /** RSS at the end minus RSS at the end of warm-up. */
  rssGrowthMb: number;
  /** Least-squares slope of RSS over the samples after warm-up. */
  rssTrendMbPerHour: number;
  /** Median RSS after warm-up. */
  rssPlateauMb: number;
  /** Highest RSS seen after warm-up (polled every second). */
  rssPeakMb: number;
  heapAfterGcAtWarmupMb: number;
  heapAfterGcAtEndMb: number;
  heapCommittedMaxMb: number;
  newSpaceCommittedMaxMb: number;
  oldSpaceCommittedMaxMb: number;
  fds: [number, number];
  sockets: [number, number];
  timers: [number, number];
  /**
   * The resting level (lowest value, between checks) in the second half after warm-up minus the
   * first half's: a leak raises it, a check in flight at sampling time does not.
   */
  restingGrowth: { fds: number; sockets: number; timers: number };
  checksDone: number;
  warpChanges: number;
  /** CPU seconds of the app per background check, after warm-up. */
  cpuSecPerCheck: number;
  /** V8's own collections after warm-up: young, old, and their time in ms per check. */
  gcAfterWarmup: { minor: number; major: number; msPerCheck: number };
  targetsMet: boolean;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;
const range = (xs: number[]): [number, number] => [Math.min(...xs), Math.max(...xs)];

function slopePerHour(points: { atSec: number; v: number }[]): number {
  if (points.length < 2) return 0;
  const mx = points.reduce((a, p) => a + p.atSec, 0) / points.length;
  const my = points.reduce((a, p) => a + p.v, 0) / points.length;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.atSec - mx) * (p.v - my);
    den += (p.atSec - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 3600;
}

function restingGrowth(samples: readonly SoakSample[], value: (s: SoakSample) => number): number {
  const half = Math.ceil(samples.length / 2);
  const low = (xs: readonly SoakSample[]) => Math.min(...xs.map(value));
  return low(samples.slice(half)) - low(samples.slice(0, half));
}

export function summarize(
  samples: readonly SoakSample[],
  opts: { warmupSec: number; clusters: number; minutes: number },
): { figures: SoakFigures; lines: string[] } {
  const after = samples.filter((s) => s.atSec >= opts.warmupSec);
  const first = after[0];
  const last = after.at(-1);
  if (!first || !last || after.length < 2) {
    throw new Error(
      `Too few samples after the ${opts.warmupSec} s warm-up: run longer (--minutes) or sample more often.`,
    );
  }
  const rss = after.map((s) => s.rssMb);
  const figures: SoakFigures = {
    warmupSampleAtSec: first.atSec,
    rssAtWarmupMb: first.rssMb,
    rssAtEndMb: last.rssMb,
    rssGrowthMb: r1(last.rssMb - first.rssMb),
    rssTrendMbPerHour: r1(slopePerHour(after.map((s) => ({ atSec: s.atSec, v: s.rssMb })))),
    rssPlateauMb: r1(median(rss)),
    rssPeakMb: Math.max(...after.map((s) => s.rssPeakMb)),
    heapAfterGcAtWarmupMb: first.heapUsedAfterGcMb,
    heapAfterGcAtEndMb: last.heapUsedAfterGcMb,
    heapCommittedMaxMb: Math.max(...after.map((s) => s.heapTotalMb)),
    newSpaceCommittedMaxMb: Math.max(...after.map((s) => s.spacesMb.new_space ?? 0)),
    oldSpaceCommittedMaxMb: Math.max(...after.map((s) => s.spacesMb.old_space ?? 0)),
    fds: range(after.map((s) => s.fds)),
    sockets: range(after.map((s) => s.sockets)),
    timers: range(after.map((s) => s.timers)),
    restingGrowth: {
      fds: restingGrowth(after, (s) => s.fds),
      sockets: restingGrowth(after, (s) => s.sockets),
      timers: restingGrowth(after, (s) => s.timers),
    },
    checksDone: last.checksDone,
    warpChanges: last.warpChanges,
    cpuSecPerCheck: r2((last.cpuSec - first.cpuSec) / Math.max(1, last.checksDone - first.checksDone)),
    gcAfterWarmup: {
      minor: last.gc.minor - first.gc.minor,
      major: last.gc.major - first.gc.major,
      msPerCheck: r1((last.gc.ms - first.gc.ms) / Math.max(1, last.checksDone - first.checksDone)),
    },
    targetsMet: false,
  };
  const growthOk = figures.rssGrowthMb < TARGET_GROWTH_MB;
  const plateauOk = figures.rssPlateauMb < TARGET_PLATEAU_MB;
  figures.targetsMet = growthOk && plateauOk;
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const lines = [
    '',
    `After the ${opts.warmupSec} s warm-up (from t=${first.atSec} s to t=${last.atSec} s; ${figures.checksDone} background checks in all, ${figures.warpChanges} WARP changes seen):`,
    `  RSS growth ${figures.rssGrowthMb} MB (${figures.rssAtWarmupMb} → ${figures.rssAtEndMb}; trend ${figures.rssTrendMbPerHour} MB/h)   target < ${TARGET_GROWTH_MB} MB: ${mark(growthOk)}`,
    `  RSS plateau ${figures.rssPlateauMb} MB (median), peak ${figures.rssPeakMb} MB   target < ${TARGET_PLATEAU_MB} MB at 100 clusters: ${mark(plateauOk)}`,
    `  heap after GC ${figures.heapAfterGcAtWarmupMb} → ${figures.heapAfterGcAtEndMb} MB; V8 heap committed up to ${figures.heapCommittedMaxMb} MB (new space ${figures.newSpaceCommittedMaxMb}, old space ${figures.oldSpaceCommittedMaxMb})`,
    `  CPU ${figures.cpuSecPerCheck} s per check; V8 collections ${figures.gcAfterWarmup.minor} young, ${figures.gcAfterWarmup.major} full, ${figures.gcAfterWarmup.msPerCheck} ms per check`,
    `  fds ${figures.fds.join('–')}, sockets ${figures.sockets.join('–')}, timers ${figures.timers.join('–')}; resting level, second half − first half: fds ${figures.restingGrowth.fds}, sockets ${figures.restingGrowth.sockets}, timers ${figures.restingGrowth.timers}`,
  ];
  if (opts.clusters !== 100) lines.push(`  (the plateau target is for 100 clusters; this run had ${opts.clusters})`);
  return { figures, lines };
}
