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
  DEFAULT_SIGNAL_TIMEOUT_MS,
  detectWarp,
  readInterface,
  readSplitTunnel,
  readTrace,
  readWarpCli,
  type SplitTunnelReading,
  warpInterfaceName,
} from './detect.ts';
export { DEFAULT_TRACE_URL, defaultWarpCliPath, nodeLineStreamer, warpEnvFromProcess } from './env.ts';
export { parseLinuxRoute, parseMacRoute, parseWindowsRoute } from './parse-route.ts';
export { parseSettingsSplitTunnel, parseTunnelIpList } from './parse-split-tunnel.ts';
export { isStatusLine, parseStatusJson, parseStatusText } from './parse-status.ts';
export { parseTrace, type TraceReading } from './parse-trace.ts';
export { checkRoute, isPlainIp, type RouteFacts, readRoute, routeVerdict } from './route.ts';
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
  WarpCliReading,
  WarpCliSignal,
  WarpDetection,
  WarpEnv,
  WarpSignal,
  WarpSignalSource,
  WarpStatus,
} from './types.ts';
export { createWarpView, toWarpStateView, type WarpView } from './view.ts';
export { type Timers, type WarpWatcher, type WatchWarpOptions, watchWarp } from './watch.ts';
