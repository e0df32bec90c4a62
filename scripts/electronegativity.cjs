// Runs @doyensec/electronegativity OFFLINE over our Electron sources (`npm run test:security`).
// - It parses TypeScript through typescript-estree, which needs the classic TypeScript JS API;
//   the project's own TypeScript is 7 (native, no JS API), so the scanner's `require('typescript')`
//   gets the TypeScript 4 it ships with.
// - It fetches translations and Electron's release list with `got`; this machine (and CI) has no
//   internet and we never send traffic off-host, so `got` is replaced by one that fails at once
//   (the scanner then falls back to its bundled English strings), and the Electron version is
//   passed explicitly with -e.
const Module = require('node:module');
const path = require('node:path');

const scannerRoot = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
const legacyTypeScript = require.resolve('typescript', { paths: [scannerRoot] });
const offline = () => Promise.reject(new Error('offline: kubezt runs electronegativity without network'));
offline.head = offline;
offline.get = offline;

const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'got') return offline;
  if (request === 'typescript') return load.call(this, legacyTypeScript, ...rest);
  return load.call(this, request, ...rest);
};
const entry = path.join(scannerRoot, 'dist', 'index.js');
process.argv.splice(1, 1, entry);
require(entry);
