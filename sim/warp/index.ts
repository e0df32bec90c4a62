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
  activeVnetOf,
  DEFAULT_MODE,
  DEFAULT_ORGANIZATION,
  effectiveStatus,
  registrationOrganization,
  settingsJson,
  vnetJson,
  vnetSwitch,
  vnetText,
} from './profile-outputs.ts';
export {
  DEFAULT_EXCLUDES,
  DEFAULT_FAKE_WARP_STATE,
  type FakeVirtualNetwork,
  type FakeWarp,
  type FakeWarpFault,
  type FakeWarpFormat,
  type FakeWarpState,
  type FakeWarpStatus,
} from './types.ts';
