// The dashboard with many clusters, measured in Chromium (playwright-core) on the BUILT renderer
// and preload, wired to the app services over the project's stand-in core, as the browser tests
// are; and the tray's menu rebuilds over a check, through the recording Electron fake.
//
//   node_modules/.bin/node bench/dashboard/run.ts [--clusters 1000] [--runs 3]
//
// Prints each figure against its target and writes bench/results/dashboard.json. Needs
// `npm run build` first (the script says so when out/ is missing). Method: bench/README.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { createAppServices } from '../../main/app/services.ts';
import { startKubeztApp } from '../../main/electron/glue.ts';
import { createFakeElectron } from '../../test/electron/fake-electron.ts';
import {
  launchChromium,
  openApp,
  REPO_ROOT,
  recordingHost,
  requireBuild,
  serveRenderer,
} from '../../test/helpers/browser.ts';
import { fleet as fleetOf } from './fleet.ts';
import { measureKeys } from './keys.ts';
import { type TaskSummary, traceTasks } from './tasks.ts';

const { values } = parseArgs({
  options: { clusters: { type: 'string', default: '1000' }, runs: { type: 'string', default: '3' } },
});
const COUNT = Number(values.clusters);
const RUNS = Number(values.runs);
const TARGETS = { firstRenderMs: 100, keystrokeMs: 16, frozenMs: 50, trayRebuilds: 5 };

/** How each target reads in the printout. */
const TARGET_TEXT: Record<keyof typeof TARGETS, string> = {
  firstRenderMs: '< 100 ms',
  keystrokeMs: '< 16 ms',
  frozenMs: '< 50 ms',
  trayRebuilds: '≤ 5',
};

/** A figure against its target (ms unless the target counts), or a note printed in brackets. */
type Figure = readonly [label: string, value: number, target: keyof typeof TARGETS] | string;

function printFigures(figures: readonly Figure[]): void {
  for (const figure of figures) {
    if (typeof figure === 'string') {
      console.log(`  (${figure})`);
      continue;
    }
    const [label, value, target] = figure;
    const shown = target === 'trayRebuilds' ? String(value) : fmt(value);
    const ratio = (value / TARGETS[target]).toFixed(2);
    console.log(`  ${label.padEnd(34)} ${shown.padStart(10)}   target ${TARGET_TEXT[target].padEnd(8)} ratio ${ratio}`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const fleet = (dir: string) => fleetOf(dir, COUNT);

/** Set before the page's own scripts: the time the first real row is painted, and long tasks. */
const PROBES = `(() => {
  window.__longTasks = [];
  // Data ready: the list's IPC answer is in the page. The preload looks the binding up per call.
  const wrap = () => {
    const invoke = window.__kubeztInvoke;
    if (!invoke) return setTimeout(wrap, 0);
    window.__kubeztInvoke = async (channel, payload) => {
      const answer = await invoke(channel, payload);
      if (window.__dataReady === undefined && /listClusters$/.test(channel)) { window.__dataReady = performance.now(); performance.mark('bench:from'); }
      return answer;
    };
  };
  wrap();
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration }); })
    .observe({ type: 'longtask', buffered: true });
  const seen = new MutationObserver(() => {
    if (!document.querySelector('table.clusters tbody th[scope="row"]')) return;
    seen.disconnect();
    requestAnimationFrame(() => requestAnimationFrame((t) => { window.__firstRows = t; performance.mark('bench:to'); }));
  });
  seen.observe(document, { subtree: true, childList: true });
})();`;

async function firstRender(browser: Browser, url: string, dir: string) {
  const { core } = fleet(dir);
  const services = createAppServices(core, recordingHost().host, { log: () => {}, setTimer: () => () => {} });
  let stopTrace: (() => Promise<TaskSummary>) | undefined;
  const app = await openAppWithProbes(browser, url, services, async (page) => {
    stopTrace = await traceTasks(await page.context().newCDPSession(page));
  });
  await app.page.waitForFunction(() => (window as unknown as { __firstRows?: number }).__firstRows !== undefined);
  const ms = await app.page.evaluate(() => {
    const w = window as unknown as { __firstRows: number; __dataReady: number };
    return { fromNavigation: w.__firstRows, dataReady: w.__dataReady, fromData: w.__firstRows - w.__dataReady };
  });
  const between = (await stopTrace?.())?.between;
  if (!between) throw new Error('the trace holds no bench:from and bench:to marks');
  await app.page.locator('table.clusters[aria-busy="false"]').waitFor({ timeout: 120_000 });
  await app.close();
  return { ...ms, ownCpuMs: between.ownCpuMs, ownWallMs: between.ownWallMs, transportMs: between.transportMs };
}

async function openAppWithProbes(
  browser: Browser,
  url: string,
  services: ReturnType<typeof createAppServices>,
  beforeNavigation?: (page: Page) => Promise<void>,
) {
  // The probes must run before the renderer: a blank page first, the init script, then the app.
  const app = await openApp(browser, { services, url: 'about:blank', colorScheme: 'light' });
  await app.page.addInitScript({ content: PROBES });
  await beforeNavigation?.(app.page);
  await app.page.goto(url);
  return app;
}

async function dashboard(browser: Browser, url: string, dir: string) {
  const { core } = fleet(dir);
  const services = createAppServices(core, recordingHost().host, { log: () => {}, setTimer: () => () => {} });
  const app = await openAppWithProbes(browser, url, services);
  const { page } = app;
  await page.locator('table.clusters[aria-busy="false"]').waitFor({ timeout: 120_000 });
  const rowsInDom = await page.locator('table.clusters tbody tr').count();
  const keys = await measureKeys(page, 'svc12');
  // A check streaming in: the longest long task between "Check now" and the last result painted.
  const stopTrace = await traceTasks(await page.context().newCDPSession(page));
  const from = await page.evaluate(() => performance.now());
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Check now' }).click();
  await page.locator('table.clusters[aria-busy="true"]').waitFor();
  await page.locator('table.clusters[aria-busy="false"]').waitFor({ timeout: 120_000 });
  const checkMs = Date.now() - t0;
  const trace = await stopTrace();
  const tasks = await page.evaluate(
    (start) =>
      (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks.filter(
        (t) => t.start >= start,
      ),
    from,
  );
  await app.close();
  return {
    rowsInDom,
    keys,
    checkMs,
    longest: Math.max(0, ...tasks.map((t) => t.duration)),
    longTasks: tasks.length,
    trace,
  };
}

/** Menu rebuilds of the tray while every cluster is checked, with the glue's own timer. */
async function trayRebuilds(dir: string): Promise<{ rebuilds: number; results: number }> {
  const electron = createFakeElectron({ platform: 'linux' });
  const { core } = fleet(dir);
  const running = await startKubeztApp(electron.apis, {
    platform: 'linux',
    homeDir: path.join(dir, 'home'),
    execPath: '/opt/kubezt/kubezt',
    rendererOrigin: { kind: 'app', root: path.join(dir, 'renderer') },
    preloadPath: path.join(dir, 'preload.cjs'),
    trayIconsDir: path.join(REPO_ROOT, 'assets', 'tray'),
    readEnvironment: async () => ({
      env: {},
      loginShell: { status: 'ok', shell: '/bin/bash', detail: null, pathFromShell: true, kubeconfigFromShell: false },
    }),
    log: () => {},
    createServices: async (host) => createAppServices(core, host, { log: () => {}, setTimer: () => () => {} }),
  });
  const tray = electron.record.trays[0];
  if (!running || !tray) throw new Error('the app did not start');
  await running.services.call('listClusters');
  await new Promise((r) => setTimeout(r, 400));
  const before = tray.menus.length;
  let results = 0;
  const off = running.services.onEvent((e) => {
    if (e.name === 'probeResult') results++;
  });
  await running.services.call('check');
  await new Promise((r) => setTimeout(r, 400));
  off();
  const rebuilds = tray.menus.length - before;
  running.quit();
  return { rebuilds, results };
}

async function main(): Promise<void> {
  requireBuild();
  const work = mkdtempSync(path.join(tmpdir(), 'kubezt-bench-dashboard-'));
  const [browser, server] = await Promise.all([launchChromium(), serveRenderer()]);
  try {
    const first: Awaited<ReturnType<typeof firstRender>>[] = [];
    const runs: Awaited<ReturnType<typeof dashboard>>[] = [];
    for (let i = 0; i < RUNS; i++) {
      console.error(`run ${i + 1}/${RUNS}: first render, then keystrokes and a check…`);
      first.push(await firstRender(browser, server.url, path.join(work, `first-${i}`)));
      runs.push(await dashboard(browser, server.url, path.join(work, `dash-${i}`)));
    }
    console.error('the tray over a check…');
    const tray = await trayRebuilds(path.join(work, 'tray'));
    const keys = runs.flatMap((r) => r.keys.filteredMs);
    const typed = runs.flatMap((r) => r.keys.typedMs);
    const summary = {
      clusters: COUNT,
      runs: RUNS,
      firstRenderMs: median(first.map((f) => f.fromNavigation)),
      dataReadyMs: median(first.map((f) => f.dataReady)),
      dataToRowsMs: median(first.map((f) => f.fromData)),
      dataToRowsOwnWallMs: median(first.map((f) => f.ownWallMs)),
      dataToRowsOwnCpuMs: median(first.map((f) => f.ownCpuMs)),
      dataToRowsTransportMs: median(first.map((f) => f.transportMs)),
      keystrokeMedianMs: median(keys),
      keystrokeMaxMs: Math.max(...keys),
      keystrokeEchoMedianMs: median(runs.flatMap((r) => r.keys.echoMs)),
      keystrokeFramesBehindEcho: runs.flatMap((r) => r.keys.framesBehindEcho),
      keystrokeOwnCpuMs: median(runs.map((r) => r.keys.ownCpuMs)),
      keystrokeTypedMedianMs: median(typed),
      keystrokeTypedMaxMs: Math.max(...typed),
      keystrokeTypedCpuMs: median(runs.map((r) => r.keys.typedCpuMs)),
      longestFrozenMs: median(runs.map((r) => r.longest)),
      longestOwnTaskMs: median(runs.map((r) => r.trace.longestOwnMs)),
      longestOwnTaskCpuMs: median(runs.map((r) => r.trace.longestOwnCpuMs)),
      longestTransportTaskMs: median(runs.map((r) => r.trace.longestTransportMs)),
      transportBytes: runs[0]?.trace.transportBytes ?? 0,
      traces: runs.map((r) => r.trace),
      checkRepaintMs: median(runs.map((r) => r.checkMs)),
      rowsInDom: runs[0]?.rowsInDom,
      trayRebuildsPerCheck: tray.rebuilds,
      trayResults: tray.results,
      loadAverage: (await import('node:os')).loadavg(),
    };
    console.log(`Dashboard with ${COUNT} clusters (stand-in core, Chromium), ${RUNS} runs, medians:`);
    const transport =
      summary.transportBytes > 0
        ? `the harness decoding one DevTools message of ${Math.round(summary.transportBytes / 1024)} KB: ${fmt(summary.longestTransportTaskMs)}`
        : 'no DevTools message of 32 KB or more in the check';
    printFigures([
      ['first render: data ready → rows', summary.dataToRowsMs, 'firstRenderMs'],
      ["  the renderer's own tasks, wall", summary.dataToRowsOwnWallMs, 'firstRenderMs'],
      ["  the renderer's own tasks, CPU", summary.dataToRowsOwnCpuMs, 'firstRenderMs'],
      `the harness's DevTools messages in that stretch: ${fmt(summary.dataToRowsTransportMs)}`,
      `navigation → visible rows painted ${fmt(summary.firstRenderMs)}, of which navigation → list in the page ${fmt(summary.dataReadyMs)}: page load and the harness's IPC`,
      ['filter keystroke (median)', summary.keystrokeMedianMs, 'keystrokeMs'],
      ['filter keystroke (worst)', summary.keystrokeMaxMs, 'keystrokeMs'],
      ["  the renderer's own CPU per key", summary.keystrokeOwnCpuMs, 'keystrokeMs'],
      `the box showing the key, median: ${fmt(summary.keystrokeEchoMedianMs)} (the wall times above wait for the next frame too)`,
      `keys whose rows showed in the frame that showed the key: ${summary.keystrokeFramesBehindEcho.filter((n) => n === 0).length}/${summary.keystrokeFramesBehindEcho.length} (frames behind: ${summary.keystrokeFramesBehindEcho.join(' ')})`,
      `typed through playwright, harness included: median ${fmt(summary.keystrokeTypedMedianMs)}, worst ${fmt(summary.keystrokeTypedMaxMs)}, main-thread CPU per key ${fmt(summary.keystrokeTypedCpuMs)}`,
      ['longest long task in a check', summary.longestFrozenMs, 'frozenMs'],
      ["  the renderer's own (trace), wall", summary.longestOwnTaskMs, 'frozenMs'],
      ["  the renderer's own (trace), CPU", summary.longestOwnTaskCpuMs, 'frozenMs'],
      transport,
      ['tray menu rebuilds per check', summary.trayRebuildsPerCheck, 'trayRebuilds'],
      `check repaint (click → last result): ${fmt(summary.checkRepaintMs)}; rows in the DOM: ${summary.rowsInDom}`,
      `load average while measured: ${summary.loadAverage.map((x) => x.toFixed(2)).join(' ')}`,
    ]);
    const out = path.join(REPO_ROOT, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'dashboard.json'), `${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    await browser.close();
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
