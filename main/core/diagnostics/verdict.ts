import type { ClusterEntry } from '../model/cluster.ts';
import {
  type CredentialExpiry,
  describeCredential,
  expiryRemedy,
  expiryState,
  formatExpiry,
} from '../probe/credential-expiry.ts';
import type { ProbeResult, StepName, StepResult } from '../probe/types.ts';

export type Verdict =
  | 'ok'
  | 'warp-disconnected'
  | 'not-routed'
  | 'split-tunnel-excluded'
  | 'tunnel-down'
  | 'tcp-refused'
  | 'tcp-timeout'
  | 'tls-timeout'
  | 'tls-intercepted'
  | 'tls-untrusted'
  | 'tls-name-mismatch'
  | 'unauthorized'
  | 'forbidden'
  | 'version-skew'
  | 'http-error'
  | 'credentials-expired'
  | 'credentials-expiring'
  | 'wrong-virtual-network'
  | 'warp-mode-unsupported';

/** Each verdict in a few words, for badges, tooltips and report tables. */
export const VERDICT_LABEL: Record<Verdict, string> = {
  ok: 'Reachable',
  'warp-disconnected': 'WARP disconnected',
  'not-routed': 'Not routed through WARP',
  'split-tunnel-excluded': 'Excluded by split tunnel',
  'tunnel-down': 'Tunnel down',
  'tcp-refused': 'Connection refused',
  'tcp-timeout': 'Connection timed out',
  'tls-timeout': 'TLS handshake timed out',
  'tls-intercepted': 'Intercepted by Gateway',
  'tls-untrusted': 'Untrusted certificate',
  'tls-name-mismatch': 'Certificate name mismatch',
  unauthorized: 'Credentials rejected',
  forbidden: 'Not allowed',
  'version-skew': 'kubectl version skew',
  'http-error': 'API server error',
  'credentials-expired': 'Credentials expired',
  'credentials-expiring': 'Credentials expiring',
  'wrong-virtual-network': 'Wrong virtual network',
  'warp-mode-unsupported': 'WARP mode routes no private IPs',
};

export type Severity = 'ok' | 'warn' | 'fail';

export interface ClusterDiagnosis {
  /** The cluster's name (the inventory's, for kubezt contexts), else the ladder's. */
  name: string;
  /** The kubeconfig context that was probed, when the ladder came from one. */
  context?: string;
  server: string;
  verdict: Verdict;
  severity: Severity;
  /** One sentence: what is wrong (or that nothing is). */
  summary: string;
  /** What to do, when something is wrong. */
  remedy?: string;
  /** The ladder step the verdict rests on. */
  step?: StepName;
  /** Other things worth knowing that did not decide the verdict (Gateway audit, tunnel health). */
  notes: string[];
  ladder: ProbeResult;
  /** When the context's credentials expire, when known. */
  expiry?: CredentialExpiry;
}

/** Where a failing or warning step's reason lands among the verdicts. */
function verdictOfStep(s: StepResult): Verdict | null {
  switch (s.reason) {
    case 'warp-disconnected':
    case 'warp-unavailable':
      return 'warp-disconnected';
    case 'warp-mode-unsupported':
      return 'warp-mode-unsupported';
    case 'wrong-virtual-network':
      return 'wrong-virtual-network';
    case 'split-tunnel-excluded':
      return 'split-tunnel-excluded';
    case 'not-via-warp':
    case 'unreachable':
    case 'dns':
      return 'not-routed';
    case 'refused':
      return 'tcp-refused';
    case 'timeout':
      return 'tcp-timeout';
    case 'tls-timeout':
      return 'tls-timeout';
    case 'intercepted':
      return 'tls-intercepted';
    case 'untrusted':
      return 'tls-untrusted';
    case 'name-mismatch':
      return 'tls-name-mismatch';
    case 'unauthorized':
    case 'credentials-failed':
      return 'unauthorized';
    case 'forbidden':
      return 'forbidden';
    case 'version-skew':
      return 'version-skew';
    case 'tls-error':
    case 'http-error':
    case 'http-timeout':
      return 'http-error';
    default:
      return null;
  }
}

/** The cluster's tunnel and its health: discovery's `tunnel`, else the older `cloudflare` fields. */
function tunnelOf(
  cluster: ClusterEntry | undefined,
): { name: string; status: string; connections?: number; since?: string } | undefined {
  if (cluster?.tunnel) return cluster.tunnel;
  const cf = cluster?.cloudflare;
  return cf ? { name: cf.tunnelName, status: cf.tunnelHealth } : undefined;
}

/** Failures the tunnel being down explains: nothing answers, or something answers and then stalls. */
const TUNNEL_SYMPTOMS = new Set<Verdict>(['tcp-refused', 'tcp-timeout', 'tls-timeout', 'http-error', 'not-routed']);

/**
 * One verdict per cluster from its ladder and what Cloudflare says about it (tunnel health,
 * Gateway audit). The ladder's first failure decides; a down tunnel explains connection failures
 * better than the failure itself; warnings decide only when nothing failed.
 */
function ladderDiagnosis(
  ladder: ProbeResult,
  cluster?: ClusterEntry,
  opts: { name?: string; context?: string } = {},
): ClusterDiagnosis {
  const notes: string[] = [];
  const cf = cluster?.cloudflare;
  const ip = ladder.ip ?? ladder.host;
  const base = {
    name: opts.name ?? ladder.name,
    ...(opts.context ? { context: opts.context } : {}),
    server: ladder.server,
    ladder,
  };
  const failed = ladder.steps.find((s) => s.status === 'fail');
  const warned = ladder.steps.find((s) => s.status === 'warn' && verdictOfStep(s) !== null);

  const tunnel = tunnelOf(cluster);
  const tunnelBroken = tunnel && (tunnel.status === 'down' || tunnel.status === 'inactive');
  if (tunnel?.status === 'degraded') {
    notes.push(
      `Cloudflare reports tunnel "${tunnel.name}" as degraded (some cloudflared connections are down${tunnel.connections !== undefined ? `; ${tunnel.connections} active` : ''}).`,
    );
  }
  if (cf?.doNotInspect === false) {
    notes.push(
      `The Gateway audit found no enabled Do Not Inspect rule covering ${cluster?.ips.join(', ') || ip}: if TLS inspection is on, kubectl will see Gateway's certificate.`,
    );
  }
  const vnet = ladder.steps.find((s) => s.step === 'vnet');
  if (vnet?.reason === 'vnet-unknown') notes.push(vnet.detail);

  if (failed) {
    const v = verdictOfStep(failed) ?? 'http-error';
    if (tunnelBroken && TUNNEL_SYMPTOMS.has(v)) {
      return {
        ...base,
        verdict: 'tunnel-down',
        severity: 'fail',
        step: failed.step,
        summary: `Cloudflare reports tunnel "${tunnel.name}" as ${tunnel.status}, so nothing carries traffic to ${ip} (${failed.detail.replace(/\.$/, '')}).`,
        remedy: `For the cluster's owners: the cloudflared connectors of tunnel "${tunnel.name}" ${tunnel.since ? `have had no connection since ${tunnel.since}` : 'have no connection to Cloudflare'}; start or restart cloudflared for tunnel "${tunnel.name}" on the host that serves ${ip}, and check its logs.`,
        notes,
      };
    }
    let remedy = failed.remedy;
    if (v === 'tls-intercepted' && cf?.doNotInspect === true) {
      remedy = `A Do Not Inspect rule covering ${ip} exists but traffic is still inspected: check the rule's precedence (it must come before any Inspect rule) and that it matches the destination IP ${ip}.`;
    }
    return {
      ...base,
      verdict: v,
      severity: 'fail',
      step: failed.step,
      summary: failed.detail,
      ...(remedy ? { remedy } : {}),
      notes,
    };
  }
  if (tunnelBroken) {
    notes.push(
      `Cloudflare reports tunnel "${tunnel.name}" as ${tunnel.status}, yet the cluster answered: the report may be stale.`,
    );
  }
  if (warned) {
    return {
      ...base,
      verdict: verdictOfStep(warned) as Verdict,
      severity: 'warn',
      step: warned.step,
      summary: warned.detail,
      ...(warned.remedy ? { remedy: warned.remedy } : {}),
      notes,
    };
  }
  const auth = ladder.steps.find((s) => s.step === 'auth');
  const version = ladder.steps.find((s) => s.step === 'version');
  const who = typeof auth?.data?.username === 'string' ? ` as ${auth.data.username}` : '';
  const gitVersion = typeof version?.data?.gitVersion === 'string' ? ` (Kubernetes ${version.data.gitVersion})` : '';
  if (auth?.status === 'skip' && auth.remedy) {
    // No credentials were sent on purpose (not set up, plugin not run): reachable, nothing more known.
    return {
      ...base,
      verdict: 'ok',
      severity: 'ok',
      summary: `Reachable${gitVersion}; ${auth.detail.charAt(0).toLowerCase()}${auth.detail.slice(1)}`,
      remedy: auth.remedy,
      notes,
    };
  }
  return { ...base, verdict: 'ok', severity: 'ok', summary: `Reachable${gitVersion}; signed in${who}.`, notes };
}

/**
 * The verdict of the ladder, then what the credentials' expiry adds. Expired credentials decide
 * over a rejection or a pass (they explain the first and doom the second), not over a network
 * failure, which comes first and gets the expiry as a note. Exec credentials are renewed by their
 * plugin: only expired ones the plugin did not renew in this check count, and their lifetime
 * (often an hour) is never a warning.
 */
export function diagnose(
  ladder: ProbeResult,
  cluster?: ClusterEntry,
  opts: { name?: string; context?: string; expiry?: CredentialExpiry | null; now?: Date } = {},
): ClusterDiagnosis {
  const d = ladderDiagnosis(ladder, cluster, opts);
  const expiry = opts.expiry;
  if (!expiry) return d;
  const now = opts.now ?? new Date();
  const state = expiryState(expiry, now);
  const authenticated = ladder.steps.some((s) => s.step === 'auth' && s.status === 'ok');
  const what = `${describeCredential(expiry)} of context "${d.context ?? d.name}"`;
  const when = `${formatExpiry(expiry.expiresAt, now)} (${expiry.expiresAt})`;
  const remedy = expiryRemedy(expiry, d.context ?? d.name);
  const out: ClusterDiagnosis = { ...d, expiry };
  const decides = d.severity !== 'fail' || d.verdict === 'unauthorized';
  if (state === 'expired' && !(expiry.kind === 'exec' && authenticated)) {
    if (!decides) return { ...out, notes: [...d.notes, `${what} ${when}. ${remedy}`] };
    return {
      ...out,
      verdict: 'credentials-expired',
      severity: 'fail',
      step: 'auth',
      summary: `${what} ${when}.`,
      remedy,
    };
  }
  if (state === 'expiring' && expiry.kind !== 'exec') {
    if (d.severity !== 'ok') return { ...out, notes: [...d.notes, `${what} ${when}. ${remedy}`] };
    return {
      ...out,
      verdict: 'credentials-expiring',
      severity: 'warn',
      step: 'auth',
      summary: `${d.summary.replace(/\.$/, '')}; ${what.charAt(0).toLowerCase()}${what.slice(1)} ${when}.`,
      remedy,
    };
  }
  return out;
}
