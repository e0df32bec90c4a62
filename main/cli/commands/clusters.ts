import type { CloudflareProgress } from '../../core/discovery/cloudflare/index.ts';
import { describeDiscoveryProgress, formatAge } from '../../core/inventory/format.ts';
import type { Inventory } from '../../core/inventory/index.ts';
import { toClustersJson } from '../../core/inventory/json.ts';
import { type CredentialExpiry, expiryPhrase, formatExpiry } from '../../core/probe/credential-expiry.ts';
import type { OrganizationMatch } from '../../core/warp/organization-match.ts';
import type { Workspace } from '../../core/workspace/index.ts';
import type { SetupRemedies } from '../../usecases/setup.ts';
import { type CliContext, type Command, parseCommandArgs, writeJson } from '../command.ts';
import { warningsForRun } from '../warning-lines.ts';

const usage = `Usage: kubezt clusters [--json] [--refresh]

Lists the Kubernetes API servers kubezt knows: those discovered from the Cloudflare account
(tunnel routes) and those in the team catalog, merged by IP. For each: its sources, IPs and port,
the tunnel carrying it and the tunnel's health, and the Gateway audit (is it exempt from HTTP
inspection: "Do Not Inspect" yes/no/unknown); under it, its virtual network and its connectors
(active connections, their Cloudflare colos, and since when).

The Cloudflare list comes from the cache in the settings folder while it is less than an hour
old; when Cloudflare cannot be reached, the last known list is shown, marked stale with its age.

Options:
  --refresh  fetch from Cloudflare now (and update the cache)
  --json     print one JSON object: { version, clusters: [{ name, sources, server, ips, port,
             tunnel?: { id, name, health, status?, connections?, colos?, since? },
             virtualNetwork?: { id, name?, isDefault? }, group?, doNotInspect?, tlsServerName?,
             namespace?, hasCertificateAuthority, user?: { kind } }], cloudflare: { status,
             accountId?, fetchedAt?, ageSeconds?, error? }, catalog: { status, path?, clusters? },
             gatewayAudit: [{ ip, cluster, doNotInspect, coveredBy, uncertain }], warnings }
             (the ClustersJson type in main/core/inventory/json.ts); a cluster with a kubezt
             context whose credentials carry an expiry also has credentials: { kind, expiresAt,
             issuer?, text } ("expires in 3 days"); organizationMatch?: { state: match |
             mismatch | unknown, deviceTeam, discoveryTeams, sentence } compares the organization
             WARP is enrolled in with the account's (read by discovery). Never holds the token or
             any credential.

Configuration: "kubezt login" (or CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID) for Cloudflare,
KUBEZT_CATALOG (or the catalogPath setting) for the catalog.

Exit codes: 0 listed, 2 bad input (no source configured, invalid catalog, token rejected).
`;

/**
 * The workspace of one CLI run; a settings file that had to be moved aside is reported once here.
 * Loaded lazily, like the Cloudflare SDK below: every command module is imported at start-up,
 * and commands that need neither must not pay for them.
 */
export async function cliWorkspace(ctx: CliContext): Promise<Workspace> {
  const { openWorkspace } = await import('../../core/workspace/index.ts');
  const ws = openWorkspace({
    env: ctx.env,
    homeDir: ctx.homeDir,
    platform: ctx.platform,
    cwd: ctx.cwd,
    runner: ctx.runner,
    now: ctx.now,
    warn: (sentence) => ctx.stderr.write(`kubezt: warning: ${sentence}\n`),
  });
  if (ws.settingsWarning) ctx.stderr.write(`kubezt: warning: ${ws.settingsWarning}\n`);
  return ws;
}

/** One status line on a terminal, rewritten in place; nothing at all when stderr is not a TTY. */
function progressLine(ctx: CliContext): { onProgress?: (p: CloudflareProgress) => void; done(): void } {
  if (!ctx.stderr.isTTY) return { done() {} };
  let shown = false;
  return {
    onProgress(p) {
      ctx.stderr.write(`\r\x1b[K${describeDiscoveryProgress(p)}`);
      shown = true;
    },
    done() {
      if (shown) ctx.stderr.write('\r\x1b[K');
    },
  };
}

/** How the CLI's refusals tell the user to set up a cluster source (usecases/setup.ts). */
export const CLI_SOURCE_REMEDIES: SetupRemedies = {
  token: 'run "kubezt login" or set CLOUDFLARE_API_TOKEN',
  account: 'run "kubezt login --account-id ID" or set CLOUDFLARE_ACCOUNT_ID',
  withoutCloudflare: 'set KUBEZT_CATALOG to a team catalog file',
  anySource:
    'run "kubezt login" to discover clusters from your Cloudflare account, or set KUBEZT_CATALOG (or the catalogPath setting) to a team catalog file',
};

export const clustersCommand: Command = {
  name: 'clusters',
  usage,
  async run(args, ctx) {
    const { values } = parseCommandArgs('clusters', args, {
      json: { type: 'boolean' },
      refresh: { type: 'boolean' },
    });
    const { loadInventory } = await import('../../core/inventory/load.ts');
    const { refuseUnconfiguredSources } = await import('../../usecases/setup.ts');
    const ws = await cliWorkspace(ctx);
    const progress = progressLine(ctx);
    let inv: Inventory;
    try {
      inv = await loadInventory(ws, {
        refresh: values.refresh === true,
        ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
      });
    } finally {
      progress.done();
    }
    refuseUnconfiguredSources(inv, undefined, CLI_SOURCE_REMEDIES);
    const [expiries, orgMatch] = await Promise.all([credentialExpiries(ctx), organizationMatchOf(ctx, inv)]);
    if (values.json) {
      const json = withExpiries(toClustersJson(inv), expiries, ctx.now());
      writeJson(ctx, orgMatch ? { ...json, organizationMatch: orgMatch } : json);
    } else ctx.stdout.write(renderClusters(inv, expiries, ctx.now()));
    const warnings = orgMatch?.sentence ? [...inv.warnings, orgMatch.sentence] : inv.warnings;
    // On stderr in both modes: with --json they are also in the object, and stdout stays pure JSON.
    for (const w of await warningsForRun(ctx, warnings, 'always')) ctx.stderr.write(`kubezt: warning: ${w}\n`);
    return 0;
  },
};

/**
 * The organization WARP is enrolled in against the account's, when discovery read the latter;
 * WARP is asked (one warp-cli call) only then.
 */
async function organizationMatchOf(ctx: CliContext, inv: Inventory): Promise<OrganizationMatch | null> {
  if (!inv.organization) return null;
  const [{ readOrganization }, { warpEnvFromProcess }, { matchOrganization }] = await Promise.all([
    import('../../core/warp/profile.ts'),
    import('../../core/warp/env.ts'),
    import('../../core/warp/organization-match.ts'),
  ]);
  const device = await readOrganization(warpEnvFromProcess(ctx.env, ctx.platform, ctx.runner, fetch));
  return matchOrganization(device, [inv.organization]);
}

/**
 * When the credentials of each cluster's kubezt context expire, by cluster name; read from the
 * kubeconfig and its credential files only (no network, no plugin). A kubeconfig that cannot be
 * read leaves the listing without the column: it is not what this command reports on.
 */
async function credentialExpiries(ctx: CliContext): Promise<Map<string, CredentialExpiry>> {
  const out = new Map<string, CredentialExpiry>();
  try {
    const [{ fleetPlanFor }, { readCredentialExpiry }, { LIMITS, readTextCapped }] = await Promise.all([
      import('./probe-shared.ts'),
      import('../../core/probe/credential-expiry.ts'),
      import('../../core/read-capped.ts'),
    ]);
    const plan = await fleetPlanFor(ctx, { kind: 'status' });
    for (const c of plan.clusters) {
      if (!c.sourceCluster || out.has(c.sourceCluster)) continue;
      const expiry = await readCredentialExpiry(c.target, {
        readFile: async (p) => readTextCapped(p, LIMITS.credentialFile),
      });
      if (expiry) out.set(c.sourceCluster, expiry);
    }
  } catch {
    // No kubeconfig yet, or one kubectl is rewriting: the inventory is still worth listing.
  }
  return out;
}

function withExpiries(
  json: ReturnType<typeof toClustersJson>,
  expiries: ReadonlyMap<string, CredentialExpiry>,
  now: Date,
): ReturnType<typeof toClustersJson> {
  if (expiries.size === 0) return json;
  return {
    ...json,
    clusters: json.clusters.map((c) => {
      const e = expiries.get(c.name);
      return e ? { ...c, credentials: { ...e, text: formatExpiry(e.expiresAt, now) } } : c;
    }),
  };
}

/** "from cache, 5 min old", "stale: …": the mark shown beside Cloudflare data. */
export function cloudflareMark(inv: Inventory): string | undefined {
  const cf = inv.cloudflare;
  const age = cf.ageMs === undefined ? '' : formatAge(cf.ageMs);
  switch (cf.status) {
    case 'cached':
      return `from cache, ${age} old`;
    case 'stale':
      return `STALE: last known list, ${age} old`;
    default:
      return undefined;
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** "network staging-vnet; connectors: healthy, 4 connections (ams01, fra06) since …", or undefined. */
export function clusterDetail(c: Inventory['clusters'][number]): string | undefined {
  const parts: string[] = [];
  if (c.virtualNetwork) {
    parts.push(`network ${c.virtualNetwork.name}${c.virtualNetwork.isDefault ? ' (default)' : ''}`);
  }
  const t = c.tunnel;
  if (t) {
    const up = t.status === 'healthy' || t.status === 'degraded';
    const count = `${t.connections} connection${t.connections === 1 ? '' : 's'}`;
    const colos = t.colos.length ? ` (${t.colos.join(', ')})` : '';
    const since = t.since ? (up ? ` since ${t.since}` : `; no connection since ${t.since}`) : '';
    parts.push(`connectors: ${t.status}, ${count}${colos}${since}`);
  }
  if (c.group) parts.push(`group ${c.group}`);
  return parts.length ? parts.join('; ') : undefined;
}

/** The human listing: a table, then one line per source saying where the data comes from. */
export function renderClusters(
  inv: Inventory,
  expiries: ReadonlyMap<string, CredentialExpiry> = new Map(),
  now: Date = new Date(),
): string {
  const mark = cloudflareMark(inv);
  const lines: string[] = [];
  if (inv.clusters.length === 0) {
    lines.push('No clusters found.');
  } else {
    const rows = [['NAME', 'SOURCE', 'IPS', 'PORT', 'TUNNEL', 'HEALTH', 'DO NOT INSPECT']];
    // Last, so the columns scripts may cut stay where they were.
    if (expiries.size > 0) rows[0]?.push('CREDENTIALS');
    for (const c of inv.clusters) {
      const source =
        c.sources.join('+') + (c.sources.includes('cloudflare') && inv.cloudflare.status === 'stale' ? ' (stale)' : '');
      const dni = c.cloudflare?.doNotInspect;
      rows.push([
        c.name,
        source,
        c.ips.join(', ') || '-',
        String(c.port),
        c.cloudflare?.tunnelName ?? '-',
        c.cloudflare?.tunnelHealth ?? '-',
        dni === undefined ? 'unknown' : dni ? 'yes' : 'no (inspected)',
      ]);
      if (expiries.size > 0) {
        const e = expiries.get(c.name);
        rows.at(-1)?.push(e ? expiryPhrase(e, now) : '-');
      }
    }
    const detail = inv.clusters.map(clusterDetail);
    // The table keeps its columns; each Cloudflare cluster gets an indented line with its
    // virtual network and connector health under its row.
    table(rows)
      .split('\n')
      .forEach((line, i) => {
        lines.push(line);
        const extra = i > 0 ? detail[i - 1] : undefined;
        if (extra) lines.push(`  ${extra}`);
      });
  }
  lines.push('');
  const cf = inv.cloudflare;
  const account = cf.accountId ? `account ${cf.accountId}` : '';
  switch (cf.status) {
    case 'fresh':
      lines.push(`Cloudflare: ${account}, fetched just now.`);
      break;
    case 'cached':
      lines.push(`Cloudflare: ${account}, ${mark} (run "kubezt clusters --refresh" to fetch now).`);
      break;
    case 'stale':
      lines.push(`Cloudflare: ${account}, ${mark}: Cloudflare could not be reached (see the warning below).`);
      break;
    case 'error':
      lines.push(`Cloudflare: ${account}, not listed: discovery failed and nothing is cached (see the warning below).`);
      break;
    case 'not-configured':
      lines.push('Cloudflare: not configured (run "kubezt login").');
      break;
  }
  const cat = inv.catalog;
  lines.push(
    cat.status === 'loaded'
      ? `Catalog: ${cat.path}, ${cat.clusters} cluster${cat.clusters === 1 ? '' : 's'}.`
      : 'Catalog: not configured (set KUBEZT_CATALOG).',
  );
  return `${lines.join('\n')}\n`;
}
