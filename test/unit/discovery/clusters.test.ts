import type { CloudflareTunnel } from 'cloudflare/resources/shared';
import type { Teamnet } from 'cloudflare/resources/zero-trust/networks/routes/routes';
import { describe, expect, it } from 'vitest';
import {
  baseComment,
  buildClusters,
  clusterNameFromTunnel,
  distinguishingSlug,
} from '../../../main/core/discovery/cloudflare/clusters.ts';

describe('clusterNameFromTunnel', () => {
  it.each([
    ['tunnel-Payments_EU', 'payments-eu'],
    ['k8s-prod-us', 'prod-us'],
    ['k8s_prod_us', 'prod-us'],
    ['K8S-Prod', 'prod'],
    ['prod us (eu)', 'prod-us--eu-'],
    ['tunnel-k8s-prod', 'k8s-prod'],
    ['Ünïcode', '-n-code'],
    ['k8s-', 'cluster'],
    ['---', 'cluster'],
  ])('%s → %s', (tunnel, name) => {
    expect(clusterNameFromTunnel(tunnel)).toBe(name);
  });
});

describe('route comments', () => {
  it.each([
    ['prod-us kubernetes API (IPv4)', 'prod-us kubernetes API'],
    ['prod-us kubernetes API (IPv6)', 'prod-us kubernetes API'],
    ['prod-us kubernetes API (ipv6) ', 'prod-us kubernetes API'],
    ['no suffix', 'no suffix'],
    [undefined, ''],
  ])('baseComment(%j) = %j', (comment, expected) => {
    expect(baseComment(comment)).toBe(expected);
  });

  it.each([
    ['payments kubernetes API', 'shared', 'payments'],
    ['Shared EU k8s API server', 'shared-eu', ''],
    ['search (blue) Kubernetes control plane', 'shared', 'search-blue'],
  ])('distinguishingSlug(%j, %j) = %j', (comment, base, slug) => {
    expect(distinguishingSlug(comment, base)).toBe(slug);
  });
});

const tunnels: CloudflareTunnel[] = [
  { id: 't1', name: 'k8s-prod', status: 'healthy' },
  { id: 't2', name: 'tunnel-prod', status: 'down' },
  { id: 't3', name: 'office', status: 'healthy' },
];

function r(id: string, network: string, tunnel_id: string, comment?: string, extra: Partial<Teamnet> = {}): Teamnet {
  return { id, network, tunnel_id, ...(comment === undefined ? {} : { comment }), ...extra };
}

describe('buildClusters', () => {
  it('pairs IPv4 and IPv6 routes of one API server and ignores wide, deleted and unrelated routes', () => {
    const { clusters, warnings } = buildClusters({
      routes: [
        r('a', '2001:DB8::0101/128', 't1', 'prod kubernetes API (IPv6)', { virtual_network_id: 'v1' }),
        r('b', '198.51.100.101/32', 't1', 'prod kubernetes API (IPv4)', { virtual_network_id: 'v1' }),
        r('c', '10.0.0.0/8', 't3', 'k8s nodes'),
        r('d', '198.51.100.99/32', 't1', 'old k8s API (IPv4)', { deleted_at: '2025-01-01T00:00:00Z' }),
        r('e', '198.51.100.7/32', 't3', 'grafana'),
        r('f', 'not-a-network', 't3', 'k8s'),
      ],
      tunnels,
      virtualNetworks: [{ id: 'v1', name: 'corp', comment: '', created_at: '', is_default_network: true }],
      kubernetesListValues: [],
    });
    expect(warnings).toEqual([]);
    expect(clusters).toEqual([
      {
        name: 'prod',
        sources: ['cloudflare'],
        server: 'https://198.51.100.101:6443',
        ips: ['198.51.100.101', '2001:db8::101'],
        port: 6443,
        cloudflare: {
          tunnelId: 't1',
          tunnelName: 'k8s-prod',
          tunnelHealth: 'healthy',
          virtualNetworkId: 'v1',
          virtualNetworkName: 'corp',
          routeIds: ['b', 'a'],
          comment: 'prod kubernetes API',
        },
        virtualNetwork: { id: 'v1', name: 'corp', isDefault: true },
        tunnel: { id: 't1', name: 'k8s-prod', status: 'healthy', connections: 0, colos: [] },
      },
    ]);
  });

  it('detects by Gateway list membership (IP or /32 item), not by list ranges', () => {
    const { clusters } = buildClusters({
      routes: [
        r('a', '198.51.100.1/32', 't3', 'box one'),
        r('b', '198.51.100.2/32', 't3', 'box two'),
        r('c', '198.51.100.3/32', 't3', 'box three'),
      ],
      tunnels,
      virtualNetworks: [],
      kubernetesListValues: ['198.51.100.1', '198.51.100.2/32', '198.51.100.0/24'],
    });
    expect(clusters.map((c) => [c.name, c.ips])).toEqual([
      ['office-box-one', ['198.51.100.1']],
      ['office-box-two', ['198.51.100.2']],
    ]);
  });

  it('keeps names unique across tunnels that clean up to the same name', () => {
    const { clusters } = buildClusters({
      routes: [r('a', '198.51.100.1/32', 't1', 'k8s API'), r('b', '198.51.100.2/32', 't2', 'k8s API')],
      tunnels,
      virtualNetworks: [],
      kubernetesListValues: [],
    });
    expect(clusters.map((c) => [c.name, c.cloudflare?.tunnelName, c.cloudflare?.tunnelHealth])).toEqual([
      ['prod', 'k8s-prod', 'healthy'],
      ['prod-2', 'tunnel-prod', 'down'],
    ]);
  });

  it('warns when one comment covers several IPv4 routes of a tunnel, and still lists each', () => {
    const { clusters, warnings } = buildClusters({
      routes: [
        r('a', '198.51.100.2/32', 't1', 'k8s API (IPv4)'),
        r('b', '198.51.100.1/32', 't1', 'k8s API (IPv4)'),
        r('c', '2001:db8::1/128', 't1', 'k8s API (IPv6)'),
      ],
      tunnels,
      virtualNetworks: [],
      kubernetesListValues: [],
    });
    expect(clusters.map((c) => [c.name, c.ips])).toEqual([
      ['prod', ['198.51.100.1', '2001:db8::1']],
      ['prod-2', ['198.51.100.2']],
    ]);
    expect(warnings).toEqual([expect.stringContaining('share the comment "k8s API"')]);
  });

  it('uses the route tunnel name and warns when the tunnel is not among the listed tunnels', () => {
    const { clusters, warnings } = buildClusters({
      routes: [r('a', '198.51.100.1/32', 'gone', 'k8s API', { tunnel_name: 'k8s-connector' })],
      tunnels,
      virtualNetworks: [],
      kubernetesListValues: [],
    });
    expect(clusters[0]).toMatchObject({ name: 'connector', cloudflare: { tunnelHealth: 'inactive' } });
    expect(warnings).toEqual([expect.stringContaining('k8s-connector')]);
  });
});
