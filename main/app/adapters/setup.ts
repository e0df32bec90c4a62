/**
 * The setup wizard's adapter: the clusters of the chosen sources, the certificate of each server
 * whose CA no source gives (trust on first use, only with the fingerprint the user confirmed,
 * never a Cloudflare Gateway chain), the exact kubeconfig diff, and the write. It is
 * `kubezt setup` with the wizard's choices instead of flags and prompts: the same inventory,
 * plan and apply (core/inventory, core/kubeconfig, core/trust).
 *
 * Clusters the user leaves unticked keep their existing entries untouched; entries of clusters
 * no source lists any more are removed only under the rule every setup shares (usecases/setup).
 */
import { X509Certificate } from 'node:crypto';
import type {
  Change,
  DiscoveryProgress,
  SetupCandidate,
  SetupInput,
  SetupPreview,
  SetupResult,
} from '../../../ipc/contract.ts';
import { ClusterViewSchema } from '../../../ipc/contract.ts';
import type { CloudflareProgress } from '../../core/discovery/cloudflare/api.ts';
import { UserError } from '../../core/errors.ts';
import { describeDiscoveryProgress } from '../../core/inventory/format.ts';
import type { SetupSources } from '../../core/inventory/setup-sources.ts';
import {
  applyNameTemplate,
  describeChanges,
  type KubeconfigChange,
  type KubeconfigSet,
  type MergedKubeconfig,
  planDiff,
  planKubeconfig,
  readKubeconfig,
} from '../../core/kubeconfig/index.ts';
import { type ClusterEntry, serverUrl } from '../../core/model/cluster.ts';
import { fetchPresentedChain, readableName } from '../../core/trust/first-use.ts';
import {
  interceptedChainRefusal,
  loadSetupInventory,
  pinnedCertificate,
  planSetup,
  runSetup,
  type SetupInventory,
  type SetupRemedies,
} from '../../usecases/setup.ts';
import type { ProgressListener } from '../ports.ts';
import type { AdapterEnv } from './context.ts';
import { clip } from './fleet.ts';

/** The Cloudflare SDK's progress as one line for the UI. */
export function describeCloudflareProgress(p: CloudflareProgress): DiscoveryProgress {
  return { phase: 'cloudflare', message: describeDiscoveryProgress(p) };
}

/** How the wizard's refusals say to set a source up: its first step signs in. */
const WIZARD_REMEDIES: SetupRemedies = {
  token: 'sign in with a token in the first step',
  account: 'sign in in the first step (with the account id when the token sees several)',
  withoutCloudflare: 'untick Cloudflare discovery',
  anySource: 'sign in to Cloudflare or choose a team catalog file in the first step',
};

/** The same for the dashboard's refresh, which sends the user to the wizard. */
export const REFRESH_REMEDIES: SetupRemedies = {
  token: 'sign in to Cloudflare in "Set up kubeconfig", then refresh',
  account: 'sign in again in "Set up kubeconfig" with the account id, then refresh',
  withoutCloudflare: 'choose a team catalog file in "Set up kubeconfig"',
  anySource: 'sign in to Cloudflare or choose a team catalog file in "Set up kubeconfig", then refresh',
};

async function readSetupInventory(
  env: AdapterEnv,
  input: SetupInput,
  refresh: boolean,
  onProgress: ProgressListener,
): Promise<SetupInventory> {
  onProgress({ phase: 'start', message: 'Reading the cluster sources…' });
  const read = await loadSetupInventory({
    workspace: env.workspace,
    refresh,
    chosen: input.sources,
    remedies: WIZARD_REMEDIES,
    onProgress: (p) => onProgress(describeCloudflareProgress(p)),
  });
  const { inventory } = read;
  if (inventory.catalog.status === 'loaded') {
    onProgress({ phase: 'catalog', message: `Read ${inventory.catalog.clusters ?? 0} clusters from the catalog.` });
  }
  onProgress({ phase: 'merge', message: `${inventory.clusters.length} clusters found.` });
  return read;
}

type CaState = SetupCandidate['ca'];

interface Candidate {
  entry: ClusterEntry;
  view: SetupCandidate;
  /** What would be written when selected: the entry with the CA it gets. */
  writable?: ClusterEntry;
  /** The presented chain's anchor, for a candidate that still needs the user's confirmation. */
  presentedCa?: string;
}

function certificateFacts(caData: string): { sha256: string; subject: string; issuer: string } | null {
  try {
    const cert = new X509Certificate(Buffer.from(caData, 'base64'));
    return {
      sha256: cert.fingerprint256,
      subject: readableName(cert.subject),
      issuer: readableName(cert.issuer),
    };
  } catch {
    return null;
  }
}

const noCa = (status: CaState['status'], reason: string | null, extra: Partial<CaState> = {}): CaState => ({
  status,
  sha256: null,
  subject: null,
  issuer: null,
  reason: reason === null ? null : clip(reason, 2_000),
  ...extra,
});

async function inspectCandidate(
  env: AdapterEnv,
  entry: ClusterEntry,
  merged: MergedKubeconfig,
  trust: ReadonlyMap<string, string>,
): Promise<Omit<Candidate, 'view'> & { ca: CaState }> {
  const template = env.nameTemplate();
  const ip = entry.ips[0];
  const server = entry.server ?? (ip !== undefined ? serverUrl(ip, entry.port) : undefined);
  if (!server) {
    return {
      entry,
      ca: noCa(
        'unavailable',
        `No server address is known for ${entry.name} yet: give it a server in the catalog, or add Cloudflare discovery to find its route.`,
      ),
    };
  }
  if (entry.certificateAuthorityData) {
    return { entry, writable: entry, ca: noCa('provided', null) };
  }
  const pinned = pinnedCertificate(merged, template, entry);
  if (pinned) {
    const facts = certificateFacts(pinned);
    return {
      entry,
      writable: { ...entry, certificateAuthorityData: pinned },
      ca: noCa('trusted', null, facts ?? {}),
    };
  }
  let chain: Awaited<ReturnType<typeof fetchPresentedChain>>;
  try {
    chain = await fetchPresentedChain(server, {
      ...(entry.tlsServerName ? { tlsServerName: entry.tlsServerName } : {}),
      timeoutMs: env.ctx.certificateTimeoutMs ?? 5_000,
    });
  } catch (e) {
    return { entry, ca: noCa('unavailable', e instanceof Error ? e.message : String(e)) };
  }
  const facts = { sha256: chain.fingerprint, subject: chain.subject, issuer: chain.issuer };
  if (chain.intercepted) {
    const reason = interceptedChainRefusal(entry, server).message;
    return { entry, ca: noCa('refused', reason, { issuer: chain.issuer, subject: chain.subject }) };
  }
  if (trust.get(entry.name) === chain.fingerprint) {
    return {
      entry,
      writable: { ...entry, certificateAuthorityData: chain.anchorData },
      ca: noCa('trusted', null, facts),
    };
  }
  const changed = trust.has(entry.name);
  return {
    entry,
    presentedCa: chain.anchorData,
    ca: noCa(
      'needs-confirmation',
      changed
        ? `The certificate ${entry.name} presents changed since you confirmed it: compare the new fingerprint before trusting it.`
        : null,
      facts,
    ),
  };
}

/** At most `limit` at once, results in input order. */
async function pooled<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

interface Prepared {
  paths: string[];
  set: KubeconfigSet;
  template: string;
  candidates: Candidate[];
  /** The entries to write, with their CAs. */
  write: ClusterEntry[];
  /** Clusters whose existing entries stay as they are. */
  keep: string[];
  sources: SetupSources;
  warnings: string[];
}

async function prepare(
  env: AdapterEnv,
  input: SetupInput,
  refresh: boolean,
  onProgress: ProgressListener,
  strict: boolean,
): Promise<Prepared> {
  const { inventory, sources } = await readSetupInventory(env, input, refresh, onProgress);
  const warnings = [...inventory.warnings];
  const { paths } = env.kubeconfig();
  const template = env.nameTemplate();
  const { set, merged } = await readKubeconfig(paths, { need: 'documents' });
  const trust = new Map(input.trust.map((t) => [t.cluster, t.sha256]));

  const usable = inventory.clusters.filter((entry) => {
    const ok = ClusterViewSchema.shape.name.safeParse(entry.name).success;
    if (!ok) warnings.push(`The cluster "${entry.name}" has a name kubezt cannot show and is left out.`);
    return ok;
  });
  const needCertificates = usable.filter((e) => !e.certificateAuthorityData).length;
  let inspected = 0;
  if (needCertificates > 0) {
    onProgress({ phase: 'certificates', message: 'Reading the servers’ certificates…', done: 0, total: usable.length });
  }
  const facts = await pooled(usable, 8, async (entry) => {
    const r = await inspectCandidate(env, entry, merged, trust);
    inspected += 1;
    if (needCertificates > 0) {
      onProgress({
        phase: 'certificates',
        message: 'Reading the servers’ certificates…',
        done: inspected,
        total: usable.length,
      });
    }
    return r;
  });

  // What each candidate would become if selected (unconfirmed ones with the certificate shown).
  const hypothetical = facts.flatMap((f) => {
    const entry = f.writable ?? (f.presentedCa ? { ...f.entry, certificateAuthorityData: f.presentedCa } : undefined);
    return entry ? [entry] : [];
  });
  const whatIf = planKubeconfig({ clusters: hypothetical, files: set, nameTemplate: template });
  const candidates: Candidate[] = facts.map((f) => {
    const contextName = applyNameTemplate(template, f.entry.name);
    const change = whatIf.changes.find((c) => c.kind !== 'removed' && c.context === contextName);
    const blocked = f.ca.status === 'refused' || f.ca.status === 'unavailable';
    const ip = f.entry.ips[0];
    return {
      entry: f.entry,
      ...(f.writable ? { writable: f.writable } : {}),
      ...(f.presentedCa ? { presentedCa: f.presentedCa } : {}),
      view: {
        name: f.entry.name,
        sources: [...f.entry.sources],
        server: f.entry.server ?? (ip !== undefined ? serverUrl(ip, f.entry.port) : null),
        ips: [...f.entry.ips],
        contextName,
        ca: f.ca,
        plan: blocked
          ? 'blocked'
          : change?.kind === 'unchanged'
            ? 'unchanged'
            : change?.kind === 'updated'
              ? 'update'
              : 'add',
      },
    };
  });

  const byName = new Map(candidates.map((c) => [c.view.name, c]));
  const selectedNames =
    input.selected ?? candidates.filter((c) => c.view.plan !== 'blocked' && c.writable).map((c) => c.view.name);
  const write: ClusterEntry[] = [];
  for (const name of selectedNames) {
    const c = byName.get(name);
    if (!c) {
      throw new UserError(
        'not-found',
        `The cluster "${name}" is not among the clusters the chosen sources list any more; go back and discover again.`,
      );
    }
    if (c.view.plan === 'blocked') {
      throw new UserError('bad-input', c.view.ca.reason ?? `The cluster "${name}" cannot be added.`);
    }
    if (!c.writable) {
      const why = `The certificate of ${name} is not confirmed: compare its SHA-256 fingerprint ${c.view.ca.sha256 ?? ''} and tick "I checked this fingerprint", or unselect it.`;
      if (strict) throw new UserError('bad-input', why);
      warnings.push(`${why} It is left out of this preview.`);
      continue;
    }
    write.push(c.writable);
  }

  // Unticked candidates keep their entries; which gone clusters may be removed is the shared
  // source rule (core/inventory/setup-sources.ts), applied by the plan through `consulted`.
  const written = new Set(write.map((e) => e.name));
  const keep = candidates.map((c) => c.view.name).filter((name) => !written.has(name));
  return { paths, set, template, candidates, write, keep, sources, warnings };
}

function toChange(c: KubeconfigChange, display: (p: string) => string): Change {
  const message =
    c.kind === 'unchanged'
      ? `context ${c.context} unchanged`
      : (describeChanges([c], display)[0] ?? `${c.kind} ${c.context}`);
  return {
    action: c.kind,
    kind: c.orphan ? (c.cluster ? 'cluster' : 'user') : 'context',
    name: clip(c.context, 300),
    file: c.file,
    message: clip(message, 2_000),
  };
}

function displayPath(env: AdapterEnv): (p: string) => string {
  const home = env.ctx.homeDir;
  return (p) => (home && p.startsWith(`${home}/`) ? `~${p.slice(home.length)}` : p);
}

export async function previewSetup(
  env: AdapterEnv,
  input: SetupInput,
  onProgress: ProgressListener,
): Promise<SetupPreview> {
  // The first look fetches from Cloudflare; later steps reuse that (now cached) list.
  const prepared = await prepare(env, input, input.selected === null, onProgress, false);
  const { plan, notes } = planSetup(prepared.set, {
    clusters: prepared.write,
    nameTemplate: prepared.template,
    keep: prepared.keep,
    sources: prepared.sources,
  });
  onProgress({ phase: 'done', message: 'Ready.' });
  return {
    candidates: prepared.candidates.map((c) => c.view),
    files: plan.writes.map((w) => w.path),
    diff: plan.writes.length > 0 ? planDiff(plan) : '',
    changes: plan.changes.map((c) => toChange(c, displayPath(env))),
    warnings: [...new Set([...prepared.warnings, ...notes])].slice(0, 100).map((w) => clip(w, 2_000)),
  };
}

export async function applySetup(
  env: AdapterEnv,
  input: SetupInput,
  onProgress: ProgressListener,
): Promise<SetupResult> {
  const prepared = await prepare(env, input, false, onProgress, true);
  onProgress({ phase: 'merge', message: 'Writing the kubeconfig…' });
  const result = await runSetup({
    paths: prepared.paths,
    clusters: prepared.write,
    nameTemplate: prepared.template,
    keep: prepared.keep,
    sources: prepared.sources,
    configDir: env.ctx.configDir,
  });
  // The dashboard lists the catalog the wizard used from now on.
  const chosen = input.sources.catalogPath;
  if (chosen && env.ctx.settings.read().catalogPath !== chosen) env.ctx.settings.update({ catalogPath: chosen });
  onProgress({ phase: 'done', message: 'Kubeconfig written.' });
  return {
    changes: result.plan.changes.map((c) => toChange(c, displayPath(env))),
    files: result.plan.writes.map((w) => w.path),
    backups: result.backups,
  };
}
