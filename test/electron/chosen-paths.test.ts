/**
 * File paths reach the settings only through main's own dialogs, the setup wizard reads only the
 * catalog those chose, and what main writes for the user (a saved report) is owner-only. Driven
 * over IPC through the glue with the recording fake Electron, on a stand-in core with REAL
 * settings on disk.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestChannel } from '../../ipc/contract.ts';
import { APP_INDEX_URL } from '../../main/app/security.ts';
import { createAppServices } from '../../main/app/services.ts';
import { startKubeztApp } from '../../main/electron/glue.ts';
import { createFakeElectron, topFrame } from './fake-electron.ts';
import { clusterView, createStandInDomain } from './stand-in-domain.ts';

let work: string;
beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'kubezt-paths-'));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

async function start() {
  const electron = createFakeElectron({ platform: 'linux' });
  const standIn = createStandInDomain(path.join(work, 'config'));
  await startKubeztApp(electron.apis, {
    platform: 'linux',
    homeDir: path.join(work, 'home'),
    execPath: '/opt/kubezt/kubezt',
    rendererOrigin: { kind: 'app', root: path.join(work, 'out', 'renderer') },
    preloadPath: path.join(work, 'out', 'preload', 'index.cjs'),
    trayIconsDir: path.resolve(import.meta.dirname, '../../assets/tray'),
    readEnvironment: async () => ({
      env: { XDG_CONFIG_HOME: path.join(work, 'xdg') },
      loginShell: { status: 'ok', shell: '/bin/bash', detail: null, pathFromShell: true, kubeconfigFromShell: false },
    }),
    log: () => {},
    createServices: async (host) => createAppServices(standIn.core, host, { setTimer: () => () => {}, log: () => {} }),
  });
  const frame = topFrame(APP_INDEX_URL);
  const call = (name: Parameters<typeof requestChannel>[0], payload?: unknown) =>
    electron.invoke(requestChannel(name), payload, frame) as Promise<{ ok: boolean; value?: unknown; error?: unknown }>;
  return { electron, standIn, call };
}

describe('paths come only from main’s dialogs', () => {
  it('setSettings refuses a catalog or kubeconfig path from the page, and may only clear them', async () => {
    const { standIn, call } = await start();
    standIn.settings.update({ catalogPath: '/teams/catalog.yaml', kubeconfigPath: '/home/me/.kube/config' });
    for (const patch of [{ catalogPath: '/etc/shadow' }, { kubeconfigPath: '/etc/passwd' }]) {
      expect(await call('setSettings', patch)).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    }
    expect(standIn.settings.read()).toMatchObject({
      catalogPath: '/teams/catalog.yaml',
      kubeconfigPath: '/home/me/.kube/config',
    });
    expect(await call('setSettings', { catalogPath: null, kubeconfigPath: null })).toMatchObject({ ok: true });
    expect(standIn.settings.read().catalogPath).toBeUndefined();
    expect(standIn.settings.read().kubeconfigPath).toBeUndefined();
  });

  it('chooseCatalogFile and chooseKubeconfigFile show main’s dialog, store the choice and return it', async () => {
    const { electron, standIn, call } = await start();
    const catalog = path.join(work, 'team', 'clusters.yaml');
    const kubeconfig = path.join(work, 'home', '.kube', 'kubezt.yaml');
    electron.dialogAnswers.open = catalog;
    electron.dialogAnswers.save = kubeconfig;
    expect(await call('chooseCatalogFile')).toEqual({ ok: true, value: { path: catalog } });
    expect(await call('chooseKubeconfigFile')).toEqual({ ok: true, value: { path: kubeconfig } });
    expect(standIn.settings.read()).toMatchObject({ catalogPath: catalog, kubeconfigPath: kubeconfig });
    expect(electron.record.dialogs.map((d) => [d.kind, d.options.title])).toEqual([
      ['open', 'Choose the team catalog file'],
      ['save', 'Choose the kubeconfig file kubezt writes (an existing file is edited, never replaced)'],
    ]);
    expect(electron.record.dialogs[1]?.options.defaultPath).toBe(path.join(work, 'home', '.kube', 'config'));

    // Cancelled: nothing changes.
    electron.dialogAnswers.open = null;
    electron.dialogAnswers.save = null;
    expect(await call('chooseCatalogFile')).toEqual({ ok: true, value: { path: null } });
    expect(await call('chooseKubeconfigFile')).toEqual({ ok: true, value: { path: null } });
    expect(standIn.settings.read()).toMatchObject({ catalogPath: catalog, kubeconfigPath: kubeconfig });
  });

  it('the setup wizard reads only the catalog main’s dialog chose', async () => {
    const { electron, call } = await start();
    const typed = { sources: { cloudflare: false, catalogPath: '/etc/passwd' }, selected: null, trust: [] };
    for (const request of ['previewSetup', 'applySetup'] as const) {
      expect(await call(request, typed)).toEqual({
        ok: false,
        error: {
          code: 'bad-input',
          message: 'Pick the catalog file with "Choose…": kubezt reads only a catalog chosen in its own file dialog.',
        },
      });
    }
    const chosen = path.join(work, 'team.yaml');
    electron.dialogAnswers.open = chosen;
    await call('chooseCatalogFile');
    // Past the check, the request reaches the core (whose stand-in has no sources).
    expect(
      await call('previewSetup', { sources: { cloudflare: false, catalogPath: chosen }, selected: null, trust: [] }),
    ).toMatchObject({ ok: false, error: { code: 'not-found', message: 'No sources in this test.' } });
  });
});

describe('what main writes for the user', () => {
  it('a saved report is readable by its owner only, also over an existing file', async () => {
    const { electron, standIn, call } = await start();
    standIn.state.clusters = [clusterView('prod-us')];
    const fresh = path.join(work, 'report.md');
    const existing = path.join(work, 'old-report.md');
    writeFileSync(existing, 'old', { mode: 0o644 });
    chmodSync(existing, 0o644);
    for (const target of [fresh, existing]) {
      electron.dialogAnswers.save = target;
      expect(await call('saveReport', { format: 'markdown' })).toEqual({
        ok: true,
        value: { saved: true, path: target },
      });
      expect(statSync(target).mode & 0o777, target).toBe(0o600);
      expect(readFileSync(target, 'utf8')).toBe('# kubezt report\n\n1 clusters\n');
    }
  });

  it('setSettings checks an account id like login does, and never echoes it', async () => {
    const { standIn, call } = await start();
    const pasted = 'cfut_Wz8qPn3RkT7mYv2LxB5cJd9HsG4fA6eN';
    const r = await call('setSettings', { accountId: pasted });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(JSON.stringify(r)).not.toContain(pasted);
    expect(standIn.settings.read().accountId).toBeUndefined();
    const id = '0123456789abcdef0123456789abcdef';
    expect(await call('setSettings', { accountId: id })).toMatchObject({ ok: true });
    expect(standIn.settings.read().accountId).toBe(id);
  });
});
