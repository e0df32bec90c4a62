import { useCallback, useEffect, useState } from 'react';
import type { ClusterList, ClusterView, DiscoveryProgress, ProbeResultView } from '../../../ipc/contract.ts';
import type { Navigate } from '../App.tsx';
import { errorOf, useApi } from '../api.ts';
import { EmptyState, ErrorState, formatLatency, formatTime, ReachMark } from '../components/common.tsx';
import { Expiry } from '../components/Expiry.tsx';
import { type Async, useAsync } from '../useAsync.ts';

function byName(results: readonly ProbeResultView[]): Record<string, ProbeResultView> {
  return Object.fromEntries(results.map((r) => [r.cluster, r]));
}

export function ClustersView({ navigate }: { navigate: Navigate }) {
  const c = useClusters();
  const { load } = c;
  const list = load.status === 'ready' ? load.value : null;

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

      {(load.status === 'loading' || (list && list.clusters.length > 0)) && (
        <ClusterTable
          list={list}
          results={c.results}
          checking={c.checking}
          onUse={(cluster) => void c.use(cluster)}
          onDiagnose={(cluster) => navigate({ view: 'diagnostics', cluster: cluster.name })}
        />
      )}
    </section>
  );
}

function ListFacts({ list }: { list: ClusterList }) {
  return (
    <p className="muted small">
      {list.currentContext ? (
        <>
          kubectl context: <code>{list.currentContext}</code>
        </>
      ) : (
        'kubectl has no current context.'
      )}{' '}
      · Discovered {formatTime(list.fetchedAt)}
      {list.fromCache ? ' (cached)' : ''}
    </p>
  );
}

/**
 * The list, each cluster's latest result, and what is being checked. Results stream in by event
 * while a check runs; a cluster never checked is checked as soon as the list arrives.
 */
function useClusters() {
  const api = useApi();
  const [results, setResults] = useState<Record<string, ProbeResultView>>({});
  const [checking, setChecking] = useState<ReadonlySet<string>>(new Set());
  const [progress, setProgress] = useState<DiscoveryProgress | null>(null);
  const [busy, setBusy] = useState<'refresh' | 'check' | null>(null);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);

  const check = useCallback(
    async (names: string[]) => {
      if (names.length === 0) return;
      setBusy('check');
      setChecking((prev) => new Set([...prev, ...names]));
      try {
        await api.check({ names });
      } catch (e) {
        setNotice({ text: errorOf(e).message, error: true });
      } finally {
        setChecking(new Set());
        setBusy(null);
      }
    },
    [api],
  );

  const list = useAsync(async (a) => {
    const loaded = await a.listClusters();
    setResults(byName(loaded.lastResults));
    const unchecked = loaded.clusters.filter((c) => !loaded.lastResults.some((r) => r.cluster === c.name));
    if (unchecked.length > 0) {
      setChecking(new Set(unchecked.map((c) => c.name)));
      void check(unchecked.map((c) => c.name));
    }
    return loaded;
  });
  const setList = list.set;

  useEffect(() => {
    const offResult = api.onProbeResult(({ result }) => {
      setResults((prev) => ({ ...prev, [result.cluster]: result }));
      setChecking((prev) => {
        if (!prev.has(result.cluster)) return prev;
        const next = new Set(prev);
        next.delete(result.cluster);
        return next;
      });
    });
    const offList = api.onClustersChanged((changed) => {
      setList(changed);
      setResults((prev) => ({ ...prev, ...byName(changed.lastResults) }));
    });
    const offProgress = api.onDiscoveryProgress(setProgress);
    return () => {
      offResult();
      offList();
      offProgress();
    };
  }, [api, setList]);

  const refresh = async () => {
    setBusy('refresh');
    setNotice(null);
    try {
      const fresh = await api.refresh();
      setList(fresh);
      setNotice({
        text: `Found ${fresh.clusters.length} cluster${fresh.clusters.length === 1 ? '' : 's'}.`,
        error: false,
      });
      setBusy(null);
      await check(fresh.clusters.map((c) => c.name));
    } catch (e) {
      setNotice({ text: errorOf(e).message, error: true });
    } finally {
      setBusy(null);
      setProgress(null);
    }
  };

  const use = async (cluster: ClusterView) => {
    setNotice(null);
    try {
      // biome-ignore lint/correctness/useHookAtTopLevel: KubeztApi.useContext is an IPC request, not a React hook.
      const r = await api.useContext({ name: cluster.context ?? cluster.name });
      setNotice({ text: `Switched kubectl to ${r.context}.`, error: false });
    } catch (e) {
      setNotice({ text: errorOf(e).message, error: true });
    }
  };

  const load: Async<ClusterList> = list.state;
  return { load, reload: list.reload, results, checking, progress, busy, notice, check, refresh, use };
}

function ClusterTable(props: {
  list: ClusterList | null;
  results: Record<string, ProbeResultView>;
  checking: ReadonlySet<string>;
  onUse: (cluster: ClusterView) => void;
  onDiagnose: (cluster: ClusterView) => void;
}) {
  const { list, results, checking } = props;
  return (
    <div className="table-wrap">
      <table className="clusters" aria-busy={list === null || checking.size > 0}>
        <caption className="sr-only">Clusters, their reachability through WARP, and their kubeconfig context</caption>
        <colgroup>
          <col className="col-name" />
          <col className="col-source" />
          <col className="col-ips" />
          <col className="col-tunnel" />
          <col className="col-reach" />
          <col className="col-latency" />
          <col className="col-version" />
          <col className="col-actions" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Cluster</th>
            <th scope="col">Source</th>
            <th scope="col">Server IP</th>
            <th scope="col">Tunnel</th>
            <th scope="col">Reachability</th>
            <th scope="col" className="num">
              Latency
            </th>
            <th scope="col">Version / skew</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list === null
            ? [0, 1, 2].map((i) => <SkeletonRow key={i} />)
            : list.clusters.map((c) => (
                <ClusterRow
                  key={c.name}
                  cluster={c}
                  result={results[c.name]}
                  checking={checking.has(c.name)}
                  onUse={() => props.onUse(c)}
                  onDiagnose={() => props.onDiagnose(c)}
                />
              ))}
        </tbody>
      </table>
    </div>
  );
}

function ClusterRow(props: {
  cluster: ClusterView;
  result: ProbeResultView | undefined;
  checking: boolean;
  onUse: () => void;
  onDiagnose: () => void;
}) {
  const { cluster, result, checking } = props;
  const state = result ? result.reachability : checking ? 'checking' : 'unknown';
  return (
    <tr className={cluster.current ? 'row-current' : undefined} aria-current={cluster.current ? 'true' : undefined}>
      <th scope="row" className="cell-name">
        <span className="name">{cluster.name}</span>
        {cluster.current ? (
          <span className="badge badge-current">current</span>
        ) : cluster.context ? (
          <span className="muted small context">{cluster.context}</span>
        ) : (
          <span className="muted small context">not in kubeconfig</span>
        )}
      </th>
      <td>
        {cluster.sources.map((s) => (
          <span key={s} className="badge">
            {s === 'cloudflare' ? 'Cloudflare' : 'Catalog'}
          </span>
        ))}
      </td>
      <td className="mono small">
        {cluster.ips.length > 0 ? cluster.ips.map((ip) => <div key={ip}>{ip}</div>) : <span className="muted">—</span>}
      </td>
      <td>
        {cluster.tunnel ? (
          <span className={`health health-${cluster.tunnel.health}`} title={cluster.tunnel.name}>
            {cluster.tunnel.health}
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td title={result?.summary}>
        <ReachMark state={state} />
        <Expiry expiry={result?.expiry} />
      </td>
      <td className="num mono">{result ? formatLatency(result.latencyMs) : checking ? '…' : '—'}</td>
      <td className="small">
        <VersionCell result={result} />
      </td>
      <td className="actions">
        <button
          type="button"
          className="button button-small"
          onClick={props.onUse}
          disabled={cluster.current || cluster.context === null}
          aria-label={`Use ${cluster.name}`}
          title={cluster.context === null ? 'Set up kubeconfig first' : undefined}
        >
          Use
        </button>
        <button
          type="button"
          className="button button-small"
          onClick={props.onDiagnose}
          aria-label={`Diagnose ${cluster.name}`}
        >
          Diagnose
        </button>
      </td>
    </tr>
  );
}

function VersionCell({ result }: { result: ProbeResultView | undefined }) {
  if (!result?.serverVersion) return <span className="muted">—</span>;
  const skew = result.skew;
  return (
    <>
      <span className="mono">{result.serverVersion}</span>
      {skew && (
        <span className={skew.supported ? 'skew' : 'skew skew-bad'}>
          {' '}
          ·{' '}
          {skew.minorDelta === 0
            ? 'same minor'
            : `${skew.minorDelta > 0 ? '+' : '−'}${Math.abs(skew.minorDelta)} minor`}
          {skew.supported ? '' : ' (unsupported)'}
        </span>
      )}
    </>
  );
}

function SkeletonRow() {
  return (
    <tr className="skeleton-row">
      {[0, 1, 2, 3, 4, 5, 6, 7].map((i) => (
        <td key={i}>
          {i === 0 && <span className="sr-only">Loading</span>}
          <span className="skeleton" aria-hidden="true" />
        </td>
      ))}
    </tr>
  );
}
