import type { ClusterView, ProbeResultView, WarpStateView } from '../../ipc/contract.ts';

/** What main knows right now; the tray, its menu and the notifications are functions of it. */
export interface AppState {
  warp: WarpStateView;
  clusters: readonly ClusterView[];
  currentContext: string | null;
  /** Latest probe result per cluster name. */
  results: Readonly<Record<string, ProbeResultView>>;
  /** Cluster names the tray lists first: the pinned ones and the last few switched to. */
  pinned: readonly string[];
  recent: readonly string[];
}

export const UNKNOWN_WARP: WarpStateView = Object.freeze({
  status: 'unknown',
  gatewayOn: null,
  reason: null,
  signals: [],
  updatedAt: new Date(0).toISOString(),
}) as WarpStateView;

export function initialState(): AppState {
  return { warp: UNKNOWN_WARP, clusters: [], currentContext: null, results: {}, pinned: [], recent: [] };
}

/** `recent` with `name` moved to the front, at most `max` long. */
export function withRecent(recent: readonly string[], name: string, max: number): string[] {
  return [name, ...recent.filter((n) => n !== name)].slice(0, max);
}

/** The cluster whose kubezt context is kubeconfig's current-context, if any. */
export function currentCluster(state: AppState): ClusterView | undefined {
  return state.clusters.find((c) => c.current);
}

/** The four tray icons. */
export type TrayIconState = 'healthy' | 'unhealthy' | 'disconnected' | 'unknown';
export const TRAY_ICON_STATES: readonly TrayIconState[] = ['healthy', 'unhealthy', 'disconnected', 'unknown'];

/**
 * WARP first (without it nothing routed is reachable), then the current context's health.
 * When the current context is not one of kubezt's, WARP being connected is all there is to judge.
 */
export function trayIconState(state: AppState): TrayIconState {
  switch (state.warp.status) {
    case 'disconnected':
    case 'connecting':
    case 'unavailable':
      return 'disconnected';
    case 'unknown':
      return 'unknown';
    case 'connected': {
      const current = currentCluster(state);
      if (!current) return 'healthy';
      const result = state.results[current.name];
      if (!result) return 'unknown';
      return result.reachability === 'reachable' ? 'healthy' : 'unhealthy';
    }
  }
}
