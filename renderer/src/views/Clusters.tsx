import { useCallback, useEffect, useState } from 'react';
import type { ClusterList, ClusterView, DiscoveryProgress, IpcError, ProbeResult } from '../../../ipc/contract.ts';
import { type Navigate, useApi } from '../App.tsx';
import { errorOf } from '../api.ts';
import { EmptyState, ErrorState, formatLatency, formatTime, ReachMark } from '../components/common.tsx';

type Load = { kind: 'loading' } | { kind: 'error'; error: IpcError } | { kind: 'ready'; list: ClusterList };

function byName(results: readonly ProbeResult[]): Record<string, ProbeResult> {
  return Object.fromEntries(results.map((r) => [r.cluster, r]));
}

export function ClustersView({ navigate }: { navigate: Navigate }) {
  const api = useApi();
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [results, setResults] = useState<Record<string, ProbeResult>>({});
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

  const loadList = useCallback(async () => {
    setLoad({ kind: 'loading' });
    try {
      const list = await api.listClusters();
      setLoad({ kind: 'ready', list });
      setResults(byName(list.lastResults));
      const unchecked = list.clusters.filter((c) => !list.lastResults.some((r) => r.cluster === c.name));
      if (unchecked.length > 0) {
        setChecking(new Set(unchecked.map((c) => c.name)));
        void check(unchecked.map((c) => c.name));
      }
    } catch (e) {
      setLoad({ kind: 'error', error: errorOf(e) });
    }
  }, [api, check]);

  useEffect(() => {
    void loadList();
    const offResult = api.onProbeResult(({ result }) => {
      setResults((prev) => ({ ...prev, [result.cluster]: result }));
      setChecking((prev) => {
        if (!prev.has(result.cluster)) return prev;
        const next = new Set(prev);
        next.delete(result.cluster);
        return next;
      });
    });
    const offList = api.onClustersChanged((list) => {
      setLoad({ kind: 'ready', list });
      setResults((prev) => ({ ...prev, ...byName(list.lastResults) }));
    });
    const offProgress = api.onDiscoveryProgress(setProgress);
    return () => {
      offResult();
      offList();
      offProgress();
    };
  }, [api, loadList]);

  const refresh = async () => {
    setBusy('refresh');
    setNotice(null);
    try {
      const list = await api.refresh();
      setLoad({ kind: 'ready', list });
      setNotice({
        text: `Found ${list.clusters.length} cluster${list.clusters.length === 1 ? '' : 's'}.`,
        error: false,
      });
      setBusy(null);
      await check(list.clusters.map((c) => c.name));
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

  return (
    <section className="view" aria-labelledby="clusters-title">
      <div className="view-header">
        <div>
          <h1 id="clusters-title">Clusters</h1>
          {load.kind === 'ready' && (
            <p className="muted small">
              {load.list.currentContext ? (
                <>
                  kubectl context: <code>{load.list.currentContext}</code>
                </>
              ) : (
                'kubectl has no current context.'
              )}{' '}
              · Discovered {formatTime(load.list.fetchedAt)}
              {load.list.fromCache ? ' (cached)' : ''}
            </p>
          )}
        </div>
        <div className="toolbar">
          <button
            type="button"
            className="button"
            onClick={() => load.kind === 'ready' && void check(load.list.clusters.map((c) => c.name))}
            disabled={busy !== null || load.kind !== 'ready' || load.list.clusters.length === 0}
          >
            Check now
          </button>
          <button type="button" className="button" onClick={() => void refresh()} disabled={busy !== null}>
            {busy === 'refresh' ? 'Discovering…' : 'Refresh list'}
          </button>
        </div>
      </div>

      <p className="live-line small" role="status" aria-live="polite">
        {busy === 'refresh' && progress ? progress.message : ''}
        {notice && !notice.error ? notice.text : ''}
      </p>
      {notice?.error && (
        <p className="inline-error" role="alert">
          {notice.text}
        </p>
      )}

      {load.kind === 'ready' &&
        load.list.warnings.map((w) => (
          <p key={w} className="warning small">
            {w}
          </p>
        ))}

      {load.kind === 'error' && (
        <ErrorState
          title="The cluster list could not be loaded"
          error={load.error}
          action={
            <button type="button" className="button" onClick={() => void loadList()}>
              Try again
            </button>
          }
        />
      )}

      {load.kind === 'ready' && load.list.clusters.length === 0 && (
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

      {(load.kind === 'loading' || (load.kind === 'ready' && load.list.clusters.length > 0)) && (
        <div className="table-wrap">
          <table className="clusters" aria-busy={load.kind === 'loading' || checking.size > 0}>
            <caption className="sr-only">
              Clusters, their reachability through WARP, and their kubeconfig context
            </caption>
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
              {load.kind === 'loading'
                ? [0, 1, 2].map((i) => <SkeletonRow key={i} />)
                : load.list.clusters.map((c) => (
                    <ClusterRow
                      key={c.name}
                      cluster={c}
                      result={results[c.name]}
                      checking={checking.has(c.name)}
                      onUse={() => void use(c)}
                      onDiagnose={() => navigate({ view: 'diagnostics', cluster: c.name })}
                    />
                  ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ClusterRow(props: {
  cluster: ClusterView;
  result: ProbeResult | undefined;
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

function VersionCell({ result }: { result: ProbeResult | undefined }) {
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
