import { useCallback, useEffect, useRef, useState } from 'react';
import {
  type DiagnosticsReportView,
  type IpcError,
  type ProbeResultView,
  type ProbeStep,
  STEP_ORDER,
  type StepNameView,
} from '../../../ipc/contract.ts';
import type { Navigate } from '../App.tsx';
import { errorOf, useApi } from '../api.ts';
import { EmptyState, ErrorState, formatDuration, formatTime, StepIcon } from '../components/common.tsx';
import { OpenLogFolder } from '../components/OpenLogFolder.tsx';
import { failure, loaded, useAsync } from '../useAsync.ts';

const STEP_LABEL: Record<StepNameView, string> = {
  warp: 'WARP',
  vnet: 'Virtual network',
  route: 'Route via WARP',
  tcp: 'TCP connect',
  tls: 'TLS handshake',
  version: 'GET /version',
  auth: 'Authentication',
};

export function DiagnosticsView({ navigate, cluster }: { navigate: Navigate; cluster: string | undefined }) {
  const d = useDiagnostics(cluster);
  const { names } = d;
  const only = cluster && names?.includes(cluster) ? cluster : undefined;
  const scope = only ? [only] : (names ?? []);

  return (
    <section className="view" aria-labelledby="diag-title">
      <div className="view-header">
        <div>
          <h1 id="diag-title">Diagnostics</h1>
          <p className="muted small">
            Each cluster is checked step by step: WARP → virtual network → route → TCP → TLS → /version →
            authentication.
            {d.report ? ` Last run ${formatTime(d.report.generatedAt)}.` : ''}
          </p>
        </div>
        <div className="toolbar">
          {names && names.length > 0 && (
            <ScopePicker
              names={names}
              value={only ?? ''}
              onChange={(name) => navigate(name ? { view: 'diagnostics', cluster: name } : { view: 'diagnostics' })}
            />
          )}
          <button
            type="button"
            className="button"
            disabled={d.running || !names || names.length === 0}
            onClick={() => void d.run(only ? [only] : undefined)}
          >
            {d.running ? 'Running…' : 'Run again'}
          </button>
          <button type="button" className="button" disabled={!d.report || d.running} onClick={() => void d.copy()}>
            Copy report
          </button>
          <button
            type="button"
            className="button"
            disabled={!d.report || d.running}
            onClick={() => void d.save('markdown')}
          >
            Save report…
          </button>
          <OpenLogFolder />
        </div>
      </div>
      <p className="live-line small" role="status" aria-live="polite">
        {d.running ? `Diagnosing ${scope.length} cluster${scope.length === 1 ? '' : 's'}…` : d.notice}
      </p>

      {d.listError && <ErrorState title="The cluster list could not be loaded" error={d.listError} />}
      {d.runError && <ErrorState title="Diagnostics could not run" error={d.runError} />}
      {names && names.length === 0 && (
        <EmptyState title="Nothing to diagnose yet">
          <p>Add clusters first; diagnostics then explain, for each one, which step fails and how to fix it.</p>
          <button type="button" className="button button-primary" onClick={() => navigate({ view: 'setup' })}>
            Set up kubeconfig…
          </button>
        </EmptyState>
      )}
      {names === null && !d.listError && <LadderCard name="" result={undefined} />}

      <div className="ladders">
        {scope.map((name) => (
          <LadderCard key={name} name={name} result={d.results[name]} />
        ))}
      </div>
    </section>
  );
}

function ScopePicker(props: { names: readonly string[]; value: string; onChange: (name: string) => void }) {
  return (
    <>
      <label htmlFor="diag-scope" className="sr-only">
        Clusters to diagnose
      </label>
      <select id="diag-scope" className="input" value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">All clusters</option>
        {props.names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </>
  );
}

/**
 * The cluster names, the latest run (its results stream in as each cluster finishes), and the
 * report's export. Runs once the list is known, and again when the chosen cluster changes.
 */
function useDiagnostics(cluster: string | undefined) {
  const api = useApi();
  const list = useAsync(async (a) => (await a.listClusters()).clusters.map((c) => c.name));
  const names = loaded(list.state) ?? null;
  const [results, setResults] = useState<Record<string, ProbeResultView>>({});
  const [report, setReport] = useState<DiagnosticsReportView | null>(null);
  const [running, setRunning] = useState(false);
  const [runError, setRunError] = useState<IpcError | null>(null);
  const [notice, setNotice] = useState('');
  const runToken = useRef(0);

  const run = useCallback(
    async (only: string[] | undefined) => {
      const token = ++runToken.current;
      setRunning(true);
      setRunError(null);
      setNotice('');
      setResults({});
      try {
        const r = await api.diagnose(only ? { names: only } : undefined);
        if (token !== runToken.current) return;
        setReport(r);
        setResults(Object.fromEntries(r.results.map((x) => [x.cluster, x])));
      } catch (e) {
        if (token === runToken.current) setRunError(errorOf(e));
      } finally {
        if (token === runToken.current) setRunning(false);
      }
    },
    [api],
  );

  useEffect(
    () =>
      api.onProbeResult((e) => {
        if (e.origin === 'diagnose') setResults((prev) => ({ ...prev, [e.result.cluster]: e.result }));
      }),
    [api],
  );

  const scopeKey = names === null ? null : (cluster ?? '*');
  useEffect(() => {
    if (scopeKey === null || names === null || names.length === 0) return;
    void run(scopeKey === '*' || !names.includes(scopeKey) ? undefined : [scopeKey]);
  }, [scopeKey, names, run]);

  const copy = async () => {
    try {
      const r = await api.copyReport({ format: 'markdown' });
      setNotice(`Copied the report (${r.characters} characters) as Markdown.`);
    } catch (e) {
      setNotice(errorOf(e).message);
    }
  };
  const save = async (format: 'markdown' | 'json') => {
    try {
      const r = await api.saveReport({ format });
      setNotice(r.saved && r.path ? `Saved the report to ${r.path}.` : 'Not saved.');
    } catch (e) {
      setNotice(errorOf(e).message);
    }
  };

  return { names, listError: failure(list.state), results, report, running, runError, notice, run, copy, save };
}

function LadderCard({ name, result }: { name: string; result: ProbeResultView | undefined }) {
  const headingId = `ladder-${name || 'loading'}`;
  if (!result) {
    return (
      <article className="card ladder-card" aria-labelledby={headingId} aria-busy="true">
        <h2 id={headingId} className="ladder-title">
          {name || 'Loading…'} <span className="muted small">checking…</span>
        </h2>
        <ol className="ladder">
          {STEP_ORDER.map((s) => (
            <li key={s} className="ladder-step ladder-pending">
              <span className="skeleton skeleton-icon" aria-hidden="true" />
              <span className="ladder-name">{STEP_LABEL[s]}</span>
              <span className="ladder-duration" />
              <span className="skeleton" aria-hidden="true" />
            </li>
          ))}
        </ol>
      </article>
    );
  }
  const ok = result.verdict === 'ok';
  return (
    <article className={`card ladder-card ${ok ? 'ladder-card-ok' : 'ladder-card-bad'}`} aria-labelledby={headingId}>
      <h2 id={headingId} className="ladder-title">
        {result.cluster}{' '}
        <span className={`badge verdict ${ok ? 'verdict-ok' : 'verdict-bad'}`} data-verdict={result.verdict}>
          {result.verdict}
        </span>
      </h2>
      <p className="ladder-summary">{result.summary}</p>
      <ol className="ladder">
        {STEP_ORDER.map((name) => {
          const step = result.steps.find((s) => s.name === name);
          return <LadderStep key={name} name={name} step={step} failing={result.failingStep === name} />;
        })}
      </ol>
      {result.remedy && !result.steps.some((s) => s.remedy === result.remedy) && (
        <p className="remedy">
          <strong>How to fix:</strong> {result.remedy}
        </p>
      )}
    </article>
  );
}

function LadderStep({ name, step, failing }: { name: StepNameView; step: ProbeStep | undefined; failing: boolean }) {
  if (!step) {
    return (
      <li className="ladder-step ladder-skip">
        <StepIcon status="skip" />
        <span className="ladder-name">{STEP_LABEL[name]}</span>
        <span className="ladder-duration" />
        <span className="ladder-detail muted">not run</span>
      </li>
    );
  }
  return (
    <li
      className={`ladder-step ladder-${step.status}${failing ? ' ladder-failing' : ''}`}
      aria-current={failing ? 'step' : undefined}
    >
      <StepIcon status={step.status} />
      <span className="ladder-name">
        {STEP_LABEL[name]}
        {failing && <span className="badge badge-fail">failing step</span>}
      </span>
      <span className="ladder-duration mono">{formatDuration(step.durationMs)}</span>
      <span className="ladder-detail">
        {step.detail}
        {step.code && step.status !== 'ok' && <code className="step-code"> {step.code}</code>}
      </span>
      {step.remedy && (step.status === 'fail' || step.status === 'warn') && (
        <p className="remedy">
          <strong>How to fix:</strong> {step.remedy}
        </p>
      )}
    </li>
  );
}
