/**
 * The app's core against the simulator: a client-profile verdict reaches the app's results (IPC
 * contract) as the other verdicts do, and every background refresh draws on one Cloudflare request
 * budget for the app's lifetime.
 */
import { describe, expect, it } from 'vitest';
import { ProbeResultSchema } from '../../../ipc/contract.ts';
import { appWorldPerTest } from './world.ts';

const open = appWorldPerTest();

const ALL = ['prod-us', 'prod-eu', 'staging', 'dev'];

describe('client-profile verdicts in the app', () => {
  it('WARP in DNS only mode: warp-mode-unsupported on the warp step, in check and diagnose alike', async () => {
    const w = await open();
    await w.core.applySetup(
      { sources: { cloudflare: true, catalogPath: w.sim.catalogPath }, selected: ALL, trust: [] },
      () => {},
    );
    w.sim.warp.setState({ operationMode: 'DnsOverHttps' });
    const [prod] = await w.core.check(['prod-us'], () => {});
    expect(ProbeResultSchema.parse(prod)).toEqual(prod);
    expect(prod).toMatchObject({ cluster: 'prod-us', verdict: 'warp-mode-unsupported', failingStep: 'warp' });
    expect(prod?.remedy).toContain('"Traffic and DNS mode" or "Traffic only mode"');
    expect(prod?.steps.map((s) => s.name)).toEqual(['warp', 'vnet', 'route', 'tcp', 'tls', 'version', 'auth']);
    expect(prod?.steps.find((s) => s.name === 'warp')).toMatchObject({
      status: 'fail',
      code: 'warp-mode-unsupported',
    });
    const report = await w.core.diagnose(['prod-us'], () => {});
    expect(report.results[0]?.verdict).toBe('warp-mode-unsupported');
    expect(report.warp.mode).toMatchObject({ kind: 'dns-only', privateRouting: false });
  });
});

describe('the background refresh and Cloudflare’s request budget', () => {
  it('one budget for the app’s lifetime: a 429 in one refresh makes the next one wait for it', async () => {
    // The adapter's clock, moved by hand: the budget refills only when the test says so.
    let t = Date.parse('2026-03-02T09:00:00Z');
    const w = await open({ context: { now: () => new Date(t) } });
    // Cloudflare says 429 for an hour: more than kubezt waits, so the refresh ends at once.
    w.sim.cloudflare.setFaults([{ status: 429, retryAfter: 3600 }]);
    await w.core.refresh(() => {}).catch(() => undefined);
    expect(w.sim.cloudflare.requests.some((r) => r.status === 429)).toBe(true);

    w.sim.cloudflare.setFaults([]);
    const progress: string[] = [];
    const fleet = await w.core.refresh((p) => {
      progress.push(p.message);
      // Once the wait is announced, five minutes pass: the budget is whole again.
      if (/Keeping under Cloudflare's rate limit: waiting/.test(p.message)) t += 5 * 60_000;
    });
    // Cloudflare did not refuse anything this time; only kubezt's own budget, drained by the
    // 429 of the refresh before, made this one wait.
    expect(progress.some((m) => /Keeping under Cloudflare's rate limit: waiting/.test(m))).toBe(true);
    expect(fleet.clusters.map((c) => c.name)).toEqual(ALL);
  });
});
