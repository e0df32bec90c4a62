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
  /** Called with the first state, then on every change of state, gatewayOn, reason or profile. */
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

/** What counts as a change: the state, and the profile a tray shows (a vnet switch included). */
function changeKey(s: WarpDetection): string {
  return JSON.stringify([
    s.state,
    s.gatewayOn,
    s.reason,
    s.mode?.raw,
    s.mode?.managed,
    s.organization,
    s.splitTunnel?.mode,
    s.splitTunnel?.entries.map((e) => e.value),
    s.virtualNetworks?.active,
    s.virtualNetworks?.list.map((n) => [n.id, n.name]),
  ]);
}

/** Settings and mutable state of one watcher, shared by the small functions below. */
interface Watch {
  readonly env: WarpEnv;
  readonly opts: WatchWarpOptions;
  readonly timers: Timers;
  readonly detect: (env: WarpEnv) => Promise<WarpDetection>;
  readonly debounceMs: number;
  readonly pollMs: number;
  readonly maxPollMs: number;
  stopped: boolean;
  mode: 'listen' | 'poll';
  current: WarpDetection | null;
  debounceTimer: unknown;
  pollTimer: unknown;
  restartTimer: unknown;
  pollInterval: number;
  detecting: Promise<boolean> | null;
  again: boolean;
  listener: { stop(): Promise<void> | void } | null;
  restarts: number;
  hadListened: boolean;
}

function newWatch(env: WarpEnv, opts: WatchWarpOptions): Watch {
  const pollMs = opts.pollMs ?? 5_000;
  return {
    env,
    opts,
    timers: opts.timers ?? realTimers,
    detect: opts.detect ?? detectWarp,
    debounceMs: opts.debounceMs ?? 300,
    pollMs,
    maxPollMs: Math.max(opts.maxPollMs ?? 60_000, pollMs),
    stopped: false,
    mode: 'poll',
    current: null,
    debounceTimer: null,
    pollTimer: null,
    restartTimer: null,
    pollInterval: pollMs,
    detecting: null,
    again: false,
    listener: null,
    restarts: 0,
    hadListened: false,
  };
}

function clear(w: Watch, h: unknown): void {
  if (h !== null) w.timers.clearTimeout(h);
}

function emit(w: Watch, s: WarpDetection): void {
  try {
    w.opts.onChange(s);
  } catch {
    // A listener's bug must not stop the watcher.
  }
}

async function detectOrUnknown(w: Watch): Promise<WarpDetection> {
  try {
    return await w.detect(w.env);
  } catch (e) {
    return {
      state: 'unknown',
      gatewayOn: null,
      reason: `WARP detection failed: ${(e as Error).message}`,
      decidedBy: null,
      signals: [],
      checkedAt: (w.env.now?.() ?? new Date()).toISOString(),
    };
  }
}

/** Detects until no further pass was asked for; resolves true when the verdict changed. */
async function detectPasses(w: Watch): Promise<boolean> {
  let changed = false;
  do {
    w.again = false;
    const next = await detectOrUnknown(w);
    if (w.stopped) return changed;
    const isChange = w.current === null || changeKey(w.current) !== changeKey(next);
    w.current = next;
    if (isChange) {
      changed = true;
      emit(w, next);
    }
  } while (w.again && !w.stopped);
  return changed;
}

/** Resolves true when the verdict changed. Concurrent calls fold into one extra pass. */
function check(w: Watch): Promise<boolean> {
  if (w.detecting) {
    w.again = true;
    return w.detecting;
  }
  w.detecting = detectPasses(w).finally(() => {
    w.detecting = null;
  });
  return w.detecting;
}

function trigger(w: Watch): void {
  if (w.stopped) return;
  clear(w, w.debounceTimer);
  w.debounceTimer = w.timers.setTimeout(() => {
    w.debounceTimer = null;
    void check(w);
  }, w.debounceMs);
}

function listenWanted(w: Watch): boolean {
  return w.opts.listen !== false && !!w.env.streamer;
}

function schedulePoll(w: Watch, ms: number): void {
  if (w.stopped) return;
  clear(w, w.pollTimer);
  w.pollTimer = w.timers.setTimeout(async () => {
    w.pollTimer = null;
    const changed = await check(w);
    if (w.stopped) return;
    afterPoll(w, changed);
  }, ms);
}

function afterPoll(w: Watch, changed: boolean): void {
  if (w.mode === 'listen') {
    schedulePoll(w, w.maxPollMs);
    return;
  }
  // Listening worked before and something changed (daemon back?): try it again.
  if (changed && w.hadListened && listenWanted(w) && !w.listener) {
    w.restarts = 0;
    startListening(w);
    schedulePoll(w, w.maxPollMs);
    return;
  }
  w.pollInterval = changed ? w.pollMs : Math.min(w.pollInterval * 2, w.maxPollMs);
  schedulePoll(w, w.pollInterval);
}

function fallBackToPolling(w: Watch): void {
  w.mode = 'poll';
  w.pollInterval = w.pollMs;
  schedulePoll(w, w.pollMs);
}

function onListenerExit(w: Watch, sawLiveStatus: boolean): void {
  w.listener = null;
  if (w.stopped) return;
  // The exit may itself be the change (daemon gone): look again.
  trigger(w);
  if (!sawLiveStatus) w.restarts++;
  // Never streamed a status (not installed, too old for -l), or keeps dying: poll.
  if (!w.hadListened || w.restarts >= MAX_LISTEN_RESTARTS) {
    fallBackToPolling(w);
    return;
  }
  w.restartTimer = w.timers.setTimeout(
    () => {
      w.restartTimer = null;
      startListening(w);
    },
    Math.min(1_000 * 2 ** w.restarts, w.maxPollMs),
  );
}

function startListening(w: Watch): void {
  const streamer = w.env.streamer;
  if (w.stopped || !streamer) return;
  w.mode = 'listen';
  let sawLiveStatus = false;
  let gone = false;
  const handle = streamer.start(
    w.env.warpCliPath,
    ['-l', 'status'],
    {
      onLine(line) {
        if (!isStatusLine(line)) return;
        if (!isDaemonDownText(line)) {
          sawLiveStatus = true;
          w.hadListened = true;
          w.restarts = 0;
        }
        trigger(w);
      },
      onExit() {
        gone = true;
        onListenerExit(w, sawLiveStatus);
      },
    },
    w.env.childEnv ? { env: w.env.childEnv } : {},
  );
  w.listener = gone ? null : handle;
}

async function stopWatch(w: Watch): Promise<void> {
  if (w.stopped) return;
  w.stopped = true;
  clear(w, w.debounceTimer);
  clear(w, w.pollTimer);
  clear(w, w.restartTimer);
  const l = w.listener;
  w.listener = null;
  // A check in flight has its own children (bounded by the signal timeouts): wait for them too.
  await Promise.all([l?.stop(), w.detecting]);
}

/**
 * Follows WARP: `warp-cli -l status` (a long-running child) is the event source where it works;
 * each status line schedules a debounced full detection, and an event is emitted only when the
 * verdict changes. Without listen mode (not installed, too old, keeps dying) it polls with
 * backoff. Never throws into the caller.
 */
export function watchWarp(env: WarpEnv, opts: WatchWarpOptions): WarpWatcher {
  const w = newWatch(env, opts);
  void check(w);
  if (listenWanted(w)) {
    startListening(w);
    schedulePoll(w, w.maxPollMs);
  } else {
    schedulePoll(w, w.pollMs);
  }
  return {
    current: () => w.current,
    mode: () => (w.stopped ? 'stopped' : w.mode),
    refresh: () => trigger(w),
    stop: () => stopWatch(w),
  };
}
