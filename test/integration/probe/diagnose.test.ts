import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose, type Verdict } from '../../../main/core/diagnostics/index.ts';
import type { ClusterEntry } from '../../../main/core/model/cluster.ts';
import { type ProbeEnvironment, type ProbeTarget, probeCluster } from '../../../main/core/probe/index.ts';
import { type ApiServerFarm, type FakeApiServer, startApiServerFarm } from '../../../sim/apiserver/index.ts';
import { env, fixedWarp, targetFor } from './helpers.ts';

// Every verdict from its real cause: a farm server with the matching fault, a WARP view in the
// matching state (WARP itself cannot run here), or Cloudflare's tunnel health in the ClusterEntry.

let farm: ApiServerFarm;

beforeAll(async () => {
  farm = await startApiServerFarm({
    servers: [
      { name: 'healthy' },
      { name: 'refused', fault: 'refuse' },
      { name: 'blackholed', fault: 'blackhole' },
      { name: 'no-tls', fault: 'no-tls' },
      { name: 'gateway', fault: 'intercepted' },
      { name: 'rogue', fault: 'unknown-ca' },
      { name: 'sni', ipSan: false },
      { name: 'rejects', fault: 'reject-credentials' },
      { name: 'no-review', fault: 'forbid-selfsubjectreviews' },
      { name: 'old', gitVersion: 'v1.24.17' },
      { name: 'overloaded', fault: { kind: 'http-status', status: 503 } },
      { name: 'reset', fault: 'reset' },
    ],
  });
});

afterAll(async () => {
  await farm?.close();
});

function entryFor(
  server: FakeApiServer,
  cloudflare: Partial<NonNullable<ClusterEntry['cloudflare']>> = {},
): ClusterEntry {
  return {
    name: server.name,
    sources: ['cloudflare'],
    server: server.url,
    ips: [server.ip],
    port: server.port,
    cloudflare: {
      tunnelId: '0f1e2d3c-0000-4000-8000-000000000001',
      tunnelName: `tunnel-${server.name}`,
      tunnelHealth: 'healthy',
      routeIds: [],
      comment: server.name,
      doNotInspect: true,
      ...cloudflare,
    },
  };
}

async function verdictOf(
  name: string,
  opts: {
    env?: Partial<ProbeEnvironment>;
    target?: Partial<ProbeTarget>;
    cloudflare?: Partial<NonNullable<ClusterEntry['cloudflare']>>;
  } = {},
) {
  const server = farm.server(name);
  const ladder = await probeCluster(targetFor(server, opts.target), env(opts.env), { stepTimeoutMs: 800 });
  return diagnose(ladder, entryFor(server, opts.cloudflare));
}

describe('one verdict per cluster, each from its real cause', () => {
  const cases: [Verdict, string, Parameters<typeof verdictOf>[1]][] = [
    ['ok', 'healthy', {}],
    ['warp-disconnected', 'healthy', { env: { warp: fixedWarp('disconnected') } }],
    ['not-routed', 'healthy', { env: { warp: fixedWarp('connected', 'not-via-warp') } }],
    ['split-tunnel-excluded', 'healthy', { env: { warp: fixedWarp('connected', 'split-tunnel-excluded') } }],
    ['tunnel-down', 'blackholed', { cloudflare: { tunnelHealth: 'down' } }],
    ['tcp-refused', 'refused', {}],
    ['tcp-timeout', 'blackholed', {}],
    ['tls-timeout', 'no-tls', {}],
    ['tls-intercepted', 'gateway', {}],
    ['tls-untrusted', 'rogue', {}],
    ['tls-name-mismatch', 'sni', {}],
    ['unauthorized', 'rejects', {}],
    ['forbidden', 'no-review', {}],
    ['version-skew', 'old', {}],
    ['http-error', 'overloaded', {}],
  ];
  for (const [verdict, server, opts] of cases) {
    it(`${verdict} (${server})`, async () => {
      const d = await verdictOf(server, opts);
      expect(d.verdict).toBe(verdict);
      expect(d.severity).toBe(
        verdict === 'ok' ? 'ok' : verdict === 'forbidden' || verdict === 'version-skew' ? 'warn' : 'fail',
      );
      if (verdict !== 'ok') expect(d.remedy, d.summary).toBeTruthy();
    });
  }

  it('a connection reset during the handshake is an http-error naming the reset', async () => {
    const d = await verdictOf('reset');
    expect(d.verdict).toBe('http-error');
    expect(d.step).toBe('tls');
    expect(d.summary).toMatch(/ECONNRESET|socket hang up|disconnected/);
  });

  it('tunnel-down names the tunnel and says to restart cloudflared', async () => {
    const d = await verdictOf('refused', { cloudflare: { tunnelHealth: 'inactive' } });
    expect(d.verdict).toBe('tunnel-down');
    expect(d.summary).toContain('tunnel "tunnel-refused" as inactive');
    expect(d.remedy).toContain('restart cloudflared for tunnel "tunnel-refused"');
  });

  it('discovery’s tunnel state decides: down since a time names it; degraded is a note', async () => {
    const server = farm.server('refused');
    const ladder = await probeCluster(targetFor(server), env(), { stepTimeoutMs: 800 });
    const tunnel = { id: 't-1', name: 'k8s-refused', connections: 0, colos: [] };
    const down = diagnose(ladder, {
      ...entryFor(server),
      tunnel: { ...tunnel, status: 'down', since: '2025-01-15T09:30:00.000Z' },
    });
    expect(down.verdict).toBe('tunnel-down');
    expect(down.remedy).toContain(
      `For the cluster's owners: the cloudflared connectors of tunnel "k8s-refused" have had no connection since 2025-01-15T09:30:00.000Z`,
    );
    const degraded = diagnose(ladder, {
      ...entryFor(server),
      tunnel: { ...tunnel, status: 'degraded', connections: 1 },
    });
    expect(degraded.verdict).toBe('tcp-refused');
    expect(degraded.notes.join(' ')).toContain('tunnel "k8s-refused" as degraded');
  });

  it('WARP in another virtual network: wrong-virtual-network, and no connection reaches the server', async () => {
    const server = farm.server('healthy');
    const before = server.stats().connections;
    const warp = {
      ...fixedWarp('connected'),
      state: async () => ({
        state: 'connected' as const,
        gatewayOn: false,
        virtualNetworks: {
          active: 'vnet-b',
          format: 'json' as const,
          list: [
            { id: 'vnet-a', name: 'net-a', description: '', default: true },
            { id: 'vnet-b', name: 'net-b', description: '', default: false },
          ],
        },
      }),
    };
    const ladder = await probeCluster(
      targetFor(server, { virtualNetwork: { id: 'vnet-a', name: 'net-a' } }),
      env({ warp }),
      { stepTimeoutMs: 800 },
    );
    const d = diagnose(ladder, entryFor(server));
    expect(d).toMatchObject({ verdict: 'wrong-virtual-network', step: 'vnet', remedy: 'kubezt use healthy' });
    expect(server.stats().connections).toBe(before);
  });

  it('a down tunnel does not explain a certificate problem', async () => {
    const d = await verdictOf('rogue', { cloudflare: { tunnelHealth: 'down' } });
    expect(d.verdict).toBe('tls-untrusted');
  });

  it('interception despite a Do Not Inspect rule points at the rule order', async () => {
    const d = await verdictOf('gateway', { cloudflare: { doNotInspect: true } });
    expect(d.remedy).toContain('precedence');
    const without = await verdictOf('gateway', { cloudflare: { doNotInspect: false } });
    expect(without.remedy).toContain('Do Not Inspect action for');
    expect(without.notes.join(' ')).toContain('no enabled Do Not Inspect rule');
  });

  it('a healthy cluster with a stale "down" tunnel report is ok, with a note', async () => {
    const d = await verdictOf('healthy', { cloudflare: { tunnelHealth: 'down' } });
    expect(d.verdict).toBe('ok');
    expect(d.summary).toBe('Reachable (Kubernetes v1.32.3); signed in as admin.');
    expect(d.notes.join(' ')).toContain('may be stale');
  });
});
