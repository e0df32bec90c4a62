import type { ProbeResultView, WarpStatus } from '../../ipc/contract.ts';
import { expiryPhrase } from '../core/probe/credential-expiry.ts';
import { type AppState, currentCluster, type TrayIconState, trayIconState } from './state.ts';

/** What a tray menu item does when clicked; the Electron glue maps these to handlers. */
export type TrayAction =
  | { kind: 'use'; cluster: string }
  | { kind: 'open'; view: 'clusters' | 'setup' | 'diagnostics' | 'settings' }
  | { kind: 'refresh' }
  | { kind: 'quit' };

export type TrayMenuItem =
  | { type: 'separator' }
  | { type: 'normal'; label: string; enabled: boolean; action?: TrayAction; toolTip?: string }
  | { type: 'checkbox'; label: string; enabled: boolean; checked: boolean; action: TrayAction; toolTip?: string };

export interface TrayModel {
  icon: TrayIconState;
  tooltip: string;
  menu: TrayMenuItem[];
}

const WARP_LABEL: Record<WarpStatus, string> = {
  connected: 'WARP connected',
  connecting: 'WARP connecting…',
  disconnected: 'WARP disconnected',
  unavailable: 'WARP not installed',
  unknown: 'WARP state unknown',
};

/** Text marks: tray menus render no colour, and these read in every desktop's menu font. */
export function statusMark(result: ProbeResultView | undefined): string {
  if (!result) return '…';
  switch (result.reachability) {
    case 'reachable':
      return '●';
    case 'degraded':
      return '▲';
    case 'unreachable':
      return '✕';
  }
}

export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

/** "certificate expires in 3 days"; undefined when the result knows no expiry. */
export function expiryText(result: ProbeResultView | undefined, now: Date): string | undefined {
  return result?.expiry ? expiryPhrase(result.expiry, now) : undefined;
}

/** Rebuilt from scratch on every state change (Linux only picks up a menu on setContextMenu). */
export function trayModel(state: AppState, now: Date = new Date()): TrayModel {
  const icon = trayIconState(state);
  const current = currentCluster(state);
  const currentResult = current ? state.results[current.name] : undefined;
  const tooltipParts = [`kubezt: ${WARP_LABEL[state.warp.status]}`];
  if (current) {
    tooltipParts.push(
      `${current.context ?? current.name} ${currentResult ? currentResult.reachability : 'not checked yet'}`,
    );
    const expiry = expiryText(currentResult, now);
    if (expiry) tooltipParts.push(expiry);
  } else if (state.currentContext) {
    tooltipParts.push(`context ${state.currentContext}`);
  }

  const menu: TrayMenuItem[] = [{ type: 'normal', label: WARP_LABEL[state.warp.status], enabled: false }];
  if (state.warp.status === 'connected' && state.warp.gatewayOn) {
    menu.push({ type: 'normal', label: 'Gateway filtering on', enabled: false });
  }
  menu.push({ type: 'separator' });

  if (state.clusters.length === 0) {
    menu.push({ type: 'normal', label: 'No clusters yet: set up kubeconfig', enabled: false });
  } else {
    for (const cluster of state.clusters) {
      const result = state.results[cluster.name];
      const latency = formatLatency(result?.latencyMs);
      const label = `${statusMark(result)} ${cluster.name}${latency ? `    ${latency}` : ''}`;
      if (cluster.context === null) {
        menu.push({
          type: 'normal',
          label: `${label} (not in kubeconfig)`,
          enabled: false,
          toolTip: 'Run "Set up kubeconfig…" to add its context.',
        });
      } else {
        menu.push({
          type: 'checkbox',
          label,
          enabled: true,
          checked: cluster.current,
          action: { kind: 'use', cluster: cluster.name },
          ...(result ? { toolTip: [result.summary, expiryText(result, now)].filter(Boolean).join(' ') } : {}),
        });
      }
    }
  }

  menu.push(
    { type: 'separator' },
    { type: 'normal', label: 'Set up kubeconfig…', enabled: true, action: { kind: 'open', view: 'setup' } },
    { type: 'normal', label: 'Diagnostics…', enabled: true, action: { kind: 'open', view: 'diagnostics' } },
    { type: 'normal', label: 'Open dashboard', enabled: true, action: { kind: 'open', view: 'clusters' } },
    { type: 'normal', label: 'Refresh', enabled: true, action: { kind: 'refresh' } },
    { type: 'normal', label: 'Settings…', enabled: true, action: { kind: 'open', view: 'settings' } },
    { type: 'separator' },
    { type: 'normal', label: 'Quit', enabled: true, action: { kind: 'quit' } },
  );
  return { icon, tooltip: tooltipParts.join(' · '), menu };
}
