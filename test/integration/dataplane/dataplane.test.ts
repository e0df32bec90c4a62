import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { switchVirtualNetwork } from '../../../main/core/warp/index.ts';
import { type DataPlane, startDataPlane } from '../../../sim/dataplane/index.ts';
import { effectiveStatus, type FakeWarp, startFakeWarp } from '../../../sim/warp/index.ts';

/** A TCP server that greets every connection with its name: which cluster answered. */
async function banner(name: string): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.end(`${name}\n`);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  return { server, port: (server.address() as net.AddressInfo).port };
}

/** Connects, and resolves with what the far end said, or with the error code. */
function dial(ip: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: ip, port });
    let got = '';
    s.setEncoding('utf8');
    s.on('data', (d) => {
      got += d;
    });
    s.on('end', () => resolve(got.trim()));
    s.on('error', (e: NodeJS.ErrnoException) => resolve(`error:${e.code}`));
  });
}

const SHARED_IP = '127.0.77.1';
const PROD = '11111111-1111-4111-8111-111111111111';
const STAGING = '22222222-2222-4222-8222-222222222222';

describe('the fake data plane, with real sockets', () => {
  let a: Awaited<ReturnType<typeof banner>>;
  let b: Awaited<ReturnType<typeof banner>>;
  let plane: DataPlane;
  let active: string | null = PROD;
  let up = true;
  beforeAll(async () => {
    [a, b] = await Promise.all([banner('cluster-prod'), banner('cluster-staging')]);
    plane = await startDataPlane({
      routes: [
        { vnetId: PROD, ip: SHARED_IP, port: 0, upstream: { host: '127.0.0.1', port: a.port } },
        { vnetId: STAGING, ip: SHARED_IP, port: 0, upstream: { host: '127.0.0.1', port: b.port } },
        { vnetId: STAGING, ip: '127.0.77.2', port: 0, upstream: { host: '127.0.0.1', port: b.port } },
      ],
      activeVnet: () => active,
      connected: () => up,
    });
  });
  afterAll(async () => {
    await plane?.close();
    a?.server.close();
    b?.server.close();
  });

  it('sends the shared IP to the cluster of the active network, and follows a switch', async () => {
    const port = plane.portOf(SHARED_IP, 0);
    expect(await dial(SHARED_IP, port)).toBe('cluster-prod');
    active = STAGING;
    expect(await dial(SHARED_IP, port)).toBe('cluster-staging');
    active = PROD;
    expect(await dial(SHARED_IP, port)).toBe('cluster-prod');
  });

  it('an IP routed only in another network is refused, as is everything while WARP is down', async () => {
    active = PROD;
    expect(await dial('127.0.77.2', plane.portOf('127.0.77.2', 0))).toBe('error:ECONNRESET');
    up = false;
    expect(await dial(SHARED_IP, plane.portOf(SHARED_IP, 0))).toBe('error:ECONNRESET');
    up = true;
    const last = plane.connections().at(-1);
    expect(last).toMatchObject({ ip: SHARED_IP, vnetId: PROD, upstream: null });
  });

  it('refuses to bind anything but loopback', async () => {
    await expect(
      startDataPlane({
        routes: [{ vnetId: PROD, ip: '10.1.2.3', port: 6443, upstream: { host: '127.0.0.1', port: 1 } }],
        activeVnet: () => PROD,
      }),
    ).rejects.toThrow('the fake data plane binds loopback addresses only, not 10.1.2.3');
  });
});

describe('the data plane follows the fake WARP: `warp-cli vnet` changes which server answers', () => {
  let dir: string;
  let fake: FakeWarp;
  let plane: DataPlane;
  let servers: net.Server[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubezt-dataplane-'));
    fake = await startFakeWarp({
      dir,
      state: {
        virtualNetworks: [
          { id: PROD, name: 'prod-vnet', default: true },
          { id: STAGING, name: 'staging-vnet' },
        ],
        activeVnetId: PROD,
        switchDelayMs: 100,
      },
    });
    const [p, s] = await Promise.all([banner('cluster-prod'), banner('cluster-staging')]);
    servers = [p.server, s.server];
    plane = await startDataPlane({
      routes: [
        { vnetId: PROD, ip: SHARED_IP, port: 0, upstream: { host: '127.0.0.1', port: p.port } },
        { vnetId: STAGING, ip: SHARED_IP, port: 0, upstream: { host: '127.0.0.1', port: s.port } },
      ],
      activeVnet: () => fake.activeVnetId(),
      // While a switch settles the client says Connecting, and carries nothing.
      connected: () => effectiveStatus(fake.state(), Date.now()) === 'Connected',
    });
  });
  afterAll(async () => {
    await plane?.close();
    for (const s of servers) s.close();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('switching with switchVirtualNetwork sends the same IP:port to the other cluster', async () => {
    const port = plane.portOf(SHARED_IP, 0);
    expect(await dial(SHARED_IP, port)).toBe('cluster-prod');
    const env = {
      runner: nodeProcessRunner,
      warpCliPath: fake.warpCliPath,
      childEnv: { ...process.env, ...fake.env },
      timeoutMs: 15_000,
    };
    const r = await switchVirtualNetwork({ env, id: 'staging-vnet' });
    expect(r.switched).toBe(true);
    expect(await dial(SHARED_IP, port)).toBe('cluster-staging');
  });
});
