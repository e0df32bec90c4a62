import { readdirSync, readFileSync } from 'node:fs';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { type WarpDetection, type WarpEnv, warpEnvFromProcess } from '../../../main/core/warp/index.ts';
import type { FakeWarp } from '../../../sim/warp/index.ts';

/** A WarpEnv pointed at the fake (KUBEZT_WARP_CLI, KUBEZT_TRACE_URL, KUBEZT_WARP_INTERFACE=lo). */
export function envFor(fake: FakeWarp, extras: Partial<WarpEnv> = {}): WarpEnv {
  return warpEnvFromProcess({ ...process.env, ...fake.env }, 'linux', nodeProcessRunner, fetch, {
    // Generous: the fake is a Node process and the machine is shared; hang tests set their own.
    timeoutMs: 15_000,
    ...extras,
  });
}

/** Processes started by this fake's warp-cli (its state path is in their environment). */
export function fakeProcesses(fake: FakeWarp): number[] {
  const needle = `KUBEZT_FAKE_WARP_STATE=${fake.statePath}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(needle)) pids.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

/** Resolves with the first state the predicate accepts (from a watcher's onChange). */
export function eventRecorder() {
  const seen: WarpDetection[] = [];
  const waiters: { accept: (s: WarpDetection) => boolean; resolve: (s: WarpDetection) => void }[] = [];
  return {
    seen,
    onChange(s: WarpDetection) {
      seen.push(s);
      for (const w of [...waiters]) {
        if (w.accept(s)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(s);
        }
      }
    },
    next(accept: (s: WarpDetection) => boolean): Promise<WarpDetection> {
      const already = seen.find(accept);
      if (already) return Promise.resolve(already);
      return new Promise((resolve) => waiters.push({ accept, resolve }));
    },
  };
}
