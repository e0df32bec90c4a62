import type { VirtualNetworks, WarpDetection, WarpMode } from '../../core/warp/types.ts';

/** `virtualNetworks` in `kubezt warp --json` and `kubezt vnet --json`. */
export interface VirtualNetworksJson {
  /** The selected network's id; null when none is (or the client did not say). */
  active: string | null;
  /** The selected network's name, when it is in the list. */
  activeName: string | null;
  networks: { id: string; name: string; description: string; default: boolean; active: boolean }[];
}

export function virtualNetworksJson(v: VirtualNetworks | null | undefined): VirtualNetworksJson | null {
  if (!v) return null;
  return {
    active: v.active,
    activeName: v.list.find((n) => n.id === v.active)?.name ?? null,
    networks: v.list.map((n) => ({ ...n, active: n.id === v.active })),
  };
}

const whose = (managed: boolean | null | undefined) =>
  managed === true ? ', set by your organization' : managed === false ? ', your own setting' : '';

export function modeLine(mode: WarpMode | null | undefined): string {
  if (!mode) return 'Mode: not reported by warp-cli';
  const name = mode.label === mode.raw ? mode.raw : `${mode.label} (${mode.raw})`;
  const routes =
    mode.privateRouting === true
      ? 'routes private IPs'
      : mode.privateRouting === false
        ? 'routes NO private IPs: use Traffic and DNS mode or Traffic only mode'
        : 'unknown whether it routes private IPs';
  return `Mode: ${name}${whose(mode.managed)}; ${routes}`;
}

/** The profile lines of `kubezt warp`: mode, organization, virtual networks. */
export function profileLines(d: WarpDetection): string[] {
  const lines = [modeLine(d.mode), `Organization: ${d.organization ?? 'not reported by warp-cli'}`];
  const v = virtualNetworksJson(d.virtualNetworks);
  if (!v) {
    lines.push('Virtual network: not reported by warp-cli');
    return lines;
  }
  lines.push(`Virtual network: ${v.activeName ?? v.active ?? 'none selected'}${v.activeName ? ` (${v.active})` : ''}`);
  lines.push(...networkLines(v));
  return lines;
}

/** One line per network, the selected one marked with `*`. */
export function networkLines(v: VirtualNetworksJson): string[] {
  const width = Math.min(40, Math.max(4, ...v.networks.map((n) => n.name.length)));
  return v.networks.map(
    (n) =>
      `  ${n.active ? '*' : ' '} ${n.name.padEnd(width)}  ${n.id}${n.default ? '  (default)' : ''}${n.description ? `  ${n.description}` : ''}`,
  );
}

export function splitManagedWords(managed: boolean | null | undefined): string {
  return whose(managed);
}
