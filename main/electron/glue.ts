/**
 * The Electron glue: single instance, the app:// scheme, the window, the tray, IPC wiring,
 * notifications, login items, and the security settings. No domain logic: every request goes to the app services
 * (main/app), and the tray is drawn from their state. The Electron APIs are injected.
 */
import path from 'node:path';
import { type EventName, eventChannel, REQUEST_NAMES, requestChannel, type ViewName } from '../../ipc/contract.ts';
import { autostartDir, launchCommand, setLinuxAutostart } from '../app/autostart.ts';
import { DEEP_LINK_SCHEME, deepLinkInArgv, resolveDeepLink } from '../app/deep-link.ts';
import type { AppHost, LoginShellReport } from '../app/ports.ts';
import { APP_SCHEME_PRIVILEGES, createRendererProtocolHandler } from '../app/renderer-protocol.ts';
import {
  APP_SCHEME,
  appPageUrl,
  isAppOrigin,
  isAppUrl,
  isSafeExternalUrl,
  type RendererOrigin,
  withCspHeader,
} from '../app/security.ts';
import type { AppEvent, AppServices } from '../app/services.ts';
import type { TrayIconState } from '../app/state.ts';
import type { TrayAction } from '../app/tray-model.ts';
import type {
  BrowserWindowLike,
  BrowserWindowOptionsLike,
  ElectronApis,
  ImageLike,
  IpcInvokeEventLike,
  MenuItemOptionsLike,
  SessionLike,
  WebContentsLike,
} from './apis.ts';
import { createTrayController } from './tray.ts';

/** The environment the app runs with: the process's, completed from the user's login shell. */
export interface AppEnvironment {
  env: Record<string, string | undefined>;
  loginShell: LoginShellReport;
}

export interface GlueConfig {
  platform: NodeJS.Platform;
  homeDir: string;
  execPath: string;
  rendererOrigin: RendererOrigin;
  preloadPath: string;
  /** Folder holding macos/, windows/ and linux/ tray icons. */
  trayIconsDir: string;
  /**
   * Runs the login-shell probe. Called only once this instance holds the single-instance lock
   * (a second instance quits without starting a shell), while Electron gets ready.
   */
  readEnvironment(): Promise<AppEnvironment>;
  /** Builds the services once Electron is ready (the core needs net.fetch, safeStorage…). */
  createServices(host: AppHost, apis: ElectronApis, environment: AppEnvironment): Promise<AppServices>;
  log?: (message: string, error?: unknown) => void;
  /** The process's arguments: on Windows and Linux a kubezt:// link that started the app is one. */
  argv?: readonly string[];
  /** The folder of the log files, for "Open log folder". */
  logDir?: string;
  /** The clock the tray's "expires in …" is told by. */
  now?: () => Date;
  /** Schedules `fn` once after `ms`; returns the cancel. The tray's menu rebuilds use it. */
  setTimer?: (fn: () => void, ms: number) => () => void;
  /** The tray menu is rebuilt at most once per this many ms (a check streams a result per cluster). */
  trayRebuildMs?: number;
}

/** Long enough to fold a check's stream of results into a few rebuilds, short enough to feel live. */
export const TRAY_REBUILD_MS = 250;

export interface RunningApp {
  services: AppServices;
  showWindow(view: ViewName): BrowserWindowLike;
  quit(): void;
}

/** The window's security-relevant settings, in one place for review and for the tests. */
export function windowOptions(preloadPath: string, devTools: boolean): BrowserWindowOptionsLike {
  return {
    width: 1100,
    height: 720,
    minWidth: 760,
    minHeight: 520,
    show: false,
    title: 'kubezt',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
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
      devTools,
      disableBlinkFeatures: 'Auxclick',
    },
  };
}

/** Per platform: a macOS template image (Electron finds the @2x beside it), a Windows .ico, a Linux PNG. */
export function trayIconPath(dir: string, platform: NodeJS.Platform, state: TrayIconState): string {
  switch (platform) {
    case 'darwin':
      return path.join(dir, 'macos', `tray-${state}Template.png`);
    case 'win32':
      return path.join(dir, 'windows', `tray-${state}.ico`);
    default:
      return path.join(dir, 'linux', `tray-${state}.png`);
  }
}

/**
 * What must come first, before any await: the single-instance lock (a second instance quits here,
 * before any login shell runs), then the app:// scheme's privileges (only possible before `ready`).
 */
function claimInstance(apis: ElectronApis, origin: RendererOrigin): boolean {
  if (!apis.app.requestSingleInstanceLock()) {
    apis.app.quit();
    return false;
  }
  if (origin.kind === 'app') {
    apis.protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);
  }
  return true;
}

/** kubezt:// opens this app; unpackaged, Electron must be told which app folder to start. */
function registerLinkScheme(apis: ElectronApis, config: GlueConfig, log: (message: string) => void): void {
  const { app } = apis;
  const ok = app.isPackaged
    ? app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME)
    : app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, config.execPath, [path.resolve(app.getAppPath())]);
  if (!ok) log(`could not register as the handler of ${DEEP_LINK_SCHEME}:// links`);
}

/**
 * Starts the app; call it before Electron is ready. Returns undefined when another instance
 * already runs (that one is asked to show its window through the `second-instance` event, and
 * this one quits).
 */
export async function startKubeztApp(apis: ElectronApis, config: GlueConfig): Promise<RunningApp | undefined> {
  const { app } = apis;
  const log = config.log ?? ((message: string, error?: unknown) => console.error(`kubezt: ${message}`, error ?? ''));
  const origin = config.rendererOrigin;
  if (!claimInstance(apis, origin)) return undefined;
  registerLinkScheme(apis, config, log);
  const environment = config.readEnvironment();
  // Awaited once Electron is ready; until then a failure must not count as unhandled.
  environment.catch(() => {});

  let mainWindow: BrowserWindowLike | undefined;
  /** Set while the window loads: the view it should show once ready, and events for it then. */
  let pendingView: { loaded: ViewName; wanted: ViewName; events: AppEvent[] } | undefined;
  let services: AppServices | undefined;
  let tray: { destroy(): void } | undefined;

  const openExternal = async (url: string): Promise<void> => {
    if (!isSafeExternalUrl(url)) throw new Error('Only https links open outside kubezt.');
    await apis.shell.openExternal(url);
  };

  // Every webContents, present and future: no navigation off the app's origin, no new windows,
  // no <webview>.
  app.on('web-contents-created', (_event, contents) =>
    hardenWebContents(contents, (url) => isAppOrigin(url, origin), openExternal, log),
  );
  const links = linkInbox(apis, config.argv ?? [], (view, then) => showWindow(view, then));
  // A tray app keeps running with no window open; only "Quit" ends it.
  app.on('window-all-closed', () => {});
  app.on('before-quit', () => {
    services?.stop();
    tray?.destroy();
  });

  await app.whenReady();
  if (origin.kind === 'app') apis.protocol.handle(APP_SCHEME, createRendererProtocolHandler({ root: origin.root }));
  hardenSession(apis.session.defaultSession);
  if (config.platform === 'darwin') app.dock?.hide();

  const appEnvironment = await environment;
  const host = createHost(apis, config, appEnvironment);
  services = await config.createServices(host, apis, appEnvironment);
  const running = services;
  registerIpcHandlers(apis, running, origin);
  running.onEvent((event) => broadcast(event));

  function broadcast(event: AppEvent): void {
    if (!mainWindow || mainWindow.isDestroyed() || mainWindow.webContents.isDestroyed()) return;
    mainWindow.webContents.send(eventChannel(event.name as EventName), event.payload);
  }

  function showWindow(view: ViewName, then?: AppEvent): BrowserWindowLike {
    if (mainWindow && !mainWindow.isDestroyed()) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.show();
      mainWindow.focus();
      if (pendingView) {
        pendingView.wanted = view;
        if (then) pendingView.events.push(then);
      } else {
        broadcast({ name: 'navigate', payload: { view } });
        if (then) broadcast(then);
      }
      return mainWindow;
    }
    const win = apis.createBrowserWindow(windowOptions(config.preloadPath, !app.isPackaged));
    mainWindow = win;
    pendingView = { loaded: view, wanted: view, events: then ? [then] : [] };
    win.once('ready-to-show', () => {
      const wanted = pendingView?.wanted;
      const queued = pendingView?.events ?? [];
      pendingView = undefined;
      win.show();
      win.focus();
      if (wanted && wanted !== view) broadcast({ name: 'navigate', payload: { view: wanted } });
      for (const event of queued) broadcast(event);
    });
    win.on('closed', () => {
      if (mainWindow === win) mainWindow = undefined;
    });
    win.loadURL(appPageUrl(origin, view)).catch((e: unknown) => log('the window failed to load', e));
    return win;
  }

  const images = new Map<TrayIconState, ImageLike>();
  const iconFor = (state: TrayIconState): ImageLike => {
    let image = images.get(state);
    if (!image) {
      image = apis.nativeImage.createFromPath(trayIconPath(config.trayIconsDir, config.platform, state));
      if (image.isEmpty()) log(`tray icon for "${state}" is missing or unreadable`);
      images.set(state, image);
    }
    return image;
  };

  const onTrayAction = (action: TrayAction): void => {
    switch (action.kind) {
      case 'use':
        running.call('useContext', { name: action.cluster }).catch((e: unknown) => reportActionError(e));
        return;
      case 'open':
        showWindow(action.view);
        return;
      case 'refresh':
        running
          .call('refresh')
          .then(() => running.call('check'))
          .catch((e: unknown) => reportActionError(e));
        return;
      case 'vnet':
        running.call('switchVirtualNetwork', { id: action.id }).catch((e: unknown) => reportActionError(e));
        return;
      case 'quit':
        app.quit();
        return;
    }
  };
  // Failures of a click in the tray menu have no window to show them in: a notification does.
  const reportActionError = (e: unknown): void => {
    const message = e instanceof Error ? e.message.replace(/^\[[a-z-]+\] /, '') : String(e);
    host.notify({ title: 'kubezt', body: message });
  };

  const setTimer =
    config.setTimer ??
    ((fn: () => void, ms: number) => {
      const t = setTimeout(fn, ms);
      return () => clearTimeout(t);
    });
  tray = createTrayController(apis, running, iconFor, onTrayAction, {
    setTimer,
    intervalMs: config.trayRebuildMs ?? TRAY_REBUILD_MS,
    now: config.now ?? (() => new Date()),
  });
  await running.start();
  links.ready(running);

  return {
    services: running,
    showWindow,
    quit: () => app.quit(),
  };
}

/**
 * kubezt:// links: a second instance's argv (Windows, Linux), open-url (macOS, also before
 * ready), and this instance's own argv. Those that come before the services wait for `ready`.
 */
function linkInbox(
  apis: ElectronApis,
  argv: readonly string[],
  show: (view: ViewName, then?: AppEvent) => void,
): { ready(services: AppServices): void } {
  let services: AppServices | undefined;
  const early: string[] = [];
  const open = (url: string): void => {
    if (!services) {
      early.push(url);
      return;
    }
    const { view, event } = resolveDeepLink(url, services.state().clusters);
    show(view, { name: 'deepLink', payload: event });
  };
  apis.app.on('second-instance', (_event, args) => {
    const link = deepLinkInArgv(args ?? []);
    if (link) open(link);
    else show('clusters');
  });
  apis.app.on('open-url', (event, url) => {
    event.preventDefault();
    open(url);
  });
  const first = deepLinkInArgv(argv);
  if (first) early.push(first);
  return {
    ready(running) {
      services = running;
      for (const url of early.splice(0)) open(url);
    },
  };
}

/** One handler per request channel; each checks its sender frame, then the services validate. */
export function registerIpcHandlers(apis: ElectronApis, services: AppServices, origin: RendererOrigin): void {
  for (const name of REQUEST_NAMES) {
    apis.ipcMain.handle(requestChannel(name), async (event: IpcInvokeEventLike, payload?: unknown) => {
      if (!isTrustedSender(event, origin)) {
        return {
          ok: false,
          error: { code: 'forbidden-sender', message: 'This request did not come from the kubezt window.' },
        };
      }
      return services.handle(name, payload);
    });
  }
}

/** Only the app's own page, in a top-level frame, may call main. */
export function isTrustedSender(event: IpcInvokeEventLike, origin: RendererOrigin): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url, origin);
}

/**
 * Navigation stays on the app's own origin, in the top frame only; an https link goes to the
 * user's browser instead; new windows, redirects and <webview> are refused.
 */
export function hardenWebContents(
  contents: WebContentsLike,
  isOwnOrigin: (url: string) => boolean,
  openExternal: (url: string) => Promise<void>,
  log: (message: string, error?: unknown) => void,
): void {
  const handOff = (url: string) => {
    if (isSafeExternalUrl(url)) openExternal(url).catch((e: unknown) => log('could not open a link', e));
  };
  contents.on('will-navigate', (event, url) => {
    if (isOwnOrigin(url)) return;
    event.preventDefault();
    handOff(url);
  });
  // Fires for every frame, the top one included, so it must let the same navigations through.
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame && isOwnOrigin(event.url)) return;
    event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    handOff(url);
    return { action: 'deny' };
  });
}

export function hardenSession(session: SessionLike): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: withCspHeader(details.responseHeaders) }),
  );
}

function createHost(apis: ElectronApis, config: GlueConfig, environment: AppEnvironment): AppHost {
  const { app } = apis;
  return {
    appVersion: app.getVersion(),
    platform: config.platform,
    loginShell: environment.loginShell,
    async chooseSavePath({ title, defaultName, extensions }) {
      const r = await apis.dialog.showSaveDialog({
        title,
        defaultPath: path.join(config.homeDir, defaultName),
        // No extensions asked for: any file (a kubeconfig has none); '*' is Electron's "all files".
        filters:
          extensions.length > 0
            ? [{ name: extensions.join(', '), extensions }]
            : [{ name: 'All files', extensions: ['*'] }],
      });
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    async chooseOpenPath({ title, extensions }) {
      const r = await apis.dialog.showOpenDialog({
        title,
        properties: ['openFile'],
        filters: [{ name: extensions.join(', '), extensions }],
      });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    writeClipboard: (text) => apis.clipboard.writeText(text),
    async openExternal(url) {
      if (!isSafeExternalUrl(url)) throw new Error('Only https links open outside kubezt.');
      await apis.shell.openExternal(url);
    },
    async setLaunchAtLogin(enabled) {
      if (config.platform === 'linux') {
        await setLinuxAutostart({
          enabled,
          dir: autostartDir(environment.env, config.homeDir),
          command: launchCommand({
            execPath: config.execPath,
            env: environment.env,
            args: app.isPackaged ? [] : [app.getAppPath()],
          }),
        });
      } else {
        app.setLoginItemSettings({ openAtLogin: enabled });
      }
    },
    notify({ title, body }) {
      if (!apis.Notification.isSupported()) return;
      apis.createNotification({ title, body }).show();
    },
    ...(config.logDir ? { openLogFolder: () => openFolder(apis, config.logDir as string) } : {}),
  };
}

async function openFolder(apis: ElectronApis, dir: string): Promise<{ path: string; error?: string }> {
  const error = await apis.shell.openPath(dir);
  return error ? { path: dir, error } : { path: dir };
}
