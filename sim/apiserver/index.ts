export { DEFAULT_API_PORT, startApiServerFarm } from './farm.ts';
export { buildKubeconfig, catalogEntryFor, type SimContext, type SimUser } from './kubeconfig.ts';
export { DEFAULT_DNS_NAMES, DEFAULT_GIT_VERSION, versionInfo } from './server.ts';
export type {
  ApiServerFarm,
  ApiServerFarmOptions,
  FakeApiServer,
  FakeHandshakeRecord,
  FakeRequestRecord,
  FakeServerSpec,
  FakeServerStats,
  IssuedCredentials,
  ServerFault,
  ServerFaultInput,
  ServerFaultKind,
  UserInfo,
} from './types.ts';
