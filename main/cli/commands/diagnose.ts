import { access, constants, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import pkg from '../../../package.json' with { type: 'json' };
import { type ClusterDiagnosis, VERDICT_LABEL } from '../../core/diagnostics/index.ts';
import { redactText } from '../../core/diagnostics/redact.ts';
import { UserError } from '../../core/errors.ts';
import { type CliContext, type Command, parseCommandArgs, plural } from '../command.ts';
import { displayPath } from '../kubeconfig-paths.ts';
import { warningsForRun } from '../warning-lines.ts';
import { fleetFlags, runFleetShowingProgress, startFleet } from './probe-shared.ts';

const usage = `Usage: kubezt diagnose [NAME...] [--json] [--report FILE.md] [--timeout MS] [--concurrency N] [--kubeconfig PATH]

Runs the full connectivity ladder for each cluster and explains it: WARP (connected, in a mode
that routes private IPs) → virtual network (the cluster's is selected) → route (through WARP,
not excluded by split tunnel) → TCP → TLS (interception by Cloudflare Gateway, untrusted CA, wrong
name) → GET /version (server version, skew against your kubectl) → selfsubjectreviews (who you
are). Each cluster gets one verdict, what was found, and what to do. NAME is a context or a
cluster name (as in "kubezt use"); without NAME, every context kubezt manages is diagnosed.
Tunnel health and the Gateway audit come from the cached inventory (no network call).

Options:
  --report FILE.md   also write a Markdown report for a support ticket: environment (OS, kubezt,
                     Node, kubectl, WARP state and signals), one table row per cluster, every
                     ladder with its remedies and the certificate chain presented, and this run's
                     own log lines. Credentials, tokens and the Cloudflare API token are redacted.
  --json             print the report as JSON instead (the DiagnosticsReport type in
                     main/core/diagnostics/report.ts): { version: 1, generatedAt,
                     environment: { kubeztVersion, platform, arch, nodeVersion, osRelease,
                       kubectl, warp: { state, gatewayOn, signals: [{ source, detail }] } },
                     summary: { total, ok, warn, fail, verdicts: { <verdict>: count } },
                     clusters: [{ name, context, server, verdict, severity, summary, remedy?,
                       step?, notes, ladder: { name, server, host, ip?, port, startedAt,
                       durationMs, ok, steps: [{ step, status, reason, durationMs, detail,
                       remedy?, data? }] } }] }. Redacted like the report.
  --timeout MS       deadline of each step (default 5000)
  --concurrency N    clusters diagnosed at once (default 16)
  --kubeconfig PATH  the kubeconfig to read

Verdicts and severities are those of "kubezt check"; warnings (version-skew, forbidden) count as
healthy.

Exit codes: 0 every cluster healthy, 1 a cluster is unhealthy or a context could not be resolved,
2 bad usage, an unknown NAME, no kubezt contexts, an unreadable kubeconfig, or a report path that
cannot be written (checked before anything runs).
`;

const MARK = { ok: '✓', warn: '!', fail: '✗', skip: '-' } as const;

function ms(n: number): string {
  return n >= 100 ? `${Math.round(n)} ms` : `${Math.round(n * 10) / 10} ms`;
}

/** The human ladder of one cluster: verdict, finding, fix, notes, then every step. */
export function renderDiagnosis(d: ClusterDiagnosis): string {
  const lines: string[] = [];
  const about = [d.context && d.context !== d.name ? `cluster ${d.name}` : '', d.server].filter(Boolean).join(', ');
  lines.push(`${MARK[d.severity]} ${d.context ?? d.name} (${about}): ${d.verdict} (${VERDICT_LABEL[d.verdict]})`);
  lines.push(`  ${d.summary}`);
  if (d.remedy) lines.push(`  Fix: ${d.remedy}`);
  for (const n of d.notes) lines.push(`  Note: ${n}`);
  lines.push('');
  for (const s of d.ladder.steps) {
    const time = s.status === 'skip' ? '' : ms(s.durationMs);
    lines.push(`  ${MARK[s.status]} ${s.step.padEnd(7)} ${time.padStart(9)}  ${s.detail}`);
    if (s.remedy && s.remedy !== d.remedy) lines.push(`  ${' '.repeat(21)}fix: ${s.remedy}`);
  }
  return lines.join('\n');
}

/** An absolute path whose folder exists and is writable, and which is not a folder itself. */
async function checkReportPath(ctx: CliContext, file: string): Promise<string> {
  const path = resolve(ctx.cwd, file);
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isDir)
    throw new UserError(
      'bad-input',
      `--report ${file} is a folder; give a file name such as ${file}/kubezt-report.md.`,
    );
  try {
    await access(dirname(path), constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      'bad-input',
      code === 'ENOENT'
        ? `The folder of --report ${file} does not exist; create it or choose another path.`
        : `The folder of --report ${file} is not writable (${code}); choose another path.`,
    );
  }
  return path;
}

export const diagnoseCommand: Command = {
  name: 'diagnose',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      'diagnose',
      args,
      {
        json: { type: 'boolean' },
        report: { type: 'string' },
        timeout: { type: 'string' },
        concurrency: { type: 'string' },
        kubeconfig: { type: 'string' },
      },
      true,
    );
    const flags = fleetFlags('diagnose', values);
    if (values.report !== undefined && values.report.trim() === '') {
      throw new UserError('bad-usage', '--report needs a file name, such as --report kubezt-report.md.');
    }
    const reportPath = values.report === undefined ? undefined : await checkReportPath(ctx, values.report);
    // This run's own log, for the report: what a support engineer asks for first.
    const { createLogger, memorySink } = await import('../../core/log.ts');
    const logLines = memorySink();
    let secrets: readonly string[] = [];
    const log = createLogger({ sinks: [logLines], now: ctx.now, secrets: () => secrets });
    log.info(`kubezt ${pkg.version} diagnose on ${ctx.platform}, Node ${process.version}`, positionals.join(' '));
    const start = await startFleet(ctx, { kind: 'names', names: positionals, command: 'diagnose' }, values.kubeconfig);
    const { plan } = start;
    secrets = plan.secrets;
    log.info(`${plural(plan.clusters.length, 'context')} to diagnose`, plan.clusters.map((c) => c.context).join(', '));
    for (const p of plan.problems) log.warn(`context ${p.context} not checked`, p.message);
    const clean = (text: string) => redactText(text, plan.secrets);
    const total = plan.clusters.length;
    const fleet = await runFleetShowingProgress(ctx, start, flags, {
      verbs: ['Diagnosing', 'Diagnosed'],
      onDiagnosis(d) {
        const line = `${d.context ?? d.name}: ${d.verdict} after ${Math.round(d.ladder.durationMs)} ms`;
        if (d.severity === 'ok') log.info(line);
        else log.warn(line, d.summary);
      },
    });
    if (fleet.interrupted) {
      ctx.stderr.write('kubezt: interrupted; nothing was written.\n');
      return 130;
    }
    const [{ renderReportJson, renderReportMarkdown }, { diagnosticsReport }] = await Promise.all([
      import('../../core/diagnostics/index.ts'),
      import('../../usecases/diagnose.ts'),
    ]);
    log.info(
      `WARP ${fleet.warp ? `${fleet.warp.state}${fleet.warp.gatewayOn ? ', Gateway filtering on' : ''}` : 'not read'}; kubectl ${fleet.kubectl?.gitVersion ?? 'not found'}`,
    );
    for (const w of fleet.warnings) log.warn(w);
    const report = diagnosticsReport(fleet, { kubeztVersion: pkg.version, now: ctx.now() });
    const unhealthy = report.summary.fail > 0 || plan.problems.length > 0;
    if (reportPath) {
      // A report names servers and users: owner-only, also over an existing file with a wider mode.
      const { writePrivateFile } = await import('../../core/settings/private-files.ts');
      log.info(`writing the report to ${reportPath}`);
      await writePrivateFile(
        reportPath,
        renderReportMarkdown(report, { secrets: plan.secrets, logLines: logLines.lines() }),
      );
    }
    if (values.json) {
      ctx.stdout.write(renderReportJson(report, { secrets: plan.secrets }));
    } else {
      const w = fleet.warp;
      const head = [
        `WARP: ${w ? `${w.state}${w.gatewayOn ? ', Gateway filtering on' : ''}` : 'not read'}`,
        `kubectl: ${fleet.kubectl?.gitVersion ?? 'not found'}`,
      ].join('; ');
      const blocks = [head, ...fleet.diagnoses.map(renderDiagnosis)];
      for (const p of plan.problems) blocks.push(`✗ ${p.context}: not checked\n  ${p.message}`);
      const s = report.summary;
      const parts = [`${s.ok} ok`];
      if (s.warn > 0) parts.push(`${s.warn} with warnings`);
      if (s.fail > 0) parts.push(`${s.fail} unhealthy`);
      if (plan.problems.length > 0) parts.push(`${plan.problems.length} not checked`);
      blocks.push(`${plural(total + plan.problems.length, 'cluster')}: ${parts.join(', ')}.`);
      if (reportPath) blocks.push(`Report written to ${displayPath(ctx, reportPath)}.`);
      ctx.stdout.write(`${clean(blocks.join('\n\n'))}\n`);
    }
    if (values.json && reportPath) ctx.stderr.write(`Report written to ${displayPath(ctx, reportPath)}.\n`);
    for (const warning of await warningsForRun(ctx, fleet.warnings, 'daily'))
      ctx.stderr.write(`kubezt: warning: ${clean(warning)}\n`);
    return unhealthy ? 1 : 0;
  },
};
