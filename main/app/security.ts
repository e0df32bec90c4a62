/**
 * The renderer's Content Security Policy. The app:// handler (renderer-protocol.ts) sends it as a
 * header on every response, where `frame-ancestors` (ignored in a meta tag) is added. index.html
 * carries the same policy in a meta tag (a test keeps the two equal): the page stays under it
 * wherever it is loaded from, the dev server included.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";
export const CONTENT_SECURITY_POLICY_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

/** The packaged renderer's scheme and host: its pages are `app://kubezt/…`. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'kubezt';
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Where the app's own page comes from: the built renderer folder served as app://kubezt, or the
 * dev server in `electron-vite dev`.
 */
export type RendererOrigin = { kind: 'app'; root: string } | { kind: 'dev'; url: string };

/** The URL a window loads to show `view`. */
export function appPageUrl(origin: RendererOrigin, view: string): string {
  return origin.kind === 'app' ? `${APP_INDEX_URL}#${view}` : `${origin.url}#${view}`;
}

/** The URL, or null when it does not parse or carries a user name or password (never the app's). */
function parseWithoutCredentials(url: string): URL | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.username === '' && parsed.password === '' ? parsed : null;
}

/**
 * True when `url` is the app's own page: exactly app://kubezt/index.html (any hash or query), or
 * the dev server's origin. Everything else (another file, a data: URL, an iframe elsewhere)
 * is a foreign sender.
 */
export function isAppUrl(url: string | undefined | null, origin: RendererOrigin): boolean {
  const parsed = url ? parseWithoutCredentials(url) : null;
  if (!parsed) return false;
  if (origin.kind === 'dev') {
    const dev = new URL(origin.url);
    return parsed.origin === dev.origin && (parsed.protocol === 'http:' || parsed.protocol === 'https:');
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.pathname === '/index.html';
}

/**
 * True when `url` is on the app's own origin (app://kubezt, or the dev server's): the only place
 * the window may navigate to.
 */
export function isAppOrigin(url: string, origin: RendererOrigin): boolean {
  const parsed = parseWithoutCredentials(url);
  if (!parsed) return false;
  if (origin.kind === 'dev') return parsed.origin === new URL(origin.url).origin;
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
}

/** Links the app may hand to the user's browser: https with a real host name, nothing else. */
export function isSafeExternalUrl(url: string): boolean {
  const parsed = parseWithoutCredentials(url);
  return parsed !== null && parsed.protocol === 'https:' && parsed.hostname.includes('.');
}

/** Adds the CSP to a response's headers (for session.webRequest.onHeadersReceived). */
export function withCspHeader(
  headers: Record<string, string | string[]> | undefined,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() !== 'content-security-policy') out[k] = v;
  }
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY_HEADER];
  return out;
}
