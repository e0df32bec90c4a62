import type { KubectlClientInfo, StepResult, WarpState } from '../probe/types.ts';
import { redactedJson, redactText, redactValue } from '../secrets/redact.ts';
import type { OrganizationMatch } from '../warp/organization-match.ts';
import { type ClusterDiagnosis, type Severity, VERDICT_LABEL, type Verdict } from './verdict.ts';

export interface ReportEnvironment {
  kubeztVersion?: string;
  /** `process.platform`, `process.arch`, `process.version` of the machine that ran the checks. */
  platform: string;
  arch: string;
  nodeVersion: string;
  osRelease?: string;
  kubectl?: KubectlClientInfo | null;
  warp?: {
    state: WarpState;
    gatewayOn: boolean;
    signals?: { source: string; detail: string }[];
    /** The client's mode, as named today (`Traffic and DNS mode`), when read. */
    mode?: string;
    /** The selected virtual network (`name (id)`), when read. */
    virtualNetwork?: string;
    organization?: string;
    /** `organization` against the discovered account's (absent when either is unknown). */
    organizationMatch?: OrganizationMatch;
  } | null;
}

export interface DiagnosticsReport {
  /** Bumped when the JSON shape changes incompatibly. */
  version: 1;
  generatedAt: string;
  environment: ReportEnvironment;
  summary: { total: number; ok: number; warn: number; fail: number; verdicts: Partial<Record<Verdict, number>> };
  clusters: ClusterDiagnosis[];
}

export function buildReport(
  diagnoses: readonly ClusterDiagnosis[],
  environment: ReportEnvironment,
  opts: { now?: Date } = {},
): DiagnosticsReport {
  const count = (s: Severity) => diagnoses.filter((d) => d.severity === s).length;
  const verdicts: Partial<Record<Verdict, number>> = {};
  for (const d of diagnoses) verdicts[d.verdict] = (verdicts[d.verdict] ?? 0) + 1;
  return {
    version: 1,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    environment,
    summary: { total: diagnoses.length, ok: count('ok'), warn: count('warn'), fail: count('fail'), verdicts },
    clusters: [...diagnoses],
  };
}

/** The report as stable, pretty JSON, with every credential removed. */
export function renderReportJson(report: DiagnosticsReport, opts: { secrets?: readonly string[] } = {}): string {
  return `${redactedJson(report, opts.secrets ?? [])}\n`;
}

const MARK: Record<string, string> = { ok: '✅', warn: '⚠️', fail: '❌', skip: '⏭️' };

/** Table cells: no line breaks, no column breaks. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim();
}

function ms(n: number): string {
  return n >= 100 ? `${Math.round(n)} ms` : `${Math.round(n * 10) / 10} ms`;
}

function chainSection(step: StepResult | undefined): string[] {
  const chain = step?.data?.chain as
    | {
        subject: string;
        issuer: string;
        fingerprint256: string;
        validTo: string;
        dnsNames: string[];
        ipAddresses: string[];
      }[]
    | undefined;
  if (!chain || chain.length === 0) return [];
  const lines = ['', '<details><summary>Certificate chain presented</summary>', ''];
  chain.forEach((c, i) => {
    lines.push(`${i + 1}. **Subject:** ${c.subject}  `);
    lines.push(`   **Issuer:** ${c.issuer}  `);
    const names = [...c.dnsNames, ...c.ipAddresses];
    if (names.length) lines.push(`   **Names:** ${names.join(', ')}  `);
    lines.push(`   **Valid until:** ${c.validTo}  `);
    lines.push(`   **SHA-256:** \`${c.fingerprint256}\``);
  });
  lines.push('', '</details>');
  return lines;
}

/** Lines of kubezt's log a report carries: enough to see what led up to it, not a whole file. */
export const REPORT_LOG_LINES = 200;

/** The last lines of the log, fenced so Markdown leaves them as they are. */
function logSection(logLines: readonly string[] | undefined): string[] {
  if (!logLines || logLines.length === 0) return [];
  const last = logLines.slice(-REPORT_LOG_LINES);
  const fence = '~~~~';
  return [
    '',
    `## kubezt log (last ${last.length} line${last.length === 1 ? '' : 's'})`,
    '',
    `${fence}text`,
    ...last.map((l) => l.replaceAll(fence, '~~~')),
    fence,
  ];
}

/**
 * The report a user pastes into a support ticket: environment, one line per cluster, then each
 * cluster's ladder with the remedy first. Redacted like the JSON.
 */
export function renderReportMarkdown(
  input: DiagnosticsReport,
  opts: { secrets?: readonly string[]; logLines?: readonly string[] } = {},
): string {
  // Every value first, before table cells escape or join it (escaped or joined, a secret with a
  // '|' or a line break would not match), then the whole text for what spans lines.
  const report = redactValue(input, opts.secrets ?? []);
  const e = report.environment;
  const lines: string[] = ['# kubezt connectivity report', ''];
  lines.push(`Generated ${report.generatedAt}`, '');
  lines.push('## Environment', '');
  lines.push(`- kubezt: ${e.kubeztVersion ?? 'unknown'}`);
  lines.push(`- System: ${e.platform} ${e.arch}${e.osRelease ? ` (${e.osRelease})` : ''}, Node ${e.nodeVersion}`);
  lines.push(
    `- kubectl: ${e.kubectl ? `${e.kubectl.gitVersion}${e.kubectl.dispatcherMinors ? ` (dispatcher for 1.${e.kubectl.dispatcherMinors.join(', 1.')})` : ''}` : 'not found'}`,
  );
  if (e.warp) {
    lines.push(`- WARP: ${e.warp.state}${e.warp.gatewayOn ? ', Gateway filtering on' : ''}`);
    if (e.warp.mode) lines.push(`  - mode: ${e.warp.mode}`);
    if (e.warp.virtualNetwork) lines.push(`  - virtual network: ${e.warp.virtualNetwork}`);
    if (e.warp.organization) lines.push(`  - organization: ${e.warp.organization}`);
    const match = e.warp.organizationMatch;
    if (match) {
      lines.push(
        `  - organization check: ${match.sentence ?? `the discovered account's organization (${match.discoveryTeams.join(', ')})`}`,
      );
    }
    for (const s of e.warp.signals ?? []) lines.push(`  - ${s.source}: ${s.detail}`);
  } else {
    lines.push('- WARP: not checked');
  }
  const s = report.summary;
  lines.push('', '## Summary', '');
  lines.push(
    `${s.total} cluster${s.total === 1 ? '' : 's'}: ${s.ok} healthy, ${s.warn} with warnings, ${s.fail} failing.`,
    '',
  );
  if (report.clusters.length > 0) {
    lines.push('| | Cluster | Server | Verdict | What to do |', '|---|---|---|---|---|');
    for (const c of report.clusters) {
      lines.push(
        `| ${MARK[c.severity]} | ${cell(c.name)} | ${cell(c.server)} | ${c.verdict} | ${cell(c.remedy ?? (c.severity === 'ok' ? '—' : c.summary))} |`,
      );
    }
  }
  for (const c of report.clusters) {
    lines.push('', `## ${c.name}: ${c.verdict} (${VERDICT_LABEL[c.verdict] ?? c.verdict})`, '');
    if (c.context && c.context !== c.name) lines.push(`- **Context:** ${c.context}`);
    lines.push(`- **Server:** ${c.server}${c.ladder.ip && !c.server.includes(c.ladder.ip) ? ` (${c.ladder.ip})` : ''}`);
    lines.push(`- **Finding:** ${c.summary}`);
    if (c.remedy) lines.push(`- **Fix:** ${c.remedy}`);
    for (const n of c.notes) lines.push(`- **Note:** ${n}`);
    lines.push('', '| Step | Result | Time | Detail |', '|---|---|---|---|');
    for (const st of c.ladder.steps) {
      lines.push(
        `| ${st.step} | ${MARK[st.status]} ${st.status} | ${st.status === 'skip' ? '' : ms(st.durationMs)} | ${cell(st.detail)} |`,
      );
    }
    const stepRemedies = c.ladder.steps.filter((st) => st.remedy && st.remedy !== c.remedy);
    if (stepRemedies.length) {
      lines.push('');
      for (const st of stepRemedies) lines.push(`- ${st.step}: ${st.remedy}`);
    }
    lines.push(...chainSection(c.ladder.steps.find((st) => st.step === 'tls')));
  }
  lines.push(...logSection(opts.logLines));
  lines.push('');
  return redactText(lines.join('\n'), opts.secrets ?? []);
}
