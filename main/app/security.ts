import { pathToFileURL } from 'node:url';

/**
 * The renderer's Content Security Policy. index.html carries the same policy in a meta tag (a
 * test keeps the two equal); main also sends it as a header for every response, where
 * `frame-ancestors` (ignored in a meta tag) is added.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";
export const CONTENT_SECURITY_POLICY_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

/** Where the app's own page comes from: the built file, or the dev server in `electron-vite dev`. */
export type RendererOrigin = { kind: 'file'; indexHtml: string } | { kind: 'dev'; url: string };

/**
 * True when `url` is the app's own page: exactly the built index.html (any hash or query), or
 * the dev server's origin. Everything else (another file, a data: URL, an iframe elsewhere)
 * is a foreign sender.
 */
export function isAppUrl(url: string | undefined | null, origin: RendererOrigin): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (origin.kind === 'dev') {
    const dev = new URL(origin.url);
    return parsed.origin === dev.origin && (parsed.protocol === 'http:' || parsed.protocol === 'https:');
  }
  if (parsed.protocol !== 'file:' || parsed.host !== '') return false;
  const expected = pathToFileURL(origin.indexHtml);
  return parsed.pathname === expected.pathname;
}

/** Links the app may hand to the user's browser: https with a real host name, nothing else. */
export function isSafeExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'https:' && parsed.hostname.includes('.') && parsed.username === '' && parsed.password === ''
  );
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
