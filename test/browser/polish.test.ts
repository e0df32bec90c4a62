/**
 * What a new user tripped on in the GUI, checked in Chromium in light and dark: a failing verdict
 * names itself and links to its diagnosis, rows are one line, results from before a WARP drop
 * are marked stale, and Settings neither claims "Signed in" without an account nor shows the
 * settings path twice. Screenshots land in test-results/browser (see captureSchemes).
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ProbeResultView } from '../../ipc/contract.ts';
import type { DomainPort } from '../../main/app/ports.ts';
import { createAppServices } from '../../main/app/services.ts';
import { clusterView, createStandInDomain, probeResult, warpState } from '../electron/stand-in-domain.ts';
import { captureSchemes, chromiumSuite, describeViolations, openApp, recordingHost } from '../helpers/browser.ts';

const suite = chromiumSuite('polish');

function intercepted(cluster: string): ProbeResultView {
  const base = probeResult(cluster, 'unreachable');
  return {
    ...base,
    latencyMs: 4.2,
    steps: [
      { name: 'warp', status: 'ok', durationMs: 2, detail: 'WARP connected', remedy: null, code: null },
      { name: 'tcp', status: 'ok', durationMs: 4.2, detail: 'connected', remedy: null, code: null },
      {
        name: 'tls',
        status: 'fail',
        durationMs: 11,
        detail: 'certificate issued by "Gateway CA - Cloudflare Managed G1"',
        remedy: 'Add a Gateway HTTP rule "Do Not Inspect" for the API server.',
        code: 'tls-intercepted',
      },
    ],
    verdict: 'tls-intercepted',
    failingStep: 'tls',
    summary: 'Cloudflare Gateway inspects the TLS connection to this API server.',
  };
}

function fleet(name: string, overrides: Partial<DomainPort> = {}) {
  const standIn = createStandInDomain(path.join(suite.work, name));
  standIn.pushWarp(warpState('connected'));
  standIn.state.clusters = [
    clusterView('prod-us', { sources: ['cloudflare', 'catalog'], group: 'production' }),
    clusterView('payments-eu', { ips: ['127.0.1.11', 'fd00::11'], sources: ['catalog', 'cloudflare'] }),
    clusterView('lab', { tunnel: { name: 'k8s-lab', health: 'degraded' } }),
  ];
  standIn.state.currentContext = 'zt-prod-us';
  const same = probeResult('payments-eu', 'reachable', 7.4);
  standIn.state.results.set('payments-eu', {
    ...same,
    serverVersion: 'v1.32.1',
    skew: { clientVersion: 'v1.32.4', serverVersion: 'v1.32.1', minorDelta: 0, supported: true },
  });
  standIn.state.results.set('lab', intercepted('lab'));
  const { host } = recordingHost();
  const core = { ...standIn.core, ...overrides };
  const services = createAppServices(core, host, { log: () => {}, setTimer: () => () => {} });
  return { standIn, services };
}

/** Cells, and blocks inside them, whose text runs past their box (cut off or ellipsised). */
function clippedCells(page: Page): Promise<string[]> {
  return page.locator('table.clusters tbody td').evaluateAll((cells) =>
    cells
      .flatMap((c) => [c, ...c.querySelectorAll('*')])
      .filter((e) => e.clientWidth > 0 && e.scrollWidth > e.clientWidth)
      .map((e) => `${e.textContent}: ${e.scrollWidth}/${e.clientWidth}`),
  );
}

const row = (page: Page, name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });

describe('GUI polish', () => {
  it('names a failing verdict with a link to its diagnosis, keeps rows one line, and marks stale results', async () => {
    const { standIn, services } = fleet('rows');
    await services.start();
    const app = await openApp(suite.browser, { services, url: suite.url, colorScheme: 'light' });
    const { page } = app;
    await page.locator('table.clusters[aria-busy="false"]').waitFor();
    await row(page, 'payments-eu').getByText('Reachable').waitFor();

    const lab = row(page, 'lab');
    const link = lab.getByRole('link', { name: 'Intercepted by Gateway' });
    expect(await link.getAttribute('href')).toBe('#diagnostics/lab');
    expect(await lab.textContent()).not.toContain('Unreachable');
    expect(await lab.textContent()).not.toContain('4.2 ms');

    // One line per row: every row is as tall as the others, and no cell wraps.
    const heights = await page
      .locator('table.clusters tbody tr')
      .evaluateAll((rows) => rows.map((r) => Math.round(r.getBoundingClientRect().height)));
    expect(heights).toEqual([44, 44, 44]);
    const skew = row(page, 'payments-eu').locator('.skew');
    expect(await skew.textContent()).toContain('same minor');
    const cell = await row(page, 'payments-eu')
      .locator('.cell-version')
      .evaluate((el) => ({
        height: el.getBoundingClientRect().height,
        scroll: el.scrollHeight,
        client: el.clientHeight,
        tops: [...el.querySelectorAll('span')].map((s) => Math.round(s.getBoundingClientRect().top)),
      }));
    // "v1.32.1 · same minor" sits on one line of the cell, nothing hidden below it.
    expect(Math.max(...cell.tops) - Math.min(...cell.tops), JSON.stringify(cell)).toBeLessThanOrEqual(3);
    expect(cell.scroll).toBeLessThanOrEqual(cell.client);
    // Both sources on one line (under the group), the "current" badge on the name's line, and
    // every cell's lines inside the row's 44 px.
    const topsOf = (selector: string) =>
      row(page, 'prod-us')
        .locator(selector)
        .evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
    const sourceTops = await topsOf('abbr');
    expect(sourceTops.length).toBe(2);
    expect(Math.max(...sourceTops) - Math.min(...sourceTops)).toBeLessThanOrEqual(3);
    const nameTops = await topsOf('.name, .badge-current');
    expect(nameTops.length).toBe(2);
    expect(Math.max(...nameTops) - Math.min(...nameTops)).toBeLessThanOrEqual(3);
    const overflowing = await page
      .locator('table.clusters tbody tr > *')
      .evaluateAll((cells) =>
        cells.filter((c) => c.scrollHeight > c.clientHeight).map((c) => `${c.textContent}: ${c.scrollHeight}`),
      );
    expect(overflowing).toEqual([]);
    // No cell of a row hides part of its text.
    expect(await clippedCells(page)).toEqual([]);
    expect(await row(page, 'prod-us').textContent()).toContain('production');
    expect(await row(page, 'payments-eu').textContent()).toContain('+1');
    expect(await page.locator('tr[data-stale]').count()).toBe(0);

    // WARP drops: what was measured before is stale, greyed and marked in words.
    standIn.pushWarp(warpState('disconnected', 'Manual Disconnection'));
    await page.locator('tr[data-stale="true"]').nth(2).waitFor();
    for (const n of ['prod-us', 'payments-eu', 'lab']) expect(await row(page, n).textContent()).toContain('stale');
    const colours = await page.evaluate(() => {
      const mark = document.querySelector('tr[data-stale] .mark-reachable') as Element;
      const muted = getComputedStyle(document.documentElement).getPropertyValue('--muted').trim();
      const probe = document.createElement('span');
      probe.style.color = muted;
      document.body.append(probe);
      const expected = getComputedStyle(probe).color;
      probe.remove();
      return { mark: getComputedStyle(mark).color, expected };
    });
    expect(colours.mark).toBe(colours.expected);
    // The stale badge does not cut the verdict's label short, nor itself get cut.
    expect(await clippedCells(page)).toEqual([]);
    const stale = await lab.locator('.badge-stale').evaluate((b) => {
      const cell = b.closest('td') as Element;
      return { badge: b.getBoundingClientRect().right, cell: cell.getBoundingClientRect().right };
    });
    expect(stale.badge).toBeLessThanOrEqual(stale.cell);
    const shots = await captureSchemes(page, 'polish-stale');
    expect(shots.light, describeViolations(shots.light)).toEqual([]);
    expect(shots.dark, describeViolations(shots.dark)).toEqual([]);

    // The label leads to the diagnosis of that cluster.
    await link.click();
    await page.waitForURL(/#diagnostics\/lab$/);
    await page.getByRole('article', { name: /^lab/ }).waitFor();
    services.stop();
    await app.close();
  });

  it('Settings says a token without an account is not signed in, and shows the settings path once', async () => {
    const { services, standIn } = fleet('settings', {
      loginStatus: async () => ({ loggedIn: true, accountId: null, source: 'keychain' }),
    });
    const app = await openApp(suite.browser, { services, url: suite.url, colorScheme: 'light', hash: 'settings' });
    const { page } = app;
    await page.getByText('no Cloudflare account is chosen').waitFor();
    const file = standIn.settings.path as string;
    await page.getByText(file).first().waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toContain('Signed in');
    expect(text.split(file).length - 1).toBe(1);
    const shots = await captureSchemes(page, 'polish-settings');
    expect(shots.light, describeViolations(shots.light)).toEqual([]);
    expect(shots.dark, describeViolations(shots.dark)).toEqual([]);
    await app.close();
  });
});
