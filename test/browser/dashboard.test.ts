/**
 * The renderer's behaviour with clusters on screen: rows filling in as probe results stream (and
 * nothing moving while they do), the WARP banner, and the diagnostics ladder. The data comes from
 * a stand-in core that releases each result when the test says so; what is under test is the
 * renderer, the preload and the service layer. The same scenarios against the simulator with the
 * real core are in test/browser/e2e.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ProbeResultView } from '../../ipc/contract.ts';
import type { DomainPort, ResultListener } from '../../main/app/ports.ts';
import { createAppServices } from '../../main/app/services.ts';
import { clusterView, createStandInDomain, probeResult, warpState } from '../electron/stand-in-domain.ts';
import {
  captureSchemes,
  chromiumSuite,
  describeViolations,
  openApp,
  recordingHost,
  runAxe,
  saveScreenshot,
} from '../helpers/browser.ts';

const suite = chromiumSuite('dashboard');

function intercepted(cluster: string): ProbeResultView {
  return {
    cluster,
    reachability: 'unreachable',
    latencyMs: 4.2,
    serverVersion: null,
    skew: null,
    steps: [
      { name: 'warp', status: 'ok', durationMs: 2, detail: 'WARP connected (warp-cli)', remedy: null, code: null },
      {
        name: 'vnet',
        status: 'ok',
        durationMs: 1,
        detail: 'WARP has the cluster\'s virtual network "lab-net" selected.',
        remedy: null,
        code: null,
      },
      { name: 'route', status: 'ok', durationMs: 5, detail: '127.0.1.3 goes through lo', remedy: null, code: null },
      { name: 'tcp', status: 'ok', durationMs: 4.2, detail: 'connected to 127.0.1.3:6443', remedy: null, code: null },
      {
        name: 'tls',
        status: 'fail',
        durationMs: 11,
        detail: 'certificate issued by "Gateway CA - Cloudflare Managed G1"',
        remedy:
          'Add a Gateway HTTP rule "Do Not Inspect" for 127.0.1.3/32, so kubectl sees the API server\'s own certificate.',
        code: 'tls-intercepted',
      },
      { name: 'version', status: 'skip', durationMs: null, detail: 'not run: TLS failed', remedy: null, code: null },
      { name: 'auth', status: 'skip', durationMs: null, detail: 'not run: TLS failed', remedy: null, code: null },
    ],
    verdict: 'tls-intercepted',
    failingStep: 'tls',
    summary: 'Cloudflare Gateway inspects the TLS connection to this API server.',
    remedy:
      'Add a Gateway HTTP rule "Do Not Inspect" for 127.0.1.3/32, so kubectl sees the API server\'s own certificate.',
    checkedAt: new Date().toISOString(),
  };
}

/** A core whose check results are held until the test releases them, one cluster at a time. */
function gatedFleet(name: string) {
  const standIn = createStandInDomain(path.join(suite.work, name));
  standIn.pushWarp(warpState('connected'));
  standIn.state.clusters = [
    clusterView('prod-us', { sources: ['cloudflare', 'catalog'] }),
    clusterView('payments-eu', { ips: ['127.0.1.11', 'fd00::11'] }),
    clusterView('lab', { tunnel: { name: 'k8s-lab', health: 'degraded' } }),
  ];
  standIn.state.currentContext = 'zt-prod-us';
  const results: Record<string, ProbeResultView> = {
    'prod-us': probeResult('prod-us', 'reachable', 18),
    'payments-eu': { ...probeResult('payments-eu', 'reachable', 7.4), skew: null, serverVersion: 'v1.29.0' },
    lab: intercepted('lab'),
  };
  const gates = new Map<string, () => void>();
  const waiting = new Map<string, Promise<void>>();
  for (const c of Object.keys(results)) waiting.set(c, new Promise((r) => gates.set(c, r)));
  const check = async (names: readonly string[] | undefined, onResult: ResultListener) => {
    const wanted = names ?? Object.keys(results);
    return Promise.all(
      wanted.map(async (n) => {
        await waiting.get(n);
        const r = results[n] as ProbeResultView;
        onResult(r);
        return r;
      }),
    );
  };
  const core: DomainPort = {
    ...standIn.core,
    check,
    diagnose: async (names, onResult) => ({
      generatedAt: new Date().toISOString(),
      warp: standIn.core.warp.current(),
      kubectlVersion: 'v1.32.4',
      results: await check(names, onResult),
    }),
  };
  const { host, record } = recordingHost();
  const services = createAppServices(core, host, { log: () => {}, setTimer: () => () => {} });
  return { services, standIn, record, release: (n: string) => gates.get(n)?.() };
}

async function rowBoxes(page: Page) {
  return page.$$eval('table.clusters tr, table.clusters th[scope="col"]', (els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)];
    }),
  );
}

describe('dashboard with clusters', () => {
  it('fills rows as results stream in, without moving anything', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const fleet = gatedFleet(`stream-${colorScheme}`);
      const app = await openApp(suite.browser, { services: fleet.services, url: suite.url, colorScheme });
      const { page } = app;
      const row = (name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
      await row('lab').waitFor();
      for (const n of ['prod-us', 'payments-eu', 'lab']) expect(await row(n).textContent()).toContain('Checking…');
      expect(await row('prod-us').getAttribute('aria-current')).toBe('true');
      expect(await row('prod-us').textContent()).toContain('current');
      const before = await rowBoxes(page);

      fleet.release('payments-eu');
      await row('payments-eu').getByText('Reachable').waitFor();
      expect(await row('payments-eu').textContent()).toContain('7.4 ms');
      expect(await row('prod-us').textContent()).toContain('Checking…');
      expect(await rowBoxes(page)).toEqual(before);

      fleet.release('lab');
      // A failing verdict shows its short label, linking to the diagnosis, and no latency.
      await row('lab').getByRole('link', { name: 'Intercepted by Gateway' }).waitFor();
      expect(await row('lab').getByRole('link').getAttribute('href')).toBe('#diagnostics/lab');
      expect(await row('lab').textContent()).not.toContain('Unreachable');
      expect(await row('lab').textContent()).not.toContain('4.2 ms');
      expect(await rowBoxes(page)).toEqual(before);
      fleet.release('prod-us');
      await row('prod-us').getByText('Reachable').waitFor();
      expect(await row('prod-us').textContent()).toContain('v1.31.2 · −1 minor');
      expect(await rowBoxes(page)).toEqual(before);
      expect(await page.locator('table.clusters').getAttribute('aria-busy')).toBe('false');

      await saveScreenshot(page, `clusters-rows-${colorScheme}`);
      const violations = await runAxe(page);
      expect(violations, describeViolations(violations)).toEqual([]);

      // "Use" switches through the service layer; the list and the marker follow.
      await row('lab').getByRole('button', { name: 'Use lab' }).click();
      await page.getByText('Switched kubectl to zt-lab.').waitFor();
      await row('lab').getByText('current').waitFor();
      expect(await row('prod-us').getByRole('button', { name: 'Use prod-us' }).isEnabled()).toBe(true);
      expect(fleet.standIn.calls.filter((c) => c.method === 'useContext').map((c) => c.args[0])).toEqual(['zt-lab']);
      await app.close();
    }
  });

  it('shows a 20-character namespace whole at the default window width, on the current row and the others', async () => {
    const standIn = createStandInDomain(path.join(suite.work, 'namespaces'));
    standIn.pushWarp(warpState('connected'));
    standIn.state.clusters = [
      clusterView('payments-eu', {
        namespace: 'checkout-backend-prd',
        group: 'payments',
        sources: ['cloudflare', 'catalog'],
        ips: ['127.0.144.180', 'fd00::11'],
      }),
      clusterView('prod-us', { namespace: 'observability-agents', group: 'production' }),
      clusterView('lab', { sources: ['catalog'] }),
    ];
    standIn.state.currentContext = 'zt-payments-eu';
    const services = createAppServices(standIn.core, recordingHost().host, { log: () => {}, setTimer: () => () => {} });
    const app = await openApp(suite.browser, { services, url: suite.url, colorScheme: 'light' });
    const { page } = app;
    await page.locator('table.clusters[aria-busy="false"]').waitFor();
    expect(page.viewportSize()?.width).toBe(1180);
    const row = (name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
    expect(await row('payments-eu').getAttribute('aria-current')).toBe('true');
    // Each namespace's text ends inside what clips it: its button's content box, its line, its cell.
    // (A button's scrollWidth does not grow with its clipped text, so the boxes are compared.)
    const namespaces = await page.locator('table.clusters .cell-namespace .ns-button > span').evaluateAll((spans) =>
      spans.map((span) => {
        const contentRight = (e: Element) => {
          const style = getComputedStyle(e);
          return e.getBoundingClientRect().right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth);
        };
        const clips = [span.closest('button'), span.closest('.name-line'), span.closest('th')] as Element[];
        const right = span.getBoundingClientRect().right;
        return { text: span.textContent, clipped: right > Math.min(...clips.map(contentRight)) + 0.5 };
      }),
    );
    expect(namespaces).toEqual([
      { text: 'checkout-backend-prd', clipped: false },
      { text: 'observability-agents', clipped: false },
      { text: 'default', clipped: false },
    ]);
    // Still one row height, the group over its sources, and no other cell clipped.
    const heights = await page
      .locator('table.clusters tbody tr')
      .evaluateAll((rows) => rows.map((r) => Math.round(r.getBoundingClientRect().height)));
    expect(heights).toEqual([44, 44, 44]);
    expect(await row('payments-eu').locator('.cell-group').textContent()).toBe('payments CF + Catalog');
    const clipped = await page
      .locator('table.clusters tbody td, table.clusters thead th')
      .evaluateAll((cells) =>
        cells
          .filter((c) => c.scrollWidth > c.clientWidth || c.scrollHeight > c.clientHeight)
          .map((c) => `${c.textContent}: ${c.scrollWidth}/${c.clientWidth} × ${c.scrollHeight}/${c.clientHeight}`),
      );
    expect(clipped).toEqual([]);
    const violations = await captureSchemes(page, 'clusters-namespaces');
    expect(describeViolations(violations.light)).toBe('');
    expect(describeViolations(violations.dark)).toBe('');

    // A filter reuses the rows on screen for its matches: an open namespace editor stays with its
    // cluster and does not turn up in the row that now shows another.
    await row('payments-eu')
      .getByRole('button', { name: /Namespace of payments-eu/ })
      .click();
    await page.getByRole('textbox', { name: 'Namespace of payments-eu' }).waitFor();
    await page.getByRole('searchbox', { name: 'Search clusters' }).fill('lab');
    await page.locator('table.clusters[data-filter="lab"]').waitFor();
    expect(await page.locator('table.clusters tbody th[scope="row"] .name').allTextContents()).toEqual(['lab']);
    expect(await page.locator('table.clusters .ns-input').count()).toBe(0);
    expect(await row('lab').locator('.cell-namespace').textContent()).toBe('default');
    await app.close();
  });

  it('shows the WARP banner while WARP is down, and removes it when it is back', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const fleet = gatedFleet(`warp-${colorScheme}`);
      await fleet.services.start();
      const app = await openApp(suite.browser, { services: fleet.services, url: suite.url, colorScheme });
      const { page } = app;
      await page.getByRole('rowheader', { name: 'lab' }).waitFor();
      for (const n of ['prod-us', 'payments-eu', 'lab']) fleet.release(n);
      fleet.standIn.pushWarp(warpState('disconnected', 'Manual Disconnection'));
      const banner = page.getByRole('alert').filter({ hasText: 'WARP is disconnected' });
      await banner.waitFor();
      expect(await banner.textContent()).toContain('(Manual Disconnection)');
      expect(await page.getByRole('status').filter({ hasText: 'WARP' }).first().textContent()).toContain(
        'WARP disconnected',
      );
      await saveScreenshot(page, `clusters-warp-down-${colorScheme}`);
      const violations = await runAxe(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      fleet.standIn.pushWarp(warpState('connected'));
      await banner.waitFor({ state: 'detached' });
      fleet.services.stop();
      await app.close();
    }
  });

  it('Diagnostics shows the ladder, highlights the failing step with its remedy, and exports the report', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const fleet = gatedFleet(`diag-${colorScheme}`);
      const app = await openApp(suite.browser, {
        services: fleet.services,
        url: suite.url,
        colorScheme,
        hash: 'diagnostics',
      });
      const { page } = app;
      const card = page.getByRole('article', { name: /^lab/ });
      await card.waitFor();
      expect(await card.getAttribute('aria-busy')).toBe('true');
      for (const n of ['prod-us', 'payments-eu', 'lab']) fleet.release(n);
      await card.locator('[data-verdict="tls-intercepted"]').waitFor();
      const failing = card.locator('[aria-current="step"]');
      expect(await failing.textContent()).toContain('TLS handshake');
      expect(await failing.textContent()).toContain('failing step');
      expect(await failing.textContent()).toContain('Do Not Inspect');
      expect(await failing.textContent()).toContain('11 ms');
      expect(await card.getByRole('img', { name: 'skipped' }).count()).toBe(2);
      await saveScreenshot(page, `diagnostics-${colorScheme}`);
      const violations = await runAxe(page);
      expect(violations, describeViolations(violations)).toEqual([]);

      await page.getByRole('button', { name: 'Copy report' }).click();
      await page.getByText(/Copied the report/).waitFor();
      expect(fleet.record.clipboard).toEqual(['# kubezt report\n\n3 clusters\n']);
      await app.close();
    }
  });
});
