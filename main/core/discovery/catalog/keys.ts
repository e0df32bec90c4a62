export const DEFAULT_PORT = 6443;
export const DEFAULT_EXEC_API_VERSION = 'client.authentication.k8s.io/v1';
export const EXEC_API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];
export const INTERACTIVE_MODES = ['Never', 'IfAvailable', 'Always'] as const;

/** Every key the catalog accepts, per level; anything else is an error. */
export const CATALOG_KEYS = {
  root: ['defaults', 'clusters'],
  defaults: ['port', 'namespace', 'user'],
  cluster: [
    'name',
    'server',
    'ip',
    'port',
    'certificateAuthorityData',
    'certificateAuthority',
    'tlsServerName',
    'namespace',
    'user',
    'virtualNetwork',
    'group',
  ],
  user: ['existing', 'exec', 'token', 'tokenFile', 'clientCertificate', 'clientKey'],
  exec: ['apiVersion', 'command', 'args', 'env', 'interactiveMode', 'provideClusterInfo', 'installHint'],
  env: ['name', 'value'],
} as const satisfies Record<string, readonly string[]>;
export const ROOT_KEYS: readonly string[] = CATALOG_KEYS.root;
export const DEFAULTS_KEYS: readonly string[] = CATALOG_KEYS.defaults;
export const CLUSTER_KEYS: readonly string[] = CATALOG_KEYS.cluster;
export const USER_KEYS: readonly string[] = CATALOG_KEYS.user;
export const EXEC_KEYS: readonly string[] = CATALOG_KEYS.exec;
export const ENV_KEYS: readonly string[] = CATALOG_KEYS.env;

export const NAME_RE = /^[a-z0-9-]+$/;
export const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const HOSTNAME_RE =
  /^(?=.{1,253}\.?$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
export const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const STR_TAG = 'tag:yaml.org,2002:str';
