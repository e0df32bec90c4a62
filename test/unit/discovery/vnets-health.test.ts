import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CloudflareTunnel } from 'cloudflare/resources/shared';
import type { Teamnet } from 'cloudflare/resources/zero-trust/networks/routes/routes';
import { describe, expect, it } from 'vitest';
import { RequestBudget } from '../../../main/core/discovery/cloudflare/budget.ts';
import {
  buildClusters,
  summariseConnections,
  virtualNetworkSlug,
} from '../../../main/core/discovery/cloudflare/clusters.ts';
import {
  inspectedBecause,
  inspectionFinding,
  inspectionOf,
  readTlsSettings,
} from '../../../main/core/discovery/cloudflare/gateway.ts';
import { cleanRoutes, cleanTunnels, cleanVirtualNetworks } from '../../../main/core/discovery/cloudflare/sanitize.ts';

const corpus = resolve(__dirname, '../../../../shared/corpus/cloudflare-api');
const recorded = (file: string): unknown =>
  (JSON.parse(readFileSync(resolve(corpus, file), 'utf8')) as { result: unknown }).result;

function r(id: string, network: string, tunnel_id: string, comment: string, extra: Partial<Teamnet> = {}): Teamnet {
  return { id, network, tunnel_id, comment, ...extra };
}

// Fixture written for kubezt (no recording has two live networks): two networks, one default.
const NETWORKS = [
  { id: 'v-default', name: 'default', comment: '', created_at: '', is_default_network: true },
  { id: 'v-staging', name: 'Staging VNet', comment: '', created_at: '', is_default_network: false },
];
const TUNNELS: CloudflareTunnel[] = [
  { id: 't1', name: 'k8s-prod-api', status: 'healthy' },
  { id: 't2', name: 'k8s-prod-api', status: 'down', conns_inactive_at: '2025-01-15T09:30:00Z' },
];

describe('virtual networks in discovery', () => {
  it('reads recorded virtual network lists and drops soft-deleted networks', () => {
    expect(cleanVirtualNetworks(recorded('cft-v5-teamnet-virtual_networks-list.json'))).toEqual([]);
    expect(cleanVirtualNetworks(recorded('cfgo-v0-teamnet-virtual_networks-list.json'))).toEqual([]);
    const live = (recorded('cfgo-v0-teamnet-virtual_networks-list.json') as Record<string, unknown>[]).map((v) => ({
      ...v,
      deleted_at: undefined,
    }));
    expect(cleanVirtualNetworks(live)).toEqual([
      {
        id: 'f70ff985-a4ef-4643-bbbc-4a0ed4fc8415',
        name: 'us-east-1-vpc',
        comment: 'Staging VPC for data science',
        is_default_network: true,
      },
    ]);
  });

  it('keeps a recorded route’s virtual_network_id', () => {
    const [route] = cleanRoutes(recorded('cfgo-v0-teamnet-routes-list.json'));
    expect(route?.virtual_network_id).toBe('9f322de4-5988-4945-b770-f1d6ac200f86');
  });

  it('one IP in two networks is two clusters; the non-default one gets the network as a suffix', () => {
    const { clusters, warnings } = buildClusters({
      routes: [
        r('a', '10.0.0.10/32', 't1', 'kubernetes API (IPv4)', { virtual_network_id: 'v-staging' }),
        r('b', '10.0.0.10/32', 't1', 'kubernetes API (IPv4)', { virtual_network_id: 'v-default' }),
      ],
      tunnels: TUNNELS,
      virtualNetworks: NETWORKS,
      kubernetesListValues: [],
    });
    expect(warnings).toEqual([]);
    expect(clusters.map((c) => [c.name, c.ips, c.virtualNetwork])).toEqual([
      ['prod-api', ['10.0.0.10'], { id: 'v-default', name: 'default', isDefault: true }],
      ['prod-api-staging-vnet', ['10.0.0.10'], { id: 'v-staging', name: 'Staging VNet', isDefault: false }],
    ]);
  });

  it('routes without a network id belong to the default network; no collision, no suffix', () => {
    const { clusters } = buildClusters({
      routes: [
        r('a', '10.0.0.10/32', 't1', 'prod kubernetes API'),
        r('b', '10.0.0.11/32', 't3', 'lab kubernetes API', { virtual_network_id: 'v-staging', tunnel_name: 'k8s-lab' }),
      ],
      tunnels: TUNNELS,
      virtualNetworks: NETWORKS,
      kubernetesListValues: [],
    });
    expect(clusters.map((c) => [c.name, c.virtualNetwork?.name, c.virtualNetwork?.isDefault])).toEqual([
      ['lab', 'Staging VNet', false],
      ['prod-api', 'default', true],
    ]);
  });

  it('slugs network names as cluster-name suffixes', () => {
    expect(virtualNetworkSlug('Staging VNet')).toBe('staging-vnet');
    expect(virtualNetworkSlug('  eu_west--1 ')).toBe('eu-west-1');
    expect(virtualNetworkSlug('∅')).toBe('vnet');
  });
});

describe('connector health', () => {
  it('a recorded inactive tunnel: no connections, since its last connection closed', () => {
    const [tunnel] = cleanTunnels(recorded('cft-v5-cfd_tunnel-list.json'));
    const { clusters } = buildClusters({
      // Fixture route (written for kubezt) on the recorded tunnel.
      routes: [r('a', '198.51.100.5/32', tunnel?.id ?? '', 'kubernetes API')],
      tunnels: tunnel ? [tunnel] : [],
      virtualNetworks: [],
      kubernetesListValues: [],
    });
    expect(clusters[0]?.tunnel).toEqual({
      id: '000b966b-81b5-413f-8dbb-ca473af575e0',
      name: 'wctzrdnxht',
      status: 'inactive',
      connections: 0,
      colos: [],
      since: '2024-12-26T03:27:13.740652Z',
    });
  });

  it('counts connections across connectors, colos once each, since the oldest one opened', () => {
    const summary = summariseConnections([
      {
        conns: [
          { colo_name: 'fra06', opened_at: '2025-01-15T09:10:00Z' },
          { colo_name: 'ams01', opened_at: '2025-01-15T09:00:00Z' },
        ],
      },
      { conns: [{ colo_name: 'fra06', opened_at: '2025-01-15T09:20:00Z' }] },
    ]);
    expect(summary).toEqual({ count: 3, colos: ['ams01', 'fra06'], oldestOpenedAt: '2025-01-15T09:00:00Z' });
    const { clusters } = buildClusters({
      routes: [r('a', '198.51.100.5/32', 't1', 'kubernetes API')],
      tunnels: TUNNELS,
      virtualNetworks: [],
      kubernetesListValues: [],
      connections: new Map([['t1', summary]]),
    });
    expect(clusters[0]?.tunnel).toEqual({
      id: 't1',
      name: 'k8s-prod-api',
      status: 'healthy',
      connections: 3,
      colos: ['ams01', 'fra06'],
      since: '2025-01-15T09:00:00Z',
    });
  });
});

describe('the request budget (1,200 per 5 minutes)', () => {
  it('lets 1,200 requests through at once, then spaces them out as the bucket refills', () => {
    let now = 0;
    const budget = new RequestBudget({ now: () => now });
    for (let i = 0; i < 1200; i++) expect(budget.reserve()).toBe(0);
    // One token every 250 ms (300,000 ms / 1,200).
    expect(budget.reserve()).toBe(250);
    expect(budget.reserve()).toBe(500);
    now += 500;
    expect(budget.reserve()).toBe(250);
    now += 10 * 60_000;
    expect(budget.available()).toBe(1200);
  });

  it('refuses a wait beyond the bound without taking a token, and drains on a 429', () => {
    let now = 0;
    const budget = new RequestBudget({ capacity: 2, windowMs: 1000, now: () => now });
    budget.drain();
    expect(budget.reserve(100)).toBeUndefined();
    expect(budget.reserve(1000)).toBe(500);
    now = -5000; // a clock going backwards mints nothing
    expect(budget.available()).toBe(-1);
  });
});

describe('Gateway TLS decryption settings', () => {
  const audit = [
    { ip: '10.0.0.10', cluster: 'a', doNotInspect: false, coveredBy: [], uncertain: [] },
    { ip: '10.0.0.11', cluster: 'b', doNotInspect: true, coveredBy: [], uncertain: [] },
  ];

  it('reads tls_decrypt and the inspection mode, leaving odd or absent values unknown', () => {
    expect(readTlsSettings({ settings: { tls_decrypt: { enabled: true }, inspection: { mode: 'dynamic' } } })).toEqual({
      tlsDecrypt: true,
      inspectAllPorts: true,
    });
    expect(readTlsSettings({ settings: { tls_decrypt: { enabled: 'yes' }, inspection: null } })).toEqual({});
    expect(readTlsSettings(undefined)).toEqual({});
  });

  it('6443 is inspected only with decryption and inspect-on-all-ports; the sentences say which', () => {
    const all = inspectionOf({ tlsDecrypt: true, inspectAllPorts: true }, audit, 6443);
    expect(all).toMatchObject({ portInspected: true, lacking: ['10.0.0.10'] });
    expect(inspectedBecause(all)).toMatch(/port 6443 only because "inspect on all ports" is on/);
    expect(inspectionFinding(all)).toBeUndefined();

    const only443 = inspectionOf({ tlsDecrypt: true, inspectAllPorts: false }, audit, 6443);
    expect(only443.portInspected).toBe(false);
    expect(inspectedBecause(only443)).toBe('');
    expect(inspectionFinding(only443)).toMatch(/10\.0\.0\.10; harmless while Gateway inspects only port 443/);

    const off = inspectionOf({ tlsDecrypt: false }, audit, 6443);
    expect(inspectionFinding(off)).toMatch(/harmless while TLS decryption is off/);
    expect(inspectionOf({}, audit, 6443).portInspected).toBeUndefined();
  });
});
