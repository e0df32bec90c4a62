import { UserError } from '../errors.ts';
import { CLUSTER_SOURCES, type ClusterEntry, type ClusterSource } from '../model/cluster.ts';
import { type ContextRef, contextNotFound, resolveContextIn } from './contexts.ts';
import { desiredEntries, fileList, type Obj, type Target } from './desired.ts';
import { applyFileEdits, emptyEdits, type FileEdits, hasEdits } from './edit.ts';
import { checkNameTemplate, DEFAULT_NAME_TEMPLATE } from './names.ts';
import {
  ENTRY_KINDS,
  type EntryKind,
  getString,
  KUBEZT_EXTENSION,
  type KubeconfigSet,
  type KubeconfigSource,
  type ParsedEntry,
  parseKubeconfigSet,
  sourcesOf,
  toData,
  toKubeconfigSet,
} from './parse.ts';
import { checkCurrentContextSplice } from './quick.ts';
import { networkOfContextEntry } from './quick-file.ts';
import { recordedSources, staleEntries } from './stale.ts';
import {
  type ChangeKind,
  type ContextNetwork,
  type HeldBackEntry,
  type KubeconfigChange,
  type KubeconfigPlan,
  type KubeconfigWrite,
  sourcesAfter,
} from './types.ts';

export type { ChangeKind, HeldBackEntry, KubeconfigChange, KubeconfigPlan, KubeconfigWrite };
export { sourcesAfter };

export interface PlanKubeconfigInput {
  clusters: readonly ClusterEntry[];
  /** The KUBECONFIG files in order (bytes: null = missing), or a set parsed by loadKubeconfig. */
  files: readonly KubeconfigSource[] | KubeconfigSet;
  /** Default 'zt-{name}'. */
  nameTemplate?: string;
  /**
   * Clusters (ClusterEntry names) whose existing kubezt entries are left exactly as they are: not
   * updated and not removed as stale. The app's setup wizard passes the clusters the user did not
   * select, so unticking one never deletes it.
   */
  keep?: readonly string[];
  /**
   * The sources whose fresh, successful list `clusters` reflects (default: every source). An
   * entry of kubezt whose cluster is not in `clusters` is removed only when every source it was
   * recorded from is among these: a source that was not read cannot say the cluster is gone.
   */
  consulted?: readonly ClusterSource[];
}

/** Keys of each entry kubezt manages; other keys of an owned entry are kept as they are. */
const MANAGED: Readonly<Record<EntryKind, readonly string[]>> = {
  cluster: ['server', 'certificate-authority-data', 'tls-server-name'],
  context: ['cluster', 'user', 'namespace'],
  user: ['exec', 'token', 'tokenFile', 'client-certificate', 'client-key'],
};

/** Drops what kubectl writes as "empty" (null, '', false, [], {}) and sorts keys, for comparing. */
function normalize(v: unknown): unknown {
  if (v === null || v === undefined || v === '' || v === false) return undefined;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map((x) => normalize(x) ?? null);
  if (typeof v === 'object') {
    const out: Obj = {};
    for (const key of Object.keys(v as Obj).sort()) {
      const n = normalize((v as Obj)[key]);
      if (n !== undefined) out[key] = n;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v;
}

function kubeztExtension(inner: Obj): unknown {
  const exts = inner.extensions;
  if (!Array.isArray(exts)) return undefined;
  return (exts as Obj[]).find((x) => x && typeof x === 'object' && x.name === KUBEZT_EXTENSION)?.extension;
}

function managedView(kind: EntryKind, inner: Obj): string {
  const view: Obj = {};
  for (const key of MANAGED[kind]) view[key] = inner[key];
  view.extension = kubeztExtension(inner);
  return JSON.stringify(normalize(view) ?? {});
}

function entryJs(set: KubeconfigSet, entry: ParsedEntry): Obj {
  const doc = set.files[entry.fileIndex]?.doc;
  if (!doc) throw new Error('kubezt lost the document of a kubeconfig entry');
  return (toData(doc, entry.item) ?? {}) as Obj;
}

function innerJs(set: KubeconfigSet, entry: ParsedEntry): Obj {
  const inner = entryJs(set, entry)[entry.kind];
  return inner && typeof inner === 'object' ? (inner as Obj) : {};
}

/** An owned entry with kubezt's fields replaced and everything else (unknown keys, other extensions) kept. */
function updatedItem(set: KubeconfigSet, entry: ParsedEntry, desired: Obj): Obj {
  const item = entryJs(set, entry);
  const old = item[entry.kind] && typeof item[entry.kind] === 'object' ? (item[entry.kind] as Obj) : {};
  const inner: Obj = {};
  for (const key of MANAGED[entry.kind]) if (desired[key] !== undefined) inner[key] = desired[key];
  for (const [key, value] of Object.entries(old)) {
    if (!MANAGED[entry.kind].includes(key) && key !== 'extensions') inner[key] = value;
  }
  const otherExtensions = Array.isArray(old.extensions)
    ? (old.extensions as Obj[]).filter((x) => !(x && typeof x === 'object' && x.name === KUBEZT_EXTENSION))
    : [];
  inner.extensions = [...otherExtensions, ...(desired.extensions as Obj[])];
  return { ...item, name: entry.name, [entry.kind]: inner };
}

function conflict(kind: EntryKind, name: string, path: string): UserError {
  return new UserError(
    'kubeconfig-conflict',
    `The kubeconfig ${path} already has a ${kind} named "${name}" that kubezt did not create, so kubezt will not overwrite it; rename or remove that ${kind}, or set a different kubeconfig name template (for example "cf-{name}").`,
  );
}

/** Records the edits that bring one target's entries to what is desired, and reports the change. */
function applyTarget(set: KubeconfigSet, edits: FileEdits[], target: Target): KubeconfigChange {
  const defaultIndex = set.defaultFileIndex;
  const status: Partial<Record<EntryKind, ChangeKind>> = {};
  let contextFile = set.files[defaultIndex]?.path ?? '';
  for (const kind of ENTRY_KINDS) {
    const desired = target.inner[kind];
    if (!desired) continue;
    const existing = set.merged[kind].get(target.name);
    if (existing && !existing.owned) throw conflict(kind, target.name, set.files[existing.fileIndex]?.path ?? '');
    if (!existing) {
      edits[defaultIndex]?.append[kind].push({ name: target.name, [kind]: desired });
      status[kind] = 'added';
      continue;
    }
    if (kind === 'context') contextFile = set.files[existing.fileIndex]?.path ?? contextFile;
    if (managedView(kind, innerJs(set, existing)) === managedView(kind, desired)) {
      status[kind] = 'unchanged';
    } else {
      edits[existing.fileIndex]?.replace[kind].set(existing.index, updatedItem(set, existing, desired));
      status[kind] = 'updated';
    }
  }
  const all = Object.values(status);
  const kind: ChangeKind =
    status.context === 'added' ? 'added' : all.some((s) => s !== 'unchanged') ? 'updated' : 'unchanged';
  const change: KubeconfigChange = { kind, context: target.name, cluster: target.name, file: contextFile };
  const user = target.inner.context?.user;
  if (typeof user === 'string') change.user = user;
  return change;
}

/** Cluster and user names that a context left after the plan still names. */
function referencedNames(
  set: KubeconfigSet,
  stale: readonly ParsedEntry[],
  targets: readonly Target[],
): Record<'cluster' | 'user', Set<string>> {
  const staleSet = new Set(stale);
  const referenced: Record<'cluster' | 'user', Set<string>> = { cluster: new Set(), user: new Set() };
  const targetNames = new Set(targets.map((t) => t.name));
  for (const file of set.files) {
    const doc = file.doc;
    for (const ctx of file.lists.context.entries) {
      if (staleSet.has(ctx) || !ctx.inner || !doc) continue;
      // A context being rewritten counts with its new references (added below), not its old ones.
      if (targetNames.has(ctx.name) && set.merged.context.get(ctx.name) === ctx) continue;
      referenced.cluster.add(getString(doc, ctx.inner, 'cluster'));
      referenced.user.add(getString(doc, ctx.inner, 'user'));
    }
  }
  for (const target of targets) {
    referenced.cluster.add(target.name);
    const user = target.inner.context?.user;
    if (typeof user === 'string') referenced.user.add(user);
  }
  return referenced;
}

/**
 * Records the removal edits, appends a `removed` change per owner (or marks its surviving target
 * updated), and returns the warning for a removed current-context, if any.
 */
function applyRemovals(
  set: KubeconfigSet,
  edits: FileEdits[],
  removed: readonly ParsedEntry[],
  changes: KubeconfigChange[],
  nameOwner: ReadonlyMap<string, string>,
): string | undefined {
  const groups = new Map<string, ParsedEntry[]>();
  for (const entry of removed) {
    edits[entry.fileIndex]?.remove[entry.kind].add(entry.index);
    const key = entry.ownerCluster ?? entry.name;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  let currentContextWarning: string | undefined;
  for (const [owner, group] of groups) {
    const ctx = group.find((e) => e.kind === 'context');
    const first = ctx ?? (group[0] as ParsedEntry);
    const targetChange = changes.find((c) => c.kind !== 'removed' && nameOwner.get(c.context) === owner);
    if (!ctx && targetChange) {
      // e.g. the cluster's user became `existing`: kubezt's old user goes, the context is updated.
      if (targetChange.kind === 'unchanged') targetChange.kind = 'updated';
      continue;
    }
    const change: KubeconfigChange = {
      kind: 'removed',
      context: first.name,
      file: set.files[first.fileIndex]?.path ?? '',
    };
    const cluster = group.find((e) => e.kind === 'cluster');
    const user = group.find((e) => e.kind === 'user');
    if (cluster) change.cluster = cluster.name;
    if (user) change.user = user.name;
    if (!ctx) change.orphan = true;
    changes.push(change);
    if (ctx && set.currentContext === ctx.name && set.merged.context.get(ctx.name) === ctx) {
      currentContextWarning = `current-context "${ctx.name}" named a context kubezt removed because its cluster is gone; kubectl will fail until you pick another context with "kubezt use NAME"`;
    }
  }
  return currentContextWarning;
}

/**
 * Merges cluster entries into the kubeconfig files (Tailscale's `configure kubeconfig` model):
 * bytes in, bytes out, no I/O. Owned entries are updated in the file they live in, new ones go to
 * kubectl's default file, owned entries of clusters no longer given are removed, foreign entries
 * are never touched (a name collision with one is a `kubeconfig-conflict`).
 */
export function planKubeconfig(input: PlanKubeconfigInput): KubeconfigPlan {
  const set = toKubeconfigSet(input.files);
  const template = input.nameTemplate ?? DEFAULT_NAME_TEMPLATE;
  checkNameTemplate(template);
  const edits: FileEdits[] = set.files.map(() => emptyEdits());
  const consulted = new Set<string>(input.consulted ?? CLUSTER_SOURCES);
  const recorded = recordedSources(set);
  const { targets, wanted, keptOwners, nameOwner, warnings } = desiredEntries(
    input,
    set,
    template,
    recorded,
    consulted,
  );
  const changes = targets.map((target) => applyTarget(set, edits, target));

  const { stale, heldBack } = staleEntries(set, wanted, keptOwners, recorded, consulted);
  // A cluster or user that a remaining context still names is kept, so no context is left dangling.
  const referenced = referencedNames(set, stale, targets);
  const removed = stale.filter((e) => e.kind === 'context' || !referenced[e.kind].has(e.name));
  const currentContextWarning = applyRemovals(set, edits, removed, changes, nameOwner);

  const writes = writesFor(set, edits);
  const plan: KubeconfigPlan = { files: sourcesOf(set), writes, changes, warnings };
  if (currentContextWarning) plan.currentContextWarning = currentContextWarning;
  if (heldBack.length > 0) plan.heldBack = heldBack;
  verifyPlan(set, plan, targets);
  return plan;
}

function writesFor(set: KubeconfigSet, edits: readonly FileEdits[]): KubeconfigWrite[] {
  const writes: KubeconfigWrite[] = [];
  set.files.forEach((file, i) => {
    const e = edits[i];
    if (!e || !hasEdits(e)) return;
    const result = applyFileEdits(file, e);
    if (file.bytes !== null && result.bytes === file.bytes) return;
    const write: KubeconfigWrite = { path: file.path, before: file.bytes, after: result.bytes };
    if (result.currentContextSplice && e.currentContext !== undefined) {
      write.currentContextSplice = { ...result.currentContextSplice, value: e.currentContext };
    }
    writes.push(write);
  });
  return writes;
}

/**
 * Contexts that name a cluster or user missing from the merged config. A context that was already
 * dangling before (and is not kubezt's) is the user's business and not reported.
 */
export function danglingReferences(before: KubeconfigSet | null, after: KubeconfigSet): string[] {
  const problems: string[] = [];
  for (const [name, ctx] of after.merged.context) {
    const doc = after.files[ctx.fileIndex]?.doc;
    if (!doc || !ctx.inner) continue;
    for (const kind of ['cluster', 'user'] as const) {
      const ref = getString(doc, ctx.inner, kind);
      if (ref === '' || after.merged[kind].has(ref)) continue;
      const old = before?.merged.context.get(name);
      const oldDoc = old ? before?.files[old.fileIndex]?.doc : undefined;
      const wasDangling =
        old?.inner && oldDoc && getString(oldDoc, old.inner, kind) === ref && !before?.merged[kind].has(ref);
      if (ctx.owned || !wasDangling) problems.push(`context "${name}" would name the missing ${kind} "${ref}"`);
    }
  }
  return problems;
}

/**
 * Re-reads the planned bytes and checks the plan did exactly what it meant to: every target is
 * there and owned with the intended fields, no foreign entry changed, no context left dangling.
 * A failure is a kubezt bug, reported before anything is written.
 */
function verifyPlan(set: KubeconfigSet, plan: KubeconfigPlan, targets: readonly Target[]): void {
  if (plan.writes.length === 0) return;
  const after = parseKubeconfigSet(sourcesAfter(plan.files, plan.writes));
  const bug = (what: string): never => {
    throw new Error(`kubezt planned a wrong kubeconfig edit (${what}); nothing was written, please report this`);
  };
  for (const target of targets) {
    for (const kind of ENTRY_KINDS) {
      const desired = target.inner[kind];
      if (!desired) continue;
      const entry = after.merged[kind].get(target.name);
      if (!entry?.owned) bug(`${kind} ${target.name} missing`);
      else if (managedView(kind, innerJs(after, entry)) !== managedView(kind, desired))
        bug(`${kind} ${target.name} differs`);
    }
  }
  set.files.forEach((file, i) => {
    const newFile = after.files[i];
    if (!newFile || !file.doc) return;
    for (const kind of ENTRY_KINDS) {
      const byName = new Map(newFile.lists[kind].entries.map((e) => [e.name, e]));
      for (const entry of file.lists[kind].entries) {
        if (entry.owned) continue;
        const now = byName.get(entry.name);
        if (!now || JSON.stringify(entryJs(set, entry)) !== JSON.stringify(entryJs(after, now))) {
          bug(`foreign ${kind} ${entry.name} in ${file.path} changed`);
        }
      }
    }
  });
  const dangling = danglingReferences(set, after);
  if (dangling.length > 0) bug(dangling.join('; '));
}

function contextRefs(set: KubeconfigSet): ContextRef[] {
  return [...set.merged.context.values()].map((ctx) => {
    const doc = set.files[ctx.fileIndex]?.doc;
    const cluster = doc && ctx.inner ? getString(doc, ctx.inner, 'cluster') : '';
    const ref: ContextRef = { name: ctx.name, cluster, owned: ctx.owned };
    if (ctx.ownerCluster) ref.ownerCluster = ctx.ownerCluster;
    return ref;
  });
}

/**
 * The context `kubezt use NAME` switches to (see resolveContextIn): a context name, or a cluster
 * name. Unknown names are a `not-found` UserError listing close matches.
 */
export function resolveContextName(files: readonly KubeconfigSource[] | KubeconfigSet, nameOrCluster: string): string {
  const set = toKubeconfigSet(files);
  return resolveContextIn(contextRefs(set), nameOrCluster, fileList(set));
}

/** The network kubezt recorded on the context `name` (its merged entry), read as the fast path reads it. */
function recordedNetworkIn(set: KubeconfigSet, name: string): ContextNetwork | null {
  const entry = set.merged.context.get(name);
  const doc = entry ? set.files[entry.fileIndex]?.doc : null;
  return entry && doc ? networkOfContextEntry(toData(doc, entry.item)) : null;
}

/**
 * Plans `kubectl config use-context NAME` exactly where kubectl writes it: the only file, else
 * the first file that exists, else the last (client-go's GetDefaultFilename). Nothing to write
 * when the merged current-context already is NAME (kubectl does nothing then either).
 */
export function setCurrentContext(files: readonly KubeconfigSource[] | KubeconfigSet, name: string): KubeconfigPlan {
  const set = toKubeconfigSet(files);
  if (!set.merged.context.has(name)) throw contextNotFound(contextRefs(set), name, fileList(set));
  const file = set.files[set.defaultFileIndex];
  if (!file) throw new Error('kubezt has no kubeconfig file to write');
  const virtualNetwork = recordedNetworkIn(set, name);
  const plan: KubeconfigPlan = {
    files: sourcesOf(set),
    writes: [],
    changes: [],
    warnings: [],
    currentContext: {
      from: set.currentContext,
      to: name,
      file: file.path,
      ...(virtualNetwork ? { virtualNetwork } : {}),
    },
  };
  if (set.currentContext === name) return plan;
  const edits: FileEdits = emptyEdits();
  edits.currentContext = name;
  const edited: FileEdits[] = set.files.map((_, i) => (i === set.defaultFileIndex ? edits : emptyEdits()));
  plan.writes = writesFor(set, edited);
  for (const write of plan.writes) {
    if (write.currentContextSplice) checkCurrentContextSplice(write);
    else {
      const after = parseKubeconfigSet(sourcesAfter(plan.files, plan.writes));
      if (after.currentContext !== name) throw new Error('kubezt planned a wrong current-context edit');
    }
  }
  return plan;
}
