import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventChannel, requestChannel } from '../../ipc/contract.ts';
import { fileNotificationMemory } from '../../main/app/notification-memory.ts';
import { type AppServices, createAppServices } from '../../main/app/services.ts';
import { UserError } from '../../main/core/errors.ts';
import { createLogger, logCallback } from '../../main/core/log.ts';
import { createRotatingFileSink } from '../../main/core/log-file.ts';
import { startKubeztApp } from '../../main/electron/glue.ts';
import { recordingAppHost } from '../helpers/app-host.ts';
import { createFakeElectron, FakeEvent, type FakeWindow, topFrame } from './fake-electron.ts';
import { clusterView, createStandInDomain, probeResult, warpState } from './stand-in-domain.ts';

const ASSETS_TRAY = path.resolve(import.meta.dirname, '../../assets/tray');
const DAY = 86_400_000;

let work: string;
beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'kubezt-links-'));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

interface StartOptions {
  platform?: NodeJS.Platform;
  argv?: string[];
  now?: () => number;
  isPackaged?: boolean;
}

async function start(opts: StartOptions = {}) {
  const platform = opts.platform ?? 'linux';
  const electron = createFakeElectron({
    platform,
    ...(opts.isPackaged === undefined ? {} : { isPackaged: opts.isPackaged }),
  });
  const standIn = createStandInDomain(path.join(work, 'config'));
  standIn.state.clusters = [clusterView('prod-us'), clusterView('lab', { context: null })];
  standIn.state.currentContext = 'zt-prod-us';
  const now = opts.now ?? (() => Date.parse('2026-12-06T12:00:00Z'));
  const logDir = path.join(work, 'config');
  mkdirSync(logDir, { recursive: true });
  const running = await startKubeztApp(electron.apis, {
    platform,
    homeDir: path.join(work, 'home'),
    execPath: '/opt/kubezt/kubezt',
    rendererOrigin: { kind: 'app', root: path.join(work, 'out', 'renderer') },
    preloadPath: path.join(work, 'out', 'preload', 'index.cjs'),
    trayIconsDir: ASSETS_TRAY,
    // The tray's menu rebuild runs on the next turn of the event loop instead of 250 ms later.
    setTimer: (fn) => {
      const t = setImmediate(fn);
      return () => clearImmediate(t);
    },
    readEnvironment: async () => ({
      env: {},
      loginShell: { status: 'ok', shell: '/bin/bash', detail: null, pathFromShell: true, kubeconfigFromShell: false },
    }),
    log: () => {},
    argv: opts.argv ?? ['/opt/kubezt/kubezt'],
    logDir,
    now: () => new Date(now()),
    async createServices(host): Promise<AppServices> {
      return createAppServices(standIn.core, host, {
        setTimer: () => () => {},
        log: () => {},
        now: () => new Date(now()),
        notificationMemory: fileNotificationMemory(path.join(work, 'config', 'notified.json'), () => {}),
      });
    },
  });
  if (!running) throw new Error('the app did not start');
  return { electron, standIn, running };
}

/** The deep-link events the window was sent, once it was shown. */
function deepLinks(win: FakeWindow | undefined): unknown[] {
  return (win?.webContents.sent ?? []).filter((s) => s.channel === eventChannel('deepLink')).map((s) => s.args[0]);
}

describe('kubezt:// links', () => {
  it('registers the scheme (with the app folder when unpackaged)', async () => {
    const packaged = await start();
    expect(packaged.electron.record.protocolClients).toEqual([{ protocol: 'kubezt' }]);
    const dev = await start({ isPackaged: false });
    expect(dev.electron.record.protocolClients).toEqual([
      { protocol: 'kubezt', path: '/opt/kubezt/kubezt', args: ['/opt/kubezt/resources/app.asar'] },
    ]);
  });

  it('second-instance argv (Windows, Linux): opens the window with the action prefilled, and does nothing else', async () => {
    const { electron, standIn } = await start();
    electron.appEvents.emit('second-instance', {}, ['/opt/kubezt/kubezt', '--', 'kubezt://use/prod-us']);
    const win = electron.record.windows[0];
    expect(win?.loads).toEqual([{ url: 'app://kubezt/index.html#clusters' }]);
    // Nothing is sent before the page is ready to hear it.
    expect(deepLinks(win)).toEqual([]);
    win?.emit('ready-to-show');
    expect(deepLinks(win)).toEqual([{ action: 'use', cluster: 'prod-us' }]);
    // Prefilled, never acted on: no switch, no check.
    expect(standIn.calls.filter((c) => c.method === 'useContext')).toEqual([]);

    // With the window open: a diagnose link navigates and prefills at once.
    electron.appEvents.emit('second-instance', {}, ['/opt/kubezt/kubezt', 'kubezt://diagnose/zt-prod-us']);
    const sent = win?.webContents.sent.slice(-2);
    expect(sent).toEqual([
      { channel: eventChannel('navigate'), args: [{ view: 'clusters' }] },
      { channel: eventChannel('deepLink'), args: [{ action: 'diagnose', cluster: 'prod-us' }] },
    ]);
    expect(standIn.calls.filter((c) => c.method === 'check' || c.method === 'useContext')).toHaveLength(1);
  });

  it('open-url (macOS), also before the app is ready; unknown names and malformed links get one sentence', async () => {
    const electron = createFakeElectron({ platform: 'darwin' });
    const standIn = createStandInDomain(path.join(work, 'config'));
    standIn.state.clusters = [clusterView('prod-us'), clusterView('lab', { context: null })];
    const starting = startKubeztApp(electron.apis, {
      platform: 'darwin',
      homeDir: path.join(work, 'home'),
      execPath: '/Applications/kubezt.app/Contents/MacOS/kubezt',
      rendererOrigin: { kind: 'app', root: path.join(work, 'out', 'renderer') },
      preloadPath: path.join(work, 'out', 'preload', 'index.cjs'),
      trayIconsDir: ASSETS_TRAY,
      readEnvironment: async () => ({
        env: {},
        loginShell: { status: 'ok', shell: '/bin/zsh', detail: null, pathFromShell: true, kubeconfigFromShell: false },
      }),
      log: () => {},
      createServices: async (host) =>
        createAppServices(standIn.core, host, { setTimer: () => () => {}, log: () => {} }),
    });
    // macOS hands the link that launched the app over before `ready`.
    const early = new FakeEvent();
    electron.appEvents.emit('open-url', early, 'kubezt://diagnose/prod-us');
    expect(early.defaultPrevented).toBe(true);
    const running = await starting;
    const win = electron.record.windows[0];
    // The dashboard, not Diagnostics (which runs as it opens): nothing starts before the click.
    expect(win?.loads).toEqual([{ url: 'app://kubezt/index.html#clusters' }]);
    win?.emit('ready-to-show');
    expect(deepLinks(win)).toEqual([{ action: 'diagnose', cluster: 'prod-us' }]);

    electron.appEvents.emit('open-url', new FakeEvent(), 'kubezt://use/nope');
    electron.appEvents.emit('open-url', new FakeEvent(), 'kubezt://use/lab');
    electron.appEvents.emit('open-url', new FakeEvent(), 'kubezt://delete/prod-us');
    expect(deepLinks(win).slice(1)).toEqual([
      {
        action: 'use',
        error:
          'No cluster named "nope" is known to kubezt, so the link was not followed; refresh the list or run setup.',
      },
      {
        action: 'use',
        cluster: 'lab',
        error: 'Cluster "lab" has no kubeconfig context yet; run "Set up kubeconfig" to add it.',
      },
      {
        action: null,
        error:
          'kubezt does not know the link kubezt://delete/prod-us; kubezt links are kubezt://use/NAME or kubezt://diagnose/NAME.',
      },
    ]);
    expect(standIn.calls.some((c) => c.method === 'useContext')).toBe(false);
    running?.quit();
  });

  it('a link in the first instance argv (Windows, Linux) is opened once the app has started', async () => {
    const { electron } = await start({ argv: ['/opt/kubezt/kubezt', 'kubezt://use/prod-us'] });
    const win = electron.record.windows[0];
    expect(win?.loads).toEqual([{ url: 'app://kubezt/index.html#clusters' }]);
    win?.emit('ready-to-show');
    expect(deepLinks(win)).toEqual([{ action: 'use', cluster: 'prod-us' }]);
  });
});

describe('expiring credentials in the app', () => {
  const expiring = (expiresAt: string) => ({
    ...probeResult('prod-us', 'degraded'),
    verdict: 'credentials-expiring',
    summary: 'Reachable; the client certificate of context "zt-prod-us" expires in 3 days.',
    remedy: 'Get a new client certificate from "prod-client-ca" and put it in context "zt-prod-us"\'s user.',
    expiry: { kind: 'client-certificate' as const, expiresAt, issuer: 'prod-client-ca' },
  });

  it('notifies at most once a day per cluster, remembered across a restart, and shows it in the tray tooltip', async () => {
    let t = Date.parse('2026-12-06T12:00:00Z');
    const expiresAt = new Date(t + 3 * DAY + 3_600_000).toISOString();
    const first = await start({ now: () => t });
    first.standIn.pushWarp(warpState('connected'));
    first.standIn.state.results.set('prod-us', expiring(expiresAt));
    await first.running.services.call('listClusters');
    await first.running.services.call('check');
    await first.running.services.call('check');
    expect(first.electron.record.notifications).toEqual([
      {
        title: 'zt-prod-us: certificate expires in 3 days',
        body: 'Get a new client certificate from "prod-client-ca" and put it in context "zt-prod-us"\'s user.',
        shown: true,
      },
    ]);
    // The tray is redrawn on its timer, after the state change.
    const tip = 'kubezt: WARP connected · zt-prod-us degraded · certificate expires in 3 days';
    await until(() => first.electron.record.trays[0]?.toolTips.at(-1) === tip);
    expect(first.electron.record.trays[0]?.toolTips.at(-1)).toBe(tip);
    const memory = path.join(work, 'config', 'notified.json');
    await first.electron.nextNotification();
    await until(() => parses(memory));
    expect(statSync(memory).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(memory, 'utf8'))).toEqual({ 'expiry:prod-us': Date.parse('2026-12-06T12:00:00Z') });
    first.running.quit();

    // Restarted 20 hours later: still quiet. A day after the first: told again.
    t += 20 * 3_600_000;
    const second = await start({ now: () => t });
    second.standIn.state.results.set('prod-us', expiring(expiresAt));
    await second.running.services.call('listClusters');
    await second.running.services.call('check');
    expect(second.electron.record.notifications).toEqual([]);
    t += 5 * 3_600_000;
    await second.running.services.call('check');
    expect(second.electron.record.notifications.map((n) => n.title)).toEqual([
      'zt-prod-us: certificate expires in 2 days',
    ]);
    second.running.quit();
  });
});

describe('Open log folder', () => {
  it("opens the settings folder through main's shell, and says so when it cannot", async () => {
    const { electron } = await start();
    const frame = topFrame('app://kubezt/index.html');
    expect(await electron.invoke(requestChannel('openLogFolder'), undefined, frame)).toEqual({
      ok: true,
      value: { opened: true, path: path.join(work, 'config') },
    });
    expect(electron.record.openedPaths).toEqual([path.join(work, 'config')]);
    rmSync(path.join(work, 'config'), { recursive: true, force: true });
    const failed = (await electron.invoke(requestChannel('openLogFolder'), undefined, frame)) as {
      ok: boolean;
      error: { message: string };
    };
    expect(failed.ok).toBe(false);
    expect(failed.error.message).toBe(
      `The log folder ${path.join(work, 'config')} could not be opened (Failed to open path).`,
    );
  });
});

describe("the app's log file", () => {
  it('gets a line per check and the failures, and never the token a failing request carried', async () => {
    const token = 'cf-Zk3T9qYw7Rm2Lp8Vx4Nb6Hj1Gd5Sa0Ue';
    const standIn = createStandInDomain(path.join(work, 'config'));
    standIn.state.clusters = [clusterView('prod-us'), clusterView('staging')];
    standIn.state.results.set('staging', probeResult('staging', 'unreachable'));
    const sink = createRotatingFileSink({ dir: path.join(work, 'config') });
    const logger = createLogger({ sinks: [sink], now: () => new Date('2026-12-06T12:00:00Z') });
    const core = {
      ...standIn.core,
      login: async (t: string) => {
        throw new TypeError(`cannot read ${encodeURIComponent(t)} (Authorization: Bearer ${t})`);
      },
      useContext: async (name: string) => {
        throw new UserError('not-found', `There is no context for "${name}" with token=${token}.`);
      },
    };
    const services = createAppServices(core, recordingAppHost().host, {
      log: logCallback(logger),
      info: (m) => logger.info(m),
      setTimer: () => () => {},
    });
    await services.call('listClusters');
    await services.call('check');
    await services.handle('login', { token, accountId: 'acc1' });
    await services.handle('useContext', { name: 'staging' });
    const text = readFileSync(sink.path, 'utf8');
    expect(statSync(sink.path).mode & 0o777).toBe(0o600);
    expect(text).toContain('2026-12-06T12:00:00.000Z INFO  check: 2 clusters, 1 reachable; staging tcp-timeout\n');
    expect(text).toContain('internal error in login');
    expect(text).not.toContain(token);
    expect(text).not.toContain(encodeURIComponent(token));
  });
});

function parses(file: string): boolean {
  try {
    JSON.parse(readFileSync(file, 'utf8'));
    return true;
  } catch {
    return false;
  }
}

/** The memory is written asynchronously: wait for it on the event loop, not on a timer. */
async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !ready(); i++) await new Promise((r) => setImmediate(r));
  if (!ready()) throw new Error('never became ready');
}
