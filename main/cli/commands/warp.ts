import { isIP } from 'node:net';
import type { RouteVerdictResult, SplitTunnelConfig, WarpDetection, WarpMode } from '../../core/warp/index.ts';
import { matchOrganization, type OrganizationMatch } from '../../core/warp/organization-match.ts';
import { type Command, parseCommandArgs, plural, writeJson } from '../command.ts';
import { kubeconfigPathsFor } from '../kubeconfig-paths.ts';
import { profileLines, splitManagedWords, type VirtualNetworksJson, virtualNetworksJson } from './warp-profile.ts';

const usage = `Usage: kubezt warp [IP...] [--json] [--kubeconfig PATH]

Shows the Cloudflare WARP client's state (connected, connecting, disconnected, unavailable =
not installed, unknown), whether Gateway filtering is on, and every signal behind the verdict:
warp-cli (JSON, then text), the WARP tunnel interface, and the trace endpoint (which only tells
how traffic to cloudflare.com went, so it never overrides warp-cli). Then the client profile: its
mode (only Traffic and DNS mode and Traffic only mode route private IPs), the organization, the
split-tunnel mode (and whether your organization manages it), the selected virtual network and
the others ("kubezt vnet NAME" switches). Last, for each API server IP (the kubezt contexts in your
kubeconfig, or the IPs given), whether the OS routes it through WARP or the split tunnel excludes
it, with the setting to change.

Options:
  --json  print { version, state, gatewayOn, reason, decidedBy, checkedAt, signals: [{ source,
          status, detail, ... raw evidence }], splitTunnel: { mode, entries: [{ value, kind,
          description? }], source, managed?, origin? } | null, routes: [{ ip, context?, verdict,
          detail, remedy?, interface, excludedBy, privateRange }], mode: { raw, kind, label,
          privateRouting, proxyPort?, managed, origin? } | null, privateRouting: boolean | null,
          organization: string | null, virtualNetworks: { active, activeName, networks: [{ id,
          name, description, default, active }] } | null, organizationMatch?: { state: match |
          mismatch | unknown, deviceTeam, discoveryTeams, sentence } }

When the last Cloudflare discovery (the cache) read the account's Zero Trust organization, the
organization WARP is enrolled in is compared with it; a mismatch is one warning line on stderr.

Environment: KUBEZT_WARP_CLI (warp-cli path), KUBEZT_TRACE_URL (trace endpoint; "off" skips it),
KUBEZT_WARP_INTERFACE (the tunnel interface name).

Exit codes: 0 the state was read (whatever it is; see "state"), 2 bad usage.
`;

export interface WarpJson {
  version: 1;
  state: WarpDetection['state'];
  gatewayOn: boolean | null;
  reason: string | null;
  decidedBy: WarpDetection['decidedBy'];
  checkedAt: string;
  signals: WarpDetection['signals'];
  splitTunnel: SplitTunnelConfig | null;
  routes: (Omit<RouteVerdictResult, 'route' | 'splitTunnel'> & { context?: string })[];
  /** The client's mode; null when warp-cli did not say. */
  mode: WarpMode | null;
  /** Whether the mode routes private IPs (only Traffic and DNS / Traffic only do). */
  privateRouting: boolean | null;
  organization: string | null;
  virtualNetworks: VirtualNetworksJson | null;
  /** WARP's organization against the last discovery's (the cache); absent when none was read. */
  organizationMatch?: OrganizationMatch;
}

export const warpCommand: Command = {
  name: 'warp',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      'warp',
      args,
      { json: { type: 'boolean' }, kubeconfig: { type: 'string' } },
      true,
    );
    const bad = positionals.find((p) => isIP(p) === 0);
    if (bad !== undefined) {
      ctx.stderr.write(`kubezt: "${bad}" is not an IP address; "kubezt warp" takes API server IPs (or none).\n`);
      return 2;
    }
    const { detectWarp, readSplitTunnel, routeVerdict, readRoute, warpEnvFromProcess, warpInterfaceName } =
      await import('../../core/warp/index.ts');
    const env = warpEnvFromProcess(ctx.env, ctx.platform, ctx.runner, fetch);
    const targets =
      positionals.length > 0
        ? positionals.map((ip): { ip: string; context?: string } => ({ ip }))
        : await kubeztServerIps(ctx, values.kubeconfig);
    const [state, discovered] = await Promise.all([detectWarp(env), cachedTeam(ctx)]);
    const orgMatch = discovered ? matchOrganization(state.organization, [discovered]) : null;
    // The profile has read the split tunnel (`-j settings`, `settings`, `tunnel ip list`).
    const split = state.splitTunnel !== undefined ? { config: state.splitTunnel } : await readSplitTunnel(env);
    const routes = await Promise.all(
      targets.map(async (t) => {
        const r = routeVerdict(t.ip, {
          route: await readRoute(env, t.ip),
          warpInterface: warpInterfaceName(env),
          splitTunnel: split.config,
          warpState: state.state,
        });
        const { route: _route, splitTunnel: _split, ...rest } = r;
        return { ...(t.context ? { context: t.context } : {}), ...rest };
      }),
    );
    if (values.json) {
      const out: WarpJson = {
        version: 1,
        state: state.state,
        gatewayOn: state.gatewayOn,
        reason: state.reason,
        decidedBy: state.decidedBy,
        checkedAt: state.checkedAt,
        signals: state.signals,
        splitTunnel: split.config,
        routes,
        mode: state.mode ?? null,
        privateRouting: state.privateRouting ?? null,
        organization: state.organization ?? null,
        virtualNetworks: virtualNetworksJson(state.virtualNetworks),
        ...(orgMatch ? { organizationMatch: orgMatch } : {}),
      };
      writeJson(ctx, out);
      if (orgMatch?.sentence) ctx.stderr.write(`kubezt: warning: ${orgMatch.sentence}\n`);
      return 0;
    }
    const lines = [
      `WARP: ${state.state}${state.gatewayOn === null ? '' : state.gatewayOn ? ' (Gateway on)' : ' (Gateway off)'}${state.decidedBy ? `, from ${state.decidedBy}` : ''}`,
    ];
    if (state.reason) lines.push(`  ${state.reason}`);
    lines.push('', ...profileLines(state));
    lines.push('', 'Signals:');
    for (const s of state.signals) lines.push(`  ${s.source.padEnd(9)}  ${s.status.padEnd(12)}  ${s.detail}`);
    lines.push(
      '',
      split.config
        ? `Split tunnel: ${split.config.mode} mode, ${plural(split.config.entries.length, 'entry', 'entries')} (${split.config.entries
            .slice(0, 6)
            .map((e) => e.value)
            .join(', ')}${split.config.entries.length > 6 ? ', …' : ''})${splitManagedWords(split.config.managed)}`
        : 'Split tunnel: could not be read from warp-cli',
    );
    if (routes.length > 0) {
      lines.push('', 'Routes:');
      for (const r of routes) {
        lines.push(`  ${(r.context ?? r.ip).padEnd(16)}  ${r.ip.padEnd(15)}  ${r.verdict.padEnd(22)}  ${r.detail}`);
        if (r.remedy) lines.push(`  ${''.padEnd(16)}  fix: ${r.remedy}`);
      }
    }
    ctx.stdout.write(`${lines.join('\n')}\n`);
    if (orgMatch?.sentence) ctx.stderr.write(`kubezt: warning: ${orgMatch.sentence}\n`);
    return 0;
  },
};

/** The account's team as the last discovery read it (the cache only: this command calls no API). */
async function cachedTeam(ctx: Parameters<Command['run']>[1]) {
  const { cachedInventory } = await import('./probe-shared.ts');
  return (await cachedInventory(ctx)).organization;
}

/** The IPs of the clusters kubezt wrote to the kubeconfig; none when it cannot be read. */
async function kubeztServerIps(
  ctx: Parameters<Command['run']>[1],
  flag: string | undefined,
): Promise<{ ip: string; context: string }[]> {
  const { readKubeconfig } = await import('../../core/kubeconfig/index.ts');
  try {
    const { merged } = await readKubeconfig(kubeconfigPathsFor(ctx, flag));
    const out: { ip: string; context: string }[] = [];
    for (const c of merged.contexts.filter((x) => x.managed)) {
      const server = merged.clusters.find((k) => k.name === c.cluster)?.server;
      const host = server ? new URL(server).hostname.replace(/^\[|\]$/g, '') : '';
      if (isIP(host)) out.push({ ip: host, context: c.name });
    }
    return out;
  } catch {
    // The WARP report must not depend on a readable kubeconfig; setup and use report those.
    return [];
  }
}
