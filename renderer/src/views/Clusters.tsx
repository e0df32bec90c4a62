import { memo, useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { type ClusterList, type ClusterView, fuzzyFilter, type WarpStateView } from '../../../ipc/contract.ts';
import type { Navigate } from '../App.tsx';
import { EmptyState, ErrorState, formatTime } from '../components/common.tsx';
import { ClusterTable } from './clusters/ClusterTable.tsx';
import { QuickSwitcher, searchFields, useQuickSwitcherKey } from './clusters/QuickSwitcher.tsx';
import { useClusters, usePinned } from './clusters/useClusters.ts';

export function ClustersView({ navigate, warp }: { navigate: Navigate; warp: WarpStateView | null }) {
  const c = useClusters();
  const { pinned, toggle } = usePinned();
  const { load, use } = c;
  const list = load.status === 'ready' ? load.value : null;
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [switcherOpen, setSwitcherOpen] = useState(false);
  const openSwitcher = useCallback(() => setSwitcherOpen(true), []);
  useQuickSwitcherKey(openSwitcher);

  // Each cluster's searchable texts, built once per list rather than once per keystroke.
  const fieldsOf = useMemo(() => new Map((list?.clusters ?? []).map((x) => [x, searchFields(x)])), [list]);
  const shown = useMemo(() => {
    if (!list) return null;
    const pinnedSet = new Set(pinned);
    // Pinned clusters first, as in the tray; the filter then ranks by match.
    const ordered = [
      ...list.clusters.filter((x) => pinnedSet.has(x.name)),
      ...list.clusters.filter((x) => !pinnedSet.has(x.name)),
    ];
    return fuzzyFilter(ordered, deferredQuery, (x) => fieldsOf.get(x) ?? searchFields(x));
  }, [list, pinned, deferredQuery, fieldsOf]);

  const onUse = useCallback((cluster: ClusterView) => void use(cluster), [use]);
  const onDiagnose = useCallback(
    (cluster: ClusterView) => navigate({ view: 'diagnostics', cluster: cluster.name }),
    [navigate],
  );
  const onPin = useCallback((cluster: ClusterView) => void toggle(cluster.name), [toggle]);

  return (
    <section className="view" aria-labelledby="clusters-title">
      <div className="view-header">
        <div>
          <h1 id="clusters-title">Clusters</h1>
          {list && <ListFacts list={list} />}
        </div>
        <div className="toolbar">
          <button
            type="button"
            className="button"
            onClick={openSwitcher}
            disabled={!list || list.clusters.length === 0}
            aria-keyshortcuts="Control+K Meta+K"
          >
            Switch… <kbd>Ctrl K</kbd>
          </button>
          <button
            type="button"
            className="button"
            onClick={() => list && void c.check(list.clusters.map((x) => x.name))}
            disabled={c.busy !== null || !list || list.clusters.length === 0}
          >
            Check now
          </button>
          <button type="button" className="button" onClick={() => void c.refresh()} disabled={c.busy !== null}>
            {c.busy === 'refresh' ? 'Discovering…' : 'Refresh list'}
          </button>
        </div>
      </div>

      <p className="live-line small" role="status" aria-live="polite">
        {c.busy === 'refresh' && c.progress ? c.progress.message : ''}
        {c.notice && !c.notice.error ? c.notice.text : ''}
      </p>
      {c.notice?.error && (
        <p className="inline-error" role="alert">
          {c.notice.text}
        </p>
      )}

      {list?.warnings.map((w) => (
        <p key={w} className="warning small">
          {w}
        </p>
      ))}

      {load.status === 'error' && (
        <ErrorState
          title="The cluster list could not be loaded"
          error={load.error}
          action={
            <button type="button" className="button" onClick={c.reload}>
              Try again
            </button>
          }
        />
      )}

      {list && list.clusters.length === 0 && (
        <EmptyState title="No clusters yet">
          <p>
            kubezt finds Kubernetes API servers in your Cloudflare account (tunnel routes) and in a team catalog file,
            then adds a kubeconfig context for each.
          </p>
          <button type="button" className="button button-primary" onClick={() => navigate({ view: 'setup' })}>
            Set up kubeconfig…
          </button>
        </EmptyState>
      )}

      {list && list.clusters.length > 0 && (
        <div className="search-line">
          <label htmlFor="cluster-search" className="sr-only">
            Search clusters
          </label>
          <input
            id="cluster-search"
            type="search"
            className="search"
            placeholder="Filter by name, context, group or IP"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
          <span className="muted small" aria-live="polite">
            {query ? `${shown?.length ?? 0} of ${list.clusters.length} clusters` : `${list.clusters.length} clusters`}
          </span>
        </div>
      )}

      {(load.status === 'loading' || (list && list.clusters.length > 0)) && (
        <ClusterTable
          clusters={shown}
          results={c.results}
          checking={c.checking}
          pinned={pinned}
          warp={warp}
          query={deferredQuery}
          onUse={onUse}
          onDiagnose={onDiagnose}
          onPin={onPin}
        />
      )}

      {switcherOpen && list && list.clusters.length > 0 && (
        <QuickSwitcher clusters={list.clusters} onUse={onUse} onClose={() => setSwitcherOpen(false)} />
      )}
    </section>
  );
}

/** The namespace kubectl uses now, when the current context is one of the listed clusters and sets one. */
function currentNamespace(list: ClusterList): string | undefined {
  return list.clusters.find((c) => c.current)?.namespace;
}

/** Memoised: a batch of probe results re-renders the view, and toLocaleString is not free. */
const ListFacts = memo(function ListFacts({ list }: { list: ClusterList }) {
  const discovered = useTimeAfterPaint(list.fetchedAt);
  return (
    <p className="muted small">
      {list.currentContext ? (
        <>
          kubectl context: <code>{list.currentContext}</code>
          {currentNamespace(list) && (
            <>
              {' '}
              · namespace <code>{currentNamespace(list)}</code>
            </>
          )}
        </>
      ) : (
        'kubectl has no current context.'
      )}{' '}
      · Discovered {discovered ?? '…'}
      {list.fromCache ? ' (cached)' : ''}
    </p>
  );
});

/**
 * The time, formatted after the next paint; null until then. The page's first date formatting
 * loads the locale's data (about 50 ms), which would otherwise delay the first rows.
 */
function useTimeAfterPaint(iso: string | null): string | null {
  const [value, setValue] = useState<string | null>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setValue(formatTime(iso)), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [iso]);
  return value;
}
