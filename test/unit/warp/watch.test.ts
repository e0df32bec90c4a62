import { describe, expect, it } from 'vitest';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import type { LineStreamer, Timers, WarpDetection, WarpEnv, WarpStatus } from '../../../main/core/warp/index.ts';
import { watchWarp } from '../../../main/core/warp/index.ts';

/** Timers that fire only when the test says so. */
function manualTimers() {
  let next = 0;
  const pending = new Map<number, { fn: () => void; ms: number }>();
  const timers: Timers = {
    setTimeout(fn, ms) {
      pending.set(++next, { fn, ms });
      return next;
    },
    clearTimeout(h) {
      pending.delete(h as number);
    },
  };
  return {
    timers,
    delays: () => [...pending.values()].map((p) => p.ms).sort((a, b) => a - b),
    /** Fires the pending timers with this delay. */
    fire(ms: number) {
      const due = [...pending].filter(([, p]) => p.ms === ms);
      expect(
        due.length,
        `a timer of ${ms} ms is pending (have ${[...pending.values()].map((p) => p.ms)})`,
      ).toBeGreaterThan(0);
      for (const [id, p] of due) {
        pending.delete(id);
        p.fn();
      }
    },
  };
}

/** Lets pending promise callbacks run (no clock involved). */
const settle = () => new Promise<void>((r) => setImmediate(r));

function fakeStreamer() {
  const children: { args: readonly string[]; stopped: boolean; line(l: string): void; exit(): void }[] = [];
  const streamer: LineStreamer = {
    start(_command, args, handlers) {
      const child = {
        args,
        stopped: false,
        line: (l: string) => handlers.onLine(l, 'stdout'),
        exit: () => handlers.onExit(0),
      };
      children.push(child);
      return {
        stop() {
          child.stopped = true;
        },
      };
    },
  };
  return { streamer, children };
}

function scriptedDetect(initial: WarpStatus) {
  let current = initial;
  let calls = 0;
  return {
    set(s: WarpStatus) {
      current = s;
    },
    calls: () => calls,
    detect: async (): Promise<WarpDetection> => {
      calls++;
      return {
        state: current,
        gatewayOn: null,
        reason: null,
        decidedBy: 'warp-cli',
        signals: [],
        checkedAt: new Date(0).toISOString(),
      };
    },
  };
}

const env = (streamer?: LineStreamer): WarpEnv => ({
  platform: 'linux',
  runner: nodeProcessRunner,
  fetch,
  warpCliPath: '/opt/fake/warp-cli',
  traceUrl: null,
  networkInterfaces: () => ({}),
  ...(streamer ? { streamer } : {}),
});

describe('watchWarp (driven by manual timers)', () => {
  it('listens with `warp-cli -l status`, debounces flapping into one check, emits only changes', async () => {
    const t = manualTimers();
    const s = fakeStreamer();
    const d = scriptedDetect('connected');
    const events: WarpStatus[] = [];
    const w = watchWarp(env(s.streamer), {
      onChange: (x) => events.push(x.state),
      timers: t.timers,
      detect: d.detect,
      debounceMs: 50,
      maxPollMs: 60_000,
    });
    await settle();
    expect(events).toEqual(['connected']);
    expect(w.mode()).toBe('listen');
    expect(s.children[0]?.args).toEqual(['-l', 'status']);

    // Flapping: three updates inside the debounce window, settling back on Connected.
    s.children[0]?.line('Status update: Disconnected');
    s.children[0]?.line('DNS query: example.com'); // not a status line
    s.children[0]?.line('Status update: Connecting');
    s.children[0]?.line('Status update: Connected');
    expect(t.delays().filter((ms) => ms === 50)).toHaveLength(1);
    t.fire(50);
    await settle();
    expect(d.calls()).toBe(2);
    expect(events).toEqual(['connected']);

    d.set('disconnected');
    s.children[0]?.line('Status update: Disconnected');
    t.fire(50);
    await settle();
    expect(events).toEqual(['connected', 'disconnected']);
    expect(w.current()?.state).toBe('disconnected');

    w.stop();
    expect(s.children[0]?.stopped).toBe(true);
    expect(t.delays()).toEqual([]);
    expect(w.mode()).toBe('stopped');
  });

  it('falls back to polling with backoff when -l never streams a status, and resets on change', async () => {
    const t = manualTimers();
    const s = fakeStreamer();
    const d = scriptedDetect('disconnected');
    const events: WarpStatus[] = [];
    const w = watchWarp(env(s.streamer), {
      onChange: (x) => events.push(x.state),
      timers: t.timers,
      detect: d.detect,
      debounceMs: 10,
      pollMs: 100,
      maxPollMs: 400,
    });
    await settle();
    s.children[0]?.exit(); // e.g. "error: unexpected argument '-l' found"
    expect(w.mode()).toBe('poll');
    expect(t.delays()).toContain(100);
    t.fire(10); // the re-check the exit asked for
    t.fire(100);
    await settle();
    expect(t.delays()).toEqual([200]);
    t.fire(200);
    await settle();
    expect(t.delays()).toEqual([400]);
    t.fire(400);
    await settle();
    expect(t.delays()).toEqual([400]); // capped
    d.set('connected');
    t.fire(400);
    await settle();
    expect(events).toEqual(['disconnected', 'connected']);
    expect(t.delays()).toEqual([100]); // back to the base interval after a change
    expect(s.children).toHaveLength(1); // listening never worked: not retried
    w.stop();
  });

  it('restarts a listener that worked and then died, with growing delays, then gives up for polling', async () => {
    const t = manualTimers();
    const s = fakeStreamer();
    const d = scriptedDetect('connected');
    const w = watchWarp(env(s.streamer), {
      onChange: () => {},
      timers: t.timers,
      detect: d.detect,
      debounceMs: 5,
      pollMs: 1_000,
      maxPollMs: 60_000,
    });
    await settle();
    s.children[0]?.line('Status update: Connected');
    s.children[0]?.exit(); // daemon restarted
    expect(t.delays()).toContain(1_000);
    t.fire(1_000);
    expect(s.children).toHaveLength(2);
    expect(w.mode()).toBe('listen');
    // Now it keeps dying without a live status (daemon down prints its error, then exits):
    // 2 s, 4 s, 8 s, 16 s between attempts, then polling.
    for (const [i, delay] of [2_000, 4_000, 8_000, 16_000].entries()) {
      s.children[i + 1]?.line('Unable to connect to CloudflareWARP daemon. Maybe the daemon is not running?');
      s.children[i + 1]?.exit();
      t.fire(delay);
    }
    expect(s.children).toHaveLength(6);
    s.children[5]?.exit();
    expect(w.mode()).toBe('poll');
    w.stop();
  });

  it('without a streamer it polls from the start; a throwing detector becomes an unknown state', async () => {
    const t = manualTimers();
    const events: WarpDetection[] = [];
    const w = watchWarp(env(), {
      onChange: (x) => events.push(x),
      timers: t.timers,
      detect: async () => {
        throw new Error('boom');
      },
      pollMs: 100,
    });
    await settle();
    expect(w.mode()).toBe('poll');
    expect(events).toHaveLength(1);
    expect(events[0]?.state).toBe('unknown');
    expect(events[0]?.reason).toContain('boom');
    expect(t.delays()).toEqual([100]);
    w.stop();
  });

  it('a virtual-network switch is a change even when the state stays connected', async () => {
    const t = manualTimers();
    const s = fakeStreamer();
    let active = 'vnet-a';
    const events: (string | null | undefined)[] = [];
    const w = watchWarp(env(s.streamer), {
      onChange: (x) => events.push(x.virtualNetworks?.active),
      timers: t.timers,
      detect: async () => ({
        state: 'connected',
        gatewayOn: null,
        reason: null,
        decidedBy: 'warp-cli',
        signals: [],
        checkedAt: new Date(0).toISOString(),
        virtualNetworks: { active, list: [], format: 'json' },
      }),
      debounceMs: 50,
    });
    await settle();
    active = 'vnet-b';
    // The switch streams Connecting, then Connected: one debounced check.
    s.children[0]?.line('Status update: Connecting');
    s.children[0]?.line('Status update: Connected');
    t.fire(50);
    await settle();
    expect(events).toEqual(['vnet-a', 'vnet-b']);
    await w.stop();
  });
});
