import { createHash } from 'node:crypto';

/**
 * The namespaces a simulated cluster holds, served as kube-apiserver serves them: a NamespaceList
 * (or a meta.k8s.io Table when the client asks for one, as `kubectl get` does), and one Namespace
 * by name. Read-only: the demo has nothing to create namespaces with.
 */

export const SIM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system', 'payments', 'web'] as const;

const CREATED = '2025-03-12T08:00:00Z';

function uid(cluster: string, name: string): string {
  const h = createHash('sha256').update(`${cluster}/${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function namespaceObject(cluster: string, name: string): Record<string, unknown> {
  return {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: {
      name,
      uid: uid(cluster, name),
      resourceVersion: '42',
      creationTimestamp: CREATED,
      labels: { 'kubernetes.io/metadata.name': name },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

function age(now: number): string {
  const days = Math.max(0, Math.floor((now - Date.parse(CREATED)) / 86_400_000));
  return `${days}d`;
}

function table(names: readonly string[], now: number): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: '42' },
    columnDefinitions: [
      {
        name: 'Name',
        type: 'string',
        format: 'name',
        description: 'Name must be unique within a namespace.',
        priority: 0,
      },
      { name: 'Status', type: 'string', format: '', description: 'The status of the namespace', priority: 0 },
      { name: 'Age', type: 'string', format: '', description: 'CreationTimestamp', priority: 0 },
    ],
    rows: names.map((name) => ({
      cells: [name, 'Active', age(now)],
      object: {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: { name, creationTimestamp: CREATED },
      },
    })),
  };
}

export interface NamespaceAnswer {
  status: number;
  body: Record<string, unknown>;
}

function notFound(name: string): NamespaceAnswer {
  return {
    status: 404,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `namespaces "${name}" not found`,
      reason: 'NotFound',
      details: { name, kind: 'namespaces' },
      code: 404,
    },
  };
}

/**
 * The answer for `GET /api/v1/namespaces[/NAME]`; null when the path is not a namespace path.
 * `accept` is the request's Accept header.
 */
export function answerNamespaces(cluster: string, path: string, accept: string, now: number): NamespaceAnswer | null {
  const m = /^\/api\/v1\/namespaces(?:\/([^/]+))?\/?$/.exec(path);
  if (!m) return null;
  const wantsTable = /as=Table/.test(accept);
  const name = m[1] === undefined ? undefined : decodeURIComponent(m[1]);
  if (name === undefined) {
    if (wantsTable) return { status: 200, body: table(SIM_NAMESPACES, now) };
    return {
      status: 200,
      body: {
        kind: 'NamespaceList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '42' },
        items: SIM_NAMESPACES.map((n) => namespaceObject(cluster, n)),
      },
    };
  }
  if (!(SIM_NAMESPACES as readonly string[]).includes(name)) return notFound(name);
  if (wantsTable) return { status: 200, body: table([name], now) };
  return { status: 200, body: namespaceObject(cluster, name) };
}
