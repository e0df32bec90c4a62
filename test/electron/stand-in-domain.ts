/**
 * A DomainPort for the glue and service-layer tests, whose answers the test sets: the glue
 * and the service layer are what is under test here, not the core (the core has its own tests,
 * and the end-to-end browser tests run the real one). Settings are REAL (core/settings over conf
 * in a temp folder); WARP states are pushed by the test like the core's watcher pushes them.
 */
import type { ClusterView, ProbeResultView, WarpStateView } from '../../ipc/contract.ts';
import type { DomainPort, Fleet, ResultListener } from '../../main/app/ports.ts';
import { UserError } from '../../main/core/errors.ts';
import { openSettings } from '../../main/core/settings/store.ts';

export function warpState(status: WarpStateView['status'], reason: string | null = null): WarpStateView {
  return {
    status,
    gatewayOn: status === 'connected' ? false : null,
    reason,
    signals: [],
    updatedAt: new Date().toISOString(),
  };
}

export function clusterView(name: string, opts: Partial<ClusterView> = {}): ClusterView {
  return {
    name,
    sources: ['cloudflare'],
    server: `https://127.0.1.${name.length}:6443`,
    ips: [`127.0.1.${name.length}`],
    port: 6443,
    tunnel: { name: `k8s-${name}`, health: 'healthy' },
    doNotInspect: true,
    context: `zt-${name}`,
    current: false,
    ...opts,
  };
}

export function probeResult(
  cluster: string,
  reachability: ProbeResultView['reachability'],
  latencyMs = 12,
): ProbeResultView {
  const ok = reachability === 'reachable';
  return {
    cluster,
    reachability,
    latencyMs: ok ? latencyMs : null,
    serverVersion: ok ? 'v1.31.2' : null,
    skew: ok ? { clientVersion: 'v1.32.4', serverVersion: 'v1.31.2', minorDelta: -1, supported: true } : null,
    steps: [
      { name: 'warp', status: 'ok', durationMs: 1, detail: 'WARP connected', remedy: null, code: null },
      {
        name: 'tcp',
        status: ok ? 'ok' : 'fail',
        durationMs: ok ? latencyMs : 3000,
        detail: ok ? 'connected' : 'connection timed out',
        remedy: ok ? null : 'Check that the tunnel route covers the API server IP.',
        code: ok ? null : 'tcp-timeout',
      },
    ],
    verdict: ok ? 'ok' : 'tcp-timeout',
    failingStep: ok ? null : 'tcp',
    summary: ok ? 'Reachable.' : 'The API server does not accept TCP connections.',
    remedy: ok ? null : 'Check that the tunnel route covers the API server IP.',
    checkedAt: new Date().toISOString(),
  };
}

export function createStandInDomain(configDir: string) {
  let warp = warpState('unknown');
  const warpListeners = new Set<(s: WarpStateView) => void>();
  const calls: { method: string; args: unknown[] }[] = [];
  const state = {
    clusters: [] as ClusterView[],
    currentContext: null as string | null,
    results: new Map<string, ProbeResultView>(),
  };
  const fleet = (): Fleet => ({
    clusters: state.clusters.map((c) => ({ ...c, current: c.context !== null && c.context === state.currentContext })),
    currentContext: state.currentContext,
    fetchedAt: '2026-01-01T00:00:00.000Z',
    fromCache: false,
    warnings: [],
  });
  const probe = async (names: readonly string[] | undefined, onResult: ResultListener) => {
    const out: ProbeResultView[] = [];
    for (const c of state.clusters) {
      if (names && !names.includes(c.name)) continue;
      const r = state.results.get(c.name) ?? probeResult(c.name, 'reachable');
      onResult(r);
      out.push(r);
    }
    return out;
  };
  const { store } = openSettings({ configDir });
  const core: DomainPort = {
    listClusters: async () => {
      calls.push({ method: 'listClusters', args: [] });
      return fleet();
    },
    refresh: async () => fleet(),
    check: async (names, onResult, opts) => {
      calls.push({ method: 'check', args: [names, opts ?? {}] });
      return probe(names, onResult);
    },
    diagnose: async (names, onResult) => ({
      generatedAt: new Date().toISOString(),
      warp,
      kubectlVersion: 'v1.32.4',
      results: await probe(names, onResult),
    }),
    renderReport: (report, format) =>
      format === 'json' ? JSON.stringify(report) : `# kubezt report\n\n${report.results.length} clusters\n`,
    previewSetup: async () => {
      throw new UserError('not-found', 'No sources in this test.');
    },
    applySetup: async () => {
      throw new UserError('not-found', 'No sources in this test.');
    },
    useContext: async (name) => {
      calls.push({ method: 'useContext', args: [name] });
      const c = state.clusters.find((x) => x.name === name || x.context === name);
      if (!c?.context) throw new UserError('not-found', `There is no context for "${name}"; run setup first.`);
      const previous = state.currentContext;
      state.currentContext = c.context;
      return { context: c.context, previous, file: `${configDir}/kubeconfig` };
    },
    settings: store,
    loginStatus: async () => ({ loggedIn: false, accountId: null, source: null }),
    login: async () => ({ loggedIn: true, accountId: 'acc', source: 'keychain' }),
    logout: async () => ({ loggedIn: false, accountId: null, source: null }),
    warp: {
      current: () => warp,
      subscribe(listener) {
        warpListeners.add(listener);
        return () => warpListeners.delete(listener);
      },
    },
    kubeconfigInfo: async () => ({
      paths: [`${configDir}/kubeconfig`],
      source: 'default',
      writeTarget: `${configDir}/kubeconfig`,
    }),
    kubectlInfo: async () => ({ path: '/usr/bin/kubectl', version: 'v1.32.4' }),
    // Like warp-cli: only a network the client lists can be selected; the watcher then reports it.
    switchVirtualNetwork: async (id) => {
      calls.push({ method: 'switchVirtualNetwork', args: [id] });
      const list = warp.virtualNetworks?.list ?? [];
      if (!list.some((n) => n.id === id)) {
        throw new UserError('warp-switch-failed', `WARP lists no virtual network "${id}".`);
      }
      warp = { ...warp, virtualNetworks: { active: id, list: list.map((n) => ({ ...n, active: n.id === id })) } };
      for (const l of warpListeners) l(warp);
      return warp;
    },
  };
  return {
    core,
    state,
    calls,
    settings: store,
    /** What the core's WARP watcher does on a change. */
    pushWarp(next: WarpStateView) {
      warp = next;
      for (const l of warpListeners) l(next);
    },
    get warpSubscribers() {
      return warpListeners.size;
    },
  };
}
