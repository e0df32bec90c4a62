/**
 * A recording fake of the Electron APIs the glue uses (main/electron/apis.ts), for tests on a
 * machine without the Electron binary. It keeps Electron's observable quirks where the glue
 * depends on them: ipcMain.handle throws on a second handler for one channel; nativeImage gives
 * an EMPTY image (not an error) for a missing or non-image file; a tray's menu is only what was
 * last passed to setContextMenu; events fire only when emitted. `ready` comes on its own, soon
 * after start (on the next turn of the event loop), whether or not anyone waits for it:
 * protocol.registerSchemesAsPrivileged throws once it has come (or on a second call), and
 * protocol.handle throws before it (or on a second handler for one scheme).
 *
 * `record.calls` lists the start-up calls in order (lock, scheme registration, ready, handlers),
 * so tests can check what happens before what.
 */
import { existsSync, readFileSync } from 'node:fs';
import type {
  AppLike,
  BrowserWindowLike,
  BrowserWindowOptionsLike,
  CustomSchemeLike,
  ElectronApis,
  EventLike,
  ImageLike,
  IpcInvokeEventLike,
  MenuItemOptionsLike,
  SessionLike,
  TrayLike,
  WebContentsLike,
  WebFrameLike,
} from '../../main/electron/apis.ts';

type Listener = (...args: never[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    const wrapped = ((...args: never[]) => {
      this.off(event, wrapped);
      return listener(...args);
    }) as Listener;
    return this.on(event, wrapped);
  }
  off(event: string, listener: Listener): void {
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter((l) => l !== listener),
    );
  }
  emit(event: string, ...args: unknown[]): void {
    for (const l of [...(this.listeners.get(event) ?? [])]) (l as (...a: unknown[]) => unknown)(...args);
  }
}

export class FakeEvent implements EventLike {
  defaultPrevented = false;
  readonly url: string;
  /** Set on will-frame-navigate: whether the navigating frame is the top one. */
  readonly isMainFrame: boolean;
  constructor(url = '', opts: { isMainFrame?: boolean } = {}) {
    this.url = url;
    this.isMainFrame = opts.isMainFrame ?? true;
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class FakeWebContents extends Emitter implements WebContentsLike {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  destroyed = false;
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeWindow extends Emitter implements BrowserWindowLike {
  readonly webContents = new FakeWebContents();
  readonly loads: { url: string }[] = [];
  shown = 0;
  focused = 0;
  destroyed = false;
  minimized = false;
  readonly options: BrowserWindowOptionsLike;
  constructor(options: BrowserWindowOptionsLike) {
    super();
    this.options = options;
  }
  async loadURL(url: string): Promise<void> {
    this.loads.push({ url });
  }
  show(): void {
    this.shown++;
  }
  focus(): void {
    this.focused++;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  /** What Electron does when the user closes the window. */
  close(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

export interface FakeImage extends ImageLike {
  readonly path: string;
}

export interface FakeMenu {
  readonly items: MenuItemOptionsLike[];
}

export class FakeTray implements TrayLike {
  readonly images: FakeImage[] = [];
  readonly toolTips: string[] = [];
  readonly menus: FakeMenu[] = [];
  destroyed = false;
  constructor(image: FakeImage) {
    this.images.push(image);
  }
  setImage(image: ImageLike): void {
    this.images.push(image as FakeImage);
  }
  setToolTip(toolTip: string): void {
    this.toolTips.push(toolTip);
  }
  setContextMenu(menu: unknown): void {
    this.menus.push(menu as FakeMenu);
  }
  destroy(): void {
    this.destroyed = true;
  }
  get menu(): FakeMenu | undefined {
    return this.menus.at(-1);
  }
  get image(): FakeImage | undefined {
    return this.images.at(-1);
  }
}

type IpcHandler = (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>;
type ProtocolHandler = (request: Request) => Response | Promise<Response>;

export function createFakeElectron(
  opts: { singleInstance?: boolean; isPackaged?: boolean; platform?: NodeJS.Platform } = {},
) {
  const appEvents = new Emitter();
  const record = {
    /** Start-up calls in order: 'requestSingleInstanceLock', 'ready', 'protocol.handle app'… */
    calls: [] as string[],
    privilegedSchemes: [] as CustomSchemeLike[],
    protocolHandlers: new Map<string, ProtocolHandler>(),
    quit: 0,
    dockHidden: 0,
    loginItems: [] as { openAtLogin: boolean }[],
    windows: [] as FakeWindow[],
    trays: [] as FakeTray[],
    notifications: [] as { title: string; body: string; shown: boolean }[],
    openedExternal: [] as string[],
    /** Folders handed to shell.openPath. */
    openedPaths: [] as string[],
    /** setAsDefaultProtocolClient calls: scheme, then the path and args when given. */
    protocolClients: [] as { protocol: string; path?: string; args?: string[] }[],
    clipboard: [] as string[],
    /** Every file dialog main showed, with its options, in order. */
    dialogs: [] as { kind: 'save' | 'open'; options: { title: string; defaultPath?: string } }[],
    permissionRequestHandler: undefined as
      | ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void)
      | undefined,
    permissionCheckHandler: undefined as ((webContents: unknown, permission: string) => boolean) | undefined,
    headersListener: undefined as
      | ((
          details: { responseHeaders?: Record<string, string[]> },
          callback: (r: { responseHeaders?: Record<string, string | string[]> }) => void,
        ) => void)
      | undefined,
  };
  const handlers = new Map<string, IpcHandler>();
  const notificationWaiters: (() => void)[] = [];
  const dialogAnswers = { save: null as string | null, open: null as string | null };

  let ready = false;
  const readyEvent = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
    ready = true;
    record.calls.push('ready');
  });

  const app: AppLike = {
    isPackaged: opts.isPackaged ?? true,
    dock: opts.platform === 'darwin' ? { hide: () => void record.dockHidden++ } : undefined,
    requestSingleInstanceLock: () => {
      record.calls.push('requestSingleInstanceLock');
      return opts.singleInstance ?? true;
    },
    whenReady: () => readyEvent,
    quit: () => {
      record.calls.push('quit');
      record.quit++;
      appEvents.emit('before-quit');
    },
    getVersion: () => '9.9.9',
    getAppPath: () => '/opt/kubezt/resources/app.asar',
    setLoginItemSettings: (settings) => void record.loginItems.push({ ...settings }),
    setAsDefaultProtocolClient: (protocol, path, args) => {
      record.protocolClients.push({ protocol, ...(path ? { path } : {}), ...(args ? { args } : {}) });
      return true;
    },
    on: ((event: string, listener: Listener) => appEvents.on(event, listener)) as AppLike['on'],
  };

  const session: SessionLike = {
    setPermissionRequestHandler: (h) => {
      record.permissionRequestHandler = h;
    },
    setPermissionCheckHandler: (h) => {
      record.permissionCheckHandler = h;
    },
    webRequest: {
      onHeadersReceived: (l) => {
        record.headersListener = l;
      },
    },
  };

  const apis: ElectronApis = {
    app,
    createBrowserWindow(options) {
      const win = new FakeWindow(structuredClone(options));
      record.windows.push(win);
      // Electron emits web-contents-created for every new webContents.
      appEvents.emit('web-contents-created', {}, win.webContents);
      return win;
    },
    createTray(image) {
      const tray = new FakeTray(image as FakeImage);
      record.trays.push(tray);
      return tray;
    },
    Menu: { buildFromTemplate: (template) => ({ items: template }) satisfies FakeMenu },
    ipcMain: {
      handle(channel, listener) {
        if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        handlers.set(channel, listener);
      },
      removeHandler(channel) {
        handlers.delete(channel);
      },
    },
    Notification: { isSupported: () => true },
    createNotification(options) {
      const n = { ...options, shown: false };
      record.notifications.push(n);
      return {
        show() {
          n.shown = true;
          for (const wake of notificationWaiters.splice(0)) wake();
        },
      };
    },
    shell: {
      openExternal: async (url) => {
        record.openedExternal.push(url);
      },
      // Electron answers an error message, '' on success; a folder that does not exist fails.
      openPath: async (path) => {
        record.openedPaths.push(path);
        return existsSync(path) ? '' : 'Failed to open path';
      },
    },
    session: { defaultSession: session },
    protocol: {
      registerSchemesAsPrivileged(schemes) {
        if (ready) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
        if (record.calls.includes('registerSchemesAsPrivileged')) {
          throw new Error('protocol.registerSchemesAsPrivileged can only be called once');
        }
        record.calls.push('registerSchemesAsPrivileged');
        record.privilegedSchemes.push(...structuredClone(schemes));
      },
      handle(scheme, handler) {
        if (!ready) throw new Error('protocol.handle can only be used after app is ready');
        if (record.protocolHandlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
        record.calls.push(`protocol.handle ${scheme}`);
        record.protocolHandlers.set(scheme, handler);
      },
    },
    dialog: {
      showSaveDialog: async (options) => {
        record.dialogs.push({ kind: 'save', options });
        return dialogAnswers.save === null ? { canceled: true } : { canceled: false, filePath: dialogAnswers.save };
      },
      showOpenDialog: async (options) => {
        record.dialogs.push({ kind: 'open', options });
        return dialogAnswers.open === null
          ? { canceled: true, filePaths: [] }
          : { canceled: false, filePaths: [dialogAnswers.open] };
      },
    },
    clipboard: { writeText: (text) => void record.clipboard.push(text) },
    net: {
      fetch: async () => {
        throw new Error('the fake Electron has no network');
      },
    },
    safeStorage: {
      isAsyncEncryptionAvailable: async () => false,
      encryptStringAsync: async () => {
        throw new Error('unavailable');
      },
      decryptStringAsync: async () => {
        throw new Error('unavailable');
      },
      getSelectedStorageBackend: () => 'basic_text',
    },
    nativeImage: {
      createFromPath(path: string): FakeImage {
        // Electron returns an empty image for a missing or undecodable file, never throws.
        const valid = existsSync(path) && isImageFile(path);
        return { path, isEmpty: () => !valid };
      },
    },
  };

  /** Calls a registered handler the way ipcRenderer.invoke(channel, payload) from `frame` would. */
  async function invoke(channel: string, payload: unknown, frame: WebFrameLike | null): Promise<unknown> {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler({ senderFrame: frame }, payload);
  }

  /** Resolves when a notification is shown (at once if one already was). */
  function nextNotification(): Promise<void> {
    if (record.notifications.some((n) => n.shown)) return Promise.resolve();
    return new Promise((resolve) => notificationWaiters.push(resolve));
  }

  /** Fetches `url` the way the window would: through the handler registered for its scheme. */
  async function fetchScheme(url: string, init?: RequestInit): Promise<Response> {
    const scheme = new URL(url).protocol.slice(0, -1);
    const handler = record.protocolHandlers.get(scheme);
    if (!handler) throw new Error(`No protocol handler for '${scheme}'`);
    return handler(new Request(url, init));
  }

  return { apis, record, handlers, invoke, fetchScheme, appEvents, dialogAnswers, nextNotification };
}

function isImageFile(path: string): boolean {
  const head = readFileSync(path).subarray(0, 8);
  const png = head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const ico = head.readUInt16LE(0) === 0 && head.readUInt16LE(2) === 1;
  return png || ico;
}

export function topFrame(url: string): WebFrameLike {
  return { url, parent: null };
}

export function childFrame(url: string, parentUrl: string): WebFrameLike {
  return { url, parent: topFrame(parentUrl) };
}
