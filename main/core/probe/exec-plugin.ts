import path from 'node:path';
import type { ExecSpec } from '../model/cluster.ts';
import type { ProcessRunner } from '../process/runner.ts';
import type { WireCredentials } from './kube.ts';
import { planSpawn, UnsafeArgumentError } from './win-cmd.ts';

export class ExecPluginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecPluginError';
  }
}

/** Plugins running at once by default: an OIDC or cloud CLI plugin costs a process and often a network round trip. */
export const DEFAULT_MAX_RUNNING_PLUGINS = 4;

/**
 * client-go's isInteractive: `Never` is never interactive; `IfAvailable` (and a missing mode, the
 * v1beta1 default) is interactive exactly when stdin is a terminal; `Always` needs a terminal and
 * without one the plugin is not run at all.
 */
export function interactiveDecision(
  mode: ExecSpec['interactiveMode'],
  terminal: boolean,
): { run: true; interactive: boolean } | { run: false } {
  if (mode === 'Never') return { run: true, interactive: false };
  if (mode === 'Always') return terminal ? { run: true, interactive: true } : { run: false };
  return { run: true, interactive: terminal };
}

export interface ClusterInfo {
  server: string;
  certificateAuthorityData?: string;
  tlsServerName?: string;
}

export interface ExecOutcome {
  creds: WireCredentials;
  /** `status.expirationTimestamp` in epoch ms; absent: valid until the server refuses it. */
  expiresAt?: number;
}

interface RunOptions {
  runner: ProcessRunner;
  timeoutMs: number;
  env: Record<string, string | undefined>;
  baseDir?: string;
  cluster?: ClusterInfo;
  /** Give the plugin this process's stdin and stderr, and tell it so (spec.interactive). */
  interactive?: boolean;
  platform?: NodeJS.Platform;
}

/**
 * The command as kubectl runs it: a relative path with a separator is resolved against the
 * kubeconfig's folder, with the path rules of the platform it runs on (C:\x is absolute on Windows).
 */
function resolvedCommand(exec: ExecSpec, baseDir: string | undefined, platform: NodeJS.Platform): string {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  return baseDir && !paths.isAbsolute(exec.command) && /[\\/]/.test(exec.command)
    ? paths.join(baseDir, exec.command)
    : exec.command;
}

function execInfo(exec: ExecSpec, interactive: boolean, cluster: ClusterInfo | undefined): string {
  return JSON.stringify({
    apiVersion: exec.apiVersion,
    kind: 'ExecCredential',
    spec: {
      interactive,
      ...(exec.provideClusterInfo && cluster
        ? {
            cluster: {
              server: cluster.server,
              ...(cluster.certificateAuthorityData
                ? { 'certificate-authority-data': cluster.certificateAuthorityData }
                : {}),
              ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
            },
          }
        : {}),
    },
  });
}

/**
 * Runs a client-go credential plugin as kubectl does (KUBERNETES_EXEC_INFO, relative commands
 * resolved against the kubeconfig's folder, stdin only when interactive) but through the
 * ProcessRunner, so a plugin that hangs (waiting for a browser login, say) is killed at the
 * step's deadline instead of holding the probe forever, which @kubernetes/client-node's own exec
 * support would do.
 */
export async function runExecPlugin(exec: ExecSpec, opts: RunOptions): Promise<ExecOutcome> {
  const platform = opts.platform ?? process.platform;
  const command = resolvedCommand(exec, opts.baseDir, platform);
  const interactive = opts.interactive === true;
  const env: Record<string, string | undefined> = {
    ...opts.env,
    KUBERNETES_EXEC_INFO: execInfo(exec, interactive, opts.cluster),
  };
  for (const e of exec.env ?? []) env[e.name] = e.value;
  let plan: Awaited<ReturnType<typeof planSpawn>>;
  try {
    plan = await planSpawn(command, exec.args ?? [], { platform, env });
  } catch (e) {
    if (!(e instanceof UnsafeArgumentError)) throw e;
    throw new ExecPluginError(
      `The exec credential plugin "${command}" is a batch file, and its ${e.message}: it was not run. Pass that value another way (an env entry, or a wrapper .exe).`,
    );
  }
  const r = await opts.runner.run(plan.command, plan.args, {
    timeoutMs: opts.timeoutMs,
    env,
    ...(interactive ? { interactive: true } : {}),
    ...(plan.windowsVerbatimArguments ? { windowsVerbatimArguments: true } : {}),
  });
  const hint = exec.installHint ? ` ${exec.installHint.trim()}` : '';
  if (r.spawnError)
    throw new ExecPluginError(`The exec credential plugin "${command}" could not start (${r.spawnError}).${hint}`);
  if (r.timedOut) {
    throw new ExecPluginError(
      `The exec credential plugin "${command}" gave no credentials within ${opts.timeoutMs} ms (it may be waiting for an interactive login).`,
    );
  }
  if (r.code !== 0) {
    const why = r.stderr.trim().split('\n').at(-1) ?? '';
    throw new ExecPluginError(
      `The exec credential plugin "${command}" failed with exit code ${r.code}${why ? `: ${why}` : ''}.`,
    );
  }
  return parseExecCredential(command, r.stdout);
}

function parseExecCredential(command: string, stdout: string): ExecOutcome {
  let parsed: {
    kind?: unknown;
    status?: {
      token?: unknown;
      clientCertificateData?: unknown;
      clientKeyData?: unknown;
      expirationTimestamp?: unknown;
    };
  };
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new ExecPluginError(
      `The exec credential plugin "${command}" printed something that is not an ExecCredential JSON object.`,
    );
  }
  const s = parsed?.status;
  const creds: WireCredentials = {};
  if (typeof s?.token === 'string' && s.token) creds.token = s.token;
  if (typeof s?.clientCertificateData === 'string' && typeof s.clientKeyData === 'string') {
    creds.certPem = s.clientCertificateData;
    creds.keyPem = s.clientKeyData;
  }
  if (parsed?.kind !== 'ExecCredential' || (!creds.token && !creds.certPem)) {
    throw new ExecPluginError(
      `The exec credential plugin "${command}" returned no token or client certificate in its ExecCredential status.`,
    );
  }
  const expiresAt = typeof s?.expirationTimestamp === 'string' ? Date.parse(s.expirationTimestamp) : Number.NaN;
  return Number.isNaN(expiresAt) ? { creds } : { creds, expiresAt };
}

export interface ExecRequest extends Omit<RunOptions, 'interactive'> {
  exec: ExecSpec;
  /** stdin is a terminal (see interactiveDecision). */
  terminal: boolean;
  /** Stops waiting for a free slot (the ladder ended); a plugin already running runs out its timeout. */
  signal?: AbortSignal;
}

/**
 * Exec plugins for a whole check, or for the app's lifetime: what each exec config returned is
 * remembered (in memory only) until its `expirationTimestamp`, or until the server refuses it
 * when the plugin gave none (client-go's rule); one config asked for by several ladders at once
 * runs once; and at most `maxRunning` plugins run at once whatever the ladder concurrency, with
 * interactive ones (they share the terminal) one at a time.
 */
export interface ExecPluginPool {
  credentials(request: ExecRequest): Promise<WireCredentials>;
  /** The server refused these credentials: the next request for this config runs the plugin again. */
  forget(request: Pick<ExecRequest, 'exec' | 'baseDir' | 'cluster' | 'platform'>, creds: WireCredentials): void;
  /**
   * When the credentials remembered for this config expire (epoch ms), without running anything;
   * undefined when none are remembered or they carry no expiry.
   */
  expiresAt(request: Pick<ExecRequest, 'exec' | 'baseDir' | 'cluster' | 'platform'>): number | undefined;
  /** Plugins running, waiting for a slot, and configs remembered. */
  state(): { running: number; waiting: number; cached: number };
  /** Called after every change of `state()`. */
  onChange(listener: () => void): () => void;
}

/** The identity client-go caches by: command, arguments, environment, API version (and the cluster it is told about). */
function identity(request: Pick<ExecRequest, 'exec' | 'baseDir' | 'cluster' | 'platform'>): string {
  const { exec } = request;
  return JSON.stringify([
    exec.apiVersion,
    resolvedCommand(exec, request.baseDir, request.platform ?? process.platform),
    exec.args ?? [],
    exec.env ?? [],
    exec.provideClusterInfo ? (request.cluster ?? null) : null,
  ]);
}

interface Slots {
  acquire(signal: AbortSignal | undefined, timeoutMs: number): Promise<() => void>;
  readonly running: number;
  readonly waiting: number;
}

class SlotTimeout extends Error {}

function createSlots(max: number, changed: () => void): Slots {
  let running = 0;
  const queue: { grant: () => void }[] = [];
  const release = () => {
    const next = queue.shift();
    if (next) next.grant();
    else running--;
    changed();
  };
  return {
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
    acquire(signal, timeoutMs) {
      if (running < max) {
        running++;
        changed();
        return Promise.resolve(release);
      }
      return new Promise((resolve, reject) => {
        const entry = {
          grant: () => {
            cleanup();
            resolve(release);
          },
        };
        const give = (error: unknown) => {
          cleanup();
          const i = queue.indexOf(entry);
          if (i >= 0) queue.splice(i, 1);
          changed();
          reject(error);
        };
        const timer = setTimeout(() => give(new SlotTimeout()), Math.max(0, timeoutMs));
        const onAbort = () => give(signal?.reason);
        const cleanup = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(entry);
        changed();
      });
    },
  };
}

export function createExecPluginPool(opts: { maxRunning?: number; now?: () => number } = {}): ExecPluginPool {
  const max = Math.max(1, Math.floor(opts.maxRunning ?? DEFAULT_MAX_RUNNING_PLUGINS));
  const now = opts.now ?? Date.now;
  const cache = new Map<string, ExecOutcome>();
  const inflight = new Map<string, { promise: Promise<ExecOutcome>; signal: AbortSignal | undefined }>();
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of listeners) l();
  };
  const slots = createSlots(max, changed);
  // A terminal serves one prompt at a time.
  const terminal = createSlots(1, changed);

  const run = async (request: ExecRequest): Promise<ExecOutcome> => {
    const decision = interactiveDecision(request.exec.interactiveMode, request.terminal);
    if (!decision.run) {
      throw new ExecPluginError(
        `The exec credential plugin "${request.exec.command}" needs a terminal (interactiveMode: Always) and there is none.`,
      );
    }
    const started = performance.now();
    const left = () => Math.max(1, request.timeoutMs - (performance.now() - started));
    const wait = (which: Slots, why: string) =>
      which.acquire(request.signal, left()).catch((e: unknown) => {
        if (!(e instanceof SlotTimeout)) throw e;
        throw new ExecPluginError(
          `The exec credential plugin "${request.exec.command}" did not get to run within ${request.timeoutMs} ms: ${why}.`,
        );
      });
    const releaseTerminal = decision.interactive
      ? await wait(terminal, 'another plugin was using the terminal')
      : undefined;
    try {
      const release = await wait(slots, `${max} other plugins were running (at most ${max} run at once)`);
      try {
        return await runExecPlugin(request.exec, { ...request, timeoutMs: left(), interactive: decision.interactive });
      } finally {
        release();
      }
    } finally {
      releaseTerminal?.();
    }
  };

  const pool: ExecPluginPool = {
    async credentials(request) {
      const key = identity(request);
      const kept = cache.get(key);
      if (kept && (kept.expiresAt === undefined || now() < kept.expiresAt)) return kept.creds;
      if (kept) {
        cache.delete(key);
        changed();
      }
      let entry = inflight.get(key);
      if (!entry) {
        const started = { promise: run(request), signal: request.signal };
        entry = started;
        inflight.set(key, started);
        started.promise.then(
          (outcome) => {
            inflight.delete(key);
            if (outcome.expiresAt === undefined || now() < outcome.expiresAt) cache.set(key, outcome);
            changed();
          },
          () => {
            inflight.delete(key);
            changed();
          },
        );
      }
      try {
        return (await entry.promise).creds;
      } catch (e) {
        // The ladder that started the run gave up while it waited for a slot; this one has not.
        const ownerGaveUp =
          !(e instanceof ExecPluginError) && entry.signal !== request.signal && entry.signal?.aborted === true;
        if (!ownerGaveUp || request.signal?.aborted) throw e;
        return pool.credentials(request);
      }
    },
    forget(request, creds) {
      const key = identity(request);
      if (cache.get(key)?.creds === creds) {
        cache.delete(key);
        changed();
      }
    },
    expiresAt: (request) => cache.get(identity(request))?.expiresAt,
    state: () => ({ running: slots.running, waiting: slots.waiting + terminal.waiting, cached: cache.size }),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return pool;
}
