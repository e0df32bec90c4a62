import { UserError } from '../errors.ts';
import { closeMatches } from './names.ts';

/**
 * Name resolution for `kubezt use NAME`, over a plain list of contexts so the full parser and the
 * fast reader (quick.ts) resolve names exactly alike.
 */

/** A context as kubectl's merge sees it (first file wins for a name). */
export interface ContextRef {
  name: string;
  /** The kubeconfig cluster it names ('' when none). */
  cluster: string;
  owned: boolean;
  /** For kubezt's contexts: the ClusterEntry name it was written for. */
  ownerCluster?: string;
}

export function contextNotFound(contexts: Iterable<ContextRef>, query: string, files: string): UserError {
  const candidates: string[] = [];
  for (const ctx of contexts) {
    candidates.push(ctx.name);
    if (ctx.ownerCluster) candidates.push(ctx.ownerCluster);
  }
  const matches = closeMatches(query, candidates, 3);
  const hint =
    matches.length > 0
      ? `did you mean ${matches.map((m) => `"${m}"`).join(' or ')}?`
      : 'run "kubectl config get-contexts" to list the contexts.';
  return new UserError('not-found', `No context or cluster named "${query}" is in ${files}; ${hint}`);
}

/**
 * NAME itself when it is a context, else the context kubezt wrote for the cluster NAME, else the
 * one context whose cluster is NAME. Unknown: `not-found` listing close matches; several
 * contexts on one cluster: `bad-input` listing them.
 */
export function resolveContextIn(contexts: readonly ContextRef[], query: string, files: string): string {
  if (contexts.some((c) => c.name === query)) return query;
  const owned = contexts.filter((c) => c.owned && c.ownerCluster === query).map((c) => c.name);
  const byCluster = contexts.filter((c) => c.cluster === query).map((c) => c.name);
  const candidates = owned.length > 0 ? owned : byCluster;
  if (candidates.length === 1) return candidates[0] as string;
  if (candidates.length > 1) {
    throw new UserError(
      'bad-input',
      `"${query}" is the cluster of several contexts (${candidates.map((c) => `"${c}"`).join(', ')}); name the context instead.`,
    );
  }
  throw contextNotFound(contexts, query, files);
}
