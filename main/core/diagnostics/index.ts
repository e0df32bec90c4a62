export { reportEnvironment } from './environment.ts';
export { REDACTED, redactText, redactValue, secretsOf } from './redact.ts';
export {
  buildReport,
  type DiagnosticsReport,
  type ReportEnvironment,
  renderReportJson,
  renderReportMarkdown,
} from './report.ts';
export { type ClusterDiagnosis, diagnose, type Severity, VERDICT_LABEL, type Verdict } from './verdict.ts';
