import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFleet, type ProbeResult, streamFleet } from '../../../main/core/probe/index.ts';
import { type ApiServerFarm, type FakeServerSpec, startApiServerFarm } from '../../../sim/apiserver/index.ts';
import { env, fixedWarp, stepOf, targetFor } from './helpers.ts';

let farm: ApiServerFarm;

beforeAll(async () => {
  const servers: FakeServerSpec[] = Array.from({ length: 12 }, (_, i) => ({ name: `c${i}` }));
  servers.push({ name: 'down', fault: 'refuse' }, { name: 'hung', fault: 'no-tls' });
  farm = await startApiServerFarm({ servers });
});

afterAll(async () => {
  await farm?.close();
});

describe('fleet check', () => {
  it('checks every cluster with bounded concurrency and streams results as they finish', async () => {
    const targets = farm.servers.map((s) => targetFor(s));
    let inFlight = 0;
    let maxInFlight = 0;
    const streamed: string[] = [];
    const results = await checkFleet(targets, {
      env: env(),
      concurrency: 3,
      stepTimeoutMs: 1_000,
      onStep: (_t, step) => {
        if (step.step === 'warp') maxInFlight = Math.max(maxInFlight, ++inFlight);
      },
      onResult: (r) => {
        inFlight--;
        streamed.push(r.name);
      },
    });
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(results.map((r) => r.name)).toEqual(targets.map((t) => t.name));
    expect(new Set(streamed)).toEqual(new Set(targets.map((t) => t.name)));
    const byName = new Map(results.map((r) => [r.name, r]));
    expect(stepOf(byName.get('down') as ProbeResult, 'tcp').reason).toBe('refused');
    expect(stepOf(byName.get('hung') as ProbeResult, 'tls').reason).toBe('tls-timeout');
    expect(results.filter((r) => r.ok)).toHaveLength(12);
  });

  it('asks WARP for its state once per fleet, and for each cluster route', async () => {
    let stateCalls = 0;
    const warp = fixedWarp('connected');
    const counting = {
      ...warp,
      state: () => {
        stateCalls++;
        return warp.state();
      },
    };
    const targets = farm.servers.slice(0, 5).map((s) => targetFor(s));
    let kubectlCalls = 0;
    const results = await checkFleet(targets, {
      env: env({
        warp: counting,
        kubectlClient: async () => {
          kubectlCalls++;
          return { gitVersion: 'v1.31.0', major: 1, minor: 31 };
        },
      }),
    });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(stateCalls).toBe(1);
    expect(kubectlCalls).toBe(1);
    expect(warp.routeCalls.sort()).toEqual(targets.map((t) => new URL(t.server).hostname).sort());
  });

  it('is an async iterator too', async () => {
    const targets = farm.servers.slice(0, 4).map((s) => targetFor(s));
    const seen: string[] = [];
    for await (const r of streamFleet(targets, { env: env(), concurrency: 2 })) seen.push(r.name);
    expect(seen.sort()).toEqual(targets.map((t) => t.name).sort());
  });

  it('stops starting ladders once aborted', async () => {
    const controller = new AbortController();
    const targets = farm.servers.slice(0, 10).map((s) => targetFor(s));
    const results: ProbeResult[] = [];
    for await (const r of streamFleet(targets, { env: env(), concurrency: 1, signal: controller.signal })) {
      results.push(r);
      controller.abort();
    }
    // The ladder started as the first ended may still report (cut short); no other starts.
    expect(results.length).toBeLessThanOrEqual(2);
    expect(results[0]?.ok).toBe(true);
  });
});
