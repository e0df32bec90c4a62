import type { z } from 'zod';
import type { RequestName, requests } from '../../../ipc/contract.ts';
import { checkAccountId } from '../../core/discovery/cloudflare/accounts.ts';
import { UserError } from '../../core/errors.ts';
import { writePrivateFile } from '../../core/settings/private-files.ts';
import { RECENT_MAX } from '../../core/settings/schema.ts';
import { networkNotification } from '../notifications.ts';
import type { AppHost, DomainPort } from '../ports.ts';
import { withRecent } from '../state.ts';
import { type Checks, checkAnswer } from './checks.ts';
import { toSettingsPatch } from './format.ts';
import type { ServiceStore } from './store.ts';

/** One implementation per IPC request, on the contract's parsed request and raw response types. */
export type Handlers = {
  [K in RequestName]: (
    request: z.output<(typeof requests)[K]['request']>,
  ) => Promise<z.input<(typeof requests)[K]['response']>>;
};

export interface HandlerContext {
  domain: DomainPort;
  host: AppHost;
  store: ServiceStore;
  checks: Checks;
}

export function createHandlers(ctx: HandlerContext): Handlers {
  return {
    ...clusterHandlers(ctx),
    ...setupHandlers(ctx),
    ...settingsHandlers(ctx),
    ...reportHandlers(ctx),
    ...hostHandlers(ctx),
  };
}

/** A notification that fails (no notification daemon) must not fail the switch it reports. */
function notifySafely(host: HandlerContext['host'], n: { title: string; body: string }): void {
  try {
    host.notify({ title: n.title, body: n.body });
  } catch {
    // the switch itself succeeded; nothing to undo
  }
}

function clusterHandlers({ domain, host, store, checks }: HandlerContext) {
  return {
    listClusters: async () => store.setFleet(await domain.listClusters()),
    refresh: async () => store.setFleet(await checks.refresh()),
    check: async (request) => {
      const { runId, results } = await checks.runProbes('check', request?.names);
      return checkAnswer(runId, results);
    },
    diagnose: (request) => checks.diagnose(request?.names),
    useContext: async ({ name }) => {
      const { notices, ...result } = await domain.useContext(name);
      for (const n of notices ?? []) notifySafely(host, networkNotification(n));
      const list = store.setFleet(await domain.listClusters());
      rememberRecent(domain, store, list.clusters.find((c) => c.context === result.context)?.name);
      return result;
    },
    getWarpState: async () => domain.warp.current(),
    setNamespace: async ({ cluster, namespace }) => {
      if (!domain.setNamespace) throw new UserError('not-found', 'This core cannot set namespaces.');
      const result = await domain.setNamespace(cluster, namespace);
      store.setFleet(await domain.listClusters());
      return result;
    },
    switchVirtualNetwork: async ({ id }) => {
      if (!domain.switchVirtualNetwork) throw new UserError('not-found', 'This core cannot switch virtual networks.');
      const state = await domain.switchVirtualNetwork(id);
      store.transition((s) => ({ ...s, warp: state }));
      store.emit('warpState', state);
      return state;
    },
  } satisfies Partial<Handlers>;
}

/** Puts the cluster first in the tray's "Recent" (the setting and the state the tray reads). */
function rememberRecent(domain: DomainPort, store: ServiceStore, cluster: string | undefined): void {
  if (!cluster) return;
  const recent = withRecent(domain.settings.read().recent ?? [], cluster, RECENT_MAX);
  domain.settings.update({ recent });
  store.transition((s) => ({ ...s, recent }));
}

function setupHandlers({ domain, store }: HandlerContext) {
  /**
   * The wizard reads only the catalog main's dialog chose (or the one already configured), which
   * is the catalogPath setting: a path typed into the page is never read.
   */
  function checkChosenCatalog(catalogPath: string | null): void {
    if (catalogPath === null || catalogPath === domain.settings.read().catalogPath) return;
    throw new UserError(
      'bad-input',
      'Pick the catalog file with "Choose…": kubezt reads only a catalog chosen in its own file dialog.',
    );
  }
  return {
    previewSetup: async (input) => {
      checkChosenCatalog(input.sources.catalogPath);
      return domain.previewSetup(input, (p) => store.emit('discoveryProgress', p));
    },
    applySetup: async (input) => {
      checkChosenCatalog(input.sources.catalogPath);
      const result = await domain.applySetup(input, (p) => store.emit('discoveryProgress', p));
      store.setFleet(await domain.listClusters());
      return result;
    },
  } satisfies Partial<Handlers>;
}

function settingsHandlers({ domain, host, store, checks }: HandlerContext) {
  return {
    getSettings: async () => ({ settings: domain.settings.read(), file: domain.settings.path }),
    setSettings: async (patch) => {
      if (patch.accountId) checkAccountId(patch.accountId, 'enter it again');
      if (patch.launchAtLogin !== undefined) await host.setLaunchAtLogin(patch.launchAtLogin);
      const settings = domain.settings.update(toSettingsPatch(patch));
      if (patch.refreshIntervalSec !== undefined) checks.scheduleBackground();
      if (patch.pinned !== undefined) store.transition((s) => ({ ...s, pinned: settings.pinned ?? [] }));
      return { settings, file: domain.settings.path };
    },
    getLoginStatus: () => domain.loginStatus(),
    login: ({ token, accountId }) => domain.login(token, accountId),
    logout: () => domain.logout(),
    chooseCatalogFile: async () => {
      const path = await host.chooseOpenPath({ title: 'Choose the team catalog file', extensions: ['yaml', 'yml'] });
      if (path !== null) domain.settings.update({ catalogPath: path });
      return { path };
    },
    chooseKubeconfigFile: async () => {
      const path = await host.chooseSavePath({
        title: 'Choose the kubeconfig file kubezt writes (an existing file is edited, never replaced)',
        defaultName: '.kube/config',
        extensions: [],
      });
      if (path !== null) domain.settings.update({ kubeconfigPath: path });
      return { path };
    },
    listBackups: async () => (domain.listBackups ? domain.listBackups() : { folder: null, backups: [] }),
  } satisfies Partial<Handlers>;
}

function reportHandlers({ host, checks }: HandlerContext) {
  return {
    exportReport: ({ format }) => checks.exportReport(format),
    saveReport: async ({ format }) => {
      const report = await checks.exportReport(format);
      const path = await host.chooseSavePath({
        title: 'Save the kubezt diagnostics report',
        defaultName: report.fileName,
        extensions: [format === 'markdown' ? 'md' : 'json'],
      });
      if (path === null) return { saved: false, path: null };
      // A report names clusters, addresses and users: for its owner's eyes only.
      await writePrivateFile(path, report.content);
      return { saved: true, path };
    },
    copyReport: async ({ format }) => {
      const report = await checks.exportReport(format);
      host.writeClipboard(report.content);
      return { copied: true, characters: report.content.length };
    },
  } satisfies Partial<Handlers>;
}

function hostHandlers({ domain, host }: HandlerContext) {
  return {
    openExternal: async ({ url }) => {
      await host.openExternal(url);
      return { opened: true };
    },
    getEnvironment: async () => {
      const [kubeconfig, kubectl] = await Promise.all([domain.kubeconfigInfo(), domain.kubectlInfo()]);
      return {
        kubeconfig,
        kubectl,
        loginShell: host.loginShell,
        settingsFile: domain.settings.path,
        appVersion: host.appVersion,
        platform: host.platform,
      };
    },
    openLogFolder: async () => {
      if (!host.openLogFolder) return { opened: false, path: null };
      const { path, error } = await host.openLogFolder();
      if (error) throw new UserError('not-found', `The log folder ${path} could not be opened (${error}).`);
      return { opened: true, path };
    },
  } satisfies Partial<Handlers>;
}
