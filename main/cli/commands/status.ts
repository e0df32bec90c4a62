import { redactText } from '../../core/diagnostics/redact.ts';
import { redactedJson } from '../../core/secrets/redact.ts';
import type { WarpStatus } from '../../core/warp/types.ts';
import { type Command, parseCommandArgs, plural } from '../command.ts';
import { warningsForRun } from '../warning-lines.ts';
import { summarize } from './check.ts';
import type { CheckedClusterJson } from './probe-shared.ts';
import { checkedClusterJson, clusterLine, fleetFlags, runFleetShowingProgress, startFleet } from './probe-shared.ts';

const usage = `Usage: kubezt status [--json] [--timeout MS] [--kubeconfig PATH]

One screen: the WARP state (and whether Gateway filtering is on), kubectl's current context and
its health (the full check ladder), and a summary of every context kubezt manages (all checked
at once, 16 at a time). "kubezt check" lists them one by one, "kubezt diagnose NAME" explains one.

Options:
  --timeout MS       deadline of each step (default 5000)
  --kubeconfig PATH  the kubeconfig to read
  --json             print { version: 1, warp: { state, gatewayOn, reason }, currentContext:
                     null | { name, context, server, ip?, verdict, severity, ok, summary, remedy?,
                     step?, notes, latencyMs, durationMs, serverVersion?, skew?, username?,
                     steps }, clusters: { total, ok, warnings, unhealthy, unhealthyContexts },
                     problems: [{ context, message }] } (the StatusJson type in
                     main/cli/commands/status.ts; a cluster is as in "check --json")

Exit codes: 0 the current context is healthy (or none is set), 1 the current context is unhealthy
(or cannot be resolved), 2 bad usage or an unreadable kubeconfig.
`;

/** `kubezt status --json`, version 1. Fields are only ever added. */
export interface StatusJson {
  version: 1;
  warp: { state: WarpStatus; gatewayOn: boolean | null; reason: string | null } | null;
  /** kubectl's current context, checked; null when none is set (or it names no context). */
  currentContext: CheckedClusterJson | null;
  /** Every kubezt-managed context (the current one included when it is one). */
  clusters: {
    total: number;
    ok: number;
    warnings: number;
    unhealthy: number;
    /** Contexts whose verdict failed. */
    unhealthyContexts: string[];
  };
  /** Contexts that could not be probed (missing cluster entry, unreadable token file). */
  problems: { context: string; message: string }[];
}

export const statusCommand: Command = {
  name: 'status',
  usage,
  async run(args, ctx) {
    const { values } = parseCommandArgs('status', args, {
      json: { type: 'boolean' },
      timeout: { type: 'string' },
      kubeconfig: { type: 'string' },
    });
    const flags = fleetFlags('status', { ...(values.timeout !== undefined ? { timeout: values.timeout } : {}) });
    const start = await startFleet(ctx, { kind: 'status' }, values.kubeconfig);
    const { plan } = start;
    const clean = (text: string) => redactText(text, plan.secrets);
    const fleet = await runFleetShowingProgress(ctx, start, flags, { verbs: ['Checking', 'Checked'] });
    if (fleet.interrupted) {
      ctx.stderr.write('kubezt: interrupted.\n');
      return 130;
    }
    const current = plan.currentContext ? fleet.diagnoses.find((d) => d.context === plan.currentContext) : undefined;
    const currentProblem = plan.problems.find((p) => p.context === plan.currentContext);
    const managed = new Set(plan.clusters.filter((c) => c.managed).map((c) => c.context));
    const managedDiagnoses = fleet.diagnoses.filter((d) => d.context !== undefined && managed.has(d.context));
    const summary = summarize(managedDiagnoses.map((d) => d.severity));
    const unhealthyContexts = managedDiagnoses.filter((d) => d.severity === 'fail').map((d) => d.context as string);
    const w = fleet.warp;

    if (values.json) {
      const out: StatusJson = {
        version: 1,
        warp: w ? { state: w.state, gatewayOn: w.gatewayOn, reason: w.reason } : null,
        currentContext: current ? checkedClusterJson(current) : null,
        clusters: { ...summary, unhealthyContexts },
        problems: plan.problems,
      };
      ctx.stdout.write(`${redactedJson(out, plan.secrets)}\n`);
    } else {
      const lines: string[] = [];
      const gateway = w?.gatewayOn === true ? ', Gateway filtering on' : w?.gatewayOn === false ? ', Gateway off' : '';
      lines.push(`WARP      ${w ? `${w.state}${gateway}` : 'could not be read'}`);
      if (w && w.state !== 'connected' && w.reason) lines.push(`          ${w.reason}`);
      if (current) {
        lines.push(`Context   ${clusterLine(current, 0).slice(2)}`);
        if (current.severity !== 'ok' && current.remedy && !clusterLine(current, 0).includes(current.remedy)) {
          lines.push(`          ${current.remedy}`);
        }
      } else if (currentProblem) {
        lines.push(`Context   ${currentProblem.context}: ${currentProblem.message}`);
      } else {
        lines.push(
          plan.currentContext
            ? `Context   "${plan.currentContext}" is set but no such context exists ("kubezt use NAME" picks one)`
            : 'Context   none set ("kubezt use NAME" picks one)',
        );
      }
      if (summary.total === 0) {
        lines.push('Clusters  no kubezt contexts yet ("kubezt setup" adds your clusters)');
      } else {
        const parts = [`${summary.ok - summary.warnings} ok`];
        if (summary.warnings > 0) parts.push(`${summary.warnings} with warnings`);
        if (summary.unhealthy > 0) parts.push(`${summary.unhealthy} unhealthy (${unhealthyContexts.join(', ')})`);
        lines.push(`Clusters  ${plural(summary.total, 'kubezt context')}: ${parts.join(', ')}`);
      }
      ctx.stdout.write(`${clean(lines.join('\n'))}\n`);
    }
    for (const warning of await warningsForRun(ctx, fleet.warnings, 'always'))
      ctx.stderr.write(`kubezt: warning: ${clean(warning)}\n`);
    const currentUnhealthy = (current && current.severity === 'fail') || currentProblem !== undefined;
    return currentUnhealthy ? 1 : 0;
  },
};
