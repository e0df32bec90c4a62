import { builtin } from '../node-builtins.ts';

// Through getBuiltinModule: the ES module facade of node:http would load undici anyway.
const http = builtin('node:http');
const https = builtin('node:https');

/**
 * Enough of `fetch` for one small GET (the WARP trace), on node:http/https. The global fetch
 * loads undici on first use, about 100 ms of CPU at the start of every `kubezt check`, when the
 * ladders need the CPU for their handshakes.
 */
export const lightFetch = ((
  input: string | URL,
  init: { signal?: AbortSignal; headers?: Record<string, string> } = {},
) =>
  new Promise((resolve, reject) => {
    const url = new URL(String(input));
    const get = url.protocol === 'https:' ? https.get : http.get;
    const req = get(url, { headers: init.headers ?? {}, ...(init.signal ? { signal: init.signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= 1024 * 1024) chunks.push(c);
      });
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ ok: status >= 200 && status < 300, status, text: async () => body });
      });
    });
    req.on('error', reject);
  })) as unknown as typeof fetch;
