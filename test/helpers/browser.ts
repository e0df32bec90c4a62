/**
 * Drives the BUILT renderer (out/renderer) in Debian's Chromium through playwright-core, with
 * `window.kubezt` installed by the BUILT preload (out/preload/index.cjs) running in the page:
 * its `require('electron')` gets a stand-in whose ipcRenderer.invoke goes through
 * `page.exposeBinding` to the app services (`createAppServices`) in the test process, and whose
 * ipcRenderer.on receives the services' events. So a test exercises renderer → preload →
 * contract → service layer → core exactly as the app does, minus Electron itself.
 *
 * The page is served over a loopback HTTP server that hands every request to the app's own
 * app:// handler (main/app/renderer-protocol.ts), so the renderer gets the same bytes and headers
 * as in the app, the CSP header included, and runs under the same policy (meta tag and header).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { eventChannel, REQUEST_NAMES, requestChannel } from '../../ipc/contract.ts';
import type { AppHost, DomainPort, LoginShellReport } from '../../main/app/ports.ts';
import { createRendererProtocolHandler } from '../../main/app/renderer-protocol.ts';
import { APP_HOST, APP_SCHEME } from '../../main/app/security.ts';
import type { AppServices } from '../../main/app/services.ts';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const RENDERER_DIR = path.join(REPO_ROOT, 'out', 'renderer');
export const PRELOAD_FILE = path.join(REPO_ROOT, 'out', 'preload', 'index.cjs');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-results', 'browser');
export const CHROMIUM = '/usr/bin/chromium';

export function requireBuild(): void {
  for (const file of [path.join(RENDERER_DIR, 'index.html'), PRELOAD_FILE]) {
    if (!existsSync(file))
      throw new Error(`${file} is missing: run "npm run build" first (npm run test:browser does).`);
  }
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium.`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-gpu',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

export interface ChromiumSuite {
  readonly browser: Browser;
  /** The served renderer's index.html. */
  readonly url: string;
  /** A scratch folder of the test file's own, removed after its tests. */
  readonly work: string;
}

/**
 * A browser test file's setup: before its tests, checks the build, launches Chromium, serves the
 * renderer and makes a scratch folder (`kubezt-NAME-…` in the OS temp folder); after them, closes
 * and removes all three. Call it at the top of the file; read the fields inside tests.
 */
export function chromiumSuite(name: string): ChromiumSuite {
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof serveRenderer>> | undefined;
  let work: string | undefined;
  beforeAll(async () => {
    requireBuild();
    work = mkdtempSync(path.join(tmpdir(), `kubezt-${name}-`));
    [browser, server] = await Promise.all([launchChromium(), serveRenderer()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`chromiumSuite: ${what} is read before the suite's beforeAll ran`);
    return value;
  };
  return {
    get browser() {
      return ready(browser, 'browser');
    },
    get url() {
      return ready(server, 'server').url;
    },
    get work() {
      return ready(work, 'work');
    },
  };
}

/** Serves out/renderer on 127.0.0.1 through the app:// handler; nothing outside that folder. */
export async function serveRenderer(): Promise<{ url: string; close(): Promise<void> }> {
  const handler = createRendererProtocolHandler({ root: RENDERER_DIR });
  const server: Server = createServer((req, res) => {
    const target = req.url ?? '/';
    if (!target.startsWith('/')) {
      res.writeHead(400).end();
      return;
    }
    handler(new Request(`${APP_SCHEME}://${APP_HOST}${target}`, { method: req.method ?? 'GET' }))
      .then(async (response) => {
        const body = Buffer.from(await response.arrayBuffer());
        res.writeHead(response.status, Object.fromEntries(response.headers)).end(body);
      })
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/index.html`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The init script: a stand-in `electron` module for the built preload (contextBridge puts the
 * API on window; ipcRenderer talks to the binding), then the preload's own code.
 */
function bridgeScript(preloadSource: string): string {
  return `(() => {
  const listeners = new Map();
  Object.defineProperty(window, '__kubeztEmit', {
    value: (channel, payload) => {
      for (const l of [...(listeners.get(channel) ?? [])]) l({}, payload);
    },
  });
  const electron = {
    contextBridge: {
      exposeInMainWorld(key, api) {
        Object.defineProperty(window, key, { value: api, enumerable: true });
      },
    },
    ipcRenderer: {
      invoke: (channel, payload) => window.__kubeztInvoke(channel, payload),
      on(channel, listener) {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel).add(listener);
      },
      removeListener(channel, listener) {
        listeners.get(channel)?.delete(listener);
      },
    },
  };
  const require = (name) => {
    if (name === 'electron') return electron;
    throw new Error('a sandboxed preload cannot require ' + name);
  };
  const module = { exports: {} };
  (function (require, module, exports) {
${preloadSource}
  })(require, module, module.exports);
})();`;
}

export interface OpenedApp {
  page: Page;
  context: BrowserContext;
  /** Every request the page made, in order (channel names without payloads: they may hold a token). */
  calls: string[];
  close(): Promise<void>;
}

/** Opens the renderer in a new context wired to `services`. */
export async function openApp(
  browser: Browser,
  opts: { services: AppServices; url: string; colorScheme: 'light' | 'dark'; hash?: string },
): Promise<OpenedApp> {
  const context = await browser.newContext({
    colorScheme: opts.colorScheme,
    viewport: { width: 1180, height: 760 },
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  const calls: string[] = [];
  const byChannel = new Map(REQUEST_NAMES.map((name) => [requestChannel(name), name]));
  await page.exposeBinding('__kubeztInvoke', async (_source, channel: string, payload: unknown) => {
    const name = byChannel.get(channel) ?? channel;
    calls.push(name);
    return opts.services.handle(name, payload);
  });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const unsubscribe = opts.services.onEvent((event) => {
    page
      .evaluate(
        ([channel, payload]) =>
          (window as unknown as { __kubeztEmit(c: string, p: unknown): void }).__kubeztEmit(channel, payload),
        [eventChannel(event.name), event.payload] as const,
      )
      .catch(() => {});
  });
  await page.addInitScript({ content: bridgeScript(readFileSync(PRELOAD_FILE, 'utf8')) });
  await page.goto(`${opts.url}${opts.hash ? `#${opts.hash}` : ''}`);
  return {
    page,
    context,
    calls,
    async close() {
      unsubscribe();
      await context.close();
      if (pageErrors.length > 0) throw new Error(`the page threw: ${pageErrors.join('; ')}`);
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core (WCAG 2.x A/AA + best practices) on the page as it is now. */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  const source = readFileSync(path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  // evaluate() runs through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(source);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`,
    )
    .join('\n');
}

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * A host whose dialogs, clipboard and notifications are recorded instead of shown. A dialog
 * answers with `answers.save` / `answers.open` (null: cancelled), which a test may change.
 */
export function recordingHost(
  opts: { loginShell?: LoginShellReport; savePath?: string | null; openPath?: string | null } = {},
) {
  const answers = { save: opts.savePath ?? null, open: opts.openPath ?? null };
  const dialogWaiters: { count: number; resolve: () => void }[] = [];
  const dialogShown = (kind: 'save' | 'open', title: string) => {
    record.dialogs.push({ kind, title });
    for (const w of dialogWaiters.filter((x) => record.dialogs.length >= x.count)) {
      dialogWaiters.splice(dialogWaiters.indexOf(w), 1);
      w.resolve();
    }
  };
  /** Resolves once `count` dialogs in all have been shown. */
  const dialogsShown = (count: number) =>
    record.dialogs.length >= count
      ? Promise.resolve()
      : new Promise<void>((resolve) => dialogWaiters.push({ count, resolve }));
  const record = {
    dialogs: [] as { kind: 'save' | 'open'; title: string }[],
    clipboard: [] as string[],
    notifications: [] as { title: string; body: string }[],
    opened: [] as string[],
    launchAtLogin: [] as boolean[],
  };
  const host: AppHost = {
    appVersion: '0.0.0-test',
    platform: 'linux',
    loginShell: opts.loginShell ?? {
      status: 'ok',
      shell: '/bin/bash',
      detail: null,
      pathFromShell: true,
      kubeconfigFromShell: false,
    },
    chooseSavePath: async ({ title }) => {
      dialogShown('save', title);
      return answers.save;
    },
    chooseOpenPath: async ({ title }) => {
      dialogShown('open', title);
      return answers.open;
    },
    writeClipboard: (text) => record.clipboard.push(text),
    openExternal: async (url) => {
      record.opened.push(url);
    },
    setLaunchAtLogin: async (enabled) => {
      record.launchAtLogin.push(enabled);
    },
    notify: (n) => record.notifications.push(n),
  };
  return { host, record, answers, dialogsShown };
}

/**
 * A DomainPort whose every member is the given one, and otherwise fails loudly. The real core
 * (main/core) replaces these in the end-to-end tests once it is wired (see the report).
 */
export function coreFrom(members: Partial<DomainPort>): DomainPort {
  return new Proxy(members as DomainPort, {
    get(target, key: string | symbol) {
      if (key in target) return target[key as keyof DomainPort];
      if (typeof key === 'symbol' || key === 'then') return undefined;
      return () => Promise.reject(new Error(`DomainPort.${key} is not provided in this test`));
    },
  });
}

export type ColorScheme = 'light' | 'dark';

/**
 * The screen as it is now, in both colour schemes: a full-page screenshot of each
 * (`<name>-light.png`, `<name>-dark.png` in ARTIFACTS_DIR) and axe's violations in each. The
 * scheme is switched through Chromium's emulated media (the renderer themes by CSS alone), so
 * both show the same state; the page is left in light.
 */
export async function captureSchemes(page: Page, name: string): Promise<Record<ColorScheme, AxeViolation[]>> {
  const out = {} as Record<ColorScheme, AxeViolation[]>;
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await saveScreenshot(page, `${name}-${colorScheme}`);
    out[colorScheme] = await runAxe(page);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return out;
}
