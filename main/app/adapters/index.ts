/**
 * The app's DomainPort on the real domain code (main/core): the same inventory, kubeconfig engine,
 * probes, diagnostics, WARP detector, Cloudflare discovery and secret store as the CLI, with
 * everything environmental injected (DomainAdapterContext). Plain Node: main/electron passes
 * Electron's net.fetch and stores; the tests pass the simulator's.
 */
import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import type { BackupList, DiagnosticsReportView, Environment, ReportFormat } from '../../../ipc/contract.ts';
import {
  type DiagnosticsReport,
  REPORT_LOG_LINES,
  renderReportJson,
  renderReportMarkdown,
} from '../../core/diagnostics/report.ts';
import { RequestBudget } from '../../core/discovery/cloudflare/budget.ts';
import { UserError } from '../../core/errors.ts';
import { loadInventory } from '../../core/inventory/load.ts';
import { setKubeconfigNamespace } from '../../core/kubeconfig/namespace.ts';
import { createExecPluginPool } from '../../core/probe/exec-plugin.ts';
import { detectKubectlClient } from '../../core/probe/kube.ts';
import { detectWarp } from '../../core/warp/detect.ts';
import { warpEnvFromProcess } from '../../core/warp/env.ts';
import { switchVirtualNetwork } from '../../core/warp/switch.ts';
import { toWarpStateView } from '../../core/warp/view.ts';
import { diagnosticsReport } from '../../usecases/diagnose.ts';
import type { NetworkNotice } from '../../usecases/join-network.ts';
import { refuseUnconfiguredSources } from '../../usecases/setup.ts';
import { runUseContext } from '../../usecases/use-context.ts';
import type { DomainPort, Fleet, ProgressListener, ResultListener } from '../ports.ts';
import { type AdapterEnv, createAdapterEnv, type DomainAdapterContext } from './context.ts';
import { cachedInventory, type InventorySource, inventorySource, snapshotFleet } from './fleet.ts';
import { login, loginStatus, logout } from './login.ts';
import { planProbes, runProbes } from './probes.ts';
import { applySetup, describeCloudflareProgress, previewSetup, REFRESH_REMEDIES } from './setup.ts';
import { appNetworkStep } from './use-network.ts';
import { createWarpFeed, unknownWarpState, withOrganizationMatch } from './warp.ts';

export type { DomainAdapterContext } from './context.ts';

export interface DomainAdapter extends DomainPort {
  /** Stops the WARP watcher and waits for its children (app quit, end of a test). */
  close(): Promise<void>;
}

/** Reports kept for rendering: the service layer renders the last one (copy, save, export). */
const KEPT_REPORTS = 8;

export function createDomainAdapter(ctx: DomainAdapterContext): DomainAdapter {
  const env = createAdapterEnv(ctx);
  const warpEnv = warpEnvFromProcess(ctx.env, ctx.platform, ctx.runner, env.fetch, { now: env.now });
  const warp = withOrganizationMatch(createWarpFeed(warpEnv, { ...ctx.warpWatch, now: env.now }));
  // Every inventory read tells the WARP feed which team discovery read, for the organization check.
  const tracked = (source: InventorySource): InventorySource => {
    warp.setDiscoveryTeam(source.organization);
    return source;
  };
  const cached = async () => tracked(await cachedInventory(env));
  let primed = false;
  const primeTeam = () => {
    if (primed) return;
    primed = true;
    cached().catch(() => {});
  };
  const reports = new Map<string, { report: DiagnosticsReport; secrets: string[] }>();
  // For the app's lifetime, so periodic checks reuse what a plugin returned until it expires.
  const execPlugins = createExecPluginPool();
  // One for the app's lifetime: every refresh (the timer's and the user's) draws on Cloudflare's
  // 1,200 requests per 5 minutes, and a 429 drains it for the refreshes that follow.
  const budget = new RequestBudget({ now: () => env.now().getTime() });

  async function probe(names: readonly string[] | undefined, onResult: ResultListener, background = false) {
    const source = await cached();
    const snapshot = await snapshotFleet(env, source);
    const plan = await planProbes(env, snapshot, names);
    const run = await runProbes(env, plan, onResult, { execPlugins, background });
    return { plan, run: source.organization ? { ...run, organization: source.organization } : run };
  }

  return {
    listClusters: async () => (await snapshotFleet(env, await cached())).fleet,

    async refresh(onProgress: ProgressListener): Promise<Fleet> {
      onProgress({ phase: 'start', message: 'Discovering clusters…' });
      try {
        const inventory = await loadInventory(env.workspace, {
          refresh: true,
          budget,
          onProgress: (p) => onProgress(describeCloudflareProgress(p)),
        });
        refuseUnconfiguredSources(inventory, undefined, REFRESH_REMEDIES);
        const { fleet } = await snapshotFleet(env, tracked(inventorySource(inventory)));
        onProgress({ phase: 'done', message: `Found ${fleet.clusters.length} clusters.` });
        return fleet;
      } catch (e) {
        onProgress({ phase: 'error', message: 'Discovery failed.' });
        throw e;
      }
    },

    check: async (names, onResult, opts) => (await probe(names, onResult, opts?.background === true)).run.results,

    async diagnose(names, onResult) {
      const { plan, run } = await probe(names, onResult);
      const generatedAt = env.now();
      const report = diagnosticsReport(run, { kubeztVersion: ctx.appVersion, now: generatedAt });
      reports.set(report.generatedAt, { report, secrets: plan.secrets });
      for (const key of [...reports.keys()].slice(0, Math.max(0, reports.size - KEPT_REPORTS))) reports.delete(key);
      return {
        generatedAt: report.generatedAt,
        warp: warp.decorate(run.warp ? toWarpStateView(run.warp) : unknownWarpState(generatedAt)),
        kubectlVersion: run.kubectl?.gitVersion ?? null,
        results: run.results,
      };
    },

    renderReport(report: DiagnosticsReportView, format: ReportFormat): string {
      const kept = reports.get(report.generatedAt);
      if (!kept) {
        throw new UserError('not-found', 'That diagnostics report is no longer kept; run the diagnostics again.');
      }
      if (format === 'json') return renderReportJson(kept.report, { secrets: kept.secrets });
      const logLines = ctx.logTail?.(REPORT_LOG_LINES) ?? [];
      return renderReportMarkdown(kept.report, { secrets: kept.secrets, logLines });
    },

    previewSetup: (input, onProgress) => previewSetup(env, input, onProgress),
    applySetup: (input, onProgress) => applySetup(env, input, onProgress),

    async useContext(name) {
      const { paths } = env.kubeconfig();
      const notices: NetworkNotice[] = [];
      const r = await runUseContext({
        paths,
        name,
        configDir: ctx.configDir,
        beforeWrite: appNetworkStep(env, warpEnv, notices),
      });
      const result = { context: r.context, previous: r.previous || null, file: r.file || (paths[0] as string) };
      return notices.length > 0 ? { ...result, notices } : result;
    },

    settings: ctx.settings,
    loginStatus: () => loginStatus(env),
    login: (token, accountId) => login(env, token, accountId),
    logout: () => logout(env),

    warp: {
      current: () => warp.current(),
      subscribe: (listener) => {
        // The cached discovery's team, so the first states are compared before any list is read.
        primeTeam();
        return warp.subscribe(listener);
      },
    },

    kubeconfigInfo: async () => env.kubeconfig(),
    kubectlInfo: () => kubectlInfo(env),
    listBackups: async () => backupList(ctx.configDir),

    async setNamespace(cluster, namespace) {
      const { paths } = env.kubeconfig();
      const fleet = await snapshotFleet(env, await cachedInventory(env));
      // A cluster name is the row the user edited; its kubezt context is what the kubeconfig knows.
      const context = fleet.members.find((m) => m.view.name === cluster)?.view.context ?? cluster;
      const r = await setKubeconfigNamespace({ paths, namespace, context });
      return { ...r, file: r.file || (paths[0] as string) };
    },
    async switchVirtualNetwork(id) {
      await switchVirtualNetwork({
        env: warpEnv,
        id,
        ...(ctx.vnetSwitch?.deadlineMs !== undefined ? { deadlineMs: ctx.vnetSwitch.deadlineMs } : {}),
        ...(ctx.vnetSwitch?.pollMs !== undefined ? { pollMs: ctx.vnetSwitch.pollMs } : {}),
      });
      return warp.decorate(toWarpStateView(await detectWarp(warpEnv)));
    },

    close: () => warp.close(),
  };
}

/** The backups in the settings folder, as Settings lists them (what the IPC contract carries). */
export async function backupList(configDir: string): Promise<BackupList> {
  const { backupDirFor, listBackups } = await import('../../core/kubeconfig/backups.ts');
  const folder = backupDirFor(configDir);
  const backups = listBackups(folder)
    .slice(0, 100)
    .map(({ id, time, path, what }) => ({ id, time, path, what }));
  return { folder, backups };
}

async function kubectlInfo(env: AdapterEnv): Promise<Environment['kubectl']> {
  const path = await findInPath('kubectl', env.ctx.env.PATH ?? '', env.ctx.platform);
  if (!path) return { path: null, version: null };
  const client = await detectKubectlClient(env.ctx.runner, path, env.ctx.env).catch(() => null);
  return { path, version: client?.gitVersion ?? null };
}

async function findInPath(command: string, pathVar: string, platform: NodeJS.Platform): Promise<string | null> {
  const names = platform === 'win32' ? [`${command}.exe`, command] : [command];
  for (const dir of pathVar.split(platform === 'win32' ? ';' : delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    for (const name of names) {
      const candidate = join(dir, name);
      try {
        await access(candidate, platform === 'win32' ? constants.F_OK : constants.X_OK);
        return candidate;
      } catch {}
    }
  }
  return null;
}
