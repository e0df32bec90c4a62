import { describe, expect, it } from 'vitest';
import { WarpStateSchema } from '../../../ipc/contract.ts';
import type { WarpView as ProbeWarpView } from '../../../main/core/probe/index.ts';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { combineSignals, createWarpView, toWarpStateView, type WarpEnv } from '../../../main/core/warp/index.ts';

describe('adapters', () => {
  it("createWarpView has exactly the probe engine's WarpView shape", () => {
    const env: WarpEnv = {
      platform: 'linux',
      runner: nodeProcessRunner,
      fetch,
      warpCliPath: '/nonexistent/warp-cli',
      traceUrl: null,
      networkInterfaces: () => ({}),
    };
    // Compile-time: assignable to the probe's interface.
    const view: ProbeWarpView = createWarpView(env);
    expect(typeof view.state).toBe('function');
    expect(typeof view.routeFor).toBe('function');
  });

  it("toWarpStateView validates against the IPC contract's WarpState", () => {
    const state = combineSignals(
      {
        source: 'warp-cli',
        status: 'disconnected',
        detail: `warp-cli status says Disconnected (${'x'.repeat(5_000)}).`,
        reason: 'Manual Disconnection',
        args: ['status'],
        format: 'text',
        daemonDown: false,
        timedOut: false,
        exitCode: 0,
        raw: 'Status update: Disconnected',
      },
      {
        source: 'interface',
        status: 'disconnected',
        detail: 'The CloudflareWARP interface is not up.',
        name: 'CloudflareWARP',
        present: false,
        addresses: [],
      },
      null,
      new Date('2025-05-06T07:08:09Z'),
    );
    const view = WarpStateSchema.parse(toWarpStateView(state));
    expect(view.status).toBe('disconnected');
    expect(view.reason).toBe('Manual Disconnection');
    expect(view.signals.map((s) => s.source)).toEqual(['warp-cli', 'interface']);
    expect(view.updatedAt).toBe('2025-05-06T07:08:09.000Z');
  });
});
