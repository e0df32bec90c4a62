import { readFile as fsReadFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { UserError } from '../errors.ts';
import { type ClusterEntry, type ExecSpec, serverUrl } from '../model/cluster.ts';
import type { TargetProblem } from './kubeconfig-view.ts';
import type { ProbeCredentials, ProbeTarget } from './types.ts';

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
 * relative to the kubeconfig's folder, `*-data` fields preferred over files, tokens from
 * `tokenFile`. A context that cannot be resolved becomes a problem, not an exception; a file that
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
      const credentials = await resolveUser(ctx.user, users, read, abs, base);
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

async function resolveUser(
  userRef: unknown,
  users: Map<string, Obj>,
  read: (p: string) => Promise<string>,
  abs: (p: string) => string,
  base: string,
): Promise<ProbeCredentials> {
  const name = str(userRef);
  const user = name ? users.get(name) : undefined;
  if (!user) return { kind: 'none' };
  const token =
    str(user.token) ?? (str(user.tokenFile) ? (await read(abs(str(user.tokenFile) as string))).trim() : undefined);
  if (token) return { kind: 'token', token };
  const certData = str(user['client-certificate-data']);
  const keyData = str(user['client-key-data']);
  const certPem = certData
    ? Buffer.from(certData, 'base64').toString('utf8')
    : str(user['client-certificate'])
      ? await read(abs(str(user['client-certificate']) as string))
      : undefined;
  const keyPem = keyData
    ? Buffer.from(keyData, 'base64').toString('utf8')
    : str(user['client-key'])
      ? await read(abs(str(user['client-key']) as string))
      : undefined;
  if (certPem && keyPem) return { kind: 'clientCertificate', certPem, keyPem };
  if (isObj(user.exec) && str(user.exec.command)) {
    const e = user.exec;
    const exec: ExecSpec = {
      apiVersion: str(e.apiVersion) ?? 'client.authentication.k8s.io/v1',
      command: str(e.command) as string,
      ...(Array.isArray(e.args) ? { args: e.args.map(String) } : {}),
      ...(Array.isArray(e.env)
        ? { env: e.env.filter(isObj).map((x) => ({ name: String(x.name ?? ''), value: String(x.value ?? '') })) }
        : {}),
      ...(e.provideClusterInfo === true ? { provideClusterInfo: true } : {}),
      ...(str(e.installHint) ? { installHint: str(e.installHint) } : {}),
    };
    return { kind: 'exec', exec, baseDir: base };
  }
  return { kind: 'none' };
}

/**
 * A probe target straight from a ClusterEntry (catalog or discovery), before anything is in a
 * kubeconfig: the app's "check before setup". Relative paths are resolved against `baseDir`
 * (the catalog's folder); a `existing` user is looked up by the caller, so it probes without
 * credentials here.
 */
export async function targetFromClusterEntry(
  entry: ClusterEntry,
  opts: { readFile?: (path: string) => Promise<string>; baseDir?: string; name?: string } = {},
): Promise<ProbeTarget> {
  const read = opts.readFile ?? ((p: string) => fsReadFile(p, 'utf8'));
  const abs = (p: string) => (isAbsolute(p) || !opts.baseDir ? p : resolve(opts.baseDir, p));
  const ip = entry.ips[0];
  const server = entry.server ?? (ip ? serverUrl(ip, entry.port) : undefined);
  if (!server) throw new UserError('bad-input', `Cluster "${entry.name}" has no server URL and no IP to probe.`);
  const u = entry.user;
  let credentials: ProbeCredentials = { kind: 'none' };
  if (u?.kind === 'token') credentials = { kind: 'token', token: u.token };
  else if (u?.kind === 'tokenFile') credentials = { kind: 'token', token: (await read(abs(u.tokenFile))).trim() };
  else if (u?.kind === 'clientCertificate') {
    credentials = {
      kind: 'clientCertificate',
      certPem: await read(abs(u.clientCertificate)),
      keyPem: await read(abs(u.clientKey)),
    };
  } else if (u?.kind === 'exec')
    credentials = { kind: 'exec', exec: u.exec, ...(opts.baseDir ? { baseDir: opts.baseDir } : {}) };
  return {
    name: opts.name ?? entry.name,
    server,
    ...(entry.certificateAuthorityData ? { certificateAuthorityData: entry.certificateAuthorityData } : {}),
    ...(entry.tlsServerName ? { tlsServerName: entry.tlsServerName } : {}),
    credentials,
  };
}
