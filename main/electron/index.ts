/**
 * The app's entry: the only module that imports Electron's runtime. It hands the real APIs to
 * the glue (glue.ts), reads the login shell's environment, and builds the services.
 */
// First: the V8 flags that keep the tray's memory down (bench/soak). Not --js-flags through
// app.commandLine.appendSwitch: that switch reaches only renderers once the main process runs.
import './v8-flags-first.ts';
import os from 'node:os';
import path from 'node:path';
import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  Notification,
  nativeImage,
  net,
  protocol,
  safeStorage,
  session,
  shell,
  Tray,
} from 'electron';
import { mergeLoginShellEnv, readLoginShellEnv } from '../app/login-shell.ts';
import { fileNotificationMemory } from '../app/notification-memory.ts';
import { createAppServices } from '../app/services.ts';
import { createLogger, logCallback } from '../core/log.ts';
import { createRotatingFileSink } from '../core/log-file.ts';
import { nodeProcessRunner } from '../core/process/runner.ts';
import { configDirFor } from '../core/settings/paths.ts';
import type { ElectronApis } from './apis.ts';
import { createElectronDomainAdapter, openAppSecrets, openAppSettings } from './domain-adapter.ts';
import { type AppEnvironment, startKubeztApp } from './glue.ts';

const apis: ElectronApis = {
  app,
  // The glue's windowOptions already set these; repeated at the one real constructor so that no
  // future caller can open a window without them (and so scanners see them at the call site).
  createBrowserWindow: (options) =>
    new BrowserWindow({
      ...options,
      webPreferences: {
        ...options.webPreferences,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webviewTag: false,
        disableBlinkFeatures: 'Auxclick',
      },
    }),
  createTray(image) {
    const tray = new Tray(image as Electron.NativeImage);
    // The glue only ever hands back what nativeImage and Menu gave it.
    return {
      setImage: (next) => tray.setImage(next as Electron.NativeImage),
      setToolTip: (text) => tray.setToolTip(text),
      setContextMenu: (menu) => tray.setContextMenu(menu as Electron.Menu),
      destroy: () => tray.destroy(),
    };
  },
  Menu: { buildFromTemplate: (template) => Menu.buildFromTemplate(template) },
  ipcMain,
  Notification,
  createNotification: (options) => new Notification(options),
  shell,
  session,
  protocol,
  dialog,
  clipboard,
  net,
  safeStorage,
  nativeImage,
};

/**
 * Once, before anything spawns kubectl or an exec plugin: the login shell's PATH and KUBECONFIG.
 * The glue calls it only after taking the single-instance lock.
 */
async function readEnvironment(platform: NodeJS.Platform): Promise<AppEnvironment> {
  const shellEnv = await readLoginShellEnv({
    runner: nodeProcessRunner,
    env: process.env,
    platform,
    accountShell: safeAccountShell(),
  });
  const { env, report } = mergeLoginShellEnv(process.env, shellEnv);
  // Libraries that read process.env themselves (the kubernetes client's exec auth) must see it too.
  if (env.PATH !== undefined) process.env.PATH = env.PATH;
  if (env.KUBECONFIG !== undefined) process.env.KUBECONFIG = env.KUBECONFIG;
  return { env, loginShell: report };
}

async function main(): Promise<void> {
  const platform = process.platform;
  const homeDir = os.homedir();
  // A tray app started from the desktop has no terminal: the log a user can hand over is a
  // rotating file in the settings folder (stderr still gets every line for `npm run dev`).
  const logDir = configDirFor({ env: process.env, platform, homeDir });
  const logFile = createRotatingFileSink({ dir: logDir });
  const logger = createLogger({ sinks: [logFile, { write: (line) => console.error(line) }] });
  const log = logCallback(logger);
  logger.info(
    `kubezt ${app.getVersion()} starting on ${platform} ${os.release()}, Electron ${process.versions.electron}`,
  );

  const devServer = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  const here = import.meta.dirname;
  await startKubeztApp(apis, {
    platform,
    homeDir,
    execPath: process.execPath,
    rendererOrigin: devServer ? { kind: 'dev', url: devServer } : { kind: 'app', root: path.join(here, '../renderer') },
    preloadPath: path.join(here, '../preload/index.cjs'),
    trayIconsDir: path.join(app.getAppPath(), 'assets', 'tray'),
    readEnvironment: () => readEnvironment(platform),
    log,
    argv: process.argv,
    logDir,
    async createServices(host, electron, { env, loginShell }) {
      const configDir = configDirFor({ env, platform, homeDir });
      const settings = openAppSettings(configDir);
      if (settings.recovered) log(settings.recovered.error.message);
      const domain = await createElectronDomainAdapter({
        env,
        platform,
        homeDir,
        configDir,
        runner: nodeProcessRunner,
        fetch: (input, init) => electron.net.fetch(input, init),
        settings: settings.store,
        ...(settings.recovered ? { settingsRecovery: settings.recovered } : {}),
        secrets: openAppSecrets(env, platform),
        log,
        appVersion: app.getVersion(),
        kubeconfigFromLoginShell: loginShell.kubeconfigFromShell,
        logTail: (lines) => logFile.tail(lines),
      });
      return createAppServices(domain, host, {
        log,
        info: (message) => logger.info(message),
        notificationMemory: fileNotificationMemory(path.join(configDir, 'notified.json'), log),
      });
    },
  });
}

function safeAccountShell(): string | null {
  try {
    return os.userInfo().shell;
  } catch {
    return null;
  }
}

main().catch((e: unknown) => {
  console.error('kubezt: could not start', e);
  app.exit(1);
});
