import { expiryPhrase } from '../core/probe/credential-expiry.ts';
import type { Settings } from '../core/settings/schema.ts';
import type { NetworkNotice } from '../usecases/join-network.ts';
import { type AppState, currentCluster } from './state.ts';

export interface DesktopNotification {
  /** Rate-limit key: one kind of event for one subject. */
  key: string;
  title: string;
  body: string;
}

/**
 * What `useContext` did about WARP's virtual network on a tray click: said at once, not rate
 * limited (the user just asked for it), and not behind a notification setting (it answers a click).
 */
export function networkNotification(notice: NetworkNotice): DesktopNotification {
  return {
    key: `vnet:${notice.kind}`,
    title: notice.kind === 'switched' ? 'WARP virtual network switched' : 'WARP virtual network not switched',
    body: notice.sentence,
  };
}

/** A flapping tunnel or a dying API server must not bury the desktop in notifications. */
export const DEFAULT_NOTIFICATION_INTERVAL_MS = 15 * 60 * 1000;

/** Expiring credentials stay so for days: one reminder a day per cluster, across restarts. */
export const EXPIRY_NOTIFICATION_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** Where the last time each key was shown survives a restart (epoch ms by key). */
export interface NotificationMemory {
  load(): Record<string, number>;
  save(shown: Record<string, number>): void;
}

const EXPIRY_PREFIX = 'expiry:';

/** Clusters whose credentials expired or expire within the warning window, with what to do. */
function expiryNotifications(state: AppState, now: Date): DesktopNotification[] {
  const out: DesktopNotification[] = [];
  for (const cluster of state.clusters) {
    const r = state.results[cluster.name];
    if (!r?.expiry || (r.verdict !== 'credentials-expired' && r.verdict !== 'credentials-expiring')) continue;
    const label = cluster.context ?? cluster.name;
    out.push({
      key: `${EXPIRY_PREFIX}${cluster.name}`,
      title: `${label}: ${expiryPhrase(r.expiry, now)}`,
      body: r.remedy ?? r.summary,
    });
  }
  return out;
}

/**
 * Decides which notifications a state change deserves, from transitions only (a state that stays
 * bad is told once), each key at most once per interval; expiring credentials once a day per
 * cluster, remembered in `memory` so a restart does not repeat them.
 */
export function createNotifier(opts: { now: () => number; minIntervalMs?: number; memory?: NotificationMemory }) {
  const minInterval = opts.minIntervalMs ?? DEFAULT_NOTIFICATION_INTERVAL_MS;
  const lastShown = new Map<string, number>(Object.entries(opts.memory?.load() ?? {}));

  const allowed = (key: string): boolean => {
    const at = opts.now();
    const last = lastShown.get(key);
    const interval = key.startsWith(EXPIRY_PREFIX) ? EXPIRY_NOTIFICATION_INTERVAL_MS : minInterval;
    if (last !== undefined && at - last < interval) return false;
    lastShown.set(key, at);
    if (key.startsWith(EXPIRY_PREFIX)) opts.memory?.save(remembered(at));
    return true;
  };
  // Only the daily reminders outlive the process, and only while they still silence something.
  const remembered = (at: number) =>
    Object.fromEntries(
      [...lastShown].filter(([k, t]) => k.startsWith(EXPIRY_PREFIX) && at - t < EXPIRY_NOTIFICATION_INTERVAL_MS),
    );

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
      out.push(...expiryNotifications(next, new Date(opts.now())));
      return out.filter((n) => allowed(n.key));
    },
  };
}
