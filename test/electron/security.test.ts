import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  isAppOrigin,
  isAppUrl,
  isSafeExternalUrl,
  withCspHeader,
} from '../../main/app/security.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function metaCsp(html: string): string | undefined {
  return /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
}

describe('renderer security policy', () => {
  it('index.html carries exactly the CSP main sends as a header', () => {
    expect(metaCsp(readFileSync(path.join(ROOT, 'renderer', 'index.html'), 'utf8'))).toBe(CONTENT_SECURITY_POLICY);
    const built = path.join(ROOT, 'out', 'renderer', 'index.html');
    if (existsSync(built)) expect(metaCsp(readFileSync(built, 'utf8'))).toBe(CONTENT_SECURITY_POLICY);
  });

  it('allows no inline script, no eval, no remote anything', () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values];
      }),
    );
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['connect-src']).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|https?:|\*/);
    expect(withCspHeader({})['Content-Security-Policy']).toEqual([
      `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
    ]);
  });
});

describe('sender and link checks', () => {
  const app = { kind: 'app' as const, root: '/opt/kubezt/resources/app.asar/out/renderer' };

  it("accepts only the app's own page", () => {
    expect(isAppUrl('app://kubezt/index.html', app)).toBe(true);
    expect(isAppUrl('app://kubezt/index.html#diagnostics/prod-us', app)).toBe(true);
    for (const url of [
      pathToFileURL(path.join(app.root, 'index.html')).href,
      'app://kubezt/other.html',
      'app://kubezt/',
      'app://kubezt/assets/index.html',
      'app://evil/index.html',
      'app://kubezt.evil/index.html',
      'app://kubezt:1/index.html',
      'app://u:p@kubezt/index.html',
      'appx://kubezt/index.html',
      'https://evil.example/index.html',
      'about:blank',
      '',
      'not a url',
    ]) {
      expect(isAppUrl(url, app), url).toBe(false);
    }
    const dev = { kind: 'dev' as const, url: 'http://localhost:5173/' };
    expect(isAppUrl('http://localhost:5173/#settings', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('app://kubezt/index.html', dev)).toBe(false);
  });

  it('lets the window navigate on its own origin only', () => {
    expect(isAppOrigin('app://kubezt/index.html#settings', app)).toBe(true);
    expect(isAppOrigin('app://kubezt/', app)).toBe(true);
    for (const url of ['app://evil/', 'app://kubezt:1/', 'app://u@kubezt/', 'file:///index.html', 'https://kubezt/']) {
      expect(isAppOrigin(url, app), url).toBe(false);
    }
    const dev = { kind: 'dev' as const, url: 'http://localhost:5173/' };
    expect(isAppOrigin('http://localhost:5173/index.html', dev)).toBe(true);
    expect(isAppOrigin('app://kubezt/index.html', dev)).toBe(false);
  });

  it('hands only https links with a real host to the browser', () => {
    expect(isSafeExternalUrl('https://developers.cloudflare.com/')).toBe(true);
    for (const url of [
      'http://example.com',
      'https://localhost/',
      'https://user:pw@example.com/',
      'file:///etc',
      'javascript:1',
      'x',
    ]) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
  });
});
