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
import type { ProbeResultView } from '../../ipc/contract.ts';
import type { DomainPort } from '../../main/app/ports.ts';
import { createAppServices } from '../../main/app/services.ts';
import { startKubeztApp } from '../../main/electron/glue.ts';
import { createFakeElectron } from '../../test/electron/fake-electron.ts';
import { clusterView, createStandInDomain, probeResult, warpState } from '../../test/electron/stand-in-domain.ts';
import {
  launchChromium,
  openApp,
  REPO_ROOT,
  recordingHost,
  requireBuild,
  serveRenderer,
} from '../../test/helpers/browser.ts';

const { values } = parseArgs({
  options: { clusters: { type: 'string', default: '1000' }, runs: { type: 'string', default: '3' } },
});
const COUNT = Number(values.clusters);
const RUNS = Number(values.runs);
const TARGETS = { firstRenderMs: 100, keystrokeMs: 16, frozenMs: 50, trayRebuilds: 5 };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

/** The stand-in core with COUNT clusters whose results come one per macrotask, like real probes. */
function fleet(dir: string): { core: DomainPort } {
  const standIn = createStandInDomain(dir);
  standIn.pushWarp(warpState('connected'));
  standIn.state.clusters = Array.from({ length: COUNT }, (_, i) =>
    clusterView(`team${i % 7}-svc${i}`, { ips: [`10.${Math.floor(i / 250)}.${i % 250}.1`] }),
  );
  standIn.state.currentContext = 'zt-team0-svc0';
  const check: DomainPort['check'] = async (names, onResult) => {
    const out: ProbeResultView[] = [];
    for (const c of standIn.state.clusters) {
      if (names && !names.includes(c.name)) continue;
      await new Promise((r) => setImmediate(r));
      const r = probeResult(c.name, 'reachable', 5 + (out.length % 40));
      onResult(r);
      out.push(r);
    }
    return out;
  };
  return { core: { ...standIn.core, check } };
}

/** Set before the page's own scripts: the time the first real row is painted, and long tasks. */
const PROBES = `(() => {
  window.__longTasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration }); })
    .observe({ type: 'longtask', buffered: true });
  const seen = new MutationObserver(() => {
    if (window.__mounted === undefined && document.querySelector('table.clusters')) window.__mounted = performance.now();
    if (!document.querySelector('table.clusters tbody th[scope="row"]')) return;
    seen.disconnect();
    requestAnimationFrame(() => requestAnimationFrame((t) => { window.__firstRows = t; }));
  });
  seen.observe(document, { subtree: true, childList: true });
})();`;

async function firstRender(browser: Browser, url: string, dir: string) {
  const { core } = fleet(dir);
  const services = createAppServices(core, recordingHost().host, { log: () => {}, setTimer: () => () => {} });
  const app = await openAppWithProbes(browser, url, services);
  await app.page.waitForFunction(() => (window as unknown as { __firstRows?: number }).__firstRows !== undefined);
  const ms = await app.page.evaluate(() => {
    const w = window as unknown as { __firstRows: number; __mounted: number };
    return { fromNavigation: w.__firstRows, fromMount: w.__firstRows - w.__mounted };
  });
  await app.page.locator('table.clusters[aria-busy="false"]').waitFor({ timeout: 120_000 });
  await app.close();
  return ms;
}

async function openAppWithProbes(browser: Browser, url: string, services: ReturnType<typeof createAppServices>) {
  // The probes must run before the renderer: a blank page first, the init script, then the app.
  const app = await openApp(browser, { services, url: 'about:blank', colorScheme: 'light' });
  await app.page.addInitScript({ content: PROBES });
  await app.page.goto(url);
  return app;
}

/** Per keystroke: keydown → the filtered table painted (the first frame after the table changed). */
async function keystrokes(page: Page, text: string): Promise<number[]> {
  const search = page.getByRole('searchbox', { name: 'Search clusters' });
  await search.focus();
  const out: number[] = [];
  for (const ch of text) {
    // Armed (and awaited) before the key is sent, so the keydown cannot come first.
    await page.evaluate(() => {
      const w = window as unknown as { __keyDone?: Promise<number> };
      w.__keyDone = new Promise<number>((resolve) => {
        let t0 = 0;
        // The table says which filter it shows (data-filter): done when it shows the box's text.
        const table = document.querySelector('table.clusters') as HTMLElement;
        const input = document.querySelector('#cluster-search') as HTMLInputElement;
        const mo = new MutationObserver(() => {
          if (table.dataset.filter !== input.value) return;
          mo.disconnect();
          requestAnimationFrame(() => resolve(performance.now() - t0));
        });
        window.addEventListener(
          'keydown',
          () => {
            t0 = performance.now();
            mo.observe(table, { attributes: true, attributeFilter: ['data-filter'] });
          },
          { capture: true, once: true },
        );
      });
    });
    await page.keyboard.type(ch);
    out.push(await page.evaluate(() => (window as unknown as { __keyDone: Promise<number> }).__keyDone));
  }
  return out;
}

async function dashboard(browser: Browser, url: string, dir: string) {
  const { core } = fleet(dir);
  const services = createAppServices(core, recordingHost().host, { log: () => {}, setTimer: () => () => {} });
  const app = await openAppWithProbes(browser, url, services);
  const { page } = app;
  await page.locator('table.clusters[aria-busy="false"]').waitFor({ timeout: 120_000 });
  const rowsInDom = await page.locator('table.clusters tbody tr').count();
  const keys = await keystrokes(page, 'svc12');
  await page.getByRole('searchbox', { name: 'Search clusters' }).fill('');
  // A check streaming in: the longest long task between "Check now" and the last result painted.
  const from = await page.evaluate(() => performance.now());
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Check now' }).click();
  await page.locator('table.clusters[aria-busy="true"]').waitFor();
  await page.locator('table.clusters[aria-busy="false"]').waitFor({ timeout: 120_000 });
  const checkMs = Date.now() - t0;
  const tasks = await page.evaluate(
    (start) =>
      (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks.filter(
        (t) => t.start >= start,
      ),
    from,
  );
  await app.close();
  return { rowsInDom, keys, checkMs, longest: Math.max(0, ...tasks.map((t) => t.duration)), longTasks: tasks.length };
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
    const first: { fromNavigation: number; fromMount: number }[] = [];
    const runs: Awaited<ReturnType<typeof dashboard>>[] = [];
    for (let i = 0; i < RUNS; i++) {
      console.error(`run ${i + 1}/${RUNS}: first render, then keystrokes and a check…`);
      first.push(await firstRender(browser, server.url, path.join(work, `first-${i}`)));
      runs.push(await dashboard(browser, server.url, path.join(work, `dash-${i}`)));
    }
    console.error('the tray over a check…');
    const tray = await trayRebuilds(path.join(work, 'tray'));
    const keys = runs.flatMap((r) => r.keys);
    const summary = {
      clusters: COUNT,
      runs: RUNS,
      firstRenderMs: median(first.map((f) => f.fromNavigation)),
      listToRowsMs: median(first.map((f) => f.fromMount)),
      keystrokeMedianMs: median(keys),
      keystrokeMaxMs: Math.max(...keys),
      longestFrozenMs: Math.max(...runs.map((r) => r.longest)),
      checkRepaintMs: median(runs.map((r) => r.checkMs)),
      rowsInDom: runs[0]?.rowsInDom,
      trayRebuildsPerCheck: tray.rebuilds,
      trayResults: tray.results,
      loadAverage: (await import('node:os')).loadavg(),
    };
    console.log(`Dashboard with ${COUNT} clusters (stand-in core, Chromium), ${RUNS} runs, medians:`);
    const line = (label: string, value: string, ratio: number, target: string) =>
      console.log(`  ${label.padEnd(34)} ${value.padStart(10)}   target ${target.padEnd(8)} ratio ${ratio.toFixed(2)}`);
    line(
      'first render (all visible rows)',
      fmt(summary.firstRenderMs),
      summary.firstRenderMs / TARGETS.firstRenderMs,
      '< 100 ms',
    );
    line(
      '  of which: app shown → rows',
      fmt(summary.listToRowsMs),
      summary.listToRowsMs / TARGETS.firstRenderMs,
      '< 100 ms',
    );
    line(
      'filter keystroke (median)',
      fmt(summary.keystrokeMedianMs),
      summary.keystrokeMedianMs / TARGETS.keystrokeMs,
      '< 16 ms',
    );
    line(
      'filter keystroke (worst)',
      fmt(summary.keystrokeMaxMs),
      summary.keystrokeMaxMs / TARGETS.keystrokeMs,
      '< 16 ms',
    );
    line(
      'longest frozen stretch in a check',
      fmt(summary.longestFrozenMs),
      summary.longestFrozenMs / TARGETS.frozenMs,
      '< 50 ms',
    );
    line(
      'tray menu rebuilds per check',
      String(summary.trayRebuildsPerCheck),
      summary.trayRebuildsPerCheck / TARGETS.trayRebuilds,
      '≤ 5',
    );
    console.log(
      `  check repaint (click → last result): ${fmt(summary.checkRepaintMs)}; rows in the DOM: ${summary.rowsInDom}`,
    );
    console.log(`  load average while measured: ${summary.loadAverage.map((x) => x.toFixed(2)).join(' ')}`);
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
