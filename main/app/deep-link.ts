import type { ClusterView, DeepLinkEvent, ViewName } from '../../ipc/contract.ts';

/**
 * `kubezt://use/NAME` and `kubezt://diagnose/NAME`: what a link asks for, checked against the
 * inventory. A link only prefills: the window shows the action and waits for a click, because a
 * web page can open a link without the user meaning it. Plain code, no Electron.
 */
export const DEEP_LINK_SCHEME = 'kubezt';

export type DeepLinkAction = DeepLinkEvent['action'];
const ACTIONS: readonly DeepLinkAction[] = ['use', 'diagnose'];

/** Longer than any URL a cluster name makes; a longer one is not ours. */
const MAX_LINK_LENGTH = 600;

export type ParsedLink = { action: DeepLinkAction; name: string } | { error: string };

const usage = 'kubezt links are kubezt://use/NAME or kubezt://diagnose/NAME';

/** What a `kubezt:` URL asks for; `error` is one sentence for the window. */
export function parseDeepLink(url: string): ParsedLink {
  if (url.length > MAX_LINK_LENGTH) return { error: `That kubezt link is too long to be one; ${usage}.` };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { error: `That kubezt link is not a valid URL; ${usage}.` };
  }
  if (parsed.protocol !== `${DEEP_LINK_SCHEME}:`) return { error: `That is not a kubezt link; ${usage}.` };
  const action = parsed.hostname.toLowerCase();
  const parts = parsed.pathname.split('/').filter(Boolean);
  if (!ACTIONS.includes(action as DeepLinkAction) || parts.length !== 1 || parsed.search || parsed.username) {
    return { error: `kubezt does not know the link ${clip(url)}; ${usage}.` };
  }
  let name: string;
  try {
    name = decodeURIComponent(parts[0] as string);
  } catch {
    return { error: `The cluster name in ${clip(url)} is not valid URL encoding.` };
  }
  return { action: action as DeepLinkAction, name };
}

/** The first argument that is a kubezt link (Windows and Linux hand a link over as an argument). */
export function deepLinkInArgv(argv: readonly string[]): string | undefined {
  return argv.find((a) => a.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}://`));
}

function clip(text: string): string {
  const shown = text.replace(/[^\x20-\x7e]/g, '?');
  return shown.length > 120 ? `${shown.slice(0, 117)}…` : shown;
}

/**
 * The event for the window and the view it opens on. The name must be a known cluster (by its
 * name or its kubezt context); `use` also needs the cluster to have a context to switch to.
 */
export function resolveDeepLink(
  url: string,
  clusters: readonly ClusterView[],
): { view: ViewName; event: DeepLinkEvent } {
  const link = parseDeepLink(url);
  if ('error' in link) return { view: 'clusters', event: { action: null, error: link.error } };
  // The dashboard for both: the Diagnostics view runs diagnostics as it opens, and a link must
  // not start anything before the click.
  const view: ViewName = 'clusters';
  const cluster = clusters.find((c) => c.name === link.name) ?? clusters.find((c) => c.context === link.name);
  if (!cluster) {
    return {
      view,
      event: {
        action: link.action,
        error: `No cluster named "${clip(link.name)}" is known to kubezt, so the link was not followed; refresh the list or run setup.`,
      },
    };
  }
  if (link.action === 'use' && cluster.context === null) {
    return {
      view,
      event: {
        action: 'use',
        cluster: cluster.name,
        error: `Cluster "${cluster.name}" has no kubeconfig context yet; run "Set up kubeconfig" to add it.`,
      },
    };
  }
  return { view, event: { action: link.action, cluster: cluster.name } };
}
