/**
 * The Electron APIs the glue uses, as interfaces: index.ts passes the real modules (tsc checks
 * them against Electron's own types there), tests pass a recording fake. Only what the glue
 * calls is listed, with Electron's own method names and argument shapes, so the fake has to
 * behave like the real thing and nothing else.
 */

/** Electron's Event: only preventDefault is used. */
export interface EventLike {
  preventDefault(): void;
}

export interface WebFrameLike {
  readonly url: string;
  readonly parent: WebFrameLike | null;
}

export interface IpcInvokeEventLike {
  readonly senderFrame: WebFrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface WebContentsLike {
  readonly id: number;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (event: EventLike, url: string) => void): unknown;
  on(
    event: 'will-frame-navigate',
    listener: (event: EventLike & { url: string; isMainFrame: boolean }) => void,
  ): unknown;
  on(event: 'will-redirect', listener: (event: EventLike, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: EventLike) => void): unknown;
}

export interface WebPreferencesLike {
  preload: string;
  contextIsolation: boolean;
  sandbox: boolean;
  nodeIntegration: boolean;
  nodeIntegrationInWorker: boolean;
  nodeIntegrationInSubFrames: boolean;
  webSecurity: boolean;
  allowRunningInsecureContent: boolean;
  experimentalFeatures: boolean;
  webviewTag: boolean;
  navigateOnDragDrop: boolean;
  safeDialogs: boolean;
  spellcheck: boolean;
  devTools: boolean;
  /** Chromium features to switch off ('Auxclick': middle-click must not open links). */
  disableBlinkFeatures: string;
}

export interface BrowserWindowOptionsLike {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  autoHideMenuBar: boolean;
  webPreferences: WebPreferencesLike;
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
}

/** Electron's NativeImage: opaque to the glue. */
export interface ImageLike {
  isEmpty(): boolean;
}

export interface MenuItemOptionsLike {
  type?: 'normal' | 'separator' | 'checkbox' | 'submenu';
  label?: string;
  enabled?: boolean;
  checked?: boolean;
  toolTip?: string;
  click?: () => void;
  submenu?: MenuItemOptionsLike[];
}

export interface TrayLike {
  setImage(image: ImageLike): void;
  setToolTip(toolTip: string): void;
  setContextMenu(menu: unknown): void;
  destroy(): void;
}

export interface NotificationLike {
  show(): void;
}

export interface SessionLike {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void,
      ) => void,
    ): void;
  };
}

/** Electron's CustomScheme, with the privileges the glue may grant. */
export interface CustomSchemeLike {
  scheme: string;
  privileges: { standard?: boolean; secure?: boolean; supportFetchAPI?: boolean };
}

/** Electron's protocol module (default session): a fetch Request in, a Response out. */
export interface ProtocolLike {
  /** Only before `ready`, and only once. */
  registerSchemesAsPrivileged(customSchemes: CustomSchemeLike[]): void;
  /** Only after `ready`; a second handler for one scheme is an error. */
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

export interface AppLike {
  readonly isPackaged: boolean;
  /** macOS only; undefined elsewhere. */
  readonly dock: { hide(): void } | undefined;
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<void>;
  quit(): void;
  getVersion(): string;
  getAppPath(): string;
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
  on(event: 'second-instance', listener: (event: unknown, argv: string[]) => void): unknown;
  /** macOS: a kubezt:// link was opened (before or after ready). */
  on(event: 'open-url', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'before-quit', listener: () => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void): unknown;
}

export interface ElectronApis {
  app: AppLike;
  createBrowserWindow(options: BrowserWindowOptionsLike): BrowserWindowLike;
  createTray(image: ImageLike): TrayLike;
  Menu: { buildFromTemplate(template: MenuItemOptionsLike[]): unknown };
  ipcMain: IpcMainLike;
  Notification: { isSupported(): boolean };
  createNotification(options: { title: string; body: string }): NotificationLike;
  /** `openPath` resolves to an error message, '' on success. */
  shell: { openExternal(url: string): Promise<void>; openPath(path: string): Promise<string> };
  session: { readonly defaultSession: SessionLike };
  protocol: ProtocolLike;
  dialog: {
    showSaveDialog(options: {
      title: string;
      defaultPath: string;
      filters: { name: string; extensions: string[] }[];
    }): Promise<{ canceled: boolean; filePath?: string }>;
    showOpenDialog(options: {
      title: string;
      properties: 'openFile'[];
      filters: { name: string; extensions: string[] }[];
    }): Promise<{ canceled: boolean; filePaths: string[] }>;
  };
  clipboard: { writeText(text: string): void };
  /** Electron's fetch takes a string or a Request (no URL objects). */
  net: { fetch(input: string | Request, init?: RequestInit): Promise<Response> };
  safeStorage: {
    isAsyncEncryptionAvailable(): Promise<boolean>;
    encryptStringAsync(plainText: string): Promise<Buffer>;
    decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
    getSelectedStorageBackend(): string;
  };
  nativeImage: { createFromPath(path: string): ImageLike };
}
