import type {
  ClusterList,
  EventName,
  EventOf,
  ProbeResultEvent,
  ProbeResultView,
  Unsubscribe,
} from '../../../ipc/contract.ts';
import { events } from '../../../ipc/contract.ts';
import { clusterGroup } from '../../core/inventory/group.ts';
import { createNotifier, type NotificationMemory } from '../notifications.ts';
import type { AppHost, DomainPort, Fleet } from '../ports.ts';
import { type AppState, initialState } from '../state.ts';

export type AppEvent = { [K in EventName]: { name: K; payload: EventOf<K> } }[EventName];
export type Log = (message: string, error?: unknown) => void;

/** The app's state and its two audiences: event listeners (windows) and state listeners (tray). */
export interface ServiceStore {
  state(): AppState;
  /** Validates `payload` against the contract and hands it to every event listener. */
  emit(name: EventName, payload: unknown): void;
  /** Applies a change, raises the notifications it calls for, then tells the state listeners. */
  transition(change: (s: AppState) => AppState): void;
  /** Replaces the cluster list (dropping results of clusters that left) and announces it. */
  setFleet(fleet: Fleet): ClusterList;
  addResult(result: ProbeResultView, event: Omit<ProbeResultEvent, 'result'>): void;
  onEvent(listener: (event: AppEvent) => void): Unsubscribe;
  onStateChange(listener: (state: AppState) => void): Unsubscribe;
}

export interface StoreOptions {
  now: () => Date;
  log: Log;
  notificationIntervalMs?: number | undefined;
  notificationMemory?: NotificationMemory | undefined;
}

export function createServiceStore(domain: DomainPort, host: AppHost, options: StoreOptions): ServiceStore {
  const { now, log } = options;
  const notifier = createNotifier({
    now: () => now().getTime(),
    ...(options.notificationIntervalMs !== undefined ? { minIntervalMs: options.notificationIntervalMs } : {}),
    ...(options.notificationMemory ? { memory: options.notificationMemory } : {}),
  });
  let state: AppState = initialState();
  let fleetMeta: Pick<Fleet, 'fetchedAt' | 'fromCache' | 'warnings'> = {
    fetchedAt: null,
    fromCache: false,
    warnings: [],
  };
  const eventListeners = new Set<(event: AppEvent) => void>();
  const stateListeners = new Set<(state: AppState) => void>();

  function emit(name: EventName, payload: unknown): void {
    const parsed = events[name].safeParse(payload);
    if (!parsed.success) {
      log(`dropped a ${name} event that does not match the contract: ${parsed.error.issues[0]?.message ?? ''}`);
      return;
    }
    const event = { name, payload: parsed.data } as AppEvent;
    for (const listener of eventListeners) {
      try {
        listener(event);
      } catch (e) {
        log(`a ${name} event listener failed`, e);
      }
    }
  }

  function notify(prev: AppState, next: AppState): void {
    let notificationSettings: Parameters<typeof notifier.next>[2] | undefined;
    try {
      notificationSettings = domain.settings.read();
    } catch (e) {
      log('settings unreadable; notifications skipped', e);
    }
    if (!notificationSettings) return;
    for (const n of notifier.next(prev, next, notificationSettings)) {
      try {
        host.notify({ title: n.title, body: n.body });
      } catch (e) {
        log('a notification failed', e);
      }
    }
  }

  function transition(change: (s: AppState) => AppState): void {
    const prev = state;
    state = change(prev);
    notify(prev, state);
    for (const listener of stateListeners) {
      try {
        listener(state);
      } catch (e) {
        log('a state listener failed', e);
      }
    }
  }

  function clusterList(): ClusterList {
    const lastResults = state.clusters.flatMap((c) => {
      const r = state.results[c.name];
      return r ? [r] : [];
    });
    return {
      clusters: [...state.clusters],
      currentContext: state.currentContext,
      fetchedAt: fleetMeta.fetchedAt,
      fromCache: fleetMeta.fromCache,
      warnings: fleetMeta.warnings,
      lastResults,
    };
  }

  function setFleet(fleet: Fleet): ClusterList {
    fleetMeta = { fetchedAt: fleet.fetchedAt, fromCache: fleet.fromCache, warnings: [...fleet.warnings] };
    const names = new Set(fleet.clusters.map((c) => c.name));
    transition((s) => ({
      ...s,
      // Every view carries its group, decided by the one rule in core (the adapter may know more).
      clusters: fleet.clusters.map((c) => (c.group ? c : { ...c, group: clusterGroup(c) })),
      currentContext: fleet.currentContext,
      results: Object.fromEntries(Object.entries(s.results).filter(([name]) => names.has(name))),
    }));
    const list = clusterList();
    emit('clustersChanged', list);
    return list;
  }

  return {
    state: () => state,
    emit,
    transition,
    setFleet,
    addResult(result, event) {
      transition((s) => ({ ...s, results: { ...s.results, [result.cluster]: result } }));
      emit('probeResult', { ...event, result });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onStateChange(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
  };
}
