import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventChannel, REQUEST_NAMES, requestChannel } from '../../ipc/contract.ts';
import { APP_INDEX_URL, CONTENT_SECURITY_POLICY_HEADER } from '../../main/app/security.ts';
import { type AppServices, createAppServices } from '../../main/app/services.ts';
import type { AppState } from '../../main/app/state.ts';
import { startKubeztApp } from '../../main/electron/glue.ts';
import { childFrame, createFakeElectron, FakeEvent, type FakeMenu, type FakeTray, topFrame } from './fake-electron.ts';
import { clusterView, createStandInDomain, probeResult, warpState } from './stand-in-domain.ts';

const ASSETS_TRAY = path.resolve(import.meta.dirname, '../../assets/tray');

let work: string;
beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'kubezt-glue-'));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

async function start(opts: { platform?: NodeJS.Platform; singleInstance?: boolean; isPackaged?: boolean } = {}) {
  const platform = opts.platform ?? 'linux';
  const electron = createFakeElectron({ ...opts, platform });
  const standIn = createStandInDomain(path.join(work, 'config'));
  let services: AppServices | undefined;
  // The tray's batched menu rebuilds run when the test flushes them.
  const trayTimers = new Set<() => void>();
  const flushTray = () => {
    const due = [...trayTimers];
    trayTimers.clear();
    for (const fn of due) fn();
  };
  const running = await startKubeztApp(electron.apis, {
    platform,
    homeDir: path.join(work, 'home'),
    execPath: '/opt/kubezt/kubezt',
    rendererOrigin: { kind: 'app', root: path.join(work, 'out', 'renderer') },
    preloadPath: path.join(work, 'out', 'preload', 'index.cjs'),
    trayIconsDir: ASSETS_TRAY,
    readEnvironment: async () => ({
      env: { XDG_CONFIG_HOME: path.join(work, 'xdg') },
      loginShell: { status: 'ok', shell: '/bin/bash', detail: null, pathFromShell: true, kubeconfigFromShell: false },
    }),
    log: () => {},
    setTimer: (fn) => {
      trayTimers.add(fn);
      return () => trayTimers.delete(fn);
    },
    async createServices(host) {
      // No background timer: the tests trigger every check themselves.
      services = createAppServices(standIn.core, host, { setTimer: () => () => {}, log: () => {} });
      return services;
    },
  });
  return { electron, standIn, running, appUrl: APP_INDEX_URL, flushTray, trayTimers };
}

/** Resolves once the services' state satisfies `predicate` (checked now and on every change). */
function until(services: AppServices, predicate: (s: AppState) => boolean): Promise<AppState> {
  return new Promise((resolve) => {
    if (predicate(services.state())) return resolve(services.state());
    const off = services.onStateChange((s) => {
      if (predicate(s)) {
        off();
        resolve(s);
      }
    });
  });
}

function menuLabels(menu: FakeMenu | undefined): string[] {
  return (menu?.items ?? []).map((i) => (i.type === 'separator' ? '---' : `${i.checked ? '[x] ' : ''}${i.label}`));
}

function clickMenu(tray: FakeTray, label: RegExp): void {
  const item = tray.menu?.items.find((i) => i.label !== undefined && label.test(i.label));
  if (!item?.click) throw new Error(`no clickable menu item ${label}`);
  item.click();
}

describe('single instance', () => {
  it('quits without a window or tray when another instance holds the lock', async () => {
    const { electron, running } = await start({ singleInstance: false });
    expect(running).toBeUndefined();
    expect(electron.record.quit).toBe(1);
    expect(electron.record.windows).toHaveLength(0);
    expect(electron.record.trays).toHaveLength(0);
    expect(electron.handlers.size).toBe(0);
  });

  it('shows the window when a second instance starts', async () => {
    const { electron } = await start();
    expect(electron.record.windows).toHaveLength(0);
    electron.appEvents.emit('second-instance');
    expect(electron.record.windows).toHaveLength(1);
    expect(electron.record.windows[0]?.loads).toEqual([{ url: 'app://kubezt/index.html#clusters' }]);
  });
});

describe('windows', () => {
  it('are created sandboxed, isolated, without Node, with the preload, and devtools off when packaged', async () => {
    const { electron, running } = await start();
    running?.showWindow('diagnostics');
    const win = electron.record.windows[0];
    expect(win?.options.webPreferences).toEqual({
      preload: path.join(work, 'out', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(win?.options.show).toBe(false);
    expect(win?.loads).toEqual([{ url: 'app://kubezt/index.html#diagnostics' }]);
    // Shown once painted; a second request reuses the window and asks it to switch views.
    win?.emit('ready-to-show');
    expect(win?.shown).toBe(1);
    running?.showWindow('settings');
    expect(electron.record.windows).toHaveLength(1);
    expect(win?.webContents.sent.filter((m) => m.channel === eventChannel('navigate'))).toEqual([
      { channel: eventChannel('navigate'), args: [{ view: 'settings' }] },
    ]);
    // Closed: the app keeps running in the tray, and the next request opens a new window.
    win?.close();
    electron.appEvents.emit('window-all-closed');
    expect(electron.record.quit).toBe(0);
    running?.showWindow('clusters');
    expect(electron.record.windows).toHaveLength(2);
  });

  it('block navigation off the app origin, new windows and webviews; only https links go to the browser', async () => {
    const { electron, running } = await start();
    running?.showWindow('clusters');
    const contents = electron.record.windows[0]?.webContents;
    if (!contents) throw new Error('no window');

    const nav = new FakeEvent();
    contents.emit('will-navigate', nav, 'https://developers.cloudflare.com/warp');
    expect(nav.defaultPrevented).toBe(true);
    const evil = new FakeEvent();
    contents.emit('will-navigate', evil, 'file:///etc/passwd');
    expect(evil.defaultPrevented).toBe(true);
    const frameNav = new FakeEvent('https://example.com/');
    contents.emit('will-frame-navigate', frameNav);
    expect(frameNav.defaultPrevented).toBe(true);
    // The app's own origin, and only it, in the top frame only.
    for (const url of ['app://kubezt/index.html#settings', 'app://kubezt/index.html']) {
      const own = new FakeEvent(url);
      contents.emit('will-navigate', own, url);
      contents.emit('will-frame-navigate', own);
      expect(own.defaultPrevented, url).toBe(false);
    }
    for (const url of [
      'app://kubezt.evil/index.html',
      'app://evil/index.html',
      'app://kubezt:8080/index.html',
      'app://user@kubezt/index.html',
      'file:///opt/kubezt/resources/app.asar/out/renderer/index.html',
      'http://kubezt/index.html',
    ]) {
      const other = new FakeEvent(url);
      contents.emit('will-navigate', other, url);
      expect(other.defaultPrevented, url).toBe(true);
      const otherFrame = new FakeEvent(url);
      contents.emit('will-frame-navigate', otherFrame);
      expect(otherFrame.defaultPrevented, url).toBe(true);
    }
    const subframe = new FakeEvent('app://kubezt/index.html', { isMainFrame: false });
    contents.emit('will-frame-navigate', subframe);
    expect(subframe.defaultPrevented).toBe(true);
    const redirect = new FakeEvent();
    contents.emit('will-redirect', redirect, 'https://example.com/');
    expect(redirect.defaultPrevented).toBe(true);
    const webview = new FakeEvent();
    contents.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);

    expect(contents.windowOpenHandler?.({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    await Promise.resolve();
    expect(electron.record.openedExternal).toEqual([
      'https://developers.cloudflare.com/warp',
      'https://example.com/docs',
    ]);
  });

  it('the session denies every permission and sends the CSP header', async () => {
    const { electron } = await start();
    const granted: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-sanitized-write', 'openExternal']) {
      electron.record.permissionRequestHandler?.({}, permission, (g) => granted.push(g));
      expect(electron.record.permissionCheckHandler?.({}, permission)).toBe(false);
    }
    expect(granted).toEqual([false, false, false, false, false]);
    let headers: Record<string, string | string[]> | undefined;
    electron.record.headersListener?.(
      { responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] } },
      (r) => {
        headers = r.responseHeaders;
      },
    );
    expect(headers).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY_HEADER] });
  });

  it('hides the dock icon on macOS only', async () => {
    const mac = await start({ platform: 'darwin' });
    expect(mac.electron.record.dockHidden).toBe(1);
    const linux = await start({ platform: 'linux' });
    expect(linux.electron.record.dockHidden).toBe(0);
  });
});

describe('IPC handlers', () => {
  it('exist for every request of the contract, and answer the app page', async () => {
    const { electron, appUrl } = await start();
    expect([...electron.handlers.keys()].sort()).toEqual(REQUEST_NAMES.map(requestChannel).sort());
    const answer = await electron.invoke(requestChannel('getSettings'), undefined, topFrame(`${appUrl}#settings`));
    expect(answer).toMatchObject({ ok: true, value: { settings: { refreshIntervalSec: 60 } } });
  });

  it('reject a foreign sender before anything runs', async () => {
    const { electron, standIn, appUrl } = await start();
    standIn.state.clusters = [clusterView('prod-us')];
    const foreign = [
      topFrame(pathToFileURL(path.join(work, 'evil.html')).href),
      topFrame(pathToFileURL(path.join(work, 'out', 'renderer', 'index.html')).href),
      topFrame('app://kubezt/evil.html'),
      topFrame('app://evil/index.html'),
      topFrame('app://kubezt:1/index.html'),
      topFrame('https://evil.example/index.html'),
      topFrame('data:text/html,<script>1</script>'),
      childFrame(appUrl, appUrl),
      null,
    ];
    for (const frame of foreign) {
      const answer = await electron.invoke(requestChannel('useContext'), { name: 'prod-us' }, frame);
      expect(answer).toEqual({
        ok: false,
        error: { code: 'forbidden-sender', message: 'This request did not come from the kubezt window.' },
      });
    }
    expect(standIn.calls.filter((c) => c.method === 'useContext')).toEqual([]);
  });

  it('reject a malformed payload with invalid-request, naming the field', async () => {
    const { electron, standIn, appUrl } = await start();
    const frame = topFrame(appUrl);
    const bad: [string, unknown, RegExp][] = [
      ['useContext', { name: 5 }, /name/],
      ['useContext', { name: 'prod-us', extra: true }, /extra|Unrecognized/i],
      ['useContext', undefined, /expected object/i],
      ['check', { names: ['Not_A_Name'] }, /names\.0/],
      ['setSettings', { refreshIntervalSec: 1 }, /refreshIntervalSec/],
      ['login', { token: 'short' }, /token/],
      ['openExternal', { url: 'http://example.com' }, /url/],
      ['exportReport', { format: 'pdf' }, /format/],
    ];
    for (const [name, payload, mentions] of bad) {
      const answer = (await electron.invoke(requestChannel(name as 'check'), payload, frame)) as {
        ok: boolean;
        error: { code: string; message: string };
      };
      expect(answer.ok, name).toBe(false);
      expect(answer.error.code, name).toBe('invalid-request');
      expect(answer.error.message, name).toMatch(mentions);
    }
    expect(standIn.calls.filter((c) => c.method === 'useContext' || c.method === 'check')).toEqual([]);
  });
});

describe('tray', () => {
  it('is built per state, rebuilt with setContextMenu after changes, and its clicks act', async () => {
    const { electron, standIn, running, flushTray } = await start();
    const services = running?.services;
    const tray = electron.record.trays[0];
    if (!tray || !services) throw new Error('no tray');
    expect(tray.images[0]?.path).toBe(path.join(ASSETS_TRAY, 'linux', 'tray-unknown.png'));
    expect(tray.images[0]?.isEmpty()).toBe(false);
    expect(menuLabels(tray.menu)).toEqual([
      'WARP state unknown',
      '---',
      'No clusters yet: set up kubeconfig',
      '---',
      'Set up kubeconfig…',
      'Diagnostics…',
      'Open dashboard',
      'Refresh',
      'Settings…',
      '---',
      'Quit',
    ]);

    // WARP connects, discovery has two clusters, prod-us is current and healthy.
    const menusBefore = tray.menus.length;
    standIn.pushWarp(warpState('connected'));
    standIn.state.clusters = [clusterView('prod-us'), clusterView('staging'), clusterView('lab', { context: null })];
    standIn.state.currentContext = 'zt-prod-us';
    standIn.state.results.set('staging', probeResult('staging', 'unreachable'));
    await services.call('listClusters');
    await services.call('check');
    flushTray();
    expect(tray.menus.length).toBe(menusBefore + 1);
    expect(tray.image?.path).toBe(path.join(ASSETS_TRAY, 'linux', 'tray-healthy.png'));
    expect(menuLabels(tray.menu).slice(0, 5)).toEqual([
      'WARP connected',
      '---',
      '[x] ● prod-us    12 ms',
      '✕ staging',
      '● lab    12 ms (not in kubeconfig)',
    ]);
    expect(tray.menu?.items.find((i) => i.label?.includes('lab'))?.enabled).toBe(false);
    expect(tray.toolTips.at(-1)).toBe('kubezt: WARP connected · zt-prod-us reachable');

    // Clicking a cluster switches the context; the menu moves the check mark and the icon follows health.
    clickMenu(tray, /staging/);
    await until(services, (s) => s.currentContext === 'zt-staging' && s.recent.length > 0);
    flushTray();
    expect(standIn.calls.filter((c) => c.method === 'useContext').map((c) => c.args[0])).toEqual(['staging']);
    // staging is now the most recent cluster, so it comes first.
    expect(menuLabels(tray.menu).slice(2, 4)).toEqual(['[x] ✕ staging', '● prod-us    12 ms']);
    expect(standIn.settings.read().recent).toEqual(['staging']);
    expect(tray.image?.path).toBe(path.join(ASSETS_TRAY, 'linux', 'tray-unhealthy.png'));

    standIn.pushWarp(warpState('disconnected', 'Manual Disconnection'));
    expect(tray.image?.path).toBe(path.join(ASSETS_TRAY, 'linux', 'tray-disconnected.png'));
    flushTray();
    expect(menuLabels(tray.menu)[0]).toBe('WARP disconnected');

    clickMenu(tray, /^Diagnostics…$/);
    expect(electron.record.windows[0]?.loads.at(-1)?.url).toBe('app://kubezt/index.html#diagnostics');
    clickMenu(tray, /^Quit$/);
    expect(electron.record.quit).toBe(1);
    expect(tray.destroyed).toBe(true);
    expect(standIn.warpSubscribers).toBe(0);
  });

  it('rebuilds its menu a handful of times, not once per result, while 1,000 clusters are checked', async () => {
    const { electron, standIn, running, flushTray, trayTimers } = await start();
    const services = running?.services;
    const tray = electron.record.trays[0];
    if (!tray || !services) throw new Error('no tray');
    standIn.pushWarp(warpState('connected'));
    standIn.state.clusters = Array.from({ length: 1000 }, (_, i) => clusterView(`team${i % 7}-c${i}`));
    await services.call('listClusters');
    flushTray();
    const before = tray.menus.length;
    let results = 0;
    const off = services.onEvent((e) => {
      if (e.name !== 'probeResult') return;
      results++;
      // A timer that fires now and then during the stream, as a real one would.
      if (results % 250 === 0) flushTray();
    });
    await services.call('check');
    off();
    flushTray();
    expect(results).toBe(1000);
    const rebuilds = tray.menus.length - before;
    expect(rebuilds).toBeGreaterThan(0);
    expect(rebuilds).toBeLessThanOrEqual(5);
    expect(trayTimers.size).toBe(0);
    // The last menu shows every result: 1,000 reachable clusters in 7 group submenus.
    const groups = (tray.menu?.items ?? []).filter((i) => i.type === 'submenu');
    expect(groups.map((g) => g.label)).toEqual([0, 1, 2, 3, 4, 5, 6].map((g) => `team${g} (${g < 6 ? 143 : 142})`));
    const leaves = groups.flatMap((g) => g.submenu ?? []);
    expect(leaves).toHaveLength(1000);
    expect(leaves.every((i) => i.label?.startsWith('● '))).toBe(true);
  });

  it('lists pinned and recent clusters first, and the rest by group once there are more than 15', async () => {
    const { electron, standIn, running, flushTray } = await start();
    const services = running?.services;
    const tray = electron.record.trays[0];
    if (!tray || !services) throw new Error('no tray');
    standIn.state.clusters = [
      ...['prod-us', 'prod-eu', 'prod-ap', 'stage-us', 'stage-eu', 'lab'].map((n) => clusterView(n)),
      ...Array.from({ length: 10 }, (_, i) => clusterView(`edge-${i}`, { group: 'Edge sites' })),
    ];
    standIn.state.currentContext = 'zt-prod-eu';
    await services.call('listClusters');
    await services.call('setSettings', { pinned: ['lab'] });
    await services.call('useContext', { name: 'stage-us' });
    await services.call('useContext', { name: 'zt-prod-eu' });
    flushTray();
    const labels = menuLabels(tray.menu);
    expect(labels.slice(0, 10)).toEqual([
      'WARP state unknown',
      '---',
      'Pinned',
      '… lab',
      'Recent',
      '[x] … prod-eu',
      '… stage-us',
      '---',
      'Edge sites (10)',
      'prod (2)',
    ]);
    expect(labels[10]).toBe('stage (1)');
    expect(labels[11]).toBe('---');
    const prod = tray.menu?.items.find((i) => i.label === 'prod (2)');
    expect(prod?.submenu?.map((i) => i.label)).toEqual(['… prod-us', '… prod-ap']);
    // A click inside a group submenu switches like a top-level one.
    prod?.submenu?.[1]?.click?.();
    await until(services, (s) => s.currentContext === 'zt-prod-ap' && s.recent[0] === 'prod-ap');
    expect(standIn.settings.read().recent).toEqual(['prod-ap', 'prod-eu', 'stage-us']);
    expect(standIn.settings.read().pinned).toEqual(['lab']);
  });

  it('uses template images on macOS and .ico on Windows, all present and readable', async () => {
    for (const [platform, file] of [
      ['darwin', path.join('macos', 'tray-unknownTemplate.png')],
      ['win32', path.join('windows', 'tray-unknown.ico')],
    ] as const) {
      const { electron } = await start({ platform });
      const image = electron.record.trays[0]?.image;
      expect(image?.path).toBe(path.join(ASSETS_TRAY, file));
      expect(image?.isEmpty()).toBe(false);
    }
  });

  it('reports a failed tray click in a notification', async () => {
    const { electron, standIn, running, flushTray } = await start();
    const tray = electron.record.trays[0];
    if (!tray || !running) throw new Error('no tray');
    standIn.state.clusters = [clusterView('prod-us')];
    await running.services.call('listClusters');
    flushTray();
    // Gone from kubeconfig behind the app's back: the click must say so, not fail silently.
    standIn.state.clusters = [];
    clickMenu(tray, /prod-us/);
    await electron.nextNotification();
    expect(electron.record.notifications).toEqual([
      { title: 'kubezt', body: 'There is no context for "prod-us"; run setup first.', shown: true },
    ]);
  });
});

describe('notifications and login items', () => {
  it('notify when WARP disconnects, only when enabled in settings', async () => {
    const { electron, standIn } = await start();
    standIn.pushWarp(warpState('connected'));
    standIn.pushWarp(warpState('disconnected', 'Manual Disconnection'));
    expect(electron.record.notifications).toEqual([
      {
        title: 'WARP disconnected',
        body: 'Cloudflare WARP disconnected (Manual Disconnection): clusters behind Zero Trust are unreachable until it reconnects.',
        shown: true,
      },
    ]);
    standIn.settings.update({ notifications: { warpDisconnect: false } });
    standIn.pushWarp(warpState('connected'));
    standIn.pushWarp(warpState('disconnected'));
    expect(electron.record.notifications).toHaveLength(1);
  });

  it('launch at login writes an XDG autostart entry on Linux and a login item elsewhere', async () => {
    const linux = await start({ platform: 'linux' });
    const frame = topFrame(linux.appUrl);
    await linux.electron.invoke(requestChannel('setSettings'), { launchAtLogin: true }, frame);
    const entry = readFileSync(path.join(work, 'xdg', 'autostart', 'kubezt.desktop'), 'utf8');
    expect(entry).toContain('Exec=/opt/kubezt/kubezt\n');
    await linux.electron.invoke(requestChannel('setSettings'), { launchAtLogin: false }, frame);
    expect(() => readFileSync(path.join(work, 'xdg', 'autostart', 'kubezt.desktop'))).toThrow(/ENOENT/);

    const mac = await start({ platform: 'darwin' });
    await mac.electron.invoke(requestChannel('setSettings'), { launchAtLogin: true }, topFrame(mac.appUrl));
    expect(mac.electron.record.loginItems).toEqual([{ openAtLogin: true }]);
  });

  it('saves and copies the report through main dialogs and clipboard', async () => {
    const { electron, standIn, appUrl } = await start();
    standIn.state.clusters = [clusterView('prod-us')];
    const frame = topFrame(appUrl);
    const target = path.join(work, 'report.md');
    electron.dialogAnswers.save = target;
    expect(await electron.invoke(requestChannel('saveReport'), { format: 'markdown' }, frame)).toEqual({
      ok: true,
      value: { saved: true, path: target },
    });
    expect(readFileSync(target, 'utf8')).toBe('# kubezt report\n\n1 clusters\n');
    electron.dialogAnswers.save = null;
    expect(await electron.invoke(requestChannel('saveReport'), { format: 'markdown' }, frame)).toEqual({
      ok: true,
      value: { saved: false, path: null },
    });
    await electron.invoke(requestChannel('copyReport'), { format: 'markdown' }, frame);
    expect(electron.record.clipboard).toEqual(['# kubezt report\n\n1 clusters\n']);
  });
});
