import type { Severity } from '../../core/diagnostics/index.ts';
import { redactText } from '../../core/diagnostics/redact.ts';
import { redactedJson } from '../../core/secrets/redact.ts';
import type { WarpStatus } from '../../core/warp/types.ts';
import { type Command, parseCommandArgs, plural } from '../command.ts';
import { warningsForRun } from '../warning-lines.ts';
import {
  type CheckedClusterJson,
  checkedClusterJson,
  clusterLine,
  fleetFlags,
  runFleetShowingProgress,
  startFleet,
} from './probe-shared.ts';

const usage = `Usage: kubezt check [NAME...] [--json] [--timeout MS] [--concurrency N] [--kubeconfig PATH]

Checks that kubectl can reach each cluster: WARP → virtual network → route → TCP → TLS →
GET /version → selfsubjectreviews, with the context's own credentials and TLS settings. NAME is a
context or a cluster name (as in "kubezt use"); without NAME, every context kubezt manages is
checked. Joined with the cached inventory (no network call) for tunnel health and the Gateway
audit.

One line per cluster as each finishes:
  ✓ zt-prod-us  v1.32.3  102 ms
  ! zt-staging  v1.30.6  98 ms  version-skew: Use a kubectl from 1.29 to 1.31 for this cluster, …
  ✗ zt-dev  tls-intercepted: Add a Gateway HTTP policy with the Do Not Inspect action for 127.0.3.4, …
"kubezt diagnose NAME" shows the whole ladder.

Options:
  --timeout MS       deadline of each step (default 5000); the whole ladder gets 4× that
  --concurrency N    clusters checked at once (default 16)
  --kubeconfig PATH  the kubeconfig to read (default: the kubeconfigPath setting, KUBECONFIG,
                     ~/.kube/config)
  --json             print one object (the CheckJson type in main/cli/commands/check.ts):
                     { version: 1, checkedAt, durationMs, warp: { state, gatewayOn } | null,
                       kubectl: gitVersion | null,
                       clusters: [{ name, context, server, ip?, verdict, severity, ok, summary,
                         remedy?, step?, notes, latencyMs, durationMs, serverVersion?, skew?,
                         username?, expiry?: { kind, expiresAt, issuer?, plugin?, text },
                         steps: [{ step, status, reason, durationMs, detail, remedy? }] }],
                       problems: [{ context, message }],
                       summary: { total, ok, warnings, unhealthy },
                       warnings: [...] }
                     Clusters are in the order asked for (kubeconfig order without NAME).

Verdicts: ok, warp-disconnected, not-routed, split-tunnel-excluded, tunnel-down, tcp-refused,
tcp-timeout, tls-timeout, tls-intercepted, tls-untrusted, tls-name-mismatch, unauthorized,
forbidden, version-skew, http-error, credentials-expired, credentials-expiring,
wrong-virtual-network (WARP has another virtual network selected: nothing is sent to the cluster's
address, "kubezt use NAME" switches), warp-mode-unsupported (WARP's mode routes no private IPs).
Credentials
expiring within 7 days (a client certificate's notAfter, a JWT's exp) are a warning; an exec
plugin's short-lived credentials are shown ("exec credential expires in 40 minutes") but renew
themselves. Warnings (version-skew; forbidden, when selfsubjectreviews
are not allowed; WARP still connecting) leave a cluster usable: it is shown with "!" and counts as
healthy.

Exit codes: 0 every cluster healthy (warnings allowed), 1 a cluster is unhealthy or a context
could not be resolved, 2 bad usage, an unknown NAME, no kubezt contexts, or an unreadable
kubeconfig.
`;

/** `kubezt check --json`, version 1. Fields are only ever added; a breaking change bumps `version`. */
export interface CheckJson {
  version: 1;
  /** When the check started (ISO 8601). */
  checkedAt: string;
  /** Wall time of the whole check in ms. */
  durationMs: number;
  /** The WARP state the ladders saw (null when it could not be read at all). */
  warp: { state: WarpStatus; gatewayOn: boolean | null } | null;
  /** The local kubectl client's gitVersion, against which skew is computed; null when none. */
  kubectl: string | null;
  clusters: CheckedClusterJson[];
  /** Contexts asked for that could not be probed (a missing cluster entry, an unreadable token file). */
  problems: { context: string; message: string }[];
  summary: {
    total: number;
    /** Healthy clusters, warnings included. */
    ok: number;
    /** Healthy clusters with a warning (severity warn). */
    warnings: number;
    unhealthy: number;
  };
  /** Things that did not stop the check (the cached inventory could not be used, say). */
  warnings: string[];
}

export function summarize(severities: readonly Severity[]): CheckJson['summary'] {
  const unhealthy = severities.filter((s) => s === 'fail').length;
  return {
    total: severities.length,
    ok: severities.length - unhealthy,
    warnings: severities.filter((s) => s === 'warn').length,
    unhealthy,
  };
}

export const checkCommand: Command = {
  name: 'check',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      'check',
      args,
      {
        json: { type: 'boolean' },
        timeout: { type: 'string' },
        concurrency: { type: 'string' },
        kubeconfig: { type: 'string' },
      },
      true,
    );
    const flags = fleetFlags('check', values);
    const started = ctx.now();
    const t0 = performance.now();
    const start = await startFleet(ctx, { kind: 'names', names: positionals, command: 'check' }, values.kubeconfig);
    const { plan } = start;
    const clean = (text: string) => redactText(text, plan.secrets);
    const width = Math.max(0, ...plan.clusters.map((c) => c.context.length));
    const total = plan.clusters.length;
    const fleet = await runFleetShowingProgress(ctx, start, flags, {
      verbs: ['Checking', 'Checked'],
      ...(values.json ? {} : { print: (d) => clean(clusterLine(d, width, started)) }),
    });
    if (fleet.interrupted) {
      ctx.stderr.write('kubezt: interrupted; the clusters not checked yet are left out.\n');
      return 130;
    }
    const summary = summarize(fleet.diagnoses.map((d) => d.severity));
    const unhealthy = summary.unhealthy > 0 || plan.problems.length > 0;
    if (values.json) {
      const out: CheckJson = {
        version: 1,
        checkedAt: started.toISOString(),
        durationMs: Math.round(performance.now() - t0),
        warp: fleet.warp ? { state: fleet.warp.state, gatewayOn: fleet.warp.gatewayOn } : null,
        kubectl: fleet.kubectl?.gitVersion ?? null,
        clusters: fleet.diagnoses.map((d) => checkedClusterJson(d, started)),
        problems: plan.problems,
        summary,
        warnings: fleet.warnings,
      };
      ctx.stdout.write(`${redactedJson(out, plan.secrets)}\n`);
    } else {
      for (const p of plan.problems) ctx.stdout.write(`${clean(`✗ ${p.context.padEnd(width)}  ${p.message}`)}\n`);
      const parts = [`${summary.ok - summary.warnings} ok`];
      if (summary.warnings > 0) parts.push(`${summary.warnings} with warnings`);
      if (summary.unhealthy > 0) parts.push(`${summary.unhealthy} unhealthy`);
      if (plan.problems.length > 0) parts.push(`${plan.problems.length} not checked`);
      const hint = unhealthy ? '; "kubezt diagnose NAME" shows the whole ladder' : '';
      ctx.stdout.write(`${plural(total + plan.problems.length, 'cluster')}: ${parts.join(', ')}${hint}.\n`);
    }
    for (const w of await warningsForRun(ctx, fleet.warnings, 'daily'))
      ctx.stderr.write(`kubezt: warning: ${clean(w)}\n`);
    return unhealthy ? 1 : 0;
  },
};
