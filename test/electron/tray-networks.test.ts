/**
 * The tray and WARP's client profile, through the recording fake Electron: the mode (with a
 * warning when it routes no private IPs), the organization, a "Virtual network" submenu whose
 * click switches WARP through the `switchVirtualNetwork` request, and cluster tooltips that name
 * the cluster's network, tunnel health and namespace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WarpStateView } from '../../ipc/contract.ts';
import { type AppServices, createAppServices } from '../../main/app/services.ts';
import type { AppState } from '../../main/app/state.ts';
import { startKubeztApp } from '../../main/electron/glue.ts';
import { createFakeElectron, type FakeMenu } from './fake-electron.ts';
import { clusterView, createStandInDomain, probeResult, warpState } from './stand-in-domain.ts';

const ASSETS_TRAY = path.resolve(import.meta.dirname, '../../assets/tray');
const DEFAULT_NET = 'a1b2c3d4-0000-4000-8000-000000000001';
const LAB_NET = 'a1b2c3d4-0000-4000-8000-000000000002';

let work: string;
beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'kubezt-tray-net-'));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

function profile(privateRouting: boolean): WarpStateView {
  return {
    ...warpState('connected'),
    mode: {
      raw: privateRouting ? 'WarpWithDnsOverHttps' : 'WarpProxy on port 40000',
      kind: privateRouting ? 'traffic-and-dns' : 'proxy',
      label: privateRouting ? 'Traffic and DNS mode' : 'Proxy mode',
      privateRouting,
      managed: false,
    },
    privateRouting,
    organization: 'acme-corp',
    virtualNetworks: {
      active: DEFAULT_NET,
      list: [
        { id: DEFAULT_NET, name: 'default-net', default: true, active: true },
        { id: LAB_NET, name: 'lab-net', default: false, active: false },
      ],
    },
  };
}

async function start() {
  const electron = createFakeElectron({ platform: 'linux' });
  const standIn = createStandInDomain(path.join(work, 'config'));
  const trayTimers = new Set<() => void>();
  const flushTray = () => {
    const due = [...trayTimers];
    trayTimers.clear();
    for (const fn of due) fn();
  };
  const running = await startKubeztApp(electron.apis, {
    platform: 'linux',
    homeDir: path.join(work, 'home'),
    execPath: '/opt/kubezt/kubezt',
    rendererOrigin: { kind: 'app', root: path.join(work, 'out', 'renderer') },
    preloadPath: path.join(work, 'out', 'preload', 'index.cjs'),
    trayIconsDir: ASSETS_TRAY,
    readEnvironment: async () => ({
      env: { XDG_CONFIG_HOME: path.join(work, 'xdg') },
      loginShell: { status: 'ok', shell: '/bin/bash', detail: null, pathFromShell: true, kubeconfigFromShell: false },
    }),
    log: () => {},
    setTimer: (fn) => {
      trayTimers.add(fn);
      return () => trayTimers.delete(fn);
    },
    createServices: async (host) => createAppServices(standIn.core, host, { setTimer: () => () => {}, log: () => {} }),
  });
  const tray = electron.record.trays[0];
  const services = running?.services;
  if (!tray || !services) throw new Error('no tray');
  return { electron, standIn, services, tray, flushTray };
}

function until(services: AppServices, predicate: (s: AppState) => boolean): Promise<AppState> {
  return new Promise((resolve) => {
    if (predicate(services.state())) return resolve(services.state());
    const off = services.onStateChange((s) => {
      if (predicate(s)) {
        off();
        resolve(s);
      }
    });
  });
}

const labels = (menu: FakeMenu | undefined) =>
  (menu?.items ?? []).map((i) => (i.type === 'separator' ? '---' : `${i.checked ? '[x] ' : ''}${i.label}`));

describe('tray: WARP profile and networks', () => {
  it('shows mode and organization, lists the virtual networks with the active one checked, and switches on a click', async () => {
    const { standIn, services, tray, flushTray } = await start();
    standIn.pushWarp(profile(true));
    standIn.state.clusters = [
      clusterView('prod-us', { namespace: 'payments' }),
      clusterView('lab', {
        tunnel: { name: 'k8s-lab', health: 'down' },
        virtualNetwork: { id: LAB_NET, name: 'lab-net', isDefault: false },
        tunnelState: { status: 'down', connections: 0, colos: [] },
      }),
    ];
    standIn.state.currentContext = 'zt-prod-us';
    standIn.state.results.set('lab', probeResult('lab', 'unreachable'));
    await services.call('listClusters');
    await services.call('check');
    flushTray();

    expect(labels(tray.menu).slice(0, 4)).toEqual([
      'WARP connected',
      'Traffic and DNS mode',
      'Organization: acme-corp',
      'Virtual network: default-net',
    ]);
    const submenu = tray.menu?.items.find((i) => i.label === 'Virtual network: default-net')?.submenu ?? [];
    expect(submenu.map((i) => `${i.checked ? '[x] ' : ''}${i.label}`)).toEqual([
      '[x] default-net (default)',
      'lab-net',
    ]);
    // The cluster's tooltip says where it sits and how its tunnel is doing.
    const lab = tray.menu?.items.find((i) => i.label?.includes(' lab'));
    expect(lab?.toolTip).toContain('in virtual network lab-net · tunnel k8s-lab down, 0 connections');
    expect(tray.toolTips.at(-1)).toContain('namespace payments');

    submenu.find((i) => i.label === 'lab-net')?.click?.();
    await until(services, (s) => s.warp.virtualNetworks?.active === LAB_NET);
    flushTray();
    expect(standIn.calls.filter((c) => c.method === 'switchVirtualNetwork').map((c) => c.args)).toEqual([[LAB_NET]]);
    expect(labels(tray.menu)[3]).toBe('Virtual network: lab-net');
  });

  it('warns in the menu when the mode routes no private IPs', async () => {
    const { standIn, tray, flushTray } = await start();
    standIn.pushWarp(profile(false));
    flushTray();
    expect(labels(tray.menu)[1]).toBe('⚠ Proxy mode: routes no private IPs');
  });

  it('reports a failed switch in a notification', async () => {
    const { electron, standIn, services, tray, flushTray } = await start();
    const p = profile(true);
    standIn.pushWarp(p);
    flushTray();
    // The client lost the network between the menu's build and the click.
    standIn.pushWarp({
      ...p,
      virtualNetworks: { active: DEFAULT_NET, list: p.virtualNetworks?.list.slice(0, 1) ?? [] },
    });
    const submenu = tray.menu?.items.find((i) => i.label === 'Virtual network: default-net')?.submenu ?? [];
    const notified = electron.record.notifications.length;
    submenu.find((i) => i.label === 'lab-net')?.click?.();
    await expect.poll(() => electron.record.notifications.length).toBe(notified + 1);
    expect(electron.record.notifications.at(-1)?.body).toContain('WARP lists no virtual network');
    expect(services.state().warp.virtualNetworks?.active).toBe(DEFAULT_NET);
  });
});
