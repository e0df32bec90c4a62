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

  it('carries the client profile into the view, and it validates against the contract', () => {
    const base = combineSignals(
      {
        source: 'warp-cli',
        status: 'connected',
        detail: 'warp-cli -j status says Connected.',
        reason: null,
        args: ['-j', 'status'],
        format: 'json',
        daemonDown: false,
        timedOut: false,
        exitCode: 0,
        raw: '{"status":"Connected"}',
      },
      { source: 'interface', status: 'connected', detail: 'up', name: 'lo', present: true, addresses: [] },
      null,
      new Date('2025-05-06T07:08:09Z'),
    );
    const view = WarpStateSchema.parse(
      toWarpStateView({
        ...base,
        mode: {
          raw: 'WarpProxy on port 40000',
          kind: 'proxy',
          label: 'Local proxy mode',
          privateRouting: false,
          proxyPort: 40000,
          managed: false,
          origin: 'user set',
        },
        privateRouting: false,
        organization: 'acme-corp',
        splitTunnel: {
          mode: 'include',
          entries: [{ value: '10.20.0.0/16', kind: 'cidr' }],
          source: '-j settings',
          managed: true,
        },
        virtualNetworks: {
          active: 'b',
          list: [
            { id: 'a', name: 'prod', description: '', default: true },
            { id: 'b', name: 'staging', description: 'x', default: false },
          ],
          format: 'json',
        },
      }),
    );
    expect(view.mode).toEqual({
      raw: 'WarpProxy on port 40000',
      kind: 'proxy',
      label: 'Local proxy mode',
      privateRouting: false,
      managed: false,
    });
    expect(view.privateRouting).toBe(false);
    expect(view.organization).toBe('acme-corp');
    expect(view.splitTunnel).toEqual({ mode: 'include', entries: ['10.20.0.0/16'], managed: true });
    expect(view.virtualNetworks).toEqual({
      active: 'b',
      list: [
        { id: 'a', name: 'prod', default: true, active: false },
        { id: 'b', name: 'staging', default: false, active: true },
      ],
    });
    // A detection without a profile read leaves the fields out.
    expect(toWarpStateView(base)).not.toHaveProperty('mode');
  });
});
