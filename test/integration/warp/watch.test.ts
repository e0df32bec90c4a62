import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type WarpWatcher, watchWarp } from '../../../main/core/warp/index.ts';
import { type FakeWarp, startFakeWarp } from '../../../sim/warp/index.ts';
import { envFor, eventRecorder, fakeProcesses } from './helpers.ts';

let dir: string;
let fake: FakeWarp;
let watcher: WarpWatcher | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubezt-warp-watch-'));
  fake = await startFakeWarp({ dir, state: {} });
});

afterEach(async () => {
  await watcher?.stop();
  watcher = undefined;
});

afterAll(async () => {
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('watchWarp on the fake', () => {
  it('follows `warp-cli -l status`: emits when the fake flips, and kills the listener on stop', async () => {
    fake.setState({ format: 'current', status: 'Connected', fault: 'none', hang: false });
    const events = eventRecorder();
    // Polling far out of reach: any change seen here came through the listener.
    watcher = watchWarp(envFor(fake), {
      onChange: events.onChange,
      debounceMs: 50,
      pollMs: 600_000,
      maxPollMs: 600_000,
    });
    await events.next((s) => s.state === 'connected');
    expect(watcher.mode()).toBe('listen');

    fake.setState({ status: 'Disconnected' });
    const down = await events.next((s) => s.state === 'disconnected');
    expect(down.reason).toBe('Manual');

    fake.setState({ status: 'Connected' });
    await events.next((s) => s.state === 'connected' && events.seen.indexOf(s) > 1);
    expect(events.seen.map((s) => s.state)).toEqual(['connected', 'disconnected', 'connected']);

    fake.setState({ fault: 'daemon-down' });
    const dead = await events.next((s) => s.reason?.includes('warp-svc') === true);
    expect(dead.state).toBe('disconnected');

    await watcher.stop();
    expect(fakeProcesses(fake)).toEqual([]);
  });

  it('a client without listen mode (2021): falls back to polling and still notices the change', async () => {
    fake.setState({ format: '2021', status: 'Connected', fault: 'none', hang: false });
    const events = eventRecorder();
    watcher = watchWarp(envFor(fake), { onChange: events.onChange, debounceMs: 20, pollMs: 100, maxPollMs: 400 });
    await events.next((s) => s.state === 'connected');
    fake.setState({ status: 'Disconnected' });
    const down = await events.next((s) => s.state === 'disconnected');
    expect(down.reason).toBe('Manual Disconnection');
    expect(watcher.mode()).toBe('poll');
  });
});
