import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { traceBody } from './outputs.ts';
import { activeVnetOf } from './profile-outputs.ts';
import { DEFAULT_FAKE_WARP_STATE, type FakeWarp, type FakeWarpState } from './types.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');

/** Node 24 from the repo (type stripping); the system node may be older. */
function nodeBinary(): string {
  const local = join(repoRoot, 'node_modules', '.bin', 'node');
  return existsSync(local) ? local : process.execPath;
}

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface StartFakeWarpOptions {
  /** Folder for the state file and the warp-cli wrapper; the caller creates and removes it. */
  dir: string;
  state?: Partial<FakeWarpState>;
}

/**
 * A fake WARP client: an executable `warp-cli` (a real child process, bound to this instance's
 * state file) and a `/cdn-cgi/trace` endpoint on loopback, both answering from one state that
 * `setState` flips at runtime.
 */
export async function startFakeWarp(opts: StartFakeWarpOptions): Promise<FakeWarp> {
  mkdirSync(opts.dir, { recursive: true });
  const statePath = join(opts.dir, 'warp-state.json');
  const warpCliPath = join(opts.dir, 'warp-cli');
  let state: FakeWarpState = {
    ...DEFAULT_FAKE_WARP_STATE,
    ...opts.state,
    trace: { ...DEFAULT_FAKE_WARP_STATE.trace, ...opts.state?.trace },
  };
  // warp-cli itself writes the file (`vnet ID`): read it back before every use of the state.
  const reload = () => {
    try {
      state = { ...state, ...(JSON.parse(readFileSync(statePath, 'utf8')) as Partial<FakeWarpState>) };
    } catch {
      // mid-replace: keep the last state read
    }
    return state;
  };
  const write = () => {
    // Atomic replace: the fake's readers never see half a file.
    const tmp = `${statePath}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state, null, 2));
    renameSync(tmp, statePath);
  };
  write();
  writeFileSync(
    warpCliPath,
    [
      '#!/bin/sh',
      `KUBEZT_FAKE_WARP_STATE=${shQuote(statePath)}`,
      'export KUBEZT_FAKE_WARP_STATE',
      `exec ${shQuote(nodeBinary())} --no-warnings ${shQuote(join(here, 'warp-cli.ts'))} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(warpCliPath, 0o755);

  let requests = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/cdn-cgi/trace') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
      return;
    }
    requests++;
    if (reload().trace.hang) return; // accepted, never answered
    const body = traceBody(state, {
      ip: req.socket.remoteAddress ?? '127.0.0.1',
      userAgent: String(req.headers['user-agent'] ?? ''),
      host: String(req.headers.host ?? 'www.cloudflare.com').replace(/:\d+$/, ''),
      now: new Date(),
    });
    res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-cache' }).end(body);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const traceUrl = `http://127.0.0.1:${port}/cdn-cgi/trace`;

  return {
    warpCliPath,
    traceUrl,
    statePath,
    state: () => structuredClone(reload()),
    setState(partial) {
      reload();
      state = { ...state, ...partial, trace: { ...state.trace, ...partial.trace } };
      write();
    },
    activeVnetId: () => activeVnetOf(reload()),
    env: { KUBEZT_WARP_CLI: warpCliPath, KUBEZT_TRACE_URL: traceUrl, KUBEZT_WARP_INTERFACE: 'lo' },
    traceRequests: () => requests,
    close() {
      return new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      });
    },
  };
}
