import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  type ClusterList,
  type DiagnosticsReportView,
  type Envelope,
  type EventName,
  type EventOf,
  events,
  type IpcError,
  isRequestName,
  type ProbeResultEvent,
  type ProbeResultView,
  type ReportFormat,
  type RequestName,
  type RequestOf,
  type ResponseOf,
  requests,
  type SettingsPatchRequest,
  type Unsubscribe,
  unwrap,
} from '../../ipc/contract.ts';
import { checkAccountId } from '../core/discovery/cloudflare/accounts.ts';
import { isUserError, UserError } from '../core/errors.ts';
import { oneLine } from '../core/message-text.ts';
import { redactSecrets } from '../core/secrets/redact.ts';
import { writePrivateFile } from '../core/settings/private-files.ts';
import type { SettingsPatch } from '../core/settings/schema.ts';
import { createNotifier } from './notifications.ts';
import type { AppHost, DomainPort, Fleet } from './ports.ts';
import { type AppState, initialState } from './state.ts';

export type AppEvent = { [K in EventName]: { name: K; payload: EventOf<K> } }[EventName];

export interface AppServicesOptions {
  now?: () => Date;
  /** Schedules `fn` once after `ms`; returns the cancel. Background checks use it. */
  setTimer?: (fn: () => void, ms: number) => () => void;
  newRunId?: () => string;
  /** Where bugs and background failures are logged (never user input, never the token). */
  log?: (message: string, error?: unknown) => void;
  notificationIntervalMs?: number;
}

/**
 * The app's services: every IPC request implemented on top of the domain, plus the state the tray
 * and the notifications are drawn from. Plain Node: the Electron glue, the browser tests and any
 * other host drive it through `handle` (validated, errors as data) and `onEvent`.
 */
export interface AppServices {
  /**
   * Validates `payload` against the contract, runs the request, validates the answer (stripping
   * anything the contract does not declare) and returns an envelope. Never throws.
   */
  handle(name: string, payload: unknown): Promise<Envelope<unknown>>;
  /** The same, typed, for main's own callers (the tray): throws `KubeztError` on failure. */
  call<K extends RequestName>(
    name: K,
    ...request: undefined extends RequestOf<K> ? [RequestOf<K>?] : [RequestOf<K>]
  ): Promise<ResponseOf<K>>;
  /** Validated events for every window. */
  onEvent(listener: (event: AppEvent) => void): Unsubscribe;
  state(): AppState;
  /** Called after every change of `state()` (WARP, clusters, a probe result). */
  onStateChange(listener: (state: AppState) => void): Unsubscribe;
  /** Loads the cluster list, follows WARP, runs a first check and schedules the next ones. */
  start(): Promise<void>;
  stop(): void;
}

type Handlers = {
  [K in RequestName]: (
    request: z.output<(typeof requests)[K]['request']>,
  ) => Promise<z.input<(typeof requests)[K]['response']>>;
};

/** Room left in an error message for the bridge's 2,000-character limit. */
const MAX_ERROR_MESSAGE = 1_900;

export function createAppServices(domain: DomainPort, host: AppHost, options: AppServicesOptions = {}): AppServices {
  const now = options.now ?? (() => new Date());
  const setTimer =
    options.setTimer ??
    ((fn: () => void, ms: number) => {
      const t = setTimeout(fn, ms);
      t.unref?.();
      return () => clearTimeout(t);
    });
  const newRunId = options.newRunId ?? (() => randomUUID());
  const log = options.log ?? ((message: string, error?: unknown) => console.error(`kubezt: ${message}`, error ?? ''));
  const notifier = createNotifier({
    now: () => now().getTime(),
    ...(options.notificationIntervalMs !== undefined ? { minIntervalMs: options.notificationIntervalMs } : {}),
  });

  let state: AppState = initialState();
  let fleetMeta: Pick<Fleet, 'fetchedAt' | 'fromCache' | 'warnings'> = {
    fetchedAt: null,
    fromCache: false,
    warnings: [],
  };
  let lastReport: DiagnosticsReportView | undefined;
  let refreshing: Promise<Fleet> | undefined;
  let backgroundCheck: Promise<unknown> | undefined;
  let cancelTimer: (() => void) | undefined;
  let unsubscribeWarp: Unsubscribe | undefined;
  let stopped = false;
  const eventListeners = new Set<(event: AppEvent) => void>();
  const stateListeners = new Set<(state: AppState) => void>();

  function emit<K extends EventName>(name: K, payload: unknown): void {
    const parsed = events[name].safeParse(payload);
    if (!parsed.success) {
      log(`dropped a ${name} event that does not match the contract: ${parsed.error.issues[0]?.message ?? ''}`);
      return;
    }
    const event = { name, payload: parsed.data } as AppEvent;
    for (const listener of eventListeners) {
      try {
        listener(event);
      } catch (e) {
        log(`a ${name} event listener failed`, e);
      }
    }
  }

  function transition(change: (s: AppState) => AppState): void {
    const prev = state;
    state = change(prev);
    let notificationSettings: Parameters<typeof notifier.next>[2] | undefined;
    try {
      notificationSettings = domain.settings.read();
    } catch (e) {
      log('settings unreadable; notifications skipped', e);
    }
    if (notificationSettings) {
      for (const n of notifier.next(prev, state, notificationSettings)) {
        try {
          host.notify({ title: n.title, body: n.body });
        } catch (e) {
          log('a notification failed', e);
        }
      }
    }
    for (const listener of stateListeners) {
      try {
        listener(state);
      } catch (e) {
        log('a state listener failed', e);
      }
    }
  }

  function clusterList(): ClusterList {
    const lastResults = state.clusters.flatMap((c) => {
      const r = state.results[c.name];
      return r ? [r] : [];
    });
    return { ...fleetOf(state), lastResults };
  }

  function fleetOf(s: AppState): Fleet {
    return {
      clusters: [...s.clusters],
      currentContext: s.currentContext,
      fetchedAt: fleetMeta.fetchedAt,
      fromCache: fleetMeta.fromCache,
      warnings: fleetMeta.warnings,
    };
  }

  function setFleet(fleet: Fleet): ClusterList {
    fleetMeta = { fetchedAt: fleet.fetchedAt, fromCache: fleet.fromCache, warnings: [...fleet.warnings] };
    const names = new Set(fleet.clusters.map((c) => c.name));
    transition((s) => ({
      ...s,
      clusters: [...fleet.clusters],
      currentContext: fleet.currentContext,
      results: Object.fromEntries(Object.entries(s.results).filter(([name]) => names.has(name))),
    }));
    const list = clusterList();
    emit('clustersChanged', list);
    return list;
  }

  function addResult(result: ProbeResultView, event: Omit<ProbeResultEvent, 'result'>): void {
    transition((s) => ({ ...s, results: { ...s.results, [result.cluster]: result } }));
    emit('probeResult', { ...event, result });
  }

  async function runProbes(
    kind: 'check' | 'diagnose' | 'background',
    names: readonly string[] | undefined,
  ): Promise<{ runId: string; results: ProbeResultView[]; report?: Omit<DiagnosticsReportView, 'runId'> }> {
    const runId = newRunId();
    const total = names?.length ?? state.clusters.length;
    let finished = 0;
    const onResult = (result: ProbeResultView) => {
      finished += 1;
      addResult(result, { runId, origin: kind, remaining: Math.max(0, total - finished) });
    };
    if (kind === 'diagnose') {
      const report = await domain.diagnose(names, onResult);
      return { runId, results: report.results, report };
    }
    return { runId, results: await domain.check(names, onResult, { background: kind === 'background' }) };
  }

  async function diagnose(names: readonly string[] | undefined): Promise<DiagnosticsReportView> {
    const { runId, report } = await runProbes('diagnose', names);
    if (!report) throw new Error('diagnose returned no report');
    lastReport = { ...report, runId };
    return lastReport;
  }

  async function exportReport(format: ReportFormat) {
    const report = lastReport ?? (await diagnose(undefined));
    return {
      format,
      fileName: reportFileName(report.generatedAt, format),
      content: domain.renderReport(report, format),
    };
  }

  function refresh(): Promise<Fleet> {
    refreshing ??= domain
      .refresh((progress) => emit('discoveryProgress', progress))
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  }

  /** A check asked for while one runs is run once more after it: its results may predate the change. */
  let recheck = false;
  function runBackgroundCheck(): void {
    if (stopped || state.clusters.length === 0) return;
    if (backgroundCheck) {
      recheck = true;
      return;
    }
    backgroundCheck = runProbes('background', undefined)
      .catch((e) => log('background check failed', e))
      .finally(() => {
        backgroundCheck = undefined;
        if (recheck) {
          recheck = false;
          runBackgroundCheck();
        }
      });
  }

  function scheduleBackground(): void {
    cancelTimer?.();
    cancelTimer = undefined;
    if (stopped) return;
    let seconds: number;
    try {
      seconds = domain.settings.read().refreshIntervalSec;
    } catch {
      seconds = 60;
    }
    cancelTimer = setTimer(() => {
      runBackgroundCheck();
      scheduleBackground();
    }, seconds * 1000);
  }

  const handlers: Handlers = {
    listClusters: async () => setFleet(await domain.listClusters()),
    refresh: async () => setFleet(await refresh()),
    check: async (request) => {
      const { runId, results } = await runProbes('check', request?.names);
      return { runId, results };
    },
    diagnose: (request) => diagnose(request?.names),
    previewSetup: async (input) => {
      checkChosenCatalog(input.sources.catalogPath);
      return domain.previewSetup(input, (p) => emit('discoveryProgress', p));
    },
    applySetup: async (input) => {
      checkChosenCatalog(input.sources.catalogPath);
      const result = await domain.applySetup(input, (p) => emit('discoveryProgress', p));
      setFleet(await domain.listClusters());
      return result;
    },
    useContext: async ({ name }) => {
      const result = await domain.useContext(name);
      setFleet(await domain.listClusters());
      return result;
    },
    getSettings: async () => ({ settings: domain.settings.read(), file: domain.settings.path }),
    setSettings: async (patch) => {
      if (patch.accountId) checkAccountId(patch.accountId, 'enter it again');
      if (patch.launchAtLogin !== undefined) await host.setLaunchAtLogin(patch.launchAtLogin);
      const settings = domain.settings.update(toSettingsPatch(patch));
      if (patch.refreshIntervalSec !== undefined) scheduleBackground();
      return { settings, file: domain.settings.path };
    },
    getLoginStatus: () => domain.loginStatus(),
    login: ({ token, accountId }) => domain.login(token, accountId),
    logout: () => domain.logout(),
    getWarpState: async () => domain.warp.current(),
    exportReport: ({ format }) => exportReport(format),
    saveReport: async ({ format }) => {
      const report = await exportReport(format);
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
      const report = await exportReport(format);
      host.writeClipboard(report.content);
      return { copied: true, characters: report.content.length };
    },
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
    listBackups: async () => (domain.listBackups ? domain.listBackups() : { folder: null, backups: [] }),
  };

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

  async function handle(name: string, payload: unknown): Promise<Envelope<unknown>> {
    if (!isRequestName(name)) {
      return { ok: false, error: { code: 'invalid-request', message: 'kubezt does not know that request.' } };
    }
    const contract = requests[name];
    const parsed = contract.request.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
      return {
        ok: false,
        error: {
          code: 'invalid-request',
          // oneLine: zod quotes unknown keys as sent, control characters included.
          message: truncate(oneLine(`The ${name} request is invalid (${where}${issue?.message ?? 'malformed'}).`)),
        },
      };
    }
    // The token is the one secret that passes through here; nothing that goes back may hold it.
    const secrets = name === 'login' ? [(parsed.data as RequestOf<'login'>).token] : [];
    try {
      const value = await (handlers[name] as (request: unknown) => Promise<unknown>)(parsed.data);
      const checked = contract.response.safeParse(value);
      if (!checked.success) {
        log(`the ${name} response does not match the contract`, checked.error);
        return {
          ok: false,
          error: { code: 'internal', message: `kubezt produced an invalid answer to ${name}; this is a bug.` },
        };
      }
      return { ok: true, value: checked.data };
    } catch (e) {
      return { ok: false, error: toIpcError(e, name, secrets, log) };
    }
  }

  return {
    handle,
    async call(name, ...request) {
      return unwrap(await handle(name, request[0])) as never;
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    state: () => state,
    onStateChange(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    async start() {
      stopped = false;
      transition((s) => ({ ...s, warp: domain.warp.current() }));
      unsubscribeWarp = domain.warp.subscribe((warp) => {
        const statusChanged = warp.status !== state.warp.status;
        transition((s) => ({ ...s, warp }));
        emit('warpState', warp);
        // Reachability follows WARP: re-check at once instead of waiting for the next round.
        if (statusChanged) runBackgroundCheck();
      });
      try {
        if (domain.settings.read().launchAtLogin) await host.setLaunchAtLogin(true);
      } catch (e) {
        log('could not refresh the launch-at-login entry', e);
      }
      try {
        setFleet(await domain.listClusters());
      } catch (e) {
        log('could not load the cluster list', e);
      }
      runBackgroundCheck();
      scheduleBackground();
    },
    stop() {
      stopped = true;
      cancelTimer?.();
      cancelTimer = undefined;
      unsubscribeWarp?.();
      unsubscribeWarp = undefined;
    },
  };
}

/** IPC patches clear with null; the domain's SettingsPatch clears with undefined. */
export function toSettingsPatch(patch: SettingsPatchRequest): SettingsPatch {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    out[key] = value === null ? undefined : value;
  }
  return out as SettingsPatch;
}

/** `kubezt-report-20260129-101500.md`: sortable, no characters any file system minds. */
export function reportFileName(generatedAt: string, format: ReportFormat): string {
  const d = new Date(generatedAt);
  const stamp = Number.isNaN(d.getTime())
    ? 'unknown-time'
    : d
        .toISOString()
        .replace(/\.\d+Z$/, '')
        .replace(/[-:]/g, '')
        .replace('T', '-');
  return `kubezt-report-${stamp}.${format === 'markdown' ? 'md' : 'json'}`;
}

function toIpcError(
  e: unknown,
  request: string,
  secrets: readonly string[],
  log: (message: string, error?: unknown) => void,
): IpcError {
  if (isUserError(e)) return { code: e.code, message: truncate(redactSecrets(e.message, secrets)) };
  const detail = e instanceof Error ? e.message : String(e);
  // Logged redacted too: the log is a file a user may attach to a ticket.
  const stack = e instanceof Error && e.stack ? `\n${redactSecrets(e.stack, secrets)}` : '';
  log(`internal error in ${request}: ${redactSecrets(detail, secrets)}${stack}`);
  return {
    code: 'internal',
    message: truncate(
      `kubezt failed to run ${request} (${redactSecrets(detail, secrets)}); this is a bug, please report it.`,
    ),
  };
}

function truncate(message: string): string {
  return message.length <= MAX_ERROR_MESSAGE ? message : `${message.slice(0, MAX_ERROR_MESSAGE - 1)}…`;
}
