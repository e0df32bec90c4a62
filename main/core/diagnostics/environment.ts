import os from 'node:os';
import type { KubectlClientInfo } from '../probe/types.ts';
import { type DiscoveryTeam, matchOrganization } from '../warp/organization-match.ts';
import type { WarpDetection } from '../warp/types.ts';
import type { ReportEnvironment } from './report.ts';

/**
 * The "Environment" of a report: what a support engineer asks first. System facts default to
 * this machine's; the kubectl client and the WARP detection are the ones the checks used.
 */
export function reportEnvironment(input: {
  kubeztVersion?: string;
  kubectl?: KubectlClientInfo | null;
  warp?: WarpDetection | null;
  /** The account's Zero Trust organization as discovery read it, for the organization check. */
  discoveryTeam?: DiscoveryTeam;
  system?: { platform: string; arch: string; nodeVersion: string; osRelease?: string };
}): ReportEnvironment {
  const system = input.system ?? {
    platform: process.platform,
    arch: process.arch,
    nodeVersion: process.version,
    osRelease: `${os.type()} ${os.release()}`,
  };
  const w = input.warp;
  const match = w && input.discoveryTeam ? matchOrganization(w.organization, [input.discoveryTeam]) : null;
  return {
    ...(input.kubeztVersion ? { kubeztVersion: input.kubeztVersion } : {}),
    platform: system.platform,
    arch: system.arch,
    nodeVersion: system.nodeVersion,
    ...(system.osRelease ? { osRelease: system.osRelease } : {}),
    kubectl: input.kubectl ?? null,
    warp: w
      ? {
          state: w.state,
          gatewayOn: w.gatewayOn === true,
          signals: w.signals.map((s) => ({ source: s.source, detail: `${s.status}: ${s.detail}` })),
          ...profileFacts(w),
          ...(match ? { organizationMatch: match } : {}),
        }
      : null,
  };
}

/** The client profile in words, each only when warp-cli said it. */
function profileFacts(w: WarpDetection): { mode?: string; virtualNetwork?: string; organization?: string } {
  const v = w.virtualNetworks;
  const activeName = v?.active ? v.list.find((n) => n.id === v.active)?.name : undefined;
  return {
    ...(w.mode ? { mode: w.mode.label === w.mode.raw ? w.mode.label : `${w.mode.label} (${w.mode.raw})` } : {}),
    ...(v?.active ? { virtualNetwork: activeName ? `${activeName} (${v.active})` : v.active } : {}),
    ...(w.organization ? { organization: w.organization } : {}),
  };
}
