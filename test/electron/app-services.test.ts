import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiscoveryProgress } from '../../ipc/contract.ts';
import type { DomainPort, Fleet } from '../../main/app/ports.ts';
import { type AppEvent, createAppServices, reportFileName } from '../../main/app/services.ts';
import { UserError } from '../../main/core/errors.ts';
import { recordingAppHost } from '../helpers/app-host.ts';
import { clusterView, createStandInDomain, probeResult, warpState } from './stand-in-domain.ts';

const TOKEN = 'cf-Zk3T9qYw7Rm2Lp8Vx4Nb6Hj1Gd5Sa0Ue';

let work: string;
beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'kubezt-services-'));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

function setup(override: (core: DomainPort) => Partial<DomainPort> = () => ({})) {
  const standIn = createStandInDomain(path.join(work, 'config'));
  const core = { ...standIn.core, ...override(standIn.core) } as DomainPort;
  const logs: string[] = [];
  const timers: number[] = [];
  let now = 1_000_000;
  const h = recordingAppHost();
  const services = createAppServices(core, h.host, {
    log: (m, e) => logs.push(`${m}${e instanceof Error ? ` ${e.message}` : ''}`),
    setTimer: (_fn, ms) => {
      timers.push(ms);
      return () => {};
    },
    now: () => new Date(now),
    newRunId: (() => {
      let n = 0;
      return () => `run-${++n}`;
    })(),
  });
  const events: AppEvent[] = [];
  services.onEvent((e) => events.push(e));
  return {
    standIn,
    services,
    logs,
    timers,
    events,
    notes: h.notes,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('request dispatch', () => {
  it('strips what the contract does not declare from answers (a token can never ride along)', async () => {
    const { services } = setup(() => ({
      loginStatus: async () => ({ loggedIn: true, accountId: 'acc1', source: 'keychain', token: TOKEN }) as never,
    }));
    const answer = await services.handle('getLoginStatus', undefined);
    expect(answer).toEqual({ ok: true, value: { loggedIn: true, accountId: 'acc1', source: 'keychain' } });
    expect(JSON.stringify(answer)).not.toContain(TOKEN);
  });

  it('redacts the token from errors and logs of a failed login', async () => {
    const { services, logs } = setup(() => ({
      login: async (token) => {
        throw new UserError('cloudflare-auth', `Cloudflare refused the token ${token}; create a new one.`);
      },
    }));
    const answer = await services.handle('login', { token: TOKEN });
    expect(answer).toEqual({
      ok: false,
      error: { code: 'cloudflare-auth', message: 'Cloudflare refused the token [redacted]; create a new one.' },
    });

    const bug = setup(() => ({
      login: async (token) => {
        throw new TypeError(`cannot read ${encodeURIComponent(token)}`);
      },
    }));
    const internal = await bug.services.handle('login', { token: TOKEN, accountId: 'acc1' });
    expect(internal).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(internal)).not.toContain(TOKEN);
    expect(bug.logs.join('\n')).toContain('internal error in login');
    expect(bug.logs.join('\n')).not.toContain(TOKEN);
  });

  it('answers a core result that breaks the contract with an internal error, never passing it on', async () => {
    const { services, logs } = setup(() => ({
      listClusters: async () =>
        ({
          clusters: [clusterView('Not Valid')],
          currentContext: null,
          fetchedAt: null,
          fromCache: false,
          warnings: [],
        }) as Fleet,
    }));
    expect(await services.handle('listClusters', undefined)).toEqual({
      ok: false,
      error: { code: 'internal', message: 'kubezt produced an invalid answer to listClusters; this is a bug.' },
    });
    expect(logs.some((l) => l.includes('does not match the contract'))).toBe(true);
  });

  it('rejects unknown requests', async () => {
    const { services } = setup();
    expect(await services.handle('deleteEverything', {})).toEqual({
      ok: false,
      error: { code: 'invalid-request', message: 'kubezt does not know that request.' },
    });
    expect(await services.handle('__proto__', {})).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('clears a setting with null and reports the settings file', async () => {
    const { services, standIn } = setup();
    // As chooseCatalogFile stores what main's dialog returned (the page cannot set a path).
    standIn.settings.update({ catalogPath: '/teams/catalog.yaml' });
    await services.call('setSettings', { refreshIntervalSec: 300 });
    expect(standIn.settings.read().catalogPath).toBe('/teams/catalog.yaml');
    const view = await services.call('setSettings', { catalogPath: null });
    expect(view.settings.catalogPath).toBeUndefined();
    expect(view.settings.refreshIntervalSec).toBe(300);
    expect(view.file).toBe(path.join(work, 'config', 'settings.json'));
  });

  it('turns exec plugins in background checks on and off (off by default), and takes only true or false', async () => {
    const { services, standIn } = setup();
    expect((await services.call('getSettings', undefined)).settings.backgroundExecPlugins).toBe(false);
    const on = await services.call('setSettings', { backgroundExecPlugins: true });
    expect(on.settings.backgroundExecPlugins).toBe(true);
    expect(standIn.settings.read().backgroundExecPlugins).toBe(true);
    expect(await services.handle('setSettings', { backgroundExecPlugins: 'yes' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    expect((await services.call('setSettings', { backgroundExecPlugins: false })).settings.backgroundExecPlugins).toBe(
      false,
    );
  });
});

describe('events and state', () => {
  it('streams probe results row by row with one run id and a countdown, and keeps the latest', async () => {
    const { services, standIn, events } = setup();
    standIn.state.clusters = [clusterView('a'), clusterView('b'), clusterView('c')];
    standIn.state.results.set('b', probeResult('b', 'unreachable'));
    await services.call('listClusters');
    const result = await services.call('check');
    // The answer is the run's counts: the results went out as events, and repeating all of them
    // would be one large message at the end of every check.
    expect(result).toEqual({ runId: 'run-1', checked: 3, counts: { reachable: 2, degraded: 0, unreachable: 1 } });
    const streamed = events.filter((e) => e.name === 'probeResult').map((e) => e.payload);
    expect(streamed.map((p) => [p.runId, p.origin, p.result.cluster, p.remaining])).toEqual([
      ['run-1', 'check', 'a', 2],
      ['run-1', 'check', 'b', 1],
      ['run-1', 'check', 'c', 0],
    ]);
    const list = await services.call('listClusters');
    expect(list.lastResults.map((r) => [r.cluster, r.reachability])).toEqual([
      ['a', 'reachable'],
      ['b', 'unreachable'],
      ['c', 'reachable'],
    ]);
    // A cluster that disappears takes its result with it.
    standIn.state.clusters = [clusterView('a')];
    expect((await services.call('listClusters')).lastResults.map((r) => r.cluster)).toEqual(['a']);
  });

  it('shares one discovery between concurrent refreshes and forwards its progress', async () => {
    let release: () => void = () => {};
    let calls = 0;
    const { services, events } = setup((core) => ({
      refresh: async (onProgress: (p: DiscoveryProgress) => void) => {
        calls++;
        onProgress({ phase: 'cloudflare', message: 'Listing tunnel routes…', done: 1, total: 3 });
        await new Promise<void>((r) => {
          release = r;
        });
        return core.listClusters();
      },
    }));
    const first = services.call('refresh');
    const second = services.call('refresh');
    release();
    await Promise.all([first, second]);
    expect(calls).toBe(1);
    expect(events.find((e) => e.name === 'discoveryProgress')?.payload).toEqual({
      phase: 'cloudflare',
      message: 'Listing tunnel routes…',
      done: 1,
      total: 3,
    });
  });

  it('drops an event that breaks the contract instead of sending it', async () => {
    const { services, standIn, events, logs } = setup();
    await services.start();
    standIn.pushWarp({ ...warpState('connected'), status: 'sideways' as never });
    expect(events.filter((e) => e.name === 'warpState')).toEqual([]);
    expect(logs.some((l) => l.includes('dropped a warpState event'))).toBe(true);
    services.stop();
  });

  it('follows WARP from start to stop, schedules checks at the configured interval, and re-checks when WARP changes', async () => {
    const { services, standIn, events, timers } = setup();
    standIn.state.clusters = [clusterView('a')];
    await services.start();
    expect(standIn.warpSubscribers).toBe(1);
    expect(timers).toEqual([60_000]);
    await services.call('setSettings', { refreshIntervalSec: 120 });
    expect(timers).toEqual([60_000, 120_000]);
    const checksBefore = standIn.calls.filter((c) => c.method === 'check').length;
    const rechecked = new Promise<void>((resolve) => {
      const off = services.onEvent((e) => {
        if (e.name === 'probeResult' && e.payload.origin === 'background') {
          off();
          resolve();
        }
      });
    });
    standIn.pushWarp(warpState('connected'));
    expect(events.filter((e) => e.name === 'warpState').map((e) => e.payload.status)).toEqual(['connected']);
    // Even when the start-up check is still running, a WARP change gets a check of its own.
    await rechecked;
    expect(standIn.calls.filter((c) => c.method === 'check').length).toBe(checksBefore + 1);
    // Periodic checks say so: the core runs exec plugins for them only when the settings allow it.
    expect(standIn.calls.filter((c) => c.method === 'check').map((c) => c.args[1])).toEqual(
      Array(checksBefore + 1).fill({ background: true }),
    );
    await services.call('check', {});
    expect(standIn.calls.filter((c) => c.method === 'check').at(-1)?.args[1]).toEqual({ background: false });
    services.stop();
    expect(standIn.warpSubscribers).toBe(0);
  });

  it('notifies once when the current context becomes unreachable, again only after the interval', async () => {
    const { services, standIn, notes, advance } = setup();
    standIn.pushWarp(warpState('connected'));
    standIn.state.clusters = [clusterView('prod')];
    standIn.state.currentContext = 'zt-prod';
    await services.call('listClusters');
    await services.call('check');
    expect(notes).toEqual([]);
    standIn.state.results.set('prod', probeResult('prod', 'unreachable'));
    await services.call('check');
    await services.call('check');
    expect(notes).toEqual([
      {
        title: 'zt-prod is unreachable',
        body: 'The API server does not accept TCP connections. Check that the tunnel route covers the API server IP.',
      },
    ]);
    // Recovers, fails again within 15 minutes: quiet. After: told again.
    standIn.state.results.set('prod', probeResult('prod', 'reachable'));
    await services.call('check');
    standIn.state.results.set('prod', probeResult('prod', 'unreachable'));
    await services.call('check');
    expect(notes).toHaveLength(1);
    advance(16 * 60 * 1000);
    standIn.state.results.set('prod', probeResult('prod', 'reachable'));
    await services.call('check');
    standIn.state.results.set('prod', probeResult('prod', 'unreachable'));
    await services.call('check');
    expect(notes).toHaveLength(2);
    // Turned off in settings: nothing.
    await services.call('setSettings', { notifications: { contextUnreachable: false } });
    advance(16 * 60 * 1000);
    standIn.state.results.set('prod', probeResult('prod', 'reachable'));
    await services.call('check');
    standIn.state.results.set('prod', probeResult('prod', 'unreachable'));
    await services.call('check');
    expect(notes).toHaveLength(2);
  });
});

describe('reports', () => {
  it('exports the last diagnostics (running them when there are none) under a sortable file name', async () => {
    const { services, standIn } = setup();
    standIn.state.clusters = [clusterView('a')];
    const md = await services.call('exportReport', { format: 'markdown' });
    expect(md.content).toBe('# kubezt report\n\n1 clusters\n');
    expect(md.fileName).toMatch(/^kubezt-report-\d{8}-\d{6}\.md$/);
    const json = await services.call('exportReport', { format: 'json' });
    expect(JSON.parse(json.content).runId).toBe('run-1');
    expect(reportFileName('2026-01-29T10:15:00.123Z', 'json')).toBe('kubezt-report-20260129-101500.json');
  });
});
