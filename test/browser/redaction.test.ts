/**
 * The setup diff as the app draws it: kubeconfigs with secrets planted in every YAML style
 * (test/unit/redaction/planted.ts) go through the real planner and diff (core/kubeconfig) into
 * the wizard's Review screen in Chromium, and no secret is on the page. The discovery and the
 * sign-in are the stand-in's; the redaction is the real one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SetupCandidate } from '../../ipc/contract.ts';
import type { DomainPort } from '../../main/app/ports.ts';
import { createAppServices } from '../../main/app/services.ts';
import { planDiff, planKubeconfig } from '../../main/core/kubeconfig/index.ts';
import { createStandInDomain } from '../electron/stand-in-domain.ts';
import { launchChromium, openApp, recordingHost, requireBuild, serveRenderer } from '../helpers/browser.ts';
import { clusterSet } from '../unit/kubeconfig/helpers.ts';
import { plantedShape, plantKubeconfig } from '../unit/redaction/planted.ts';

let browser: Browser;
let server: Awaited<ReturnType<typeof serveRenderer>>;
let work: string;

beforeAll(async () => {
  requireBuild();
  work = mkdtempSync(path.join(tmpdir(), 'kubezt-redaction-'));
  [browser, server] = await Promise.all([launchChromium(), serveRenderer()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const CANDIDATE: SetupCandidate = {
  name: 'prod-us',
  sources: ['catalog'],
  server: 'https://198.51.100.101:6443',
  ips: ['198.51.100.101'],
  contextName: 'zt-prod-us',
  ca: { status: 'provided', sha256: null, subject: null, issuer: null, reason: null },
  plan: 'add',
};

describe('the setup diff in the app', () => {
  it('shows no planted secret, whatever its YAML style', async () => {
    const planted = fc.sample(plantedShape, { seed: 42, numRuns: 12 }).map((shape) =>
      plantKubeconfig(shape, {
        clusters: [{ name: 'c1', server: 'https://198.51.100.7:6443' }],
        plugin: '/usr/local/bin/kz-login',
      }),
    );
    const diff = planted
      .map((k, i) =>
        planDiff(
          planKubeconfig({
            clusters: clusterSet('standard'),
            files: [{ path: path.join(work, `config-${i}`), bytes: k.text }],
          }),
          { context: 100_000 },
        ),
      )
      .join('');
    const standIn = createStandInDomain(path.join(work, 'core'));
    const core: DomainPort = {
      ...standIn.core,
      loginStatus: async () => ({ loggedIn: true, accountId: 'acc-1', source: 'keychain' }),
      previewSetup: async () => ({
        candidates: [CANDIDATE],
        files: [path.join(work, 'config-0')],
        diff,
        changes: [],
        warnings: [],
      }),
    };
    const services = createAppServices(core, recordingHost().host, { log: () => {}, setTimer: () => () => {} });
    const app = await openApp(browser, { services, url: server.url, colorScheme: 'light', hash: 'setup' });
    const { page } = app;
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Discover clusters' }).click();
    await page.getByRole('button', { name: 'Review changes' }).click();
    const region = page.getByRole('region', { name: 'Kubeconfig diff' });
    await region.waitFor();
    const shown = (await region.textContent()) ?? '';
    // The whole diff is drawn (every planted user's name), with every secret masked.
    for (const [i, k] of planted.entries()) {
      expect(shown).toContain(`+++ ${path.join(work, `config-${i}`)}`);
      for (const context of k.contexts) expect(shown).toContain(`name: ${context}`);
    }
    expect(shown).toContain('<redacted>');
    const onPage = [shown, await page.content(), await page.evaluate(() => document.body.textContent ?? '')];
    for (const k of planted) {
      for (const secret of [...k.secrets, ...k.commented]) {
        for (const text of onPage) expect(text.includes(secret), secret).toBe(false);
      }
    }
    await app.close();
  });
});
