import type { Settings } from '../core/settings/schema.ts';
import { type AppState, currentCluster } from './state.ts';

export interface DesktopNotification {
  /** Rate-limit key: one kind of event for one subject. */
  key: string;
  title: string;
  body: string;
}

/** A flapping tunnel or a dying API server must not bury the desktop in notifications. */
export const DEFAULT_NOTIFICATION_INTERVAL_MS = 15 * 60 * 1000;

/**
 * Decides which notifications a state change deserves, from transitions only (a state that stays
 * bad is told once), each key at most once per interval. Holds only its own rate-limit memory.
 */
export function createNotifier(opts: { now: () => number; minIntervalMs?: number }) {
  const minInterval = opts.minIntervalMs ?? DEFAULT_NOTIFICATION_INTERVAL_MS;
  const lastShown = new Map<string, number>();

  const allowed = (key: string): boolean => {
    const at = opts.now();
    const last = lastShown.get(key);
    if (last !== undefined && at - last < minInterval) return false;
    lastShown.set(key, at);
    return true;
  };

  return {
    next(prev: AppState, next: AppState, settings: Pick<Settings, 'notifications'>): DesktopNotification[] {
      const out: DesktopNotification[] = [];
      if (
        settings.notifications.warpDisconnect &&
        prev.warp.status === 'connected' &&
        next.warp.status === 'disconnected'
      ) {
        const reason = next.warp.reason ? ` (${next.warp.reason})` : '';
        out.push({
          key: 'warp-disconnected',
          title: 'WARP disconnected',
          body: `Cloudflare WARP disconnected${reason}: clusters behind Zero Trust are unreachable until it reconnects.`,
        });
      }
      const cluster = currentCluster(next);
      if (settings.notifications.contextUnreachable && cluster) {
        const before = prev.results[cluster.name];
        const after = next.results[cluster.name];
        const wasUnreachable =
          before?.reachability === 'unreachable' && prev.clusters.some((c) => c.current && c.name === cluster.name);
        if (after?.reachability === 'unreachable' && !wasUnreachable) {
          out.push({
            key: `unreachable:${cluster.name}`,
            title: `${cluster.context ?? cluster.name} is unreachable`,
            body: after.remedy ? `${after.summary} ${after.remedy}` : after.summary,
          });
        }
      }
      return out.filter((n) => allowed(n.key));
    },
  };
}
