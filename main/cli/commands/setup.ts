import { UserError } from '../../core/errors.ts';
import type { KubeconfigChange, KubeconfigPlan } from '../../core/kubeconfig/index.ts';
import type { ClusterEntry } from '../../core/model/cluster.ts';
import { type CliContext, type Command, parseCommandArgs, plural, writeJson } from '../command.ts';
import { displayPath, kubeconfigPathsFor } from '../kubeconfig-paths.ts';
import { PromptCancelled, readLine } from '../prompt.ts';
import { warningsForRun } from '../warning-lines.ts';
import { CLI_SOURCE_REMEDIES, cliWorkspace } from './clusters.ts';

const usage = `Usage: kubezt setup [--dry-run] [--yes] [--kubeconfig PATH] [--trust-on-first-use] [--json]

Writes a context, cluster (and user, when the catalog gives credentials) for every cluster
kubezt knows (Cloudflare discovery and the team catalog) into your kubeconfig, named
zt-<cluster> (the contextNameTemplate setting changes that). An entry kubezt wrote before is
removed only when a fresh list from the source it came from no longer has its cluster: a source
that is not configured or cannot be read (a cached Cloudflare list included) keeps its entries,
and setup says so. Entries kubezt did not write are never touched. Writing takes kubectl's lock
and is atomic; kubezt first keeps a backup of each file it changes in its settings folder
("kubezt restore --list"). A second run changes nothing.

On a terminal it shows the exact diff and asks before writing.

Options:
  --dry-run             print the diff, write nothing
  --yes                 write without asking (needed when not on a terminal)
  --kubeconfig PATH     write this file instead of KUBECONFIG / ~/.kube/config
  --trust-on-first-use  for clusters whose CA no source knows: read the certificate the server
                        presents and pin it (refused when a Cloudflare Gateway CA issued it)
  --json                print { version, applied, dryRun, changes: [{ kind, context, cluster?,
                        user?, file }], warnings, diff? } instead of sentences

Exit codes: 0 written (or nothing to change), 2 bad input or not confirmed (nothing written).
`;

export interface SetupJson {
  version: 1;
  /** True when the changes are on disk (also when there was nothing to change). */
  applied: boolean;
  dryRun: boolean;
  changes: KubeconfigChange[];
  warnings: string[];
  /** The unified diff (credentials masked); present with --dry-run. */
  diff?: string;
}

export const setupCommand: Command = {
  name: 'setup',
  usage,
  async run(args, ctx) {
    const { values } = parseCommandArgs('setup', args, {
      'dry-run': { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      kubeconfig: { type: 'string' },
      'trust-on-first-use': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const dryRun = values['dry-run'] === true;
    const json = values.json === true;
    const interactive = !values.yes && !dryRun && !json && ctx.stdin.isTTY === true && ctx.stdout.isTTY === true;

    const ws = await cliWorkspace(ctx);
    const { loadSetupInventory, pinnedCertificate, runSetup } = await import('../../usecases/setup.ts');
    const { readKubeconfig, planDiff } = await import('../../core/kubeconfig/index.ts');
    const { colorDiff } = await import('../../core/kubeconfig/diff-summary.ts');
    // Colour only for a person at a terminal who did not opt out (https://no-color.org).
    const forTerminal = (diff: string) => (ctx.stdout.isTTY === true && !ctx.env.NO_COLOR ? colorDiff(diff) : diff);
    // Fresh from Cloudflare when it answers; the last known list when it does not.
    const { inventory, sources } = await loadSetupInventory({
      workspace: ws,
      refresh: true,
      remedies: CLI_SOURCE_REMEDIES,
    });
    // On a terminal every warning shows before any question, so each is printed once it is known.
    const base = [...inventory.warnings];
    // A Gateway audit finding already shown today is not repeated (core/inventory/warning-memory.ts).
    const todays = new Set(json ? base : await warningsForRun(ctx, base, 'daily'));
    const printed = new Set<string>(base.filter((w) => !todays.has(w)));
    const show = (list: readonly string[]) => {
      if (json) return;
      for (const w of list) {
        if (printed.has(w)) continue;
        printed.add(w);
        ctx.stderr.write(`kubezt: warning: ${w}\n`);
      }
    };
    show(base);
    const paths = kubeconfigPathsFor(ctx, values.kubeconfig);
    const template = ws.read().contextNameTemplate;
    const { merged } = await readKubeconfig(paths);
    const clusters = await withCertificateAuthorities(ctx, inventory.clusters, {
      pinned: (c) => pinnedCertificate(merged, template, c),
      trustOnFirstUse: values['trust-on-first-use'] === true,
      interactive,
      warnings: base,
    });
    show(base);

    let shownDiff = false;
    const result = await runSetup({
      paths,
      clusters,
      nameTemplate: template,
      sources,
      dryRun,
      configDir: ws.configDir,
      ...(ctx.cleanup ? { cleanup: ctx.cleanup } : {}),
      confirm: async (plan, notes) => {
        show(notes);
        if (values.yes) return true;
        if (!interactive) {
          throw new UserError(
            'bad-usage',
            'Setup would change your kubeconfig, but there is no terminal to ask on; pass --yes to write, or --dry-run to see the diff.',
          );
        }
        ctx.stdout.write(forTerminal(planDiff(plan)));
        shownDiff = true;
        const answer = await readLine(ctx.stdin, ctx.stdout, 'Apply these changes? [y/N] ').catch((e) => {
          if (e instanceof PromptCancelled) return '';
          throw e;
        });
        return /^y(es)?$/i.test(answer.trim());
      },
    });
    const plan = result.plan;
    const warnings = [...base, ...result.notes];
    show(warnings);

    if (json) {
      const out: SetupJson = {
        version: 1,
        applied: result.applied,
        dryRun,
        changes: plan.changes,
        warnings,
        ...(dryRun ? { diff: planDiff(plan) } : {}),
      };
      writeJson(ctx, out);
      return result.applied || dryRun ? 0 : 2;
    }
    if (dryRun) {
      ctx.stdout.write(plan.writes.length > 0 ? forTerminal(planDiff(plan)) : '');
      ctx.stdout.write(summary(ctx, plan, true));
      return 0;
    }
    if (!result.applied) {
      ctx.stderr.write('kubezt: not applied; your kubeconfig was not changed.\n');
      return 2;
    }
    if (!shownDiff && plan.writes.length === 0) {
      ctx.stdout.write(
        `No changes: ${describeFiles(ctx, paths)} already matches the ${plural(clusters.length, 'cluster')}.\n`,
      );
      return 0;
    }
    ctx.stdout.write(summary(ctx, plan, false));
    for (const id of result.backupIds) {
      ctx.stdout.write(`Backup of the previous version: ${id} ("kubezt restore ${id}" puts it back).\n`);
    }
    return 0;
  },
};

function describeFiles(ctx: CliContext, paths: readonly string[]): string {
  return paths.map((p) => displayPath(ctx, p)).join(', ');
}

/** "added context zt-prod-us to ~/.kube/config", one line per change, then the tally. */
function summary(ctx: CliContext, plan: KubeconfigPlan, dryRun: boolean): string {
  const verbs: Record<Exclude<KubeconfigChange['kind'], 'unchanged'>, [string, string, string]> = {
    added: ['added', 'would add', 'to'],
    updated: ['updated', 'would update', 'in'],
    removed: ['removed stale', 'would remove stale', 'from'],
  };
  const lines: string[] = [];
  for (const c of plan.changes) {
    if (c.kind === 'unchanged') continue;
    const [done, planned, prep] = verbs[c.kind];
    const what = c.orphan ? `entries ${c.context}` : `context ${c.context}`;
    lines.push(`${dryRun ? planned : done} ${what} ${prep} ${displayPath(ctx, c.file)}`);
  }
  const unchanged = plan.changes.filter((c) => c.kind === 'unchanged').length;
  if (lines.length === 0) lines.push('no changes');
  else if (unchanged > 0) lines.push(`${plural(unchanged, 'context')} unchanged`);
  return `${lines.map((l) => l.charAt(0).toUpperCase() + l.slice(1)).join('\n')}\n`;
}

/**
 * Fills in the CA of clusters that no source gives one for: the pin kubezt wrote before, else
 * the presented certificate once the user trusts it (flag or prompt), else nothing, with a
 * warning (kubectl then checks the server against the system trust store).
 */
async function withCertificateAuthorities(
  ctx: CliContext,
  clusters: ClusterEntry[],
  opts: {
    pinned: (c: ClusterEntry) => string | undefined;
    trustOnFirstUse: boolean;
    interactive: boolean;
    warnings: string[];
  },
): Promise<ClusterEntry[]> {
  const out: ClusterEntry[] = [];
  for (const c of clusters) {
    if (c.certificateAuthorityData || !c.server) {
      out.push(c);
      continue;
    }
    const pin = opts.pinned(c);
    if (pin) {
      out.push({ ...c, certificateAuthorityData: pin });
      continue;
    }
    if (!opts.trustOnFirstUse && !opts.interactive) {
      opts.warnings.push(
        `No CA is known for ${c.name}; kubectl will check ${c.server} against the system trust store. Add certificateAuthorityData to the catalog, or run "kubezt setup --trust-on-first-use" to pin the certificate it presents.`,
      );
      out.push(c);
      continue;
    }
    const { fetchPresentedChain } = await import('../../core/trust/first-use.ts');
    const { interceptedChainRefusal } = await import('../../usecases/setup.ts');
    const chain = await fetchPresentedChain(c.server, c.tlsServerName ? { tlsServerName: c.tlsServerName } : {});
    if (chain.intercepted) throw interceptedChainRefusal(c, c.server);
    const description = `${c.name} (${c.server}) presents ${chain.subject}, issued by ${chain.issuer}, SHA-256 ${chain.fingerprint}`;
    if (!opts.trustOnFirstUse) {
      ctx.stdout.write(`${description}.\n`);
      const answer = await readLine(ctx.stdin, ctx.stdout, 'Trust and pin this certificate? [y/N] ').catch(() => '');
      if (!/^y(es)?$/i.test(answer.trim())) {
        opts.warnings.push(`${c.name}: certificate not trusted; its context is written without a CA.`);
        out.push(c);
        continue;
      }
    } else {
      ctx.stderr.write(`kubezt: pinned ${description}.\n`);
    }
    out.push({ ...c, certificateAuthorityData: chain.anchorData });
  }
  return out;
}
