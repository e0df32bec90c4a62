/**
 * End to end: the BUILT renderer and preload in Debian's Chromium, `window.kubezt` routed through
 * `exposeBinding` to the app's service layer (createAppServices) on the REAL core
 * (createDomainAdapter) in this process, against the simulator: the fake Cloudflare API, API servers
 * with real TLS on loopback IPs (the 4th, "dev", behind Gateway TLS inspection), and the fake
 * WARP client. The core gets the simulator's environment, never this process's.
 *
 * Every screen is saved in light and dark under test-results/browser/e2e-*.png and checked with
 * axe in both. Nothing sleeps: every wait is on something the page or the core does.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AppServices, createAppServices } from '../../../main/app/services.ts';
import {
  type ColorScheme,
  captureSchemes,
  describeViolations,
  launchChromium,
  type OpenedApp,
  openApp,
  recordingHost,
  requireBuild,
  serveRenderer,
} from '../../helpers/browser.ts';
import { type AppWorld, type AppWorldOptions, startAppWorld, withoutCa } from '../../integration/app-adapters/world.ts';

const exec = promisify(execFile);
const ALL = ['prod-us', 'prod-eu', 'staging', 'dev'];

let browser: Browser;
let server: Awaited<ReturnType<typeof serveRenderer>>;

beforeAll(async () => {
  requireBuild();
  [browser, server] = await Promise.all([launchChromium(), serveRenderer()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Session {
  world: AppWorld;
  services: AppServices;
  record: ReturnType<typeof recordingHost>['record'];
  /** What main's file dialogs answer (null: cancelled). */
  dialogs: ReturnType<typeof recordingHost>['answers'];
  /** Every event the services sent to the page, serialised (to search for secrets). */
  events: string[];
  app?: OpenedApp;
}

let session: Session | undefined;

afterEach(async () => {
  const s = session;
  session = undefined;
  if (!s) return;
  s.services.stop();
  await s.app?.close();
  await s.world.close();
});

/** A simulator world, the real core on it, and the app's services as the Electron main builds them. */
async function start(opts: AppWorldOptions & { setUp?: boolean } = {}): Promise<Session> {
  const world = await startAppWorld(opts);
  if (opts.setUp) {
    await world.core.applySetup(
      { sources: { cloudflare: true, catalogPath: world.sim.catalogPath }, selected: ALL, trust: [] },
      () => {},
    );
  }
  const { host, record, answers } = recordingHost();
  // Background checks are started by WARP changes and the page here, not by the 60 s timer.
  const services = createAppServices(world.core, host, { log: () => {}, setTimer: () => () => {} });
  const events: string[] = [];
  services.onEvent((e) => events.push(JSON.stringify(e)));
  session = { world, services, record, dialogs: answers, events };
  // As main does at launch: follow WARP, load the list, run a first check.
  await services.start();
  return session;
}

async function open(s: Session, hash?: string): Promise<Page> {
  s.app = await openApp(browser, {
    services: s.services,
    url: server.url,
    colorScheme: 'light',
    ...(hash ? { hash } : {}),
  });
  // The top bar follows the fake warp-cli through the core's watcher.
  await s.app.page.getByRole('status').filter({ hasText: 'WARP connected' }).waitFor();
  return s.app.page;
}

async function expectAccessibleScreens(page: Page, name: string): Promise<void> {
  const violations = await captureSchemes(page, `e2e-${name}`);
  for (const scheme of ['light', 'dark'] as ColorScheme[]) {
    expect(violations[scheme], `${name} (${scheme}):\n${describeViolations(violations[scheme])}`).toEqual([]);
  }
}

const row = (page: Page, name: string) =>
  page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${name}\\b`) }) });

async function rowBoxes(page: Page) {
  return page.$$eval('table.clusters tr', (els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)];
    }),
  );
}

const kubectl = async (w: AppWorld, ...args: string[]) =>
  (await exec('kubectl', args, { env: { PATH: w.env.PATH, HOME: w.home, KUBECONFIG: w.sim.kubeconfigPath } })).stdout;

describe('the app on the real core, against the simulator', () => {
  it('dashboard: rows fill in without moving, Use switches the kubeconfig on disk, Diagnose shows tls-intercepted for the inspected cluster, Settings shows the kubeconfig', async () => {
    const s = await start({ setUp: true });
    const page = await open(s);
    await row(page, 'dev').waitFor();
    const firstLayout = await rowBoxes(page);
    await row(page, 'prod-us').getByText('Reachable', { exact: true }).waitFor();
    await row(page, 'prod-eu').getByText('Reachable', { exact: true }).waitFor();
    await row(page, 'staging').getByText('Reachable', { exact: true }).waitFor();
    // The inspected cluster names its verdict, linking to its diagnosis.
    await row(page, 'dev').getByRole('link', { name: 'Intercepted by Gateway' }).waitFor();
    await page.locator('table.clusters[aria-busy="false"]').waitFor();
    expect(await rowBoxes(page)).toEqual(firstLayout);
    // One result per cluster crossed the bridge as it finished.
    const streamed = s.events.filter((e) => e.includes('"name":"probeResult"'));
    for (const name of ALL) expect(streamed.some((e) => e.includes(`"cluster":"${name}"`))).toBe(true);

    expect(await row(page, 'prod-us').textContent()).toContain('v1.32.3');
    expect(await row(page, 'staging').textContent()).toContain('v1.30.6');
    expect(await row(page, 'dev').locator('td[title]').getAttribute('title')).toMatch(/Gateway/);
    expect(await row(page, 'dev').textContent()).toContain('zt-dev');
    expect(await page.getByText('kubectl context:').textContent()).toContain('my-own-context');
    await expectAccessibleScreens(page, 'clusters');

    await row(page, 'prod-eu').getByRole('button', { name: 'Use prod-eu' }).click();
    await page.getByText('Switched kubectl to zt-prod-eu.').waitFor();
    await row(page, 'prod-eu').getByText('current', { exact: true }).waitFor();
    expect(await row(page, 'prod-eu').getAttribute('aria-current')).toBe('true');
    const onDisk = s.world.kubeconfig();
    expect(onDisk).toMatch(/^current-context: zt-prod-eu$/m);
    expect(onDisk.startsWith('# My hand-written entries. kubezt never touches them.\n')).toBe(true);
    expect((await kubectl(s.world, 'config', 'current-context')).trim()).toBe('zt-prod-eu');

    // "Diagnose" on the failing row: its ladder, then every cluster's.
    await row(page, 'dev').getByRole('button', { name: 'Diagnose dev' }).click();
    const dev = page.getByRole('article', { name: /^dev/ });
    await dev.locator('[data-verdict="tls-intercepted"]').waitFor();
    expect(await page.getByRole('article').count()).toBe(1);
    const failing = dev.locator('[aria-current="step"]');
    expect(await failing.textContent()).toContain('TLS handshake');
    expect(await failing.textContent()).toContain('tls-intercepted');
    expect(await failing.textContent()).toContain('Do Not Inspect');
    // version and auth after the failing TLS step; vnet passed (WARP has the cluster's network on).
    expect(await dev.getByRole('img', { name: 'skipped' }).count()).toBe(2);
    await page.getByLabel('Clusters to diagnose').selectOption('');
    for (const name of ['prod-us', 'prod-eu', 'staging']) {
      await page
        .getByRole('article', { name: new RegExp(`^${name}`) })
        .locator('[data-verdict="ok"]')
        .waitFor();
    }
    await dev.locator('[data-verdict="tls-intercepted"]').waitFor();
    await page.getByRole('button', { name: 'Copy report' }).and(page.locator(':enabled')).waitFor();
    await expectAccessibleScreens(page, 'diagnostics');

    await page.getByRole('button', { name: 'Copy report' }).click();
    await page.getByText(/Copied the report/).waitFor();
    const [markdown] = s.record.clipboard;
    expect(markdown).toContain('# kubezt connectivity report');
    expect(markdown).toMatch(/## dev: tls-intercepted/);
    expect(markdown).toMatch(/## prod-us: ok/);
    for (const secret of s.world.secretValues) {
      expect(markdown).not.toContain(secret);
      expect(await page.content()).not.toContain(secret);
    }

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { level: 2, name: 'Kubeconfig in use' }).waitFor();
    const inUse = page.getByRole('region', { name: 'Kubeconfig in use' });
    await inUse.getByText(s.world.sim.kubeconfigPath).first().waitFor();
    await inUse.getByText(/v1\.\d+\.\d+/).waitFor();
    await expectAccessibleScreens(page, 'settings');
  });

  it('setup wizard: a new user signs in, picks sources, confirms a fingerprint, and kubectl uses what was written', async () => {
    // No token in the environment: the user signs in. The catalog gives no CA for prod-eu (its
    // certificate must be confirmed) nor for dev (whose presented chain is Gateway's).
    const s = await start({ cloudflare: 'none', catalog: withoutCa('prod-eu', 'dev') });
    const { world } = s;
    const token = world.sim.cloudflare.token;
    const catalog = world.env.KUBEZT_CATALOG as string;
    const page = await open(s);
    const pageSnapshots: string[] = [];
    const snapshot = async () => pageSnapshots.push(await page.content());

    await page.getByRole('heading', { name: 'No clusters yet' }).waitFor();
    await expectAccessibleScreens(page, 'clusters-empty');
    await page.getByRole('button', { name: 'Set up kubeconfig…' }).click();

    // 1. The token: this one sees two accounts, so the first try asks which.
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'can use 2 Cloudflare accounts' }).waitFor();
    expect(world.secrets.stored).toEqual([]);
    expect(await page.getByLabel('API token').inputValue()).toBe('');
    await expectAccessibleScreens(page, 'setup-account-error');
    await page.getByLabel('API token').fill(token);
    await page.getByLabel(/Account id/).fill(world.sim.cloudflare.accountId);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in to Cloudflare').waitFor();
    expect(world.secrets.stored).toEqual([token]);
    await snapshot();
    await expectAccessibleScreens(page, 'setup-account');
    await page.getByRole('button', { name: 'Continue' }).click();

    // 2. Sources: Cloudflare (signed in) and the team catalog.
    await page.getByRole('heading', { level: 2, name: 'Sources' }).waitFor();
    expect(await page.getByLabel(/Cloudflare account discovery/).isChecked()).toBe(true);
    await page.getByLabel(/Team catalog file/).check();
    // The path comes from main's file dialog, never from the page.
    expect(await page.getByLabel('Catalog file', { exact: true }).getAttribute('readonly')).not.toBeNull();
    s.dialogs.open = catalog;
    await page.getByRole('button', { name: 'Choose…' }).click();
    await page.waitForFunction(
      (path) => (document.getElementById('catalog-path') as HTMLInputElement | null)?.value === path,
      catalog,
    );
    expect(s.record.dialogs).toEqual([{ kind: 'open', title: 'Choose the team catalog file' }]);
    await expectAccessibleScreens(page, 'setup-sources');
    await page.getByRole('button', { name: 'Discover clusters' }).click();

    // 3. Candidates: CA from the catalog, a fingerprint to confirm, a Gateway chain refused.
    await page.getByRole('heading', { level: 2, name: 'Clusters' }).waitFor();
    expect(await page.getByRole('checkbox', { name: /^prod-us/ }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: /^staging/ }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: /^prod-eu/ }).isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: /^dev/ }).isDisabled()).toBe(true);
    await page.getByText(/issued by a Cloudflare Gateway CA/).waitFor();
    const fingerprint = (await page.locator('.fingerprint dd.mono').first().textContent())?.trim() ?? '';
    expect(fingerprint).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/);
    await page.getByRole('checkbox', { name: /^prod-eu/ }).check();
    expect(await page.getByRole('button', { name: 'Review changes' }).isDisabled()).toBe(true);
    await page
      .getByRole('checkbox', { name: /I checked this fingerprint; trust this certificate for prod-eu/ })
      .check();
    await snapshot();
    await expectAccessibleScreens(page, 'setup-clusters');
    await page.getByRole('button', { name: 'Review changes' }).click();

    // 4. The exact diff: credentials masked, the user's own entries kept.
    await page.getByRole('heading', { level: 2, name: 'Review changes' }).waitFor();
    const diff = page.getByRole('region', { name: 'Kubeconfig diff' });
    const diffText = (await diff.textContent()) ?? '';
    expect(diffText).toContain(`--- ${world.sim.kubeconfigPath}`);
    for (const name of ['prod-us', 'prod-eu', 'staging']) expect(diffText).toContain(`name: zt-${name}`);
    expect(diffText).not.toContain('zt-dev');
    expect(diffText).toContain('token: <redacted>');
    for (const name of ['prod-us', 'prod-eu', 'staging']) {
      await page
        .getByRole('listitem')
        .filter({ hasText: `added context zt-${name}` })
        .waitFor();
    }
    expect(world.kubeconfig()).not.toMatch(/name: zt-prod-us$/m);
    await snapshot();
    await expectAccessibleScreens(page, 'setup-diff');
    await page.getByRole('button', { name: 'Apply' }).click();

    // 5. Done.
    await page.getByRole('heading', { level: 2, name: 'Done' }).waitFor();
    for (const name of ['prod-us', 'prod-eu', 'staging']) {
      await page.getByText(`added context zt-${name}`).waitFor();
    }
    await page.getByText(`previous version kept as ${world.sim.configDir}/backups/`, { exact: false }).waitFor();
    await snapshot();
    await expectAccessibleScreens(page, 'setup-done');

    // Real kubectl reads what the wizard wrote.
    const view = JSON.parse(await kubectl(world, 'config', 'view', '-o', 'json'));
    expect(view.contexts.map((c: { name: string }) => c.name).sort()).toEqual([
      'my-own-context',
      'zt-prod-eu',
      'zt-prod-us',
      'zt-staging',
    ]);
    expect(view['current-context']).toBe('my-own-context');
    for (const context of ['zt-prod-us', 'zt-prod-eu']) {
      const version = JSON.parse(await kubectl(world, '--context', context, 'version', '-o', 'json'));
      expect(version.serverVersion.gitVersion).toBe('v1.32.3');
    }

    // The token went to the secret store and nowhere else.
    expect(world.secrets.stored).toEqual([token]);
    for (const text of [...pageSnapshots, ...s.events, world.kubeconfig(), readFileSync(world.settings.path, 'utf8')]) {
      expect(text).not.toContain(token);
    }
    expect(world.settings.read().accountId).toBe(world.sim.cloudflare.accountId);

    // The dashboard now lists the discovered clusters with their new contexts.
    await page.getByRole('button', { name: 'Open dashboard' }).click();
    await row(page, 'prod-eu').getByText('zt-prod-eu').waitFor();
    expect(await row(page, 'dev').textContent()).toContain('not in kubeconfig');
  });

  it('WARP down: the banner appears, the rows follow, and both recover when WARP reconnects', async () => {
    const s = await start({ setUp: true });
    const page = await open(s);
    await row(page, 'prod-us').getByText('Reachable', { exact: true }).waitFor();

    s.world.sim.warp.setState({ status: 'Disconnected', reason: 'Manual Disconnection' });
    const banner = page.getByRole('alert').filter({ hasText: 'WARP is disconnected' });
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/manual disconnection/i);
    // A WARP change re-checks at once: every row says why it is unreachable now.
    for (const name of ALL) await row(page, name).getByRole('link', { name: 'WARP disconnected' }).waitFor();
    expect(await row(page, 'prod-us').locator('td[title]').getAttribute('title')).toMatch(/WARP/);
    await expectAccessibleScreens(page, 'clusters-warp-down');

    s.world.sim.warp.setState({ status: 'Connected', reason: null });
    await banner.waitFor({ state: 'detached' });
    await row(page, 'prod-us').getByText('Reachable', { exact: true }).waitFor();
  });
});
