/**
 * The renderer's app:// scheme, through the recording fake: what the glue registers and when
 * (the single-instance lock first, the login-shell probe only after it), and the registered
 * handler called with real Request objects against real files.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY_HEADER } from '../../main/app/security.ts';
import { createAppServices } from '../../main/app/services.ts';
import { type AppEnvironment, startKubeztApp } from '../../main/electron/glue.ts';
import { createFakeElectron } from './fake-electron.ts';
import { createStandInDomain } from './stand-in-domain.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const BUILT_RENDERER = path.join(REPO_ROOT, 'out', 'renderer');

let work: string;
let root: string;
beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'kubezt-protocol-'));
  root = path.join(work, 'out', 'renderer');
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

function environment(work: string): AppEnvironment {
  return {
    env: { XDG_CONFIG_HOME: path.join(work, 'xdg') },
    loginShell: { status: 'ok', shell: '/bin/bash', detail: null, pathFromShell: true, kubeconfigFromShell: false },
  };
}

async function start(opts: { singleInstance?: boolean; renderer?: string } = {}) {
  const electron = createFakeElectron({ platform: 'linux', singleInstance: opts.singleInstance ?? true });
  const standIn = createStandInDomain(path.join(work, 'config'));
  const running = await startKubeztApp(electron.apis, {
    platform: 'linux',
    homeDir: path.join(work, 'home'),
    execPath: '/opt/kubezt/kubezt',
    rendererOrigin: { kind: 'app', root: opts.renderer ?? root },
    preloadPath: path.join(work, 'out', 'preload', 'index.cjs'),
    trayIconsDir: path.join(REPO_ROOT, 'assets', 'tray'),
    async readEnvironment() {
      electron.record.calls.push('login-shell probe');
      return environment(work);
    },
    log: () => {},
    async createServices(host) {
      return createAppServices(standIn.core, host, { setTimer: () => () => {}, log: () => {} });
    },
  });
  return { electron, running };
}

describe('start-up order', () => {
  it('takes the lock, makes app:// privileged before ready, then runs the probe; the handler comes after ready', async () => {
    const { electron, running } = await start();
    expect(running).toBeDefined();
    expect(electron.record.calls).toEqual([
      'requestSingleInstanceLock',
      'registerSchemesAsPrivileged',
      'login-shell probe',
      'ready',
      'protocol.handle app',
    ]);
    // Exactly these privileges: nothing that bypasses the CSP or allows service workers.
    expect(electron.record.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
  });

  it('a second instance quits at once: no login shell, no scheme, no handler', async () => {
    const { electron, running } = await start({ singleInstance: false });
    expect(running).toBeUndefined();
    expect(electron.record.calls).toEqual(['requestSingleInstanceLock', 'quit']);
    expect(electron.record.privilegedSchemes).toEqual([]);
    expect(electron.record.protocolHandlers.size).toBe(0);
  });
});

describe('the app:// handler', () => {
  const files: Record<string, string> = {
    'index.html': '<!doctype html><title>kubezt</title><script type="module" src="./assets/index-abc.js"></script>',
    'assets/index-abc.js': 'console.log(1);',
    'assets/index-abc.css': 'body{}',
    'assets/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'assets/font.woff2': 'wOF2',
    'assets/data.bin': 'raw',
  };
  const SECRET = 'kubezt-test-secret-outside-the-renderer';

  function writeTree(): void {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    }
    // Targets a traversal would reach: beside the renderer folder, and a sibling sharing its prefix.
    writeFileSync(path.join(work, 'out', 'secret.txt'), SECRET);
    writeFileSync(path.join(work, 'secret.txt'), SECRET);
    mkdirSync(path.join(work, 'out', 'renderer-evil'));
    writeFileSync(path.join(work, 'out', 'renderer-evil', 'index.html'), SECRET);
  }

  async function fetchAll(electron: Awaited<ReturnType<typeof start>>['electron'], urls: string[]) {
    return Promise.all(
      urls.map(async (url) => {
        const response = await electron.fetchScheme(url);
        return { url, response, body: await response.text() };
      }),
    );
  }

  it('serves the files with their content type and the CSP header', async () => {
    writeTree();
    const { electron } = await start();
    const expected: [string, string, string][] = [
      ['app://kubezt/index.html', 'index.html', 'text/html; charset=utf-8'],
      ['app://kubezt/index.html#settings', 'index.html', 'text/html; charset=utf-8'],
      ['app://kubezt/', 'index.html', 'text/html; charset=utf-8'],
      ['app://kubezt/assets/index-abc.js', 'assets/index-abc.js', 'text/javascript; charset=utf-8'],
      ['app://kubezt/assets/index-abc.css?v=1', 'assets/index-abc.css', 'text/css; charset=utf-8'],
      ['app://kubezt/assets/logo.svg', 'assets/logo.svg', 'image/svg+xml'],
      ['app://kubezt/assets/font.woff2', 'assets/font.woff2', 'font/woff2'],
      ['app://kubezt/assets/data.bin', 'assets/data.bin', 'application/octet-stream'],
    ];
    for (const [url, rel, type] of expected) {
      const response = await electron.fetchScheme(url);
      expect(response.status, url).toBe(200);
      expect(await response.text(), url).toBe(files[rel]);
      expect(response.headers.get('content-type'), url).toBe(type);
      expect(response.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY_HEADER);
      expect(response.headers.get('x-content-type-options'), url).toBe('nosniff');
    }
    const head = await electron.fetchScheme('app://kubezt/index.html', { method: 'HEAD' });
    expect([head.status, await head.text(), head.headers.get('content-type')]).toEqual([
      200,
      '',
      'text/html; charset=utf-8',
    ]);
    const post = await electron.fetchScheme('app://kubezt/index.html', { method: 'POST', body: 'x' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('refuses every path that could leave the renderer folder', async () => {
    writeTree();
    const { electron } = await start();
    // The URL parser itself folds literal and %2e dot segments; what is left names a file inside.
    const folded = await fetchAll(electron, [
      'app://kubezt/../../etc/passwd',
      'app://kubezt/../secret.txt',
      'app://kubezt/assets/../../secret.txt',
      'app://kubezt/%2e%2e/%2e%2e/secret.txt',
      'app://kubezt/.%2e/secret.txt',
      'app://kubezt/%252e%252e/secret.txt',
    ]);
    for (const { url, response, body } of folded) {
      expect(response.status, url).toBe(404);
      expect(body, url).not.toContain(SECRET);
      expect(body, url).not.toContain('root:');
    }
    // Encoded separators, backslashes, NUL, drive letters, empty segments: refused outright.
    const refused = await fetchAll(electron, [
      'app://kubezt/..%2fsecret.txt',
      'app://kubezt/..%2F..%2Fsecret.txt',
      'app://kubezt/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://kubezt/assets/..%2f..%2f..%2fsecret.txt',
      'app://kubezt/..%2frenderer-evil%2findex.html',
      'app://kubezt/..\\secret.txt',
      'app://kubezt/..\\..\\secret.txt',
      'app://kubezt/assets\\..\\..\\secret.txt',
      'app://kubezt/..%5csecret.txt',
      'app://kubezt/..%5C..%5Csecret.txt',
      'app://kubezt/index.html%00.js',
      'app://kubezt/C:/Windows/win.ini',
      'app://kubezt/index.html:stream',
      'app://kubezt//etc/passwd',
      'app://kubezt/assets//index-abc.js',
      'app://kubezt/%E0%A4%A',
    ]);
    for (const { url, response, body } of refused) {
      expect(response.status, url).toBe(403);
      expect(body, url).not.toContain(SECRET);
      expect(response.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY_HEADER);
    }
  });

  it('refuses any other host, a port or credentials', async () => {
    writeTree();
    const { electron } = await start();
    const results = await fetchAll(electron, [
      'app://evil/index.html',
      'app://kubezt.evil/index.html',
      'app://evil.kubezt/index.html',
      'app://KUBEZT.example/index.html',
      'app://kubezt:8080/index.html',
      'app:///index.html',
    ]);
    for (const { url, response, body } of results) {
      expect(response.status, url).toBe(403);
      expect(body, url).not.toContain('<title>kubezt');
    }
  });

  it('answers 404 for a missing file or a folder, with the CSP header', async () => {
    writeTree();
    const { electron } = await start();
    for (const url of ['app://kubezt/assets/missing.js', 'app://kubezt/assets', 'app://kubezt/index.html/x']) {
      const response = await electron.fetchScheme(url);
      expect(response.status, url).toBe(404);
      expect(response.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY_HEADER);
    }
  });

  it.skipIf(!existsSync(path.join(BUILT_RENDERER, 'index.html')))(
    'serves the built renderer: its page and every asset the page names',
    async () => {
      const { electron } = await start({ renderer: BUILT_RENDERER });
      const page = await electron.fetchScheme('app://kubezt/index.html');
      const html = await page.text();
      expect(html).toBe(readFileSync(path.join(BUILT_RENDERER, 'index.html'), 'utf8'));
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
      expect(assets.length).toBeGreaterThan(0);
      for (const asset of assets) {
        const url = new URL(asset, 'app://kubezt/index.html').href;
        expect(url.startsWith('app://kubezt/'), asset).toBe(true);
        const response = await electron.fetchScheme(url);
        expect(response.status, url).toBe(200);
        expect(response.headers.get('content-type'), url).toMatch(/^(text\/javascript|text\/css|image\/)/);
      }
    },
  );
});
