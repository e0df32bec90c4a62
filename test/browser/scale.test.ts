/**
 * The dashboard with many clusters, in Chromium: only the visible rows exist, probe results are
 * applied once per frame, the search box and the Ctrl/Cmd+K quick switcher find clusters fuzzily
 * by name, context, group and IP, and a row can be pinned. The stand-in core answers; the
 * renderer, the preload and the service layer are what is under test.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { eventChannel, type ProbeResultView } from '../../ipc/contract.ts';
import { createAppServices } from '../../main/app/services.ts';
import { clusterView, createStandInDomain, probeResult, warpState } from '../electron/stand-in-domain.ts';
import { captureSchemes, chromiumSuite, describeViolations, openApp, recordingHost } from '../helpers/browser.ts';

const suite = chromiumSuite('scale');

/** `team{i % 7}-svc{i}` at 10.{i / 250}.{i % 250}.1: group "team{i % 7}" by the name rule. */
function bigFleet(name: string, count: number) {
  const standIn = createStandInDomain(path.join(suite.work, name));
  standIn.pushWarp(warpState('connected'));
  standIn.state.clusters = Array.from({ length: count }, (_, i) =>
    clusterView(`team${i % 7}-svc${i}`, { ips: [`10.${Math.floor(i / 250)}.${i % 250}.1`] }),
  );
  standIn.state.currentContext = 'zt-team0-svc0';
  const { host } = recordingHost();
  const services = createAppServices(standIn.core, host, { log: () => {}, setTimer: () => () => {} });
  return { standIn, services };
}

const bodyRows = (page: Page) => page.locator('table.clusters tbody tr:not(.spacer)');
const rowheaders = (page: Page) => page.locator('table.clusters tbody th[scope="row"] .name').allTextContents();

describe('dashboard at scale', () => {
  it('draws only the visible rows of 1,000 clusters, scrolls to any, and filters fuzzily', async () => {
    const { services } = bigFleet('thousand', 1000);
    const app = await openApp(suite.browser, { services, url: suite.url, colorScheme: 'light' });
    const { page } = app;
    await page.getByRole('rowheader', { name: 'team0-svc0' }).waitFor();
    await page.locator('table.clusters[aria-busy="false"]').waitFor();
    expect(await page.locator('table.clusters').getAttribute('aria-rowcount')).toBe('1001');
    const drawn = await bodyRows(page).count();
    expect(drawn).toBeGreaterThan(5);
    expect(drawn).toBeLessThan(60);
    // The frame scrolls: the last cluster is drawn once scrolled to, the first one no longer.
    await page.locator('section.table-scroll').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.getByRole('rowheader', { name: 'team5-svc999' }).waitFor();
    expect(await rowheaders(page)).not.toContain('team0-svc0');
    expect(await page.getByRole('row').filter({ hasText: 'team5-svc999' }).getAttribute('aria-rowindex')).toBe('1001');
    expect(await bodyRows(page).count()).toBeLessThan(60);

    const search = page.getByRole('searchbox', { name: 'Search clusters' });
    await search.fill('svc999');
    await page.getByText('1 of 1000 clusters').waitFor();
    expect(await rowheaders(page)).toEqual(['team5-svc999']);
    await search.fill('10.3.249');
    await page.getByText(/ of 1000 clusters/).waitFor();
    expect((await rowheaders(page))[0]).toBe('team5-svc999');
    // Two terms: the group "team3" and a name fragment, in any field.
    await search.fill('team3 svc10');
    // A new search starts at the top of the list, best match first.
    await expect.poll(async () => (await rowheaders(page))[0], { timeout: 20_000 }).toBe('team3-svc10');
    expect(await page.getByRole('row').filter({ hasText: 'team3-svc10' }).first().textContent()).toContain('team3');
    await search.fill('zzzz');
    await page.getByText('0 of 1000 clusters').waitFor();
    await search.fill('');
    await page.getByText('1000 clusters', { exact: true }).waitFor();

    const violations = await captureSchemes(page, 'scale-1000');
    expect(violations.light, describeViolations(violations.light)).toEqual([]);
    expect(violations.dark, describeViolations(violations.dark)).toEqual([]);
    await app.close();
  });

  it('applies streaming probe results at most once per animation frame', async () => {
    const { services } = bigFleet('frames', 200);
    const app = await openApp(suite.browser, { services, url: suite.url, colorScheme: 'light' });
    const { page } = app;
    await page.locator('table.clusters[aria-busy="false"]').waitFor();
    const names = Array.from({ length: 10 }, (_, i) => `team${i % 7}-svc${i}`);
    const events = Array.from({ length: 300 }, (_, k) => {
      const name = names[k % names.length] as string;
      const result: ProbeResultView = probeResult(name, 'reachable', 20 + k);
      return { runId: 'run-1', origin: 'check', remaining: 299 - k, result };
    });
    // Each result in its own task, the next one queued after the page had a chance to render,
    // as IPC messages arrive; the page counts its DOM updates and the frames that passed.
    const counts = await page.evaluate(
      ([channel, payloads, lastText]) =>
        new Promise<{ updates: number; frames: number }>((resolve) => {
          const table = document.querySelector('table.clusters') as Element;
          let updates = 0;
          let frames = 0;
          let counting = true;
          const observer = new MutationObserver(() => updates++);
          observer.observe(table, { subtree: true, childList: true, characterData: true, attributes: true });
          const tick = () => {
            frames++;
            if (counting) requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
          const emit = (window as unknown as { __kubeztEmit(c: string, p: unknown): void }).__kubeztEmit;
          const port = new MessageChannel();
          let next = 0;
          port.port1.onmessage = () => {
            emit(channel, payloads[next]);
            next++;
            if (next < payloads.length) port.port2.postMessage(null);
            // Then frames until the table shows the last result, and one more, then stop counting.
            else requestAnimationFrame(settle);
          };
          const settle = () => {
            if (!table.textContent?.includes(lastText)) return void requestAnimationFrame(settle);
            requestAnimationFrame(() => {
              counting = false;
              observer.disconnect();
              resolve({ updates, frames });
            });
          };
          port.port2.postMessage(null);
        }),
      // The last result (team2-svc9, 20 + 299 ms): no earlier one shows that latency.
      [eventChannel('probeResult'), events, '319 ms'] as const,
    );
    expect(await page.getByRole('row').filter({ hasText: 'team2-svc9' }).textContent()).toContain('319 ms');
    expect(counts.updates).toBeGreaterThan(0);
    expect(counts.updates, JSON.stringify(counts)).toBeLessThanOrEqual(counts.frames + 1);
    await app.close();
  });

  it('switches from the keyboard with Ctrl+K, and pins a row', async () => {
    const { services, standIn } = bigFleet('switcher', 40);
    standIn.state.clusters.push(clusterView('payments-eu'), clusterView('lab', { context: null }));
    const app = await openApp(suite.browser, { services, url: suite.url, colorScheme: 'light' });
    const { page } = app;
    await page.locator('table.clusters[aria-busy="false"]').waitFor();
    const search = page.getByRole('searchbox', { name: 'Search clusters' });
    await search.focus();

    await page.keyboard.press('Control+K');
    const dialog = page.getByRole('dialog', { name: 'Switch kubectl to…' });
    await dialog.waitFor();
    const box = dialog.getByRole('combobox', { name: 'Cluster name, context, group or IP' });
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('pay eu');
    const options = dialog.getByRole('option');
    await dialog.getByText('1 match ').waitFor();
    expect(await options.allTextContents()).toEqual([expect.stringContaining('payments-eu')]);
    await box.fill('svc1');
    await dialog.getByText(/^\d+ matches/).waitFor();
    const ids = await options.evaluateAll((els) => els.map((e) => e.id));
    expect(ids.length).toBeGreaterThan(2);
    expect(await box.getAttribute('aria-activedescendant')).toBe(ids[0]);
    expect(await options.first().getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await box.getAttribute('aria-activedescendant')).toBe(ids[2]);
    await page.keyboard.press('ArrowUp');
    expect(await box.getAttribute('aria-activedescendant')).toBe(ids[1]);
    const chosen = (await options.nth(1).locator('.name').textContent()) as string;
    // Focus stays in the dialog: Tab goes to Close and back.
    await page.keyboard.press('Tab');
    expect(await dialog.getByRole('button', { name: 'Close' }).evaluate((el) => el === document.activeElement)).toBe(
      true,
    );
    await page.keyboard.press('Tab');
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    const shots = await captureSchemes(page, 'quick-switcher');
    expect(shots.light, describeViolations(shots.light)).toEqual([]);
    expect(shots.dark, describeViolations(shots.dark)).toEqual([]);
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText(`Switched kubectl to zt-${chosen}.`).waitFor();
    expect(standIn.calls.filter((c) => c.method === 'useContext').map((c) => c.args[0])).toEqual([`zt-${chosen}`]);
    expect(services.state().recent).toEqual([chosen]);

    // Escape closes, and focus goes back where it was.
    await search.focus();
    await page.keyboard.press('Meta+K');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await search.evaluate((el) => el === document.activeElement)).toBe(true);

    // Pinning: saved in the settings, told to the tray's state, and the row comes first.
    await search.fill('payments');
    const pin = page.getByRole('button', { name: 'Pin payments-eu' });
    expect(await pin.getAttribute('aria-pressed')).toBe('false');
    await pin.click();
    await page.locator('button[aria-label="Pin payments-eu"][aria-pressed="true"]').waitFor();
    expect(standIn.settings.read().pinned).toEqual(['payments-eu']);
    expect(services.state().pinned).toEqual(['payments-eu']);
    await search.fill('');
    await page.getByText('42 clusters', { exact: true }).waitFor();
    expect((await rowheaders(page))[0]).toBe('payments-eu');
    await app.close();
  });
});
