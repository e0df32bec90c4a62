/**
 * The built renderer in real Chromium, wired through the built preload to the real service layer
 * (createAppServices) with real settings on disk. These cover the app shell: first screen,
 * keyboard access, error, empty and settings states, both colour schemes, accessibility.
 *
 * The same app on the real core against the simulator (rows filling in, switching context on
 * disk, the wizard writing a kubeconfig kubectl uses, tls-intercepted, the WARP-down banner) is
 * in test/browser/e2e.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_NAMES, REQUEST_NAMES, subscriptionMethod, type WarpStateView } from '../../ipc/contract.ts';
import { backupList } from '../../main/app/adapters/index.ts';
import type { DomainPort } from '../../main/app/ports.ts';
import { createAppServices } from '../../main/app/services.ts';
import { UserError } from '../../main/core/errors.ts';
import { nodeProcessRunner } from '../../main/core/process/runner.ts';
import { openSettings } from '../../main/core/settings/store.ts';
import {
  coreFrom,
  describeViolations,
  launchChromium,
  openApp,
  recordingHost,
  requireBuild,
  runAxe,
  saveScreenshot,
  serveRenderer,
} from '../helpers/browser.ts';

const SCHEMES = ['light', 'dark'] as const;

let browser: Browser;
let server: Awaited<ReturnType<typeof serveRenderer>>;
let work: string;
let kubectlVersion: string | null = null;

beforeAll(async () => {
  requireBuild();
  work = mkdtempSync(path.join(tmpdir(), 'kubezt-browser-'));
  [browser, server] = await Promise.all([launchChromium(), serveRenderer()]);
  const r = await nodeProcessRunner.run('/usr/bin/kubectl', ['version', '--client', '-o', 'json'], {
    timeoutMs: 10_000,
  });
  kubectlVersion = r.code === 0 ? (JSON.parse(r.stdout).clientVersion?.gitVersion ?? null) : null;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const unknownWarp: WarpStateView = {
  status: 'unknown',
  gatewayOn: null,
  reason: null,
  signals: [],
  updatedAt: new Date(0).toISOString(),
};

/** A fresh install: no clusters discovered yet, not logged in, real settings in a temp folder. */
function freshInstall(name: string, overrides: Partial<DomainPort> = {}) {
  const configDir = path.join(work, name);
  const kubeconfig = path.join(work, name, 'kube', 'config');
  const { store } = openSettings({ configDir });
  const core = coreFrom({
    listClusters: async () => ({ clusters: [], currentContext: null, fetchedAt: null, fromCache: false, warnings: [] }),
    settings: store,
    warp: { current: () => unknownWarp, subscribe: () => () => {} },
    loginStatus: async () => ({ loggedIn: false, accountId: null, source: null }),
    kubeconfigInfo: async () => ({ paths: [kubeconfig], source: 'default', writeTarget: kubeconfig }),
    kubectlInfo: async () => ({ path: '/usr/bin/kubectl', version: kubectlVersion }),
    listBackups: () => backupList(configDir),
    ...overrides,
  });
  const { host, record, answers, dialogsShown } = recordingHost();
  const services = createAppServices(core, host, { log: () => {} });
  return { services, record, answers, dialogsShown, configDir, kubeconfig };
}

describe('renderer in Chromium', () => {
  it('shows the Clusters dashboard first, with its empty state, through the built preload', async () => {
    for (const colorScheme of SCHEMES) {
      const { services } = freshInstall(`first-${colorScheme}`);
      const app = await openApp(browser, { services, url: server.url, colorScheme });
      const { page } = app;
      await page.getByRole('heading', { level: 1, name: 'Clusters' }).waitFor();
      await page.getByRole('heading', { name: 'No clusters yet' }).waitFor();
      expect(await page.getByRole('link', { name: 'Clusters' }).getAttribute('aria-current')).toBe('page');
      expect(await page.getByRole('status').filter({ hasText: 'WARP' }).textContent()).toContain('WARP unknown');
      expect(app.calls).toContain('listClusters');
      expect(app.calls).toContain('getWarpState');

      // The page sees exactly the typed API: one method per request and per event, nothing else.
      const exposed = await page.evaluate(() => ({
        keys: Object.keys((window as unknown as { kubezt: object }).kubezt).sort(),
        frozen: Object.isFrozen((window as unknown as { kubezt: object }).kubezt),
        leaked: ['require', 'process', 'ipcRenderer', 'electron', 'module'].filter((k) => k in window),
      }));
      expect(exposed.keys).toEqual([...REQUEST_NAMES, ...EVENT_NAMES.map(subscriptionMethod)].sort());
      expect(exposed.frozen).toBe(true);
      expect(exposed.leaked).toEqual([]);

      await saveScreenshot(page, `clusters-empty-${colorScheme}`);
      const violations = await runAxe(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await app.close();
    }
  });

  it('is keyboard accessible: skip link first, then the views, with a visible focus ring', async () => {
    const { services } = freshInstall('keyboard');
    const app = await openApp(browser, { services, url: server.url, colorScheme: 'light' });
    const { page } = app;
    await page.getByRole('heading', { name: 'No clusters yet' }).waitFor();
    const focused = async () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const style = el ? getComputedStyle(el) : null;
        return {
          text: el?.textContent?.trim() ?? '',
          outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : '',
        };
      });
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      const f = await focused();
      order.push(f.text);
      expect(f.outline, `focus ring on "${f.text}"`).toMatch(/^solid [1-9]/);
    }
    expect(order).toEqual([
      'Skip to content',
      'Clusters',
      'Set up kubeconfig',
      'Diagnostics',
      'Settings',
      'Refresh list',
    ]);

    // Enter on a view link switches the view and moves focus into it.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Diagnostics' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#diagnostics');
    await app.close();
  });

  it('shows a designed error state with the message and code that main sent', async () => {
    const message = 'The kubeconfig /home/dev/.kube/config is not valid YAML (line 3: bad indentation); fix that line.';
    for (const colorScheme of SCHEMES) {
      const { services } = freshInstall(`error-${colorScheme}`, {
        listClusters: async () => {
          throw new UserError('kubeconfig-invalid', message);
        },
      });
      const app = await openApp(browser, { services, url: server.url, colorScheme });
      const { page } = app;
      const alert = page.getByRole('alert').filter({ hasText: 'could not be loaded' });
      await alert.waitFor();
      expect(await alert.textContent()).toContain(message);
      expect(await alert.textContent()).toContain('Error code: kubeconfig-invalid');
      await page.getByRole('button', { name: 'Try again' }).waitFor();
      await saveScreenshot(page, `clusters-error-${colorScheme}`);
      const violations = await runAxe(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await app.close();
    }
  });

  it('Settings shows the kubeconfig in use and saves to the real settings file', async () => {
    for (const colorScheme of SCHEMES) {
      const { services, configDir, kubeconfig, record } = freshInstall(`settings-${colorScheme}`);
      const app = await openApp(browser, { services, url: server.url, colorScheme, hash: 'settings' });
      const { page } = app;
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      const facts = page.getByRole('region', { name: 'Kubeconfig in use' });
      await facts.getByText(kubeconfig).first().waitFor();
      expect(await facts.textContent()).toContain('default location');
      expect(await facts.textContent()).toContain('/bin/bash');

      await page.getByLabel('Check every (seconds)').fill('120');
      await page.getByLabel('Start kubezt when I log in').check();
      const plugins = page.getByLabel('Run credential plugins in background checks');
      expect(await plugins.isChecked()).toBe(false);
      await plugins.check();
      const vnet = page.getByLabel('When a cluster is in another WARP virtual network');
      expect(await vnet.inputValue()).toBe('auto');
      await vnet.selectOption('never');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Settings saved.').waitFor();
      const onDisk = JSON.parse(readFileSync(path.join(configDir, 'settings.json'), 'utf8'));
      expect(onDisk.refreshIntervalSec).toBe(120);
      expect(onDisk.launchAtLogin).toBe(true);
      expect(onDisk.backgroundExecPlugins).toBe(true);
      expect(onDisk.switchVirtualNetwork).toBe('never');
      expect(record.launchAtLogin).toEqual([true]);

      // An invalid value is refused by the core's schema, the page says which setting, the file stays.
      const before = readFileSync(path.join(configDir, 'settings.json'), 'utf8');
      await page.getByLabel('Context name').fill('no-placeholder');
      await page.getByRole('button', { name: 'Save settings' }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'contextNameTemplate' });
      await alert.waitFor();
      expect(readFileSync(path.join(configDir, 'settings.json'), 'utf8')).toBe(before);

      await saveScreenshot(page, `settings-${colorScheme}`);
      const violations = await runAxe(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await app.close();
    }
  });

  it('Settings takes file paths only from main’s dialogs, saved at once, and clears them', async () => {
    const { services, configDir, record, answers, dialogsShown } = freshInstall('settings-paths');
    const app = await openApp(browser, { services, url: server.url, colorScheme: 'light', hash: 'settings' });
    const { page } = app;
    const onDisk = () => JSON.parse(readFileSync(path.join(configDir, 'settings.json'), 'utf8'));
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    for (const label of ['Team catalog file', 'Kubeconfig file']) {
      expect(await page.getByLabel(label, { exact: true }).getAttribute('readonly'), label).not.toBeNull();
    }

    answers.open = path.join(work, 'team', 'clusters.yaml');
    await page.getByRole('button', { name: 'Choose catalog…' }).click();
    await page.getByText('Team catalog file set.').waitFor();
    expect(await page.getByLabel('Team catalog file', { exact: true }).inputValue()).toBe(answers.open);
    answers.save = path.join(work, 'kube', 'kubezt.yaml');
    await page.getByRole('button', { name: 'Choose kubeconfig…' }).click();
    await page.getByText('Kubeconfig file set.').waitFor();
    expect(onDisk()).toMatchObject({ catalogPath: answers.open, kubeconfigPath: answers.save });
    expect(record.dialogs.map((d) => d.kind)).toEqual(['open', 'save']);

    // A cancelled dialog changes nothing; clearing goes back to the defaults.
    const chosen = answers.open;
    answers.open = null;
    await page.getByRole('button', { name: 'Choose catalog…' }).click();
    await dialogsShown(3);
    expect(await page.getByLabel('Team catalog file', { exact: true }).inputValue()).toBe(chosen);
    expect(onDisk().catalogPath).toBe(chosen);
    await page.getByRole('button', { name: 'Clear the team catalog file' }).click();
    await page.getByText('Team catalog file: back to the default.').waitFor();
    await page.getByRole('button', { name: 'Use default' }).click();
    await page.getByText('Kubeconfig file: back to the default.').waitFor();
    expect(onDisk().catalogPath).toBeUndefined();
    expect(onDisk().kubeconfigPath).toBeUndefined();
    const violations = await runAxe(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await app.close();
  });

  it('Setup starts with the Cloudflare step and a masked token field', async () => {
    for (const colorScheme of SCHEMES) {
      const { services } = freshInstall(`setup-${colorScheme}`);
      const app = await openApp(browser, { services, url: server.url, colorScheme, hash: 'setup' });
      const { page } = app;
      await page.getByRole('heading', { level: 2, name: 'Cloudflare account' }).waitFor();
      const token = page.getByLabel('API token');
      expect(await token.getAttribute('type')).toBe('password');
      expect(await token.getAttribute('autocomplete')).toBe('off');
      expect(await page.locator('[aria-current="step"]').textContent()).toContain('Cloudflare account');
      await saveScreenshot(page, `setup-account-${colorScheme}`);
      const violations = await runAxe(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await app.close();
    }
  });

  it('Diagnostics without clusters explains what to do', async () => {
    for (const colorScheme of SCHEMES) {
      const { services } = freshInstall(`diag-${colorScheme}`);
      const app = await openApp(browser, { services, url: server.url, colorScheme, hash: 'diagnostics' });
      const { page } = app;
      await page.getByRole('heading', { name: 'Nothing to diagnose yet' }).waitFor();
      expect(await page.getByRole('button', { name: 'Copy report' }).isDisabled()).toBe(true);
      await saveScreenshot(page, `diagnostics-empty-${colorScheme}`);
      const violations = await runAxe(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await app.close();
    }
  });
});
