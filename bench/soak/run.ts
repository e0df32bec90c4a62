// Soak benchmark: the app's services (bench/soak/app.ts, its own Node process) over N simulated
// clusters for a long run: background checks at the shortest interval the settings allow, and the
// fake WARP flipping between connected and disconnected every 30 s (each flip triggers a check
// at once, as it does in the tray). Prints RSS, heap after GC, file descriptors, sockets and
// timers over time, and the verdict against the targets (RSS growth after warm-up < 10 MB, RSS
// plateau < 200 MB at 100 clusters). JSON: bench/results/soak-*.json.
//
//   node_modules/.bin/node bench/soak/run.ts [--minutes 10] [--clusters 100] [--sample-sec 30]
//                                            [--flap-sec 30] [--warmup-sec 60]
//
// This process runs the simulator (Cloudflare API, API server farm, fake WARP) and, before the
// app starts, the real `kubezt setup --yes`, so the app finds a set-up kubeconfig as a user's tray
// does after login. The app runs with --expose-gc and applies the V8 flags the Electron app ships
// (main/app/v8-flags.ts) the way the app does, so the figures are those of what ships.
// `--no-app-flags` leaves them out, `--js-flags "…"` adds command-line flags (both to compare).
import { execFile, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { APP_V8_FLAGS } from '../../main/app/v8-flags.ts';
import { settingsJsonSchema } from '../../main/core/settings/schema.ts';
import { startSimulator } from '../../sim/environment.ts';
import type { SoakAppConfig, SoakSample } from './app.ts';
import { summarize } from './summary.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const RESULTS = join(ROOT, 'bench', 'results');

const { values } = parseArgs({
  allowNegative: true,
  options: {
    minutes: { type: 'string', default: '10' },
    clusters: { type: 'string', default: '100' },
    'sample-sec': { type: 'string', default: '30' },
    'flap-sec': { type: 'string', default: '30' },
    'warmup-sec': { type: 'string', default: '60' },
    'js-flags': { type: 'string', default: '' },
    'app-flags': { type: 'boolean', default: true },
    'allocation-profile': { type: 'string' },
    'heap-snapshot': { type: 'string' },
  },
});
const minutes = Number(values.minutes);
const clusters = Number(values.clusters);
const sampleSec = Number(values['sample-sec']);
const flapSec = Number(values['flap-sec']);
const warmupSec = Number(values['warmup-sec']);
// Experiments only: the figures that count are those with the shipped flags alone.
const appFlags = values['app-flags'] ? APP_V8_FLAGS : [];
for (const [name, v] of Object.entries({ minutes, clusters, sampleSec, flapSec, warmupSec })) {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number, got ${String(v)}.`);
}
const refreshIntervalSec = (settingsJsonSchema.properties as Record<string, { minimum?: number }>).refreshIntervalSec
  ?.minimum;
if (typeof refreshIntervalSec !== 'number') throw new Error('The settings schema has no minimum refresh interval.');

const dir = mkdtempSync(join(tmpdir(), 'kubezt-bench-soak-'));
const sim = await startSimulator({ dir, clusters });
let flapper: NodeJS.Timeout | undefined;
try {
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...sim.env };

  // Async: the simulator answers from this process, so a blocking spawn would stall it.
  await new Promise<void>((resolve, reject) => {
    execFile(NODE, [join(ROOT, 'bin', 'kubezt.js'), 'setup', '--yes', '--json'], { env }, (error, _out, stderr) =>
      error ? reject(new Error(`kubezt setup failed: ${stderr.trim()}`)) : resolve(),
    );
  });

  const appConfig: SoakAppConfig = {
    env,
    homeDir: home,
    configDir: sim.configDir,
    minutes,
    sampleSec,
    refreshIntervalSec,
    applyAppFlags: values['app-flags'],
    ...(values['allocation-profile'] ? { allocationProfile: resolve(values['allocation-profile']) } : {}),
    ...(values['heap-snapshot'] ? { heapSnapshot: resolve(values['heap-snapshot']) } : {}),
  };
  const execArgv = ['--expose-gc', ...values['js-flags'].split(/\s+/).filter(Boolean)];
  const app = spawn(NODE, [...execArgv, join(import.meta.dirname, 'app.ts')], {
    env: { ...env, KUBEZT_SOAK_CONFIG: JSON.stringify(appConfig) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let appErrors = 0;
  app.stderr.setEncoding('utf8');
  app.stderr.on('data', (chunk: string) => {
    appErrors += chunk.split('\n').filter(Boolean).length;
    process.stderr.write(chunk);
  });

  let connected = true;
  flapper = setInterval(() => {
    connected = !connected;
    sim.warp.setState(
      connected
        ? { status: 'Connected', trace: { warp: 'on', gateway: 'on' } }
        : { status: 'Disconnected', trace: { warp: 'off', gateway: 'off' } },
    );
  }, flapSec * 1000);

  console.log(
    `Soak: ${clusters} simulated clusters, checks every ${refreshIntervalSec} s, WARP flips every ${flapSec} s, ` +
      `${minutes} min; app V8 flags: ${appFlags.join(' ') || 'none'}; node ${execArgv.join(' ')}; ${cpus().length} CPUs, load ${loadavg()[0]?.toFixed(2)}`,
  );
  console.log(
    '   t(s)  RSS MB  peak MB  heap-after-GC MB  heap committed MB (new/old)  RSS: V8 pages/other anon/files  fds  sockets  timers  checks',
  );
  const samples: SoakSample[] = [];
  const traceFile = join(RESULTS, 'soak-app-stdout.log');
  mkdirSync(RESULTS, { recursive: true });
  rmSync(traceFile, { force: true });
  let done: unknown;
  for await (const line of createInterface({ input: app.stdout })) {
    // V8's own traces (--js-flags=--trace-gc…) go to stdout too: kept aside in a file.
    if (!line.startsWith('{')) {
      appendFileSync(traceFile, `${line}\n`);
      continue;
    }
    const msg = JSON.parse(line) as { sample?: SoakSample; done?: unknown };
    if (msg.sample) {
      const s = msg.sample;
      samples.push(s);
      const col = (v: number | string, w: number) => String(v).padStart(w);
      console.log(
        `${col(s.atSec, 7)} ${col(s.rssMb, 7)} ${col(s.rssPeakMb, 8)} ${col(s.heapUsedAfterGcMb, 17)}` +
          ` ${col(`${s.heapTotalMb} (${s.spacesMb.new_space ?? '?'}/${s.spacesMb.old_space ?? '?'})`, 28)}` +
          ` ${col(`${s.rssByKindMb.v8Pages}/${s.rssByKindMb.otherAnon}/${s.rssByKindMb.file}`, 32)}` +
          ` ${col(s.fds, 4)} ${col(s.sockets, 8)} ${col(s.timers, 7)} ${col(s.checksDone, 7)}`,
      );
    }
    if (msg.done) done = msg.done;
  }
  const code = await new Promise<number | null>((resolve) => {
    if (app.exitCode !== null) resolve(app.exitCode);
    else app.once('exit', (c) => resolve(c));
  });
  if (code !== 0 || !done) throw new Error(`The soak app exited with ${code}.`);

  const summary = summarize(samples, { warmupSec, clusters, minutes });
  console.log(summary.lines.join('\n'));
  const result = {
    benchmark: 'soak',
    at: new Date().toISOString(),
    clusters,
    minutes,
    refreshIntervalSec,
    flapSec,
    sampleSec,
    warmupSec,
    appV8Flags: appFlags,
    nodeFlags: execArgv,
    cpus: cpus().length,
    loadAtEnd: loadavg(),
    appLogLines: appErrors,
    app: done,
    summary: summary.figures,
    samples,
  };
  const out = RESULTS;
  const json = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(join(out, `soak-${result.at.replace(/[:.]/g, '-')}.json`), json);
  writeFileSync(join(out, 'soak-latest.json'), json);
  process.exitCode = summary.figures.targetsMet ? 0 : 1;
} finally {
  clearInterval(flapper);
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
