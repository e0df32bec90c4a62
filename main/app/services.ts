import { randomUUID } from 'node:crypto';
import {
  type Envelope,
  type RequestName,
  type RequestOf,
  type ResponseOf,
  type Unsubscribe,
  unwrap,
} from '../../ipc/contract.ts';
import type { NotificationMemory } from './notifications.ts';
import type { AppHost, DomainPort } from './ports.ts';
import { createChecks } from './services/checks.ts';
import { createHandle } from './services/envelope.ts';
import { createHandlers } from './services/handlers.ts';
import { type AppEvent, createServiceStore } from './services/store.ts';
import type { AppState } from './state.ts';

export { reportFileName, toSettingsPatch } from './services/format.ts';
export type { AppEvent } from './services/store.ts';

export interface AppServicesOptions {
  now?: () => Date;
  /** Schedules `fn` once after `ms`; returns the cancel. Background checks use it. */
  setTimer?: (fn: () => void, ms: number) => () => void;
  newRunId?: () => string;
  /** Where bugs and background failures are logged (never user input, never the token). */
  log?: (message: string, error?: unknown) => void;
  notificationIntervalMs?: number;
  /** Keeps "once a day" reminders (expiring credentials) across restarts. */
  notificationMemory?: NotificationMemory;
  /** Ordinary events for the log file (one line per check); never user input, never the token. */
  info?: (message: string) => void;
}

/**
 * The app's services: every IPC request implemented on top of the domain, plus the state the tray
 * and the notifications are drawn from. Plain Node: the Electron glue, the browser tests and any
 * other host drive it through `handle` (validated, errors as data) and `onEvent`.
 */
export interface AppServices {
  /**
   * Validates `payload` against the contract, runs the request, validates the answer (stripping
   * anything the contract does not declare) and returns an envelope. Never throws.
   */
  handle(name: string, payload: unknown): Promise<Envelope<unknown>>;
  /** The same, typed, for main's own callers (the tray): throws `KubeztError` on failure. */
  call<K extends RequestName>(
    name: K,
    ...request: undefined extends RequestOf<K> ? [RequestOf<K>?] : [RequestOf<K>]
  ): Promise<ResponseOf<K>>;
  /** Validated events for every window. */
  onEvent(listener: (event: AppEvent) => void): Unsubscribe;
  state(): AppState;
  /** Called after every change of `state()` (WARP, clusters, a probe result). */
  onStateChange(listener: (state: AppState) => void): Unsubscribe;
  /** Loads the cluster list, follows WARP, runs a first check and schedules the next ones. */
  start(): Promise<void>;
  stop(): void;
}

/** The pinned and recent clusters from the settings; none when they cannot be read. */
function favourites(domain: DomainPort): Pick<AppState, 'pinned' | 'recent'> {
  try {
    const s = domain.settings.read();
    return { pinned: s.pinned ?? [], recent: s.recent ?? [] };
  } catch {
    return { pinned: [], recent: [] };
  }
}

export function createAppServices(domain: DomainPort, host: AppHost, options: AppServicesOptions = {}): AppServices {
  const now = options.now ?? (() => new Date());
  const setTimer =
    options.setTimer ??
    ((fn: () => void, ms: number) => {
      const t = setTimeout(fn, ms);
      t.unref?.();
      return () => clearTimeout(t);
    });
  const newRunId = options.newRunId ?? (() => randomUUID());
  const log = options.log ?? ((message: string, error?: unknown) => console.error(`kubezt: ${message}`, error ?? ''));
  const store = createServiceStore(domain, host, {
    now,
    log,
    notificationIntervalMs: options.notificationIntervalMs,
    notificationMemory: options.notificationMemory,
  });
  const checks = createChecks({
    domain,
    store,
    newRunId,
    setTimer,
    log,
    ...(options.info ? { info: options.info } : {}),
  });
  const handle = createHandle(createHandlers({ domain, host, store, checks }), log);
  let unsubscribeWarp: Unsubscribe | undefined;

  return {
    handle,
    async call(name, ...request) {
      return unwrap(await handle(name, request[0])) as never;
    },
    onEvent: store.onEvent,
    state: store.state,
    onStateChange: store.onStateChange,
    async start() {
      checks.start();
      store.transition((s) => ({ ...s, warp: domain.warp.current(), ...favourites(domain) }));
      unsubscribeWarp = domain.warp.subscribe((warp) => {
        const statusChanged = warp.status !== store.state().warp.status;
        store.transition((s) => ({ ...s, warp }));
        store.emit('warpState', warp);
        // Reachability follows WARP: re-check at once instead of waiting for the next round.
        if (statusChanged) checks.runBackgroundCheck();
      });
      try {
        if (domain.settings.read().launchAtLogin) await host.setLaunchAtLogin(true);
      } catch (e) {
        log('could not refresh the launch-at-login entry', e);
      }
      try {
        store.setFleet(await domain.listClusters());
      } catch (e) {
        log('could not load the cluster list', e);
      }
      checks.runBackgroundCheck();
      checks.scheduleBackground();
    },
    stop() {
      checks.stop();
      unsubscribeWarp?.();
      unsubscribeWarp = undefined;
    },
  };
}
