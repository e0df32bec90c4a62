/**
 * The diagnostics report of one fleet run, as `kubezt diagnose` and the app's Diagnostics view
 * both produce it: every cluster's verdict, with the environment (kubezt, kubectl, WARP) the run
 * saw. Rendering (Markdown, JSON, the app's view) is each front end's own.
 */
import { reportEnvironment } from '../core/diagnostics/environment.ts';
import { buildReport, type DiagnosticsReport } from '../core/diagnostics/report.ts';
import type { ClusterDiagnosis } from '../core/diagnostics/verdict.ts';
import type { KubectlClientInfo } from '../core/probe/types.ts';
import type { DiscoveryTeam } from '../core/warp/organization-match.ts';
import type { WarpDetection } from '../core/warp/types.ts';

/** What a fleet run found: the verdicts, and what it read once for the whole run. */
export interface DiagnosedFleet {
  diagnoses: readonly ClusterDiagnosis[];
  kubectl: KubectlClientInfo | null;
  warp: WarpDetection | null;
  /** The account's Zero Trust organization as discovery read it (the cache). */
  organization?: DiscoveryTeam;
}

export function diagnosticsReport(
  run: DiagnosedFleet,
  opts: { kubeztVersion?: string | undefined; now: Date },
): DiagnosticsReport {
  return buildReport(
    run.diagnoses,
    reportEnvironment({
      ...(opts.kubeztVersion ? { kubeztVersion: opts.kubeztVersion } : {}),
      kubectl: run.kubectl,
      warp: run.warp,
      ...(run.organization ? { discoveryTeam: run.organization } : {}),
    }),
    { now: opts.now },
  );
}
