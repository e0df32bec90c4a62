/**
 * WARP state for the app: one watcher (core/warp: `warp-cli -l status` where it works, polling
 * with backoff where not) while anybody listens, its verdicts in the contract's shape.
 */
import type { WarpStateView } from '../../../ipc/contract.ts';
import type { WarpEnv } from '../../core/warp/types.ts';
import { toWarpStateView } from '../../core/warp/view.ts';
import { type WarpWatcher, type WatchWarpOptions, watchWarp } from '../../core/warp/watch.ts';

export interface WarpFeed {
  current(): WarpStateView;
  subscribe(listener: (state: WarpStateView) => void): () => void;
  /** Stops the watcher and waits for its children. */
  close(): Promise<void>;
}

export function unknownWarpState(now: Date): WarpStateView {
  return { status: 'unknown', gatewayOn: null, reason: null, signals: [], updatedAt: now.toISOString() };
}

export function createWarpFeed(
  env: WarpEnv,
  opts: Pick<WatchWarpOptions, 'debounceMs' | 'pollMs' | 'maxPollMs'> & { now: () => Date },
): WarpFeed {
  const listeners = new Set<(state: WarpStateView) => void>();
  let latest: WarpStateView | null = null;
  let watcher: WarpWatcher | null = null;
  let stopping: Promise<void> = Promise.resolve();

  const start = () => {
    if (watcher) return;
    const { now: _now, ...timing } = opts;
    watcher = watchWarp(env, {
      ...timing,
      onChange(state) {
        latest = toWarpStateView(state);
        for (const l of [...listeners]) l(latest);
      },
    });
  };
  const stop = () => {
    const w = watcher;
    watcher = null;
    // Called now, not chained: the listener's process group is killed before the app may exit.
    if (w) stopping = Promise.all([stopping, w.stop()]).then(() => {});
    return stopping;
  };

  return {
    current: () => latest ?? unknownWarpState(opts.now()),
    subscribe(listener) {
      listeners.add(listener);
      start();
      return () => {
        listeners.delete(listener);
        // Nobody listens: no warp-cli child keeps running for nothing.
        if (listeners.size === 0) void stop();
      };
    },
    close: () => stop(),
  };
}
