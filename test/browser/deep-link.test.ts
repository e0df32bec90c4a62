/**
 * A kubezt:// link as the window receives it (the deepLink event main's glue sends): the action
 * is prefilled and nothing happens until the click. Also the row's credential expiry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeepLinkEvent, eventChannel } from '../../ipc/contract.ts';
import { createAppServices } from '../../main/app/services.ts';
import { clusterView, createStandInDomain, probeResult, warpState } from '../electron/stand-in-domain.ts';
import {
  launchChromium,
  openApp,
  recordingHost,
  requireBuild,
  saveScreenshot,
  serveRenderer,
} from '../helpers/browser.ts';

let browser: Browser;
let server: Awaited<ReturnType<typeof serveRenderer>>;
let work: string;

beforeAll(async () => {
  requireBuild();
  work = mkdtempSync(path.join(tmpdir(), 'kubezt-deeplink-'));
  [browser, server] = await Promise.all([launchChromium(), serveRenderer()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a kubezt://use link in the window', () => {
  it('shows the prefilled switch, waits for the click, then switches', async () => {
    const standIn = createStandInDomain(path.join(work, 'config'));
    standIn.pushWarp(warpState('connected'));
    standIn.state.clusters = [clusterView('prod-us'), clusterView('staging')];
    standIn.state.currentContext = 'zt-prod-us';
    standIn.state.results.set('staging', {
      ...probeResult('staging', 'degraded'),
      verdict: 'credentials-expiring',
      expiry: {
        kind: 'client-certificate',
        expiresAt: new Date(Date.now() + 3 * 86_400_000 + 3_600_000).toISOString(),
        issuer: 'staging-ca',
      },
    });
    const services = createAppServices(standIn.core, recordingHost().host, {
      log: () => {},
      setTimer: () => () => {},
    });
    const app = await openApp(browser, { services, url: server.url, colorScheme: 'light' });
    const { page } = app;
    await services.call('check');
    await page
      .getByRole('row', { name: /staging/ })
      .getByText('certificate expires in 3 days')
      .waitFor();

    const event: DeepLinkEvent = { action: 'use', cluster: 'staging' };
    await page.evaluate(
      ([channel, payload]) =>
        (window as unknown as { __kubeztEmit(c: string, p: unknown): void }).__kubeztEmit(channel, payload),
      [eventChannel('deepLink'), event] as const,
    );
    const banner = page.getByRole('dialog', { name: 'Link opened' });
    await banner.getByText('Switch kubectl to staging?').waitFor();
    await saveScreenshot(page, 'deep-link-use');
    // Prefilled only: the page asked for nothing.
    expect(app.calls.filter((c) => c === 'useContext')).toEqual([]);
    expect(standIn.calls.filter((c) => c.method === 'useContext')).toEqual([]);

    await banner.getByRole('button', { name: 'Use staging' }).click();
    await banner.getByText('kubectl now uses zt-staging.').waitFor();
    expect(standIn.calls.filter((c) => c.method === 'useContext').map((c) => c.args[0])).toEqual(['staging']);

    // An unknown name: one sentence, nothing to confirm.
    await page.evaluate(
      ([channel, payload]) =>
        (window as unknown as { __kubeztEmit(c: string, p: unknown): void }).__kubeztEmit(channel, payload),
      [
        eventChannel('deepLink'),
        { action: 'use', error: 'No cluster named "nope" is known to kubezt, so the link was not followed.' },
      ] as const,
    );
    const alert = page.getByRole('alert').filter({ hasText: 'No cluster named "nope"' });
    await alert.waitFor();
    expect(await alert.getByRole('button').allTextContents()).toEqual(['Dismiss']);
    await app.close();
  });
});

describe('Diagnostics', () => {
  it('"Open log folder" asks main to show it', async () => {
    const standIn = createStandInDomain(path.join(work, 'logs-config'));
    standIn.state.clusters = [clusterView('prod-us')];
    let asked: () => void = () => {};
    const opened = new Promise<void>((resolve) => {
      asked = resolve;
    });
    const host = {
      ...recordingHost().host,
      openLogFolder: async () => {
        asked();
        return { path: '/home/u/.config/kubezt' };
      },
    };
    const services = createAppServices(standIn.core, host, { log: () => {}, setTimer: () => () => {} });
    const app = await openApp(browser, { services, url: server.url, colorScheme: 'dark', hash: 'diagnostics' });
    await app.page.getByRole('button', { name: 'Open log folder' }).click();
    await opened;
    expect(await app.page.getByRole('alert').count()).toBe(0);
    await app.close();
  });
});
