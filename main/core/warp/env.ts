import { spawn } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { createInterface } from 'node:readline';
import type { ProcessRunner } from '../process/runner.ts';
import type { LineStreamer, WarpEnv } from './types.ts';

export const DEFAULT_TRACE_URL = 'https://www.cloudflare.com/cdn-cgi/trace';

/** Where each platform's installer puts warp-cli. */
export function defaultWarpCliPath(platform: NodeJS.Platform, env: Record<string, string | undefined> = {}): string {
  switch (platform) {
    case 'darwin':
      return '/Applications/Cloudflare WARP.app/Contents/Resources/warp-cli';
    case 'win32':
      return `${env.ProgramFiles ?? 'C:\\Program Files'}\\Cloudflare\\Cloudflare WARP\\warp-cli.exe`;
    default:
      return '/usr/bin/warp-cli';
  }
}

/**
 * The WarpEnv for a real run. `KUBEZT_WARP_CLI`, `KUBEZT_TRACE_URL` (`off` disables the trace)
 * and `KUBEZT_WARP_INTERFACE` override the defaults; tests and the demo set all three.
 */
export function warpEnvFromProcess(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform,
  runner: ProcessRunner,
  fetchImpl: typeof fetch,
  extras: Partial<WarpEnv> = {},
): WarpEnv {
  const trace = env.KUBEZT_TRACE_URL?.trim();
  const iface = env.KUBEZT_WARP_INTERFACE?.trim();
  return {
    platform,
    runner,
    fetch: fetchImpl,
    warpCliPath: env.KUBEZT_WARP_CLI?.trim() || defaultWarpCliPath(platform, env),
    traceUrl: trace === 'off' || trace === 'none' ? null : trace || DEFAULT_TRACE_URL,
    ...(iface ? { interfaceName: iface } : {}),
    networkInterfaces,
    streamer: nodeLineStreamer,
    childEnv: env,
    ...extras,
  };
}

/** Long-running children for `warp-cli -l status`, killed with their process group on stop. */
export const nodeLineStreamer: LineStreamer = {
  start(command, args, handlers, options = {}) {
    let stopped = false;
    let exited = false;
    let markGone: () => void = () => {};
    const gone = new Promise<void>((r) => {
      markGone = r;
    });
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.env ?? process.env)) if (v !== undefined) env[k] = v;
    const child = spawn(command, [...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    const exit = (code: number | null, error?: string) => {
      if (exited) return;
      exited = true;
      markGone();
      if (!stopped) handlers.onExit(code, error);
    };
    child.on('error', (e) => exit(null, e.message));
    child.on('close', (code) => exit(code));
    for (const [stream, name] of [
      [child.stdout, 'stdout'],
      [child.stderr, 'stderr'],
    ] as const) {
      if (!stream) continue;
      createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
        if (!stopped) handlers.onLine(line, name);
      });
    }
    return {
      stop() {
        if (!stopped && !exited && child.pid !== undefined) {
          try {
            if (process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
            else child.kill('SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
        }
        stopped = true;
        return gone;
      },
    };
  },
};
