export {
  cidrContains,
  hostCidr,
  isDefaultExclude,
  parseCidr,
  parseIp,
  privateRangeOf,
  WARP_DEFAULT_EXCLUDES,
} from './cidr.ts';
export {
  combineSignals,
  detectWarp,
  readInterface,
  readSplitTunnel,
  readTrace,
  readWarpCli,
  type SplitTunnelReading,
  warpInterfaceName,
} from './detect.ts';
export { DEFAULT_TRACE_URL, defaultWarpCliPath, nodeLineStreamer, warpEnvFromProcess } from './env.ts';
export {
  ACCESS_ORGANIZATION_PERMISSION,
  type DiscoveryTeam,
  matchOrganization,
  type OrganizationMatch,
} from './organization-match.ts';
export {
  jsonObjectOf,
  parseMode,
  parseOrganization,
  parseSettingsJson,
  parseSettingsText,
  type SettingsReading,
} from './parse-profile.ts';
export { parseLinuxRoute, parseMacRoute, parseWindowsRoute } from './parse-route.ts';
export { parseSettingsSplitTunnel, parseTunnelIpList } from './parse-split-tunnel.ts';
export { isStatusLine, parseListenLine, parseStatusJson, parseStatusText } from './parse-status.ts';
export { parseTrace, type TraceReading } from './parse-trace.ts';
export { findVirtualNetwork, parseVnetJson, parseVnetText } from './parse-vnet.ts';
export {
  type ClientProfile,
  type ProfileAttempt,
  readClientProfile,
  readOrganization,
  readVirtualNetworks,
  type WarpCliEnv,
} from './profile.ts';
export { checkRoute, isPlainIp, type RouteFacts, readRoute, routeVerdict } from './route.ts';
export { DEFAULT_SIGNAL_TIMEOUT_MS, runWarpCli } from './run.ts';
export { isManagedSource } from './setting-source.ts';
export {
  realSwitchClock,
  type SwitchClock,
  type SwitchVirtualNetworkOptions,
  type SwitchVirtualNetworkResult,
  switchVirtualNetwork,
} from './switch.ts';
export type {
  InterfaceSignal,
  LineStreamer,
  OsRoute,
  RouteVerdict,
  RouteVerdictResult,
  SplitTunnelConfig,
  SplitTunnelEntry,
  SplitTunnelMode,
  TraceSignal,
  VirtualNetwork,
  VirtualNetworks,
  WarpCliReading,
  WarpCliSignal,
  WarpDetection,
  WarpEnv,
  WarpMode,
  WarpModeKind,
  WarpSignal,
  WarpSignalSource,
  WarpStatus,
} from './types.ts';
export { createWarpView, toWarpStateView, type WarpView } from './view.ts';
export { type Timers, type WarpWatcher, type WatchWarpOptions, watchWarp } from './watch.ts';
