import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

/**
 * Three bundles, none of which needs the Electron binary to build:
 * - main: ESM (package.json "type": "module"; Electron ≥ 28 loads an ESM main), `electron` and
 *   npm dependencies stay external, out/main/index.js (package.json "main");
 * - preload: CommonJS out/preload/index.cjs, because a sandboxed preload cannot load ES modules
 *   and can require nothing but `electron`, so its dependencies (zod) are bundled in;
 * - renderer: React 19, out/renderer/index.html, served from app://kubezt by main
 *   (main/app/renderer-protocol.ts) with a strict CSP; its asset URLs are relative
 *   (electron-vite's renderer base is './'), so they resolve under any origin it is served from.
 */
export default defineConfig({
  main: {
    build: {
      lib: { entry: 'main/electron/index.ts' },
      outDir: 'out/main',
    },
  },
  preload: {
    build: {
      lib: { entry: 'preload/index.ts', formats: ['cjs'], fileName: () => 'index.cjs' },
      outDir: 'out/preload',
      externalizeDeps: false,
    },
  },
  renderer: {
    root: 'renderer',
    build: {
      outDir: 'out/renderer',
      rolldownOptions: { input: 'renderer/index.html' },
    },
    plugins: [react(), devServerCsp()],
  },
});

/**
 * The dev server needs what the packaged app forbids: the React Refresh preamble is an inline
 * script and HMR talks over a websocket. Loosen the CSP meta tag in `electron-vite dev` only.
 */
function devServerCsp(): Plugin {
  return {
    name: 'kubezt-dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        .replace("connect-src 'none'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:*");
    },
  };
}
