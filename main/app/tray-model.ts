import type { ClusterView, ProbeResultView, WarpStateView, WarpStatus } from '../../ipc/contract.ts';
import { clusterGroup } from '../core/inventory/group.ts';
import { expiryPhrase } from '../core/probe/credential-expiry.ts';
import { type AppState, currentCluster, type TrayIconState, trayIconState } from './state.ts';

/** What a tray menu item does when clicked; the Electron glue maps these to handlers. */
export type TrayAction =
  | { kind: 'use'; cluster: string }
  | { kind: 'open'; view: 'clusters' | 'setup' | 'diagnostics' | 'settings' }
  | { kind: 'refresh' }
  /** Switch WARP to this virtual network (device-wide). */
  | { kind: 'vnet'; id: string }
  | { kind: 'quit' };

export type TrayMenuItem =
  | { type: 'separator' }
  | { type: 'normal'; label: string; enabled: boolean; action?: TrayAction; toolTip?: string }
  | { type: 'checkbox'; label: string; enabled: boolean; checked: boolean; action: TrayAction; toolTip?: string }
  | { type: 'submenu'; label: string; items: TrayMenuItem[] };

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

/** With more clusters than this, the ones neither pinned nor recent go into submenus by group. */
export const TRAY_FLAT_LIMIT = 15;

/**
 * "in virtual network lab-net · tunnel k8s-lab down, 0 connections": where the cluster sits.
 * `notableOnly`: leave out a healthy tunnel (the icon's tooltip says only what needs attention).
 */
export function clusterNetworkText(cluster: ClusterView, notableOnly = false): string | undefined {
  const parts: string[] = [];
  if (cluster.virtualNetwork && !cluster.virtualNetwork.isDefault) {
    parts.push(`in virtual network ${cluster.virtualNetwork.name}`);
  }
  const status = cluster.tunnelState?.status ?? cluster.tunnel?.health;
  if (cluster.tunnel && !(notableOnly && status === 'healthy')) {
    const s = cluster.tunnelState;
    const conns = s ? `, ${s.connections} connection${s.connections === 1 ? '' : 's'}` : '';
    const colos = s && s.colos.length > 0 ? ` (${s.colos.join(', ')})` : '';
    parts.push(`tunnel ${cluster.tunnel.name} ${status}${conns}${colos}`);
  }
  if (cluster.namespace) parts.push(`namespace ${cluster.namespace}`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

function clusterItem(cluster: ClusterView, state: AppState, now: Date): TrayMenuItem {
  const result = state.results[cluster.name];
  const latency = formatLatency(result?.latencyMs);
  const label = `${statusMark(result)} ${cluster.name}${latency ? `    ${latency}` : ''}`;
  if (cluster.context === null) {
    return {
      type: 'normal',
      label: `${label} (not in kubeconfig)`,
      enabled: false,
      toolTip: 'Run "Set up kubeconfig…" to add its context.',
    };
  }
  return {
    type: 'checkbox',
    label,
    enabled: true,
    checked: cluster.current,
    action: { kind: 'use', cluster: cluster.name },
    ...tip([result?.summary, expiryText(result, now), clusterNetworkText(cluster)]),
  };
}

function tip(parts: (string | undefined)[]): { toolTip?: string } {
  const text = parts.filter(Boolean).join(' ');
  return text ? { toolTip: text } : {};
}

/**
 * The client profile under the WARP line: its mode (with a warning when it routes no private
 * IPs), its organization, and the virtual networks to switch between (the active one checked).
 */
export function warpProfileItems(warp: WarpStateView): TrayMenuItem[] {
  const out: TrayMenuItem[] = [];
  if (warp.mode) {
    out.push({
      type: 'normal',
      label: warp.privateRouting === false ? `⚠ ${warp.mode.label}: routes no private IPs` : warp.mode.label,
      enabled: false,
    });
  }
  if (warp.organization) {
    const match = warp.organizationMatch;
    // A device in another organization reaches none of the account's routes: the line says so.
    const label =
      match?.state === 'mismatch'
        ? `⚠ Organization: ${warp.organization}, not the clusters' ${match.discoveryTeams.join(' or ')}`
        : `Organization: ${warp.organization}`;
    out.push({ type: 'normal', label, enabled: false });
  }
  const v = warp.virtualNetworks;
  if (v && v.list.length > 0) {
    const active = v.list.find((n) => n.id === v.active);
    out.push({
      type: 'submenu',
      label: `Virtual network: ${active?.name ?? v.active ?? 'none'}`,
      items: v.list.map((n) => ({
        type: 'checkbox' as const,
        label: `${n.name}${n.default ? ' (default)' : ''}`,
        enabled: true,
        checked: n.id === v.active,
        action: { kind: 'vnet' as const, id: n.id },
      })),
    });
  }
  return out;
}

/** The pinned clusters, then the recent ones not pinned, each in its setting's order. */
function favouriteClusters(state: AppState): { pinned: ClusterView[]; recent: ClusterView[] } {
  const byName = new Map(state.clusters.map((c) => [c.name, c]));
  const pick = (names: readonly string[]) =>
    names.flatMap((n) => {
      const c = byName.get(n);
      return c ? [c] : [];
    });
  const pinned = pick(state.pinned);
  const pinnedNames = new Set(pinned.map((c) => c.name));
  return { pinned, recent: pick(state.recent).filter((c) => !pinnedNames.has(c.name)) };
}

/** The rest of the clusters by group (groups by name, clusters in list order). */
function groupSubmenus(rest: readonly ClusterView[], state: AppState, now: Date): TrayMenuItem[] {
  const groups = new Map<string, ClusterView[]>();
  for (const c of rest) {
    const g = c.group ?? clusterGroup(c);
    const members = groups.get(g);
    if (members) members.push(c);
    else groups.set(g, [c]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, members]) => ({
      type: 'submenu' as const,
      label: `${group} (${members.length})${members.some((c) => c.current) ? ' ✓' : ''}`,
      items: members.map((c) => clusterItem(c, state, now)),
    }));
}

function clusterItems(state: AppState, now: Date): TrayMenuItem[] {
  if (state.clusters.length === 0) {
    return [{ type: 'normal', label: 'No clusters yet: set up kubeconfig', enabled: false }];
  }
  const { pinned, recent } = favouriteClusters(state);
  const first = new Set([...pinned, ...recent].map((c) => c.name));
  const rest = state.clusters.filter((c) => !first.has(c.name));
  if (state.clusters.length <= TRAY_FLAT_LIMIT) {
    // Short enough to list whole: the favourites simply come first.
    return [...pinned, ...recent, ...rest].map((c) => clusterItem(c, state, now));
  }
  const out: TrayMenuItem[] = [];
  if (pinned.length > 0) {
    out.push({ type: 'normal', label: 'Pinned', enabled: false }, ...pinned.map((c) => clusterItem(c, state, now)));
  }
  if (recent.length > 0) {
    out.push({ type: 'normal', label: 'Recent', enabled: false }, ...recent.map((c) => clusterItem(c, state, now)));
  }
  if (out.length > 0) out.push({ type: 'separator' });
  out.push(...groupSubmenus(rest, state, now));
  return out;
}

/**
 * The whole tray from the state (Linux only picks up a menu on setContextMenu, so the glue
 * hands over a fresh one, at most once per short interval).
 */
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
    const network = clusterNetworkText(current, true);
    if (network) tooltipParts.push(network);
  } else if (state.currentContext) {
    tooltipParts.push(`context ${state.currentContext}`);
  }

  const menu: TrayMenuItem[] = [{ type: 'normal', label: WARP_LABEL[state.warp.status], enabled: false }];
  if (state.warp.status === 'connected' && state.warp.gatewayOn) {
    menu.push({ type: 'normal', label: 'Gateway filtering on', enabled: false });
  }
  menu.push(...warpProfileItems(state.warp));
  menu.push({ type: 'separator' }, ...clusterItems(state, now));
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
