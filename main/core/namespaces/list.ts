import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';

/**
 * The namespaces of one context, read from its API server through @kubernetes/client-node
 * (CoreV1Api listNamespace), with the context's own credentials: the kubeconfig given is the
 * private one-context document of private-context.ts, so exec plugins, tokens and client
 * certificates work as they do for kubectl.
 */

export interface NamespaceItem {
  name: string;
  /** Active or Terminating. */
  phase: string;
}

/** The API server could not be asked, or refused: `reason` is one sentence. */
export class NamespaceListError extends Error {
  readonly status: number | undefined;
  constructor(reason: string, status?: number) {
    super(reason);
    this.name = 'NamespaceListError';
    this.status = status;
  }
}

function statusMessage(body: unknown): string {
  try {
    const parsed = typeof body === 'string' ? JSON.parse(body) : body;
    const message = (parsed as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? message : '';
  } catch {
    return '';
  }
}

function describe(e: unknown): NamespaceListError {
  if (e instanceof ApiException) {
    const message = statusMessage(e.body);
    return new NamespaceListError(`the API server answered HTTP ${e.code}${message ? ` (${message})` : ''}`, e.code);
  }
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  return new NamespaceListError(`the API server could not be reached (${cause ?? err.message ?? String(e)})`);
}

export async function listNamespaces(kubeconfigYaml: string): Promise<NamespaceItem[]> {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml);
  const api = kc.makeApiClient(CoreV1Api);
  try {
    const list = await api.listNamespace();
    return (list.items ?? [])
      .map((ns) => ({ name: ns.metadata?.name ?? '', phase: ns.status?.phase ?? '' }))
      .filter((ns) => ns.name !== '')
      .sort((a, b) => a.name.localeCompare(b.name));
  } catch (e) {
    throw describe(e);
  }
}
