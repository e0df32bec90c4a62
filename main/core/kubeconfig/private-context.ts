import { dirname, isAbsolute, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { type KubeconfigSet, type ParsedEntry, toData } from './parse.ts';
import { resolveContextName } from './plan.ts';
import { renderBlock } from './yaml-text.ts';

/**
 * A kubeconfig that holds one context, its cluster and its user, for a shell or a command that
 * must not see (or change) the user's global current-context. The entries are copied as data
 * from the merged kubeconfig (the first file that defines a name wins, as in kubectl), so an exec
 * plugin keeps its command, args and env exactly, and tokens and keys stay inside this document:
 * the caller writes it to a private 0600 file and never puts any of it on a command line.
 *
 * Relative file references are made absolute against the file that held them (kubectl's
 * ResolveLocalPaths), because the private file lives in another folder.
 */

export interface PrivateContextInput {
  /** A context name, or a cluster name (as `kubezt use` takes it). */
  name: string;
  /** Overrides the context's namespace in the private copy. */
  namespace?: string;
}

export interface PrivateContext {
  /** The minimal kubeconfig document (block YAML). */
  bytes: string;
  context: string;
  cluster: string;
  user: string;
  /** The namespace the copy sets ('' when none: kubectl then uses "default"). */
  namespace: string;
}

type Obj = Record<string, unknown>;

const CLUSTER_PATHS = ['certificate-authority'] as const;
const USER_PATHS = ['client-certificate', 'client-key', 'tokenFile'] as const;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function innerData(set: KubeconfigSet, entry: ParsedEntry | undefined): { data: Obj; file: string } | undefined {
  if (!entry) return undefined;
  const file = set.files[entry.fileIndex];
  if (!file?.doc) throw new Error('kubezt lost the document of a kubeconfig entry');
  const data = entry.inner ? toData(file.doc, entry.inner) : {};
  return { data: isObj(data) ? { ...data } : {}, file: file.path };
}

function absolute(file: string, value: unknown): unknown {
  if (typeof value !== 'string' || value === '' || isAbsolute(value)) return value;
  return resolve(dirname(file), value);
}

function withAbsolutePaths(data: Obj, file: string, keys: readonly string[]): Obj {
  const out = { ...data };
  for (const key of keys) if (key in out) out[key] = absolute(file, out[key]);
  // kubectl resolves an exec command only when it has a path separator (./bin/x, not aws); its
  // args and env are the plugin's own business and are copied untouched.
  const exec = out.exec;
  if (isObj(exec) && typeof exec.command === 'string' && exec.command.includes('/')) {
    out.exec = { ...exec, command: absolute(file, exec.command) };
  }
  return out;
}

function missing(what: string, name: string, context: string): UserError {
  return new UserError(
    'not-found',
    `The context "${context}" names the ${what} "${name}", which no kubeconfig file defines; fix that context or run "kubezt setup" to write it again.`,
  );
}

/** Builds the private kubeconfig for NAME (a `not-found` UserError when NAME is unknown). */
export function extractPrivateContext(set: KubeconfigSet, input: PrivateContextInput): PrivateContext {
  const context = resolveContextName(set, input.name);
  const ctx = innerData(set, set.merged.context.get(context));
  if (!ctx) throw new Error('kubezt resolved a context it cannot find');
  const clusterName = typeof ctx.data.cluster === 'string' ? ctx.data.cluster : '';
  const userName = typeof ctx.data.user === 'string' ? ctx.data.user : '';
  const cluster = innerData(set, set.merged.cluster.get(clusterName));
  if (!cluster) throw missing('cluster', clusterName, context);
  const user = userName === '' ? { data: {}, file: ctx.file } : innerData(set, set.merged.user.get(userName));
  if (!user) throw missing('user', userName, context);
  const contextData: Obj = { ...ctx.data };
  delete contextData.extensions;
  if (input.namespace !== undefined) contextData.namespace = input.namespace;
  const namespace = typeof contextData.namespace === 'string' ? contextData.namespace : '';
  const clusterData = withAbsolutePaths(cluster.data, cluster.file, CLUSTER_PATHS);
  const userData = withAbsolutePaths(user.data, user.file, USER_PATHS);
  delete clusterData.extensions;
  delete userData.extensions;
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster: clusterData }],
    contexts: [{ name: context, context: contextData }],
    users: [{ name: userName, user: userData }],
    'current-context': context,
    preferences: {},
  };
  return { bytes: renderBlock(doc, 0), context, cluster: clusterName, user: userName, namespace };
}
