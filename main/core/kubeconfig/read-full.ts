import { dirname, isAbsolute, resolve } from 'node:path';
import { type Document, isMap, isScalar, type YAMLMap } from 'yaml';
import type { ExecSpec } from '../model/cluster.ts';
import type { MergedCluster, MergedContext, MergedKubeconfig, MergedUser } from './merged.ts';
import {
  getNode,
  getString,
  type KubeconfigSet,
  type KubeconfigSource,
  type ParsedEntry,
  toData,
  toKubeconfigSet,
} from './parse.ts';

export type { MergedCluster, MergedContext, MergedKubeconfig, MergedUser } from './merged.ts';

function localPath(file: string, value: string): string | undefined {
  if (value === '') return undefined;
  return isAbsolute(value) ? value : resolve(dirname(file), value);
}

function optional<T extends object, K extends string, V>(obj: T, key: K, value: V | undefined | ''): T {
  if (value !== undefined && value !== '') (obj as Record<string, unknown>)[key] = value;
  return obj;
}

function execOf(doc: Document.Parsed, inner: YAMLMap, file: string): ExecSpec | undefined {
  const raw = getNode(doc, inner, 'exec');
  if (!isMap(raw)) return undefined;
  const e = toData(doc, raw) as Record<string, unknown> | null;
  if (!e || typeof e !== 'object') return undefined;
  const command = typeof e.command === 'string' ? e.command : '';
  // kubectl resolves a relative command only when it has a path separator (./bin/x, not aws).
  const resolved = command.includes('/') && !isAbsolute(command) ? resolve(dirname(file), command) : command;
  const spec: ExecSpec = { apiVersion: String(e.apiVersion ?? ''), command: resolved };
  if (Array.isArray(e.args)) spec.args = e.args.map(String);
  if (Array.isArray(e.env)) {
    spec.env = (e.env as Record<string, unknown>[])
      .filter((v) => v && typeof v === 'object')
      .map((v) => ({ name: String(v.name ?? ''), value: String(v.value ?? '') }));
  }
  const mode = e.interactiveMode;
  if (mode === 'Never' || mode === 'IfAvailable' || mode === 'Always') spec.interactiveMode = mode;
  if (typeof e.provideClusterInfo === 'boolean') spec.provideClusterInfo = e.provideClusterInfo;
  if (typeof e.installHint === 'string') spec.installHint = e.installHint;
  return spec;
}

/** The full reader: every file through the yaml Document API, every problem reported precisely. */
export function readMergedKubeconfig(files: readonly KubeconfigSource[] | KubeconfigSet): MergedKubeconfig {
  const set = toKubeconfigSet(files);
  const where = (e: ParsedEntry) => {
    const f = set.files[e.fileIndex];
    if (!f?.doc) throw new Error('kubezt lost the document of a kubeconfig entry');
    return { doc: f.doc, file: f.path };
  };
  const contexts: MergedContext[] = [];
  for (const e of set.merged.context.values()) {
    const { doc, file } = where(e);
    const get = (k: string) => (e.inner ? getString(doc, e.inner, k) : '');
    const ctx: MergedContext = { name: e.name, cluster: get('cluster'), user: get('user'), file, managed: e.owned };
    optional(ctx, 'namespace', get('namespace'));
    optional(ctx, 'sourceCluster', e.ownerCluster);
    if (e.ownerVirtualNetwork) ctx.virtualNetwork = e.ownerVirtualNetwork;
    contexts.push(ctx);
  }
  const clusters: MergedCluster[] = [];
  for (const e of set.merged.cluster.values()) {
    const { doc, file } = where(e);
    const get = (k: string) => (e.inner ? getString(doc, e.inner, k) : '');
    const c: MergedCluster = { name: e.name, server: get('server'), file, managed: e.owned };
    optional(c, 'certificateAuthorityData', get('certificate-authority-data').replace(/[\r\n]/g, ''));
    optional(c, 'certificateAuthority', localPath(file, get('certificate-authority')));
    optional(c, 'tlsServerName', get('tls-server-name'));
    optional(c, 'proxyUrl', get('proxy-url'));
    const skipVerify = e.inner ? getNode(doc, e.inner, 'insecure-skip-tls-verify') : undefined;
    if (isScalar(skipVerify) && skipVerify.value === true) c.insecureSkipTlsVerify = true;
    clusters.push(c);
  }
  const users: MergedUser[] = [];
  for (const e of set.merged.user.values()) {
    const { doc, file } = where(e);
    const get = (k: string) => (e.inner ? getString(doc, e.inner, k) : '');
    const u: MergedUser = { name: e.name, file, managed: e.owned };
    optional(u, 'token', get('token'));
    optional(u, 'tokenFile', localPath(file, get('tokenFile')));
    optional(u, 'clientCertificate', localPath(file, get('client-certificate')));
    optional(u, 'clientCertificateData', get('client-certificate-data').replace(/[\r\n]/g, ''));
    optional(u, 'clientKey', localPath(file, get('client-key')));
    optional(u, 'clientKeyData', get('client-key-data').replace(/[\r\n]/g, ''));
    optional(u, 'username', get('username'));
    optional(u, 'password', get('password'));
    if (e.inner) {
      optional(u, 'exec', execOf(doc, e.inner, file));
      const ap = getNode(doc, e.inner, 'auth-provider');
      if (isMap(ap)) optional(u, 'authProvider', getString(doc, ap, 'name'));
    }
    users.push(u);
  }
  return {
    currentContext: set.currentContext,
    contexts,
    clusters,
    users,
    defaultFile: set.files[set.defaultFileIndex]?.path ?? '',
  };
}
