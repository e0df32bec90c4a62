/**
 * Settings lists kubezt's kubeconfig backups: real backups written by the real kubeconfig engine
 * in a temp settings folder, read through the app's service layer (contract-validated) and shown
 * by the built renderer in Chromium.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarpStateView } from '../../ipc/contract.ts';
import { backupList } from '../../main/app/adapters/index.ts';
import type { DomainPort } from '../../main/app/ports.ts';
import { createAppServices } from '../../main/app/services.ts';
import { backupDirFor, setupKubeconfig } from '../../main/core/kubeconfig/index.ts';
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
import { clusterSet } from '../unit/kubeconfig/helpers.ts';

let browser: Browser;
let server: Awaited<ReturnType<typeof serveRenderer>>;
let work: string;

beforeAll(async () => {
  requireBuild();
  work = mkdtempSync(path.join(tmpdir(), 'kubezt-browser-backups-'));
  [browser, server] = await Promise.all([launchChromium(), serveRenderer()]);
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

function app(name: string, overrides: Partial<DomainPort> = {}) {
  const configDir = path.join(work, name);
  const kubeconfig = path.join(configDir, 'kube', 'config');
  mkdirSync(path.dirname(kubeconfig), { recursive: true });
  const { store } = openSettings({ configDir });
  const core = coreFrom({
    listClusters: async () => ({ clusters: [], currentContext: null, fetchedAt: null, fromCache: false, warnings: [] }),
    settings: store,
    warp: { current: () => unknownWarp, subscribe: () => () => {} },
    loginStatus: async () => ({ loggedIn: false, accountId: null, source: null }),
    kubeconfigInfo: async () => ({ paths: [kubeconfig], source: 'default', writeTarget: kubeconfig }),
    kubectlInfo: async () => ({ path: '/usr/bin/kubectl', version: null }),
    listBackups: () => backupList(configDir),
    ...overrides,
  });
  const { host } = recordingHost();
  return { services: createAppServices(core, host, { log: () => {} }), configDir, kubeconfig };
}

describe('Settings: kubeconfig backups', () => {
  it('lists the backups the kubeconfig engine kept, newest first, with what each change did', async () => {
    const { services, configDir, kubeconfig } = app('two-backups');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    const backupDir = backupDirFor(configDir);
    const first = await setupKubeconfig({ paths: [kubeconfig], clusters: clusterSet('one'), backupDir });
    const second = await setupKubeconfig({ paths: [kubeconfig], clusters: clusterSet('standard'), backupDir });
    const [older, newer] = [first.backupIds[0] ?? '', second.backupIds[0] ?? ''];

    // Through the service layer, validated against the contract.
    const listed = await services.call('listBackups');
    expect(listed.folder).toBe(backupDir);
    expect(listed.backups.map((b) => b.id)).toEqual([newer, older]);

    for (const colorScheme of ['light', 'dark'] as const) {
      const opened = await openApp(browser, { services, url: server.url, colorScheme, hash: 'settings' });
      const { page } = opened;
      const card = page.getByRole('region', { name: 'Kubeconfig backups' });
      const table = card.getByRole('table');
      await table.waitFor();
      const rows = table.getByRole('row');
      expect(await rows.count()).toBe(3);
      expect(await rows.nth(1).textContent()).toContain(newer);
      expect(await rows.nth(1).textContent()).toContain(
        'setup: added zt-prod-us, zt-staging, zt-lab-v6; removed zt-edge',
      );
      expect(await rows.nth(2).textContent()).toContain(older);
      expect(await rows.nth(2).textContent()).toContain('setup: added zt-edge');
      expect(await rows.nth(2).textContent()).toContain(kubeconfig);
      expect(await card.textContent()).toContain(backupDir);
      expect(await card.textContent()).toContain('kubezt restore ID');
      expect(opened.calls).toContain('listBackups');
      await saveScreenshot(page, `settings-backups-${colorScheme}`);
      const violations = await runAxe(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await opened.close();
    }
  });

  it('says when there are none yet, and a core without backups lists none', async () => {
    const { services } = app('none');
    const opened = await openApp(browser, { services, url: server.url, colorScheme: 'light', hash: 'settings' });
    const card = opened.page.getByRole('region', { name: 'Kubeconfig backups' });
    await card.getByText('None yet.').waitFor();
    expect(await card.getByRole('table').count()).toBe(0);
    await opened.close();

    const without = createAppServices(
      { ...coreFrom({}), listBackups: undefined } as unknown as DomainPort,
      recordingHost().host,
      { log: () => {} },
    );
    expect(await without.call('listBackups')).toEqual({ folder: null, backups: [] });
  });
});
