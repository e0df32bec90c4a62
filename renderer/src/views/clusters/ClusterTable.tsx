import { memo, useRef } from 'react';
import type { ClusterView, ProbeResultView, WarpStateView } from '../../../../ipc/contract.ts';
import { formatLatency, ReachMark } from '../../components/common.tsx';
import { Expiry } from '../../components/Expiry.tsx';
import { isStale, verdictLabel } from '../../components/verdicts.ts';
import { useRowWindow } from '../../components/windowing.ts';
import { NamespaceCell } from './NamespaceCell.tsx';
import { TunnelCell, VnetBadge } from './NetworkCells.tsx';

/**
 * Every row is this tall (styles.css keeps the cells to it), so rows can be windowed. The name
 * and group cells hold two short lines (name over namespace and context, group over source); the
 * others one.
 */
export const ROW_HEIGHT = 44;

export interface RowActions {
  onUse: (cluster: ClusterView) => void;
  onDiagnose: (cluster: ClusterView) => void;
  onPin: (cluster: ClusterView) => void;
}

export function ClusterTable(
  props: {
    clusters: readonly ClusterView[] | null;
    results: ReadonlyMap<string, ProbeResultView>;
    checking: ReadonlySet<string>;
    pinned: readonly string[];
    warp: WarpStateView | null;
    /** The search it shows the matches of; a new one scrolls back to the top. */
    query: string;
  } & RowActions,
) {
  const { clusters, results, checking } = props;
  const wrap = useRef<HTMLElement>(null);
  const win = useRowWindow(wrap, clusters?.length ?? 0, ROW_HEIGHT, props.query);
  const pinned = new Set(props.pinned);
  const shown = clusters?.slice(win.start, win.end) ?? [];
  const keys = useRowKeys(shown, props.query);
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to scroll it.
    <section className="table-wrap table-scroll" ref={wrap} tabIndex={0} aria-label="Cluster list">
      <table
        className="clusters"
        aria-busy={clusters === null || checking.size > 0}
        aria-rowcount={clusters ? clusters.length + 1 : -1}
        data-filter={props.query}
      >
        <caption className="sr-only">Clusters, their reachability through WARP, and their kubeconfig context</caption>
        <colgroup>
          <col className="col-name" />
          <col className="col-group" />
          <col className="col-ips" />
          <col className="col-tunnel" />
          <col className="col-reach" />
          <col className="col-latency" />
          <col className="col-version" />
          <col className="col-actions" />
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">Cluster</th>
            <th scope="col">Group</th>
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
          {clusters === null ? (
            [0, 1, 2].map((i) => <SkeletonRow key={i} />)
          ) : (
            <>
              {win.before > 0 && <tr className="spacer" style={{ height: win.before }} />}
              {shown.map((c, i) => (
                <ClusterRow
                  key={keys[i]}
                  index={win.start + i}
                  cluster={c}
                  result={results.get(c.name)}
                  checking={checking.has(c.name)}
                  pinned={pinned.has(c.name)}
                  warp={props.warp}
                  onUse={props.onUse}
                  onDiagnose={props.onDiagnose}
                  onPin={props.onPin}
                />
              ))}
              {win.after > 0 && <tr className="spacer" style={{ height: win.after }} />}
            </>
          )}
        </tbody>
      </table>
    </section>
  );
}

/**
 * The rows' React keys. While the filter stays, a cluster keeps its key, so a row a pin moves keeps
 * its elements (and focus). When the filter changes, the rows take over the keys of the rows on
 * screen before, slot by slot: React then rewrites a few dozen rows' text instead of removing
 * them and creating new ones. Focus is in the search box then, and a row's own state (the
 * namespace editor) is keyed by its cluster.
 */
function useRowKeys(rows: readonly ClusterView[], query: string): string[] {
  const last = useRef({ query, keyOf: new Map<string, string>(), keys: [] as string[], next: 0 });
  const was = last.current;
  const fresh = was.query !== query;
  let next = was.next;
  const keys = rows.map((c, i) => (fresh ? was.keys[i] : was.keyOf.get(c.name)) ?? `row-${next++}`);
  // Written during render on purpose: a render React drops leaves keys that are still unique.
  last.current = { query, keyOf: new Map(rows.map((c, i) => [c.name, keys[i] as string])), keys, next };
  return keys;
}

/** Short on screen (the column is narrow), whole for screen readers and on hover. */
const SOURCE_LABEL = {
  cloudflare: { short: 'CF', long: 'Cloudflare' },
  catalog: { short: 'Catalog', long: 'Team catalog' },
} as const;

/** Memoised: a batch of results re-renders only the rows whose result changed. */
const ClusterRow = memo(function ClusterRow(
  props: {
    index: number;
    cluster: ClusterView;
    result: ProbeResultView | undefined;
    checking: boolean;
    pinned: boolean;
    warp: WarpStateView | null;
  } & RowActions,
) {
  const { cluster, result, checking } = props;
  const stale = result ? isStale(result, props.warp) : false;
  const classes = [cluster.current ? 'row-current' : '', stale ? 'row-stale' : ''].filter(Boolean).join(' ');
  return (
    <tr
      className={classes || undefined}
      aria-current={cluster.current ? 'true' : undefined}
      aria-rowindex={props.index + 2}
      data-stale={stale ? 'true' : undefined}
    >
      <th scope="row" className="cell-name" title={nameTitle(cluster)}>
        <span className="name-line">
          <span className="name">{cluster.name}</span>{' '}
          {cluster.current && <span className="badge badge-current">current</span>} <VnetBadge cluster={cluster} />
        </span>{' '}
        <span className="name-line name-sub">
          <span className="small cell-namespace">
            <NamespaceCell key={cluster.name} cluster={cluster} />
          </span>{' '}
          {!cluster.current && <span className="muted small context">{cluster.context ?? 'not in kubeconfig'}</span>}
        </span>
      </th>
      <td className="small cell-group">
        <span className="group-line">{cluster.group ?? <span className="muted">—</span>}</span>{' '}
        <span className="group-line muted cell-source">
          {cluster.sources.map((s, i) => (
            <span key={s}>
              {i > 0 && ' + '}
              <abbr title={SOURCE_LABEL[s].long}>{SOURCE_LABEL[s].short}</abbr>
            </span>
          ))}
        </span>
      </td>
      <td className="mono small">
        {cluster.ips.length > 0 ? (
          <span title={cluster.ips.join(', ')}>
            {cluster.ips[0]}
            {cluster.ips.length > 1 && <span className="muted"> +{cluster.ips.length - 1}</span>}
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="cell-tunnel">
        <TunnelCell cluster={cluster} />
      </td>
      <td title={result?.summary} className="cell-reach">
        <ReachCell result={result} checking={checking} stale={stale} onDiagnose={() => props.onDiagnose(cluster)} />
      </td>
      <td className="num mono">
        {result && result.reachability !== 'unreachable' ? formatLatency(result.latencyMs) : checking ? '…' : '—'}
      </td>
      <td className="small cell-version">
        <VersionCell result={result} />
      </td>
      <td className="actions">
        <button
          type="button"
          className="button button-small button-pin"
          onClick={() => props.onPin(cluster)}
          aria-pressed={props.pinned}
          aria-label={`Pin ${cluster.name}`}
          title={props.pinned ? 'Pinned first in the tray menu' : 'Pin to the top of the tray menu'}
        >
          <span aria-hidden="true">{props.pinned ? '★' : '☆'}</span>
        </button>
        <button
          type="button"
          className="button button-small"
          onClick={() => props.onUse(cluster)}
          disabled={cluster.current || cluster.context === null}
          aria-label={`Use ${cluster.name}`}
          title={cluster.context === null ? 'Set up kubeconfig first' : undefined}
        >
          Use
        </button>
        <button
          type="button"
          className="button button-small"
          onClick={() => props.onDiagnose(cluster)}
          aria-label={`Diagnose ${cluster.name}`}
        >
          Diagnose
        </button>
      </td>
    </tr>
  );
});

/** The whole of what the name cell may shorten: the context and its namespace. */
function nameTitle(cluster: ClusterView): string | undefined {
  if (!cluster.context) return undefined;
  return `Context ${cluster.context}, namespace ${cluster.namespace ?? 'default (none set)'}`;
}

function ReachCell(props: {
  result: ProbeResultView | undefined;
  checking: boolean;
  stale: boolean;
  onDiagnose: () => void;
}) {
  const { result, checking, stale } = props;
  if (!result) return <ReachMark state={checking ? 'checking' : 'unknown'} />;
  const label = verdictLabel(result);
  const mark = label ? (
    <a
      href={`#diagnostics/${result.cluster}`}
      className="verdict-link"
      onClick={(e) => {
        e.preventDefault();
        props.onDiagnose();
      }}
    >
      <ReachMark state={result.reachability} label={label} />
    </a>
  ) : (
    <ReachMark state={result.reachability} />
  );
  // The verdict keeps the first line whole; the expiry and the stale badge go under it, so a long
  // label ("Intercepted by Gateway") is not cut to make room for them.
  const expiry = <Expiry expiry={result.expiry} />;
  const notes =
    stale || result.expiry ? (
      <span className="reach-line reach-notes small">
        {expiry}
        {stale && (
          <span className="badge badge-stale small" title="Checked while WARP was still connected">
            stale
          </span>
        )}
      </span>
    ) : null;
  return (
    <>
      <span className="reach-line">{mark}</span>
      {notes}
    </>
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
