import type {
  CheckResult,
  DiagnosticsReportView,
  ExportedReport,
  ProbeResultView,
  ReportFormat,
} from '../../../ipc/contract.ts';
import { VERDICT_LABEL, type Verdict } from '../../core/diagnostics/verdict.ts';
import type { DomainPort, Fleet } from '../ports.ts';
import { reportFileName } from './format.ts';
import type { Log, ServiceStore } from './store.ts';

export interface ChecksOptions {
  domain: DomainPort;
  store: ServiceStore;
  newRunId: () => string;
  /** Schedules `fn` once after `ms`; returns the cancel. */
  setTimer: (fn: () => void, ms: number) => () => void;
  log: Log;
  /** One line per run for the log file a user hands over. */
  info?: (message: string) => void;
}

/** "check: 4 clusters, 3 reachable; dev tls-intercepted": what a run found, in one line. */
export function runSummary(kind: string, results: readonly ProbeResultView[]): string {
  const reachable = results.filter((r) => r.reachability === 'reachable').length;
  const others = results.filter((r) => r.reachability !== 'reachable').map((r) => `${r.cluster} ${r.verdict}`);
  const head = `${kind}: ${results.length} cluster${results.length === 1 ? '' : 's'}, ${reachable} reachable`;
  return others.length > 0 ? `${head}; ${others.join(', ')}` : head;
}

/** The `check` request's answer: the run's counts (its results went out as events already). */
export function checkAnswer(runId: string, results: readonly ProbeResultView[]): CheckResult {
  const counts = { reachable: 0, degraded: 0, unreachable: 0 };
  for (const r of results) counts[r.reachability] += 1;
  return { runId, checked: results.length, counts };
}

/** Probe runs (asked for or in the background), the last diagnostics report, and discovery. */
export interface Checks {
  runProbes(
    kind: 'check' | 'diagnose' | 'background',
    names: readonly string[] | undefined,
  ): Promise<{ runId: string; results: ProbeResultView[]; report?: Omit<DiagnosticsReportView, 'runId'> }>;
  diagnose(names: readonly string[] | undefined): Promise<DiagnosticsReportView>;
  /** The last report (running diagnostics first when there is none), rendered. */
  exportReport(format: ReportFormat): Promise<ExportedReport>;
  /** Re-runs discovery; callers that arrive while it runs share the same run. */
  refresh(): Promise<Fleet>;
  runBackgroundCheck(): void;
  /** (Re)arms the background timer from the refreshIntervalSec setting. */
  scheduleBackground(): void;
  start(): void;
  stop(): void;
}

/**
 * The result with its verdict's short label from the core's table, so the dashboard words a
 * verdict exactly as the CLI and the report do and holds no table of its own.
 */
export function withVerdictLabel(result: ProbeResultView): ProbeResultView {
  if (!Object.hasOwn(VERDICT_LABEL, result.verdict)) return result;
  return { ...result, verdictLabel: VERDICT_LABEL[result.verdict as Verdict] };
}

export function createChecks({ domain, store, newRunId, setTimer, log, info }: ChecksOptions): Checks {
  let lastReport: DiagnosticsReportView | undefined;
  let refreshing: Promise<Fleet> | undefined;
  let backgroundCheck: Promise<unknown> | undefined;
  let cancelTimer: (() => void) | undefined;
  let stopped = false;
  /** A check asked for while one runs is run once more after it: its results may predate the change. */
  let recheck = false;

  const runProbes: Checks['runProbes'] = async (kind, names) => {
    const runId = newRunId();
    const total = names?.length ?? store.state().clusters.length;
    let finished = 0;
    const onResult = (result: ProbeResultView) => {
      finished += 1;
      store.addResult(withVerdictLabel(result), { runId, origin: kind, remaining: Math.max(0, total - finished) });
    };
    if (kind === 'diagnose') {
      const report = await domain.diagnose(names, onResult);
      const labelled = { ...report, results: report.results.map(withVerdictLabel) };
      info?.(runSummary(kind, labelled.results));
      return { runId, results: labelled.results, report: labelled };
    }
    const results = (await domain.check(names, onResult, { background: kind === 'background' })).map(withVerdictLabel);
    info?.(runSummary(kind, results));
    return { runId, results };
  };

  async function diagnose(names: readonly string[] | undefined): Promise<DiagnosticsReportView> {
    const { runId, report } = await runProbes('diagnose', names);
    if (!report) throw new Error('diagnose returned no report');
    lastReport = { ...report, runId };
    return lastReport;
  }

  async function exportReport(format: ReportFormat): Promise<ExportedReport> {
    const report = lastReport ?? (await diagnose(undefined));
    return {
      format,
      fileName: reportFileName(report.generatedAt, format),
      content: domain.renderReport(report, format),
    };
  }

  function refresh(): Promise<Fleet> {
    refreshing ??= domain
      .refresh((progress) => store.emit('discoveryProgress', progress))
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  }

  function runBackgroundCheck(): void {
    if (stopped || store.state().clusters.length === 0) return;
    if (backgroundCheck) {
      recheck = true;
      return;
    }
    backgroundCheck = runProbes('background', undefined)
      .catch((e) => log('background check failed', e))
      .finally(() => {
        backgroundCheck = undefined;
        if (recheck) {
          recheck = false;
          runBackgroundCheck();
        }
      });
  }

  function scheduleBackground(): void {
    cancelTimer?.();
    cancelTimer = undefined;
    if (stopped) return;
    let seconds: number;
    try {
      seconds = domain.settings.read().refreshIntervalSec;
    } catch {
      seconds = 60;
    }
    cancelTimer = setTimer(() => {
      runBackgroundCheck();
      scheduleBackground();
    }, seconds * 1000);
  }

  return {
    runProbes,
    diagnose,
    exportReport,
    refresh,
    runBackgroundCheck,
    scheduleBackground,
    start() {
      stopped = false;
    },
    stop() {
      stopped = true;
      cancelTimer?.();
      cancelTimer = undefined;
    },
  };
}
