/**
 * The stale rule: kubezt removes one of its entries only when every source it was recorded from
 * was read in this run and no longer lists its cluster. Entries are recorded with their sources
 * (the kubezt extension's `sources`), so a source that was not read keeps exactly its own.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type KubeconfigPlan, planKubeconfig } from '../../../main/core/kubeconfig/index.ts';
import { readMergedKubeconfig } from '../../../main/core/kubeconfig/read-full.ts';
import type { ClusterEntry, ClusterSource } from '../../../main/core/model/cluster.ts';

const entry = (name: string, sources: ClusterSource[], last: number): ClusterEntry => ({
  name,
  sources,
  server: `https://198.51.100.${last}:6443`,
  ips: [`198.51.100.${last}`],
  port: 6443,
});

const FROM_CATALOG = entry('team', ['catalog'], 1);
const FROM_CLOUDFLARE = entry('tunnel', ['cloudflare'], 2);
const FROM_BOTH = entry('shared', ['catalog', 'cloudflare'], 3);
const ALL = [FROM_CATALOG, FROM_CLOUDFLARE, FROM_BOTH];

const USER_OWN = `apiVersion: v1
kind: Config
clusters:
- name: mine
  cluster: {server: "https://10.0.0.1:6443"}
contexts:
- name: mine
  context: {cluster: mine}
current-context: mine
`;

/** The kubeconfig after a setup that read both sources and listed `clusters`. */
function written(clusters: ClusterEntry[]): string {
  const plan = planKubeconfig({ clusters, files: [{ path: 'config', bytes: USER_OWN }] });
  return plan.writes[0]?.after ?? USER_OWN;
}

function plan(bytes: string, clusters: ClusterEntry[], consulted: ClusterSource[]): KubeconfigPlan {
  return planKubeconfig({ clusters, files: [{ path: 'config', bytes }], consulted });
}

const removed = (p: KubeconfigPlan) => p.changes.filter((c) => c.kind === 'removed').map((c) => c.context);
const after = (p: KubeconfigPlan, bytes: string) => p.writes[0]?.after ?? bytes;
const contexts = (bytes: string) => readMergedKubeconfig([{ path: 'config', bytes }]).contexts.map((c) => c.name);

/** The `sources` recorded on the context of `name`. */
function recorded(bytes: string, name: string): unknown {
  const doc = parse(bytes) as { contexts: { name: string; context: { extensions?: { extension: unknown }[] } }[] };
  const ctx = doc.contexts.find((c) => c.name === name);
  return (ctx?.context.extensions?.[0]?.extension as { sources?: unknown } | undefined)?.sources;
}

describe('kubezt records where each cluster came from', () => {
  it('writes the sources of each cluster into its kubezt extension', () => {
    const bytes = written(ALL);
    expect(recorded(bytes, 'zt-team')).toEqual(['catalog']);
    expect(recorded(bytes, 'zt-tunnel')).toEqual(['cloudflare']);
    expect(recorded(bytes, 'zt-shared')).toEqual(['catalog', 'cloudflare']);
    // Planning again from the same lists changes nothing.
    expect(plan(bytes, ALL, ['catalog', 'cloudflare']).writes).toEqual([]);
  });

  it('keeps a source that was not read in the record of a cluster the other source still lists', () => {
    const bytes = written(ALL);
    // Cloudflare not read: the catalog alone lists "shared", which stays recorded as Cloudflare's too.
    const catalogOnly = plan(bytes, [FROM_CATALOG, { ...FROM_BOTH, sources: ['catalog'] }], ['catalog']);
    expect(recorded(after(catalogOnly, bytes), 'zt-shared')).toEqual(['catalog', 'cloudflare']);
  });
});

describe('a context is removed as stale only when a fresh list from its own source says so', () => {
  it('keeps Cloudflare contexts when Cloudflare was not read, and reports them as held back', () => {
    const bytes = written(ALL);
    const p = plan(bytes, [FROM_CATALOG], ['catalog']);
    expect(removed(p)).toEqual([]);
    expect(p.writes).toEqual([]);
    expect(p.heldBack).toEqual([
      { cluster: 'tunnel', context: 'zt-tunnel', unread: ['cloudflare'] },
      { cluster: 'shared', context: 'zt-shared', unread: ['cloudflare'] },
    ]);
  });

  it('keeps catalog contexts when the catalog was not read', () => {
    const bytes = written(ALL);
    const p = plan(bytes, [FROM_CLOUDFLARE, { ...FROM_BOTH, sources: ['cloudflare'] }], ['cloudflare']);
    expect(removed(p)).toEqual([]);
    expect(p.heldBack).toEqual([{ cluster: 'team', context: 'zt-team', unread: ['catalog'] }]);
  });

  it('removes a context once every source it came from was read and none lists it', () => {
    const bytes = written(ALL);
    const p = plan(bytes, [FROM_CATALOG], ['catalog', 'cloudflare']);
    expect(removed(p).sort()).toEqual(['zt-shared', 'zt-tunnel']);
    expect(p.heldBack).toBeUndefined();
    expect(contexts(after(p, bytes)).sort()).toEqual(['mine', 'zt-team']);
  });

  it('removes a catalog-only context when the catalog was read, whatever Cloudflare did', () => {
    const bytes = written(ALL);
    const p = plan(bytes, [FROM_CLOUDFLARE, FROM_BOTH], ['catalog']);
    expect(removed(p)).toEqual(['zt-team']);
    expect(p.heldBack).toBeUndefined();
  });

  it('keeps a context listed by two sources while either of them was not read', () => {
    const bytes = written(ALL);
    for (const consulted of [['catalog'], ['cloudflare'], []] as ClusterSource[][]) {
      const p = plan(bytes, [], consulted);
      expect(removed(p), `read: ${consulted.join(', ')}`).not.toContain('zt-shared');
      expect(p.heldBack?.map((h) => h.cluster)).toContain('shared');
    }
  });

  it('treats an entry that records no source as coming from every source', () => {
    // Written by a kubezt that did not record sources.
    const bytes = written(ALL).replace(/\n {8}sources:\n(?: {8}- \w+\n)+/g, '\n');
    expect(bytes).not.toContain('sources:');
    const p = plan(bytes, [], ['catalog']);
    expect(removed(p)).toEqual([]);
    expect(p.heldBack?.find((h) => h.cluster === 'team')).toEqual({
      cluster: 'team',
      context: 'zt-team',
      unread: ['cloudflare'],
    });
    expect(removed(plan(bytes, [], ['catalog', 'cloudflare'])).sort()).toEqual(['zt-shared', 'zt-team', 'zt-tunnel']);
  });

  it('reads everything by default (the plan alone knows no source state)', () => {
    const bytes = written(ALL);
    const p = planKubeconfig({ clusters: [], files: [{ path: 'config', bytes }] });
    expect(removed(p).sort()).toEqual(['zt-shared', 'zt-team', 'zt-tunnel']);
  });
});
