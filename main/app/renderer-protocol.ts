import fs from 'node:fs';
import path from 'node:path';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY_HEADER } from './security.ts';

/**
 * The built renderer is served from `app://kubezt/…` rather than file://: a page on a standard,
 * secure custom scheme gets an origin of its own, so it has none of file://'s reach into the rest
 * of the disk (the `grantFileProtocolExtraPrivileges` fuse is off), and every response carries
 * the CSP as a header. The handler is plain Node (a fetch `Request` in, a `Response` out), so the
 * glue registers it with `protocol.handle` and tests call it directly.
 */

/**
 * Standard: relative URLs resolve and the page has an origin (`'self'` in the CSP means it);
 * secure: treated like https; supportFetchAPI: the page's own module scripts load through fetch.
 * Nothing that would bypass the CSP or allow service workers.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `root` that `url` names, or null when the URL is not the app's (another scheme
 * or host, a port, credentials) or could name anything outside `root`: a `.` or `..` segment
 * (also percent-encoded), an encoded `/`, a backslash (a separator on Windows), a NUL, a `:`
 * (a drive or an NTFS stream), or an empty segment. `app://kubezt/` is the index page.
 */
export function rendererFileFor(root: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  if (parsed.username !== '' || parsed.password !== '') return null;
  const raw = parsed.pathname === '/' || parsed.pathname === '' ? '/index.html' : parsed.pathname;
  if (/%2f|%5c/i.test(raw)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (!decoded.startsWith('/') || /[\\\0:]/.test(decoded)) return null;
  const segments = decoded.slice(1).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return null;
  const file = path.join(root, ...segments);
  // The checks above already keep the path inside; this one does not depend on them.
  const relative = path.relative(root, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return file;
}

export interface RendererProtocolOptions {
  /** The built renderer folder (out/renderer, inside app.asar when packaged). */
  root: string;
  /** Reads a file; by default Electron's fs, which reads inside app.asar. */
  readFile?: (file: string) => Promise<Uint8Array>;
}

/** The `protocol.handle('app', …)` handler: GET and HEAD of files under `root`, nothing else. */
export function createRendererProtocolHandler(opts: RendererProtocolOptions): (request: Request) => Promise<Response> {
  const root = path.resolve(opts.root);
  // Looked up on the fs object at each call: Electron's asar support patches it there, and a
  // named import could hold the function from before the patch.
  const readFile = opts.readFile ?? ((file: string) => fs.promises.readFile(file));
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return plain(405, 'Method not allowed.', { Allow: 'GET, HEAD' });
    }
    const file = rendererFileFor(root, request.url);
    if (file === null) return plain(403, 'Forbidden.');
    let body: Uint8Array;
    try {
      body = await readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return plain(404, 'Not found.');
      return plain(500, 'The file could not be read.');
    }
    const headers = securityHeaders({ 'Content-Type': contentTypeFor(file) });
    return new Response(request.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), { status: 200, headers });
  };
}

/** Sent with every response, errors included. */
function securityHeaders(extra: Record<string, string>): Headers {
  return new Headers({
    ...extra,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY_HEADER,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  });
}

function plain(status: number, text: string, extra: Record<string, string> = {}): Response {
  return new Response(text, {
    status,
    headers: securityHeaders({ ...extra, 'Content-Type': 'text/plain; charset=utf-8' }),
  });
}
