import type { ExecSpec } from '../model/cluster.ts';

/**
 * The merged kubeconfig as kubectl sees it (first file wins for a name, the first non-empty
 * current-context), as plain data for probes, diagnostics and the UI: what readKubeconfig (read.ts)
 * returns, whichever strategy read it (read-full.ts, the yaml Document API; read-fast.ts). Relative
 * file paths are resolved against the directory of the file that holds them, as kubectl does.
 * Type-only, so importing it loads no YAML library.
 */
export interface MergedContext {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
  file: string;
  managed: boolean;
  /** For kubezt's entries: the ClusterEntry name it was written for. */
  sourceCluster?: string;
  /** For kubezt's entries: the Cloudflare virtual network its IP belongs to, as recorded. */
  virtualNetwork?: { id: string; name?: string };
}

export interface MergedCluster {
  name: string;
  server: string;
  certificateAuthorityData?: string;
  /** Absolute path of `certificate-authority`. */
  certificateAuthority?: string;
  tlsServerName?: string;
  insecureSkipTlsVerify?: boolean;
  proxyUrl?: string;
  file: string;
  managed: boolean;
}

export interface MergedUser {
  name: string;
  token?: string;
  tokenFile?: string;
  clientCertificate?: string;
  clientCertificateData?: string;
  clientKey?: string;
  clientKeyData?: string;
  username?: string;
  password?: string;
  exec?: ExecSpec;
  authProvider?: string;
  file: string;
  managed: boolean;
}

export interface MergedKubeconfig {
  /** '' when unset. */
  currentContext: string;
  contexts: MergedContext[];
  clusters: MergedCluster[];
  users: MergedUser[];
  /** The file kubectl writes new entries and current-context to. */
  defaultFile: string;
}
