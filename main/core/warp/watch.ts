import { detectWarp } from './detect.ts';
import { isDaemonDownText, isStatusLine } from './parse-status.ts';
import type { WarpDetection, WarpEnv } from './types.ts';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A watcher alone must not keep a CLI process alive.
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface WatchWarpOptions {
  /** Called with the first state, then on every change of state, gatewayOn or reason. */
  onChange(state: WarpDetection): void;
  /** Quiet time after a status line before re-checking, so flapping yields one event (default 300 ms). */
  debounceMs?: number;
  /** First poll interval when `warp-cli -l status` is not available (default 5 s), doubled while nothing changes. */
  pollMs?: number;
  /** Poll interval cap; also the safety re-check while listening, for trace/Gateway changes (default 60 s). */
  maxPollMs?: number;
  /** Use `warp-cli -l status` when the env has a streamer (default true). */
  listen?: boolean;
  timers?: Timers;
  /** Default detectWarp; tests substitute it to drive the loop. */
  detect?: (env: WarpEnv) => Promise<WarpDetection>;
}

export interface WarpWatcher {
  /** The latest state, null before the first check finishes. */
  current(): WarpDetection | null;
  /** How changes are noticed right now. */
  mode(): 'listen' | 'poll' | 'stopped';
  /** Re-check now (debounced like a status line). */
  refresh(): void;
  /** Stops timers and kills the listener; resolves once no child of the watcher is left. */
  stop(): Promise<void>;
}

const MAX_LISTEN_RESTARTS = 5;

function changeKey(s: WarpDetection): string {
  return JSON.stringify([s.state, s.gatewayOn, s.reason]);
}

/**
 * Follows WARP: `warp-cli -l status` (a long-running child) is the event source where it works;
 * each status line schedules a debounced full detection, and an event is emitted only when the
 * verdict changes. Without listen mode (not installed, too old, keeps dying) it polls with
 * backoff. Never throws into the caller.
 */
export function watchWarp(env: WarpEnv, opts: WatchWarpOptions): WarpWatcher {
  const timers = opts.timers ?? realTimers;
  const detect = opts.detect ?? detectWarp;
  const debounceMs = opts.debounceMs ?? 300;
  const pollMs = opts.pollMs ?? 5_000;
  const maxPollMs = Math.max(opts.maxPollMs ?? 60_000, pollMs);

  let stopped = false;
  let mode: 'listen' | 'poll' = 'poll';
  let current: WarpDetection | null = null;
  let debounceTimer: unknown = null;
  let pollTimer: unknown = null;
  let restartTimer: unknown = null;
  let pollInterval = pollMs;
  let detecting: Promise<boolean> | null = null;
  let again = false;
  let listener: { stop(): Promise<void> | void } | null = null;
  let restarts = 0;
  let hadListened = false;

  const clear = (h: unknown) => {
    if (h !== null) timers.clearTimeout(h);
  };

  const emit = (s: WarpDetection) => {
    try {
      opts.onChange(s);
    } catch {
      // A listener's bug must not stop the watcher.
    }
  };

  /** Resolves true when the verdict changed. Concurrent calls fold into one extra pass. */
  const check = (): Promise<boolean> => {
    if (detecting) {
      again = true;
      return detecting;
    }
    detecting = (async () => {
      let changed = false;
      do {
        again = false;
        let next: WarpDetection;
        try {
          next = await detect(env);
        } catch (e) {
          next = {
            state: 'unknown',
            gatewayOn: null,
            reason: `WARP detection failed: ${(e as Error).message}`,
            decidedBy: null,
            signals: [],
            checkedAt: (env.now?.() ?? new Date()).toISOString(),
          };
        }
        if (stopped) return changed;
        const isChange = current === null || changeKey(current) !== changeKey(next);
        current = next;
        if (isChange) {
          changed = true;
          emit(next);
        }
      } while (again && !stopped);
      return changed;
    })().finally(() => {
      detecting = null;
    });
    return detecting;
  };

  const trigger = () => {
    if (stopped) return;
    clear(debounceTimer);
    debounceTimer = timers.setTimeout(() => {
      debounceTimer = null;
      void check();
    }, debounceMs);
  };

  const schedulePoll = (ms: number) => {
    if (stopped) return;
    clear(pollTimer);
    pollTimer = timers.setTimeout(async () => {
      pollTimer = null;
      const changed = await check();
      if (stopped) return;
      if (mode === 'listen') {
        schedulePoll(maxPollMs);
        return;
      }
      // Listening worked before and something changed (daemon back?): try it again.
      if (changed && hadListened && opts.listen !== false && env.streamer && !listener) {
        restarts = 0;
        startListening();
        schedulePoll(maxPollMs);
        return;
      }
      pollInterval = changed ? pollMs : Math.min(pollInterval * 2, maxPollMs);
      schedulePoll(pollInterval);
    }, ms);
  };

  const fallBackToPolling = () => {
    mode = 'poll';
    pollInterval = pollMs;
    schedulePoll(pollMs);
  };

  const startListening = () => {
    const streamer = env.streamer;
    if (stopped || !streamer) return;
    mode = 'listen';
    let sawLiveStatus = false;
    let gone = false;
    const handle = streamer.start(
      env.warpCliPath,
      ['-l', 'status'],
      {
        onLine(line) {
          if (!isStatusLine(line)) return;
          if (!isDaemonDownText(line)) {
            sawLiveStatus = true;
            hadListened = true;
            restarts = 0;
          }
          trigger();
        },
        onExit() {
          gone = true;
          listener = null;
          if (stopped) return;
          // The exit may itself be the change (daemon gone): look again.
          trigger();
          if (!sawLiveStatus) restarts++;
          // Never streamed a status (not installed, too old for -l), or keeps dying: poll.
          if (!hadListened || restarts >= MAX_LISTEN_RESTARTS) {
            fallBackToPolling();
            return;
          }
          restartTimer = timers.setTimeout(
            () => {
              restartTimer = null;
              startListening();
            },
            Math.min(1_000 * 2 ** restarts, maxPollMs),
          );
        },
      },
      env.childEnv ? { env: env.childEnv } : {},
    );
    listener = gone ? null : handle;
  };

  void check();
  if (opts.listen !== false && env.streamer) {
    startListening();
    schedulePoll(maxPollMs);
  } else {
    schedulePoll(pollMs);
  }

  return {
    current: () => current,
    mode: () => (stopped ? 'stopped' : mode),
    refresh: trigger,
    async stop() {
      if (stopped) return;
      stopped = true;
      clear(debounceTimer);
      clear(pollTimer);
      clear(restartTimer);
      const l = listener;
      listener = null;
      // A check in flight has its own children (bounded by the signal timeouts): wait for them too.
      await Promise.all([l?.stop(), detecting]);
    },
  };
}
