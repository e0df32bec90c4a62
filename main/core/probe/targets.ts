import { readFile as fsReadFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { UserError } from '../errors.ts';
import { type ClusterEntry, type ExecSpec, serverUrl } from '../model/cluster.ts';
import type { TargetProblem } from './kubeconfig-view.ts';
import type { PemSource, ProbeCredentials, ProbeTarget } from './types.ts';

export {
  type MergedKubeconfigView,
  type TargetProblem,
  targetsFromMergedKubeconfig,
} from './kubeconfig-view.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function named(list: unknown, key: string): Map<string, Obj> {
  const out = new Map<string, Obj>();
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    if (isObj(item) && typeof item.name === 'string' && isObj(item[key])) out.set(item.name, item[key] as Obj);
  }
  return out;
}

/**
 * Resolves kubeconfig contexts into probe targets the way kubectl reads them: file references
 * relative to the kubeconfig's folder, `*-data` fields preferred over files. Credential files
 * (tokenFile, client certificate and key) are named, not read: the ladder reads them once TLS
 * has passed. A context that cannot be resolved becomes a problem, not an exception; a file that
 * is not a kubeconfig at all is a UserError.
 */
export async function targetsFromKubeconfig(
  text: string,
  opts: { path: string; contexts?: readonly string[]; readFile?: (path: string) => Promise<string> },
): Promise<{ targets: ProbeTarget[]; problems: TargetProblem[]; currentContext?: string }> {
  const read = opts.readFile ?? ((p: string) => fsReadFile(p, 'utf8'));
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new UserError(
      'kubeconfig-invalid',
      `${opts.path} is not valid YAML (${(e as Error).message.split('\n')[0]}): fix or restore it.`,
    );
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isObj(doc))
    throw new UserError(
      'kubeconfig-invalid',
      `${opts.path} is not a kubeconfig (its top level is not a mapping): fix or restore it.`,
    );
  const base = dirname(opts.path);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const clusters = named(doc.clusters, 'cluster');
  const users = named(doc.users, 'user');
  const contexts = named(doc.contexts, 'context');
  const wanted = opts.contexts && opts.contexts.length > 0 ? [...opts.contexts] : [...contexts.keys()];
  const targets: ProbeTarget[] = [];
  const problems: TargetProblem[] = [];

  for (const name of wanted) {
    const ctx = contexts.get(name);
    if (!ctx) {
      problems.push({ context: name, message: `There is no context named "${name}" in ${opts.path}.` });
      continue;
    }
    const clusterName = str(ctx.cluster);
    const cluster = clusterName ? clusters.get(clusterName) : undefined;
    if (!cluster || !str(cluster.server)) {
      problems.push({
        context: name,
        message: `Context "${name}" points at cluster "${clusterName ?? ''}", which is missing or has no server: run kubezt setup again.`,
      });
      continue;
    }
    try {
      let caData = str(cluster['certificate-authority-data']);
      const caFile = str(cluster['certificate-authority']);
      if (!caData && caFile) caData = Buffer.from(await read(abs(caFile))).toString('base64');
      const credentials = resolveUser(ctx.user, users, abs, base);
      targets.push({
        name,
        server: str(cluster.server) as string,
        ...(caData ? { certificateAuthorityData: caData } : {}),
        ...(str(cluster['tls-server-name']) ? { tlsServerName: str(cluster['tls-server-name']) } : {}),
        ...(cluster['insecure-skip-tls-verify'] === true ? { insecureSkipTlsVerify: true } : {}),
        credentials,
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const path = (e as NodeJS.ErrnoException).path;
      problems.push({
        context: name,
        message:
          code && path
            ? `Context "${name}" refers to ${path}, which cannot be read (${code}).`
            : `Context "${name}": ${(e as Error).message}`,
      });
    }
  }
  const current = str(doc['current-context']);
  return { targets, problems, ...(current ? { currentContext: current } : {}) };
}

function resolveUser(
  userRef: unknown,
  users: Map<string, Obj>,
  abs: (p: string) => string,
  base: string,
): ProbeCredentials {
  const name = str(userRef);
  const user = name ? users.get(name) : undefined;
  if (!user) return { kind: 'none' };
  const token = str(user.token);
  if (token) return { kind: 'token', token };
  const tokenFile = str(user.tokenFile);
  if (tokenFile) return { kind: 'tokenFile', tokenFile: abs(tokenFile) };
  const pem = (data: string | undefined, file: string | undefined): PemSource | undefined =>
    data ? { pem: Buffer.from(data, 'base64').toString('utf8') } : file ? { file: abs(file) } : undefined;
  const cert = pem(str(user['client-certificate-data']), str(user['client-certificate']));
  const key = pem(str(user['client-key-data']), str(user['client-key']));
  if (cert && key) {
    return 'pem' in cert && 'pem' in key
      ? { kind: 'clientCertificate', certPem: cert.pem, keyPem: key.pem }
      : { kind: 'clientCertificateFiles', cert, key };
  }
  if (isObj(user.exec) && str(user.exec.command)) {
    const e = user.exec;
    const mode = e.interactiveMode;
    const exec: ExecSpec = {
      apiVersion: str(e.apiVersion) ?? 'client.authentication.k8s.io/v1',
      command: str(e.command) as string,
      ...(Array.isArray(e.args) ? { args: e.args.map(String) } : {}),
      ...(Array.isArray(e.env)
        ? { env: e.env.filter(isObj).map((x) => ({ name: String(x.name ?? ''), value: String(x.value ?? '') })) }
        : {}),
      ...(mode === 'Never' || mode === 'IfAvailable' || mode === 'Always' ? { interactiveMode: mode } : {}),
      ...(e.provideClusterInfo === true ? { provideClusterInfo: true } : {}),
      ...(str(e.installHint) ? { installHint: str(e.installHint) } : {}),
    };
    return { kind: 'exec', exec, baseDir: base };
  }
  return { kind: 'none' };
}

/**
 * A probe target straight from a ClusterEntry (catalog or discovery) that has no kubeconfig
 * context: the app's "check before setup". It carries no credentials, whatever the entry's
 * `user` says: only a context the user set up is probed with credentials.
 */
export function targetFromClusterEntry(entry: ClusterEntry, opts: { name?: string } = {}): ProbeTarget {
  const ip = entry.ips[0];
  const server = entry.server ?? (ip ? serverUrl(ip, entry.port) : undefined);
  if (!server) throw new UserError('bad-input', `Cluster "${entry.name}" has no server URL and no IP to probe.`);
  return {
    name: opts.name ?? entry.name,
    server,
    ...(entry.certificateAuthorityData ? { certificateAuthorityData: entry.certificateAuthorityData } : {}),
    ...(entry.tlsServerName ? { tlsServerName: entry.tlsServerName } : {}),
    credentials: { kind: 'notSetUp' },
  };
}
