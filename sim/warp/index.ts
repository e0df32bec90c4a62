export { type StartFakeWarpOptions, startFakeWarp } from './fake.ts';
export {
  effectiveTrace,
  listenUpdate,
  planCall,
  settingsText,
  statusJson,
  statusText,
  traceBody,
  tunnelIpList,
} from './outputs.ts';
export {
  DEFAULT_EXCLUDES,
  DEFAULT_FAKE_WARP_STATE,
  type FakeWarp,
  type FakeWarpFault,
  type FakeWarpFormat,
  type FakeWarpState,
  type FakeWarpStatus,
} from './types.ts';
