import { createWriteCleanup, type WriteCleanup } from '../core/kubeconfig/cleanup.ts';

/**
 * The CLI's signal handling, for the whole life of the process (installed before a command
 * loads). On SIGINT, SIGTERM or SIGHUP it removes what an unfinished kubeconfig write created
 * (its locks and temp files, only while still its own: see cleanup.ts) and exits 128 + the
 * signal's number, so kubectl never finds a lock left behind.
 *
 * A command that handles Ctrl-C itself (check, diagnose, status, demo: they await
 * `ctx.interrupted` and report what they have) gets the first signal as that promise instead,
 * as long as no kubeconfig write is under way; a second signal ends the process.
 */

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** POSIX numbers (Node uses the same ones on Windows for the signals it emulates). */
export const SIGNAL_NUMBERS: Readonly<Record<StopSignal, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
const SIGNALS = Object.keys(SIGNAL_NUMBERS) as StopSignal[];

export interface SignalGuard {
  readonly cleanup: WriteCleanup;
  /** Resolves on the first signal once a command has claimed it (see claim). */
  readonly interrupted: Promise<void>;
  /** The running command handles the first signal itself. */
  claim(): void;
  /**
   * Hands every signal to `handler` instead of ending the process, until the returned function is
   * called: for commands that run a child and end with it (exec, shell). A kubeconfig write under
   * way still stops the process as above.
   */
  forward(handler: (signal: StopSignal) => void): () => void;
  uninstall(): void;
}

type Listener = (...args: unknown[]) => void;

/** What the guard needs of the process; tests pass an EventEmitter. */
export interface SignalHost {
  /** `process` itself: the signals, and 'newListener' for hooks that libraries add later. */
  events: {
    on(event: string, listener: Listener): unknown;
    removeListener(event: string, listener: Listener): unknown;
  };
  exit(code: number): void;
  writeError(text: string): void;
}

export function processSignalHost(): SignalHost {
  return {
    events: process as unknown as SignalHost['events'],
    exit: (code) => process.exit(code),
    writeError: (text) => {
      try {
        process.stderr.write(text);
      } catch {}
    },
  };
}

export function installSignalGuard(host: SignalHost = processSignalHost()): SignalGuard {
  const cleanup = createWriteCleanup();
  let claimed = false;
  let forwarder: ((signal: StopSignal) => void) | null = null;
  let signalled = false;
  let resolveInterrupted: () => void = () => {};
  const interrupted = new Promise<void>((resolve) => {
    resolveInterrupted = resolve;
  });
  const handlers = new Map<string, Listener>();

  const stop = (signal: StopSignal) => {
    const writing = cleanup.pending > 0;
    cleanup.runAll();
    host.writeError(
      writing
        ? `kubezt: stopped by ${signal} while writing the kubeconfig; it holds either its previous or its new content, whole, and kubezt's lock and temporary files are removed.\n`
        : `kubezt: stopped by ${signal}.\n`,
    );
    host.exit(128 + SIGNAL_NUMBERS[signal]);
  };

  for (const signal of SIGNALS) {
    const handler = () => {
      if (forwarder && cleanup.pending === 0) {
        forwarder(signal);
        return;
      }
      if (claimed && !signalled && cleanup.pending === 0) {
        signalled = true;
        resolveInterrupted();
        return;
      }
      stop(signal);
    };
    handlers.set(signal, handler);
    host.events.on(signal, handler);
  }
  // Libraries hook these signals too (conf's atomically, through when-exit, re-raises the signal
  // after its own clean-up, which would kill the process mid-write or cut a claimed Ctrl-C short).
  // Their 'exit' hooks still run on every exit; their signal hooks are taken off again, once
  // added ('newListener' comes just before).
  const onNewListener: Listener = (event, added) => {
    if (typeof event !== 'string' || !handlers.has(event)) return;
    if (added === handlers.get(event)) return;
    queueMicrotask(() => host.events.removeListener(event, added as Listener));
  };
  host.events.on('newListener', onNewListener);

  return {
    cleanup,
    interrupted,
    claim() {
      claimed = true;
    },
    forward(handler) {
      forwarder = handler;
      return () => {
        if (forwarder === handler) forwarder = null;
      };
    },
    uninstall() {
      host.events.removeListener('newListener', onNewListener);
      for (const [signal, handler] of handlers) host.events.removeListener(signal, handler);
      handlers.clear();
    },
  };
}
