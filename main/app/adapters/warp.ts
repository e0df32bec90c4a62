/**
 * WARP state for the app: one watcher (core/warp: `warp-cli -l status` where it works, polling
 * with backoff where not) while anybody listens, its verdicts in the contract's shape.
 */
import type { WarpStateView } from '../../../ipc/contract.ts';
import { type DiscoveryTeam, matchOrganization } from '../../core/warp/organization-match.ts';
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

/** A WARP feed whose states carry `organizationMatch` against the discovered account's team. */
export interface OrganizationAwareFeed extends WarpFeed {
  /** The team discovery read (fresh or cached); undefined when none (no account, an old cache). */
  setDiscoveryTeam(team: DiscoveryTeam | undefined): void;
  /** `state` with the comparison for the current team (for views built outside the feed). */
  decorate(state: WarpStateView): WarpStateView;
}

const sameMatch = (a: WarpStateView, b: WarpStateView) =>
  JSON.stringify(a.organizationMatch ?? null) === JSON.stringify(b.organizationMatch ?? null);

/**
 * Adds the organization check to every state of `feed`. WARP's state and discovery change
 * independently, so a new team re-announces the current state when it changes the comparison.
 */
export function withOrganizationMatch(feed: WarpFeed): OrganizationAwareFeed {
  let team: DiscoveryTeam | undefined;
  const listeners = new Set<(state: WarpStateView) => void>();
  let unsubscribe: (() => void) | null = null;

  const decorate = (state: WarpStateView): WarpStateView => {
    const { organizationMatch: _old, ...plain } = state;
    const match = team ? matchOrganization(state.organization, [team]) : null;
    return match ? { ...plain, organizationMatch: match } : plain;
  };
  const announce = (state: WarpStateView) => {
    for (const l of [...listeners]) l(state);
  };

  return {
    current: () => decorate(feed.current()),
    decorate,
    subscribe(listener) {
      listeners.add(listener);
      unsubscribe ??= feed.subscribe((state) => announce(decorate(state)));
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && unsubscribe) {
          unsubscribe();
          unsubscribe = null;
        }
      };
    },
    setDiscoveryTeam(next) {
      const before = decorate(feed.current());
      team = next;
      const after = decorate(feed.current());
      if (listeners.size > 0 && !sameMatch(before, after)) announce(after);
    },
    close: () => feed.close(),
  };
}
