import { redactText } from '../../core/diagnostics/redact.ts';
import { redactedJson } from '../../core/secrets/redact.ts';
import { matchOrganization, type OrganizationMatch } from '../../core/warp/organization-match.ts';
import type { WarpDetection, WarpStatus } from '../../core/warp/types.ts';
import { type Command, parseCommandArgs, plural } from '../command.ts';
import { warningsForRun } from '../warning-lines.ts';
import { summarize } from './check.ts';
import type { CheckedClusterJson } from './probe-shared.ts';
import { checkedClusterJson, clusterLine, fleetFlags, runFleetShowingProgress, startFleet } from './probe-shared.ts';
import { modeLine } from './warp-profile.ts';

const usage = `Usage: kubezt status [--json] [--timeout MS] [--kubeconfig PATH]

One screen: the WARP state (and whether Gateway filtering is on), kubectl's current context and
its health (the full check ladder), and a summary of every context kubezt manages (all checked
at once, 16 at a time). "kubezt check" lists them one by one, "kubezt diagnose NAME" explains one.

Options:
  --timeout MS       deadline of each step (default 5000)
  --kubeconfig PATH  the kubeconfig to read
  --json             print { version: 1, warp: { state, gatewayOn, reason, mode?: { raw, label,
                     privateRouting, managed } | null, organization?, virtualNetwork?: { id,
                     name } | null }, currentContext:
                     null | { name, context, server, ip?, verdict, severity, ok, summary, remedy?,
                     step?, notes, latencyMs, durationMs, serverVersion?, skew?, username?,
                     steps }, clusters: { total, ok, warnings, unhealthy, unhealthyContexts },
                     problems: [{ context, message }], organizationMatch?: { state: match |
                     mismatch | unknown, deviceTeam, discoveryTeams, sentence } } (the StatusJson
                     type in main/cli/commands/status.ts; a cluster is as in "check --json")

When the last Cloudflare discovery (the cache) read the account's Zero Trust organization, the
organization WARP is enrolled in is compared with it; a mismatch is one warning line on stderr.

Exit codes: 0 the current context is healthy (or none is set), 1 the current context is unhealthy
(or cannot be resolved), 2 bad usage or an unreadable kubeconfig.
`;

/** `kubezt status --json`, version 1. Fields are only ever added. */
export interface StatusJson {
  version: 1;
  warp: {
    state: WarpStatus;
    gatewayOn: boolean | null;
    reason: string | null;
    /** The client's mode; null when warp-cli did not say (absent when the profile was not read). */
    mode?: { raw: string; label: string; privateRouting: boolean | null; managed: boolean | null } | null;
    /** The Zero Trust organization (team name) the device is registered to. */
    organization?: string | null;
    /** The selected virtual network; null when none is (or the client did not say). */
    virtualNetwork?: { id: string; name: string | null } | null;
  } | null;
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
  /**
   * WARP's Zero Trust organization against the one the last Cloudflare discovery read (from the
   * cache); absent when there is no discovered account to compare with.
   */
  organizationMatch?: OrganizationMatch;
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
    const orgMatch = w && fleet.organization ? matchOrganization(w.organization, [fleet.organization]) : null;

    if (values.json) {
      const out: StatusJson = {
        version: 1,
        warp: w ? { state: w.state, gatewayOn: w.gatewayOn, reason: w.reason, ...warpProfileJson(w) } : null,
        currentContext: current ? checkedClusterJson(current) : null,
        clusters: { ...summary, unhealthyContexts },
        problems: plan.problems,
        ...(orgMatch ? { organizationMatch: orgMatch } : {}),
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
      if (w) lines.push(...profileLines(w));
      ctx.stdout.write(`${clean(lines.join('\n'))}\n`);
    }
    const warnings = orgMatch?.sentence ? [...fleet.warnings, orgMatch.sentence] : fleet.warnings;
    for (const warning of await warningsForRun(ctx, warnings, 'always'))
      ctx.stderr.write(`kubezt: warning: ${clean(warning)}\n`);
    const currentUnhealthy = (current && current.severity === 'fail') || currentProblem !== undefined;
    return currentUnhealthy ? 1 : 0;
  },
};

/** `Profile   Traffic and DNS mode, …` and the network and organization the device is in, when read. */
function profileLines(w: WarpDetection): string[] {
  const out: string[] = [];
  if (w.mode !== undefined) out.push(`Profile   ${modeLine(w.mode).replace(/^Mode: /, '')}`);
  const { virtualNetwork: vnet } = warpProfileJson(w);
  if (vnet !== undefined) {
    out.push(`Network   ${vnet ? (vnet.name ? `${vnet.name} (${vnet.id})` : vnet.id) : 'no virtual network selected'}`);
  }
  if (w.organization !== undefined) out.push(`Team      ${w.organization ?? 'not reported by warp-cli'}`);
  return out;
}

/** The profile fields of `warp` in `status --json`, each only when the detection read it. */
function warpProfileJson(w: WarpDetection): Omit<NonNullable<StatusJson['warp']>, 'state' | 'gatewayOn' | 'reason'> {
  const v = w.virtualNetworks;
  return {
    ...(w.mode !== undefined
      ? {
          mode: w.mode && {
            raw: w.mode.raw,
            label: w.mode.label,
            privateRouting: w.mode.privateRouting,
            managed: w.mode.managed,
          },
        }
      : {}),
    ...(w.organization !== undefined ? { organization: w.organization } : {}),
    ...(v !== undefined
      ? {
          virtualNetwork:
            v?.active != null ? { id: v.active, name: v.list.find((n) => n.id === v.active)?.name ?? null } : null,
        }
      : {}),
  };
}
