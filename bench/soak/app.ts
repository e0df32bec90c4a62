// The app side of the soak benchmark (bench/soak/run.ts starts it): the app's services and real
// core, built as main/electron builds them but under plain Node, against the simulator the parent
// runs. Only the Electron parts are stand-ins: global fetch for net.fetch, settings on conf, an
// in-memory secret store (the token comes from CLOUDFLARE_API_TOKEN anyway) and a host that
// counts notifications. It runs on its own so that its memory is the app's alone, not the
// simulator's hundred TLS servers.
//
// Every `sampleSec` it forces a full GC and prints one JSON line on stdout (`{"sample": …}`);
// at the end one `{"done": …}` line. Nothing else goes to stdout.
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import { createDomainAdapter } from '../../main/app/adapters/index.ts';
import { createAppServices } from '../../main/app/services.ts';
import { applyAppV8Flags } from '../../main/app/v8-flags.ts';
import { UserError } from '../../main/core/errors.ts';
import { nodeProcessRunner } from '../../main/core/process/runner.ts';
import { openSettings } from '../../main/core/settings/store.ts';
import { recordingAppHost } from '../../test/helpers/app-host.ts';

export interface SoakAppConfig {
  env: Record<string, string>;
  homeDir: string;
  configDir: string;
  minutes: number;
  sampleSec: number;
  refreshIntervalSec: number;
  /** Apply main/app/v8-flags.ts as main/electron does (false: measure without them). */
  applyAppFlags: boolean;
  /** Where to write a sampling allocation profile (every allocation, collected or not). */
  allocationProfile?: string;
  /** Where to write a heap snapshot at the end (what the heap after GC is made of). */
  heapSnapshot?: string;
}

export interface SoakSample {
  atSec: number;
  /** RSS just before the forced GC: what the app holds between samples. */
  rssMb: number;
  /** Highest RSS seen (polled every second) since the previous sample. */
  rssPeakMb: number;
  rssAfterGcMb: number;
  heapUsedAfterGcMb: number;
  /** V8's committed heap before / after the GC (all spaces). */
  heapTotalMb: number;
  heapTotalAfterGcMb: number;
  externalMb: number;
  /**
   * RSS after the GC by kind of mapping (/proc/self/smaps): files (the node binary, libraries),
   * anonymous mappings of exactly 256 KiB (V8's heap pages, in use or pooled), and other
   * anonymous memory (malloc: OpenSSL, libuv, buffers; thread stacks).
   */
  rssByKindMb: { file: number; v8Pages: number; otherAnon: number };
  /** Committed size of each heap space before the GC (where the reservation sits). */
  spacesMb: Record<string, number>;
  fds: number;
  sockets: number;
  timers: number;
  /** process.getActiveResourcesInfo() by type. */
  resources: Record<string, number>;
  checksDone: number;
  warpChanges: number;
  /** CPU time of the app (user + system) since its start. */
  cpuSec: number;
  /** Young- and old-generation collections V8 ran since the start (the forced ones excluded), and their time. */
  gc: { minor: number; major: number; ms: number };
}

const config = JSON.parse(process.env.KUBEZT_SOAK_CONFIG ?? 'null') as SoakAppConfig | null;
if (!config) throw new Error('bench/soak/app.ts is started by bench/soak/run.ts (KUBEZT_SOAK_CONFIG is missing).');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('bench/soak/app.ts needs --expose-gc.');
// After the static imports, as in the app's bundle: there the npm packages it imports are
// evaluated before its own first module applies the flags (client-node loads later, lazily).
if (config.applyAppFlags) applyAppV8Flags();

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const emit = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);

function fdCounts(): { fds: number; sockets: number } {
  let fds = 0;
  let sockets = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      fds++;
      if (target.startsWith('socket:')) sockets++;
    } catch {
      // The fd readdir itself used, closed by now.
    }
  }
  return { fds, sockets };
}

function rssByKind(): SoakSample['rssByKindMb'] {
  const kb = { file: 0, v8Pages: 0, otherAnon: 0 };
  let kind: keyof typeof kb = 'otherAnon';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const map = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (map) {
      const size = Number.parseInt(map[2] as string, 16) - Number.parseInt(map[1] as string, 16);
      const named = (map[4] ?? '') !== '' && !(map[4] as string).startsWith('[');
      kind = named ? 'file' : size === 256 * 1024 && map[4] === '' ? 'v8Pages' : 'otherAnon';
    } else if (line.startsWith('Rss:')) {
      kb[kind] += Number(line.split(/\s+/)[1]);
    }
  }
  return { file: mb(kb.file * 1024), v8Pages: mb(kb.v8Pages * 1024), otherAnon: mb(kb.otherAnon * 1024) };
}

function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

const { store: settings } = openSettings({ configDir: config.configDir });
settings.update({ refreshIntervalSec: config.refreshIntervalSec });
const log = (message: string, error?: unknown) =>
  process.stderr.write(`kubezt: ${message} ${error instanceof Error ? error.message : (error ?? '')}\n`);
const core = createDomainAdapter({
  env: config.env,
  platform: process.platform,
  homeDir: config.homeDir,
  configDir: config.configDir,
  runner: nodeProcessRunner,
  fetch: (input, init) => fetch(input, init),
  settings,
  secrets: {
    get: async () => undefined,
    set: async () => {
      throw new UserError('keychain-unavailable', 'The soak benchmark has no keychain.');
    },
    delete: async () => false,
    describe: () => 'no keychain (the soak benchmark)',
  },
  log,
  appVersion: '0.0.0-soak',
});
let notifications = 0;
const services = createAppServices(
  core,
  recordingAppHost({
    appVersion: '0.0.0-soak',
    platform: process.platform,
    // Counted, not kept: the soak measures memory over ten minutes.
    notify: () => {
      notifications++;
    },
  }).host,
  { log },
);

let checksDone = 0;
let warpChanges = 0;
let lastStatus = '';
services.onEvent((event) => {
  if (event.name === 'probeResult' && event.payload.origin === 'background' && event.payload.remaining === 0) {
    checksDone++;
  }
  if (event.name === 'warpState' && event.payload.status !== lastStatus) {
    lastStatus = event.payload.status;
    warpChanges++;
  }
});

const gcStats = { minor: 0, major: 0, ms: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const detail = (entry as PerformanceEntry & { detail?: { kind?: number; flags?: number } }).detail;
    // The samples' own gc() calls are not the app's.
    if ((detail?.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) continue;
    const kind = detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR || kind === constants.NODE_PERFORMANCE_GC_MINOR_MARK_SWEEP) {
      gcStats.minor++;
    } else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gcStats.major++;
    gcStats.ms += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

const started = performance.now();
let peak = 0;
const peakTimer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 1000);

function sample(): SoakSample {
  const before = process.memoryUsage();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, mb(s.space_size)]));
  gc?.();
  const after = process.memoryUsage();
  const rssPeak = Math.max(peak, before.rss);
  peak = 0;
  const all = resources();
  const cpu = process.cpuUsage();
  return {
    atSec: Math.round((performance.now() - started) / 1000),
    rssMb: mb(before.rss),
    rssPeakMb: mb(rssPeak),
    rssAfterGcMb: mb(after.rss),
    heapUsedAfterGcMb: mb(after.heapUsed),
    heapTotalMb: mb(before.heapTotal),
    heapTotalAfterGcMb: mb(after.heapTotal),
    externalMb: mb(after.external),
    rssByKindMb: rssByKind(),
    spacesMb: spaces,
    ...fdCounts(),
    timers: all.Timeout ?? 0,
    resources: all,
    checksDone,
    warpChanges,
    cpuSec: Math.round(((cpu.user + cpu.system) / 1e6) * 10) / 10,
    gc: { ...gcStats, ms: Math.round(gcStats.ms) },
  };
}

// Allocations, not what is left: garbage is what makes V8 grow its heap.
const profiler = config.allocationProfile ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('HeapProfiler.startSampling', {
    samplingInterval: 16_384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
}

await services.start();
emit({ sample: sample() });
const sampler = setInterval(() => emit({ sample: sample() }), config.sampleSec * 1000);
await new Promise((resolve) => setTimeout(resolve, config.minutes * 60_000 - (performance.now() - started)));
// Taken with the soak's own timers still running, as every other sample was.
emit({ sample: sample() });
clearInterval(sampler);
clearInterval(peakTimer);
services.stop();
await core.close();
if (profiler && config.allocationProfile) {
  const { profile } = await profiler.post('HeapProfiler.stopSampling');
  writeFileSync(config.allocationProfile, JSON.stringify(profile));
}
if (config.heapSnapshot) v8.writeHeapSnapshot(config.heapSnapshot);
emit({ done: { checksDone, warpChanges, notifications, flags: process.execArgv } });
