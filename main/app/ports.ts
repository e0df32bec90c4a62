/**
 * The ports of the app's service layer: what it needs from the domain (main/core, through
 * main/usecases) and what it needs from its host (Electron, or a test harness). Both are
 * interfaces so the service layer stays plain Node and can be driven in tests; main/app/adapters/
 * implements `DomainPort` with the real domain modules.
 *
 * DomainPort speaks the IPC contract's data shapes (ipc/contract.ts): the adapter from the
 * domain's own types (ClusterEntry, probe ladders, WARP signals) to these shapes lives with that
 * implementation, so that what crosses the bridge is decided in exactly one place.
 */
import type {
  BackupList,
  ClusterList,
  DiagnosticsReportView,
  DiscoveryProgress,
  Environment,
  LoginStatus,
  ProbeResultView,
  ReportFormat,
  ResponseOf,
  SetupInput,
  SetupPreview,
  SetupResult,
  UseContextResult,
  WarpStateView,
} from '../../ipc/contract.ts';
import type { SettingsStore } from '../core/settings/store.ts';
import type { NetworkNotice } from '../usecases/join-network.ts';

/** The cluster list without probe results (the service layer adds the latest ones it saw). */
export type Fleet = Omit<ClusterList, 'lastResults'>;

export type ProgressListener = (progress: DiscoveryProgress) => void;
export type ResultListener = (result: ProbeResultView) => void;

export interface DomainPort {
  /** Clusters known now: the discovery cache merged with the catalog, with kubeconfig status. No network. */
  listClusters(): Promise<Fleet>;
  /** Re-runs discovery (Cloudflare API + catalog), updates the cache, and returns the new list. */
  refresh(onProgress: ProgressListener): Promise<Fleet>;
  /**
   * Runs the probe ladder for the named clusters (every known cluster when undefined), with the
   * core's concurrency bound, calling `onResult` as each cluster finishes. Throws `not-found` for
   * an unknown name. `background`: a periodic check nobody asked for, which runs exec credential
   * plugins only when the settings allow it.
   */
  check(
    names: readonly string[] | undefined,
    onResult: ResultListener,
    opts?: { background?: boolean },
  ): Promise<ProbeResultView[]>;
  /** The full ladder with remedies; results stream through `onResult` as for `check`. */
  diagnose(
    names: readonly string[] | undefined,
    onResult: ResultListener,
  ): Promise<Omit<DiagnosticsReportView, 'runId'>>;
  /** The report as Markdown (for a support ticket) or as the stable JSON form. */
  renderReport(report: DiagnosticsReportView, format: ReportFormat): string;
  /**
   * Discovers from the chosen sources, fetches certificates where no CA is known, and computes the
   * exact kubeconfig change for the selected clusters. Writes nothing.
   */
  previewSetup(input: SetupInput, onProgress: ProgressListener): Promise<SetupPreview>;
  /** Applies what `previewSetup` showed (recomputed under kubectl's lock). */
  applySetup(input: SetupInput, onProgress: ProgressListener): Promise<SetupResult>;
  /**
   * Sets current-context, like `kubectl config use-context`; `name` is a cluster or context name.
   * `notices`: the WARP virtual network switched (or left alone) on the way, for a notification.
   */
  useContext(name: string): Promise<UseContextResult & { notices?: NetworkNotice[] }>;
  /** The shared settings (core/settings), opened by the host on electron-store or conf. */
  readonly settings: SettingsStore;
  loginStatus(): Promise<LoginStatus>;
  /**
   * Verifies the token against the Cloudflare API and stores it in the SecretStore. Never logs or
   * returns it; errors must not contain it (the service layer redacts again anyway).
   */
  login(token: string, accountId: string | undefined): Promise<LoginStatus>;
  logout(): Promise<LoginStatus>;
  readonly warp: {
    /** The latest state (`unknown` before the first signal). */
    current(): WarpStateView;
    /** Debounced state changes; returns the cleanup. */
    subscribe(listener: (state: WarpStateView) => void): () => void;
  };
  /** Which kubeconfig files are in use and where new entries go. */
  kubeconfigInfo(): Promise<Environment['kubeconfig']>;
  /** The kubectl on PATH and its client version, for the skew column and Settings. */
  kubectlInfo(): Promise<Environment['kubectl']>;
  /** kubezt's kubeconfig backups, newest first. A core without a settings folder has none to list. */
  listBackups?(): Promise<BackupList>;
  /** Sets a cluster's (or context's) namespace in the kubeconfig, as `kubezt ns` writes it. */
  setNamespace?(cluster: string, namespace: string): Promise<ResponseOf<'setNamespace'>>;
  /** Switches WARP's virtual network (id or name) and waits, bounded, until it is connected there. */
  switchVirtualNetwork?(id: string): Promise<WarpStateView>;
}

/** What the login shell gave us (see login-shell.ts), reported in Settings. */
export type LoginShellReport = Environment['loginShell'];

/**
 * What the service layer asks of its host. Electron implements it in main/electron (dialogs,
 * clipboard, shell, notifications, login items); the browser tests implement it in-process.
 */
export interface AppHost {
  readonly appVersion: string;
  readonly platform: NodeJS.Platform;
  readonly loginShell: LoginShellReport;
  /** A save dialog; the chosen path, or null when cancelled. */
  chooseSavePath(options: { title: string; defaultName: string; extensions: string[] }): Promise<string | null>;
  /** An open-file dialog; the chosen path, or null when cancelled. */
  chooseOpenPath(options: { title: string; extensions: string[] }): Promise<string | null>;
  writeClipboard(text: string): void;
  /** Opens an https URL in the user's browser (already checked by the caller). */
  openExternal(url: string): Promise<void>;
  /** Registers or removes the app as a login item (macOS/Windows) or autostart entry (Linux). */
  setLaunchAtLogin(enabled: boolean): Promise<void>;
  /** Shows a desktop notification. Only called when the user enabled that kind. */
  notify(notification: { title: string; body: string }): void;
  /** Shows the folder of the log files in the file manager; `error` when the desktop could not. A host without log files has none. */
  openLogFolder?(): Promise<{ path: string; error?: string }>;
}
