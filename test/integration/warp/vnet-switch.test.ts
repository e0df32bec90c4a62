import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isUserError } from '../../../main/core/errors.ts';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import {
  detectWarp,
  nodeLineStreamer,
  parseListenLine,
  readClientProfile,
  type SwitchClock,
  switchVirtualNetwork,
  type WarpStatus,
} from '../../../main/core/warp/index.ts';
import { type FakeWarp, type FakeWarpState, planCall, startFakeWarp } from '../../../sim/warp/index.ts';
import { envFor } from './helpers.ts';

const PROD = '11111111-1111-4111-8111-111111111111';
const STAGING = '22222222-2222-4222-8222-222222222222';
const NETWORKS: FakeWarpState['virtualNetworks'] = [
  { id: PROD, name: 'prod-vnet', description: 'Production', default: true },
  { id: STAGING, name: 'staging-vnet', description: 'Staging' },
];

/** Virtual time: sleep returns at once and moves the clock, so a bounded wait needs no real waiting. */
function virtualClock(): SwitchClock & { sleeps: number } {
  let t = 0;
  const clock = {
    sleeps: 0,
    now: () => t,
    async sleep(ms: number) {
      clock.sleeps++;
      t += ms;
    },
  };
  return clock;
}

let dir: string;
let fake: FakeWarp;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubezt-vnet-'));
  fake = await startFakeWarp({ dir });
});
afterAll(async () => {
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  fake.setState({
    status: 'Connected',
    format: 'current',
    fault: 'none',
    hang: false,
    virtualNetworks: NETWORKS,
    activeVnetId: PROD,
    vnetFault: 'none',
    switchDelayMs: 300,
    connectingUntil: 0,
    operationMode: 'WarpWithDnsOverHttps',
    organization: 'acme-corp',
    mode: 'include',
    include: ['10.20.0.0/16 (clusters)'],
    managed: { mode: true, splitTunnel: true },
  });
});

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('the fake WARP client profile, read through the real warp-cli child', () => {
  it('reads mode, split tunnel, organization and virtual networks from -j answers', async () => {
    const p = await readClientProfile(envFor(fake));
    expect(p.mode).toMatchObject({ kind: 'traffic-and-dns', privateRouting: true, managed: true });
    expect(p.splitTunnel).toMatchObject({ mode: 'include', managed: true, source: '-j settings' });
    expect(p.splitTunnel?.entries).toEqual([{ value: '10.20.0.0/16', kind: 'cidr', description: 'clusters' }]);
    expect(p.organization).toBe('acme-corp');
    expect(p.virtualNetworks).toMatchObject({ active: PROD, format: 'json' });
    expect(p.virtualNetworks?.list.map((n) => n.name)).toEqual(['prod-vnet', 'staging-vnet']);
  });

  it('a 2023 client (no -j) answers in text: same profile', async () => {
    fake.setState({ format: '2023', operationMode: 'WarpProxy', proxyPort: 40001, managed: { mode: false } });
    const p = await readClientProfile(envFor(fake));
    expect(p.mode).toMatchObject({ kind: 'proxy', proxyPort: 40001, privateRouting: false, managed: null });
    expect(p.splitTunnel?.mode).toBe('include');
    expect(p.organization).toBe('acme-corp');
    expect(p.virtualNetworks).toMatchObject({ active: PROD, format: 'text' });
  });

  it('a DoH-only client is connected but routes no private IPs', async () => {
    fake.setState({ operationMode: 'DnsOverHttps' });
    const d = await detectWarp(envFor(fake, { traceUrl: null }));
    expect(d.state).toBe('connected');
    expect(d.mode?.label).toBe('DNS only mode');
    expect(d.privateRouting).toBe(false);
  });

  it('switching reports Connecting, then Connected once the delay has passed', () => {
    const state = { ...fake.state(), activeVnetId: PROD };
    const plan = planCall(['vnet', STAGING], state, 1_000);
    expect(plan.kind === 'output' && plan.write).toEqual({ activeVnetId: STAGING, connectingUntil: 1_300 });
    const after = { ...state, ...(plan.kind === 'output' ? plan.write : {}) };
    const statusAt = (now: number) => {
      const p = planCall(['-j', 'status'], after, now);
      return p.kind === 'output' ? JSON.parse(p.output.stdout).status : null;
    };
    expect(statusAt(1_100)).toBe('Connecting');
    expect(statusAt(1_300)).toBe('Connected');
  });
});

describe('switchVirtualNetwork against the fake warp-cli', () => {
  it('selects the network by id and waits until WARP is connected on it', async () => {
    const clock = virtualClock();
    const r = await switchVirtualNetwork({ env: envFor(fake), id: STAGING, clock });
    expect(r).toMatchObject({ switched: true, previous: PROD, network: { id: STAGING, name: 'staging-vnet' } });
    expect(r.observed.at(-1)).toBe('connected');
    expect(fake.activeVnetId()).toBe(STAGING);
  });

  it('accepts a name and does nothing when it is already selected', async () => {
    const r = await switchVirtualNetwork({ env: envFor(fake), id: 'prod-vnet', clock: virtualClock() });
    expect(r).toMatchObject({ switched: false, network: { id: PROD } });
  });

  it('an unknown network is refused with the choices, and nothing changes', async () => {
    const e = await rejection(switchVirtualNetwork({ env: envFor(fake), id: 'qa', clock: virtualClock() }));
    expect(isUserError(e)).toBe(true);
    expect(e.message).toBe('WARP has no virtual network "qa"; its networks are: prod-vnet, staging-vnet.');
    expect(fake.activeVnetId()).toBe(PROD);
  });

  it('a refused switch is one sentence naming the network and the client error', async () => {
    fake.setState({ vnetFault: 'refuse' });
    const e = await rejection(switchVirtualNetwork({ env: envFor(fake), id: STAGING, clock: virtualClock() }));
    expect(isUserError(e) && e.code).toBe('warp-switch-failed');
    expect(e.message).toMatch(
      /^warp-cli could not select virtual network "staging-vnet" \(2{8}-.*\): Error: Failed to set/,
    );
    expect(e.message).not.toMatch(/\n/);
    expect(fake.activeVnetId()).toBe(PROD);
  });

  it('a switch that never reconnects gives up at the deadline', async () => {
    fake.setState({ vnetFault: 'stuck' });
    const clock = virtualClock();
    const e = await rejection(
      switchVirtualNetwork({ env: envFor(fake), id: STAGING, clock, deadlineMs: 1_000, pollMs: 250 }),
    );
    expect(e.message).toBe(
      `WARP did not report connected to virtual network "staging-vnet" (${STAGING}) within 1 s (it says connecting): check the WARP client, then retry.`,
    );
    expect(clock.sleeps).toBe(4);
  });

  it('a disconnected client is refused before anything is run', async () => {
    fake.setState({ status: 'Disconnected' });
    const e = await rejection(switchVirtualNetwork({ env: envFor(fake), id: STAGING, clock: virtualClock() }));
    expect(e.message).toBe('WARP is disconnected (Manual): connect it (warp-cli connect), then retry.');
    expect(fake.activeVnetId()).toBe(PROD);
  });
});

describe('warp-cli -l status across a switch', () => {
  it('streams Connecting, then Connected, and each line parses', async () => {
    // Long enough that a listener tick delayed by a busy machine still sees Connecting.
    fake.setState({ switchDelayMs: 1_500 });
    const seen: WarpStatus[] = [];
    const waiters: { want: WarpStatus; from: number; resolve: () => void }[] = [];
    const notify = () => {
      for (const w of [...waiters]) {
        if (seen.slice(w.from).includes(w.want)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    };
    const next = (want: WarpStatus, from: number) =>
      new Promise<void>((resolve) => {
        waiters.push({ want, from, resolve });
        notify();
      });
    const handle = nodeLineStreamer.start(
      fake.warpCliPath,
      ['-j', '-l', 'status'],
      {
        onLine(line) {
          const r = parseListenLine(line);
          if (r) {
            seen.push(r.state);
            notify();
          }
        },
        onExit() {},
      },
      { env: { ...process.env, ...fake.env } },
    );
    try {
      await next('connected', 0);
      const mark = seen.length;
      const r = await nodeProcessRunner.run(fake.warpCliPath, ['vnet', STAGING], { timeoutMs: 15_000 });
      expect(r.stdout).toBe('Success\n');
      await next('connecting', mark);
      const connectingAt = seen.indexOf('connecting', mark);
      await next('connected', connectingAt);
      expect(seen.slice(mark)).toEqual(['connecting', 'connected']);
    } finally {
      await handle.stop();
    }
  });
});
