import type { RunResult } from '../process/runner.ts';
import { parseOrganization, parseSettingsJson, parseSettingsText, type SettingsReading } from './parse-profile.ts';
import { parseTunnelIpList } from './parse-split-tunnel.ts';
import { parseVnetJson, parseVnetText } from './parse-vnet.ts';
import { runWarpCli } from './run.ts';
import type { SplitTunnelConfig, VirtualNetworks, WarpEnv, WarpMode } from './types.ts';

/** What running warp-cli needs. */
export type WarpCliEnv = Pick<WarpEnv, 'runner' | 'warpCliPath' | 'childEnv' | 'timeoutMs'>;

/** One warp-cli call behind the profile, for reports. */
export interface ProfileAttempt {
  args: string[];
  exitCode: number | null;
  timedOut: boolean;
  raw: string;
}

/** What the client says about its profile; null fields are what it did not say. */
export interface ClientProfile {
  mode: WarpMode | null;
  privateRouting: boolean | null;
  splitTunnel: SplitTunnelConfig | null;
  organization: string | null;
  virtualNetworks: VirtualNetworks | null;
  attempts: ProfileAttempt[];
}

const RAW_CAP = 4_000;

function attemptOf(args: string[], r: RunResult): ProfileAttempt {
  const raw = [r.stdout, r.stderr].filter((s) => s.trim()).join('\n');
  return {
    args,
    exitCode: r.code,
    timedOut: r.timedOut,
    raw: raw.length > RAW_CAP ? `${raw.slice(0, RAW_CAP)}…` : raw,
  };
}

/** A dead end: asking the next command would only hit the same wall (missing, hung). */
const isDeadEnd = (r: RunResult) => r.spawnError !== undefined || r.timedOut;

type Log = ProfileAttempt[];

async function call(env: WarpCliEnv, log: Log, args: string[]): Promise<RunResult> {
  const r = await runWarpCli(env, args);
  log.push(attemptOf(args, r));
  return r;
}

/** `-j settings`, then the text `settings` for whatever the JSON did not say. */
async function readSettings(env: WarpEnv, log: Log): Promise<Partial<SettingsReading>> {
  const json = await call(env, log, ['-j', 'settings']);
  if (json.spawnError || json.timedOut) return {};
  const fromJson = parseSettingsJson(json.stdout);
  if (fromJson?.mode && fromJson.splitTunnel && fromJson.organization) return fromJson;
  const text = await call(env, log, ['settings']);
  const fromText = isDeadEnd(text) ? null : parseSettingsText(text.stdout, 'settings');
  const merged = {
    mode: fromJson?.mode ?? fromText?.mode ?? null,
    splitTunnel: fromJson?.splitTunnel ?? fromText?.splitTunnel ?? null,
    organization: fromJson?.organization ?? fromText?.organization ?? null,
  };
  if (merged.splitTunnel || isDeadEnd(text)) return merged;
  // 2024+ clients print the split tunnel under `tunnel ip list` only.
  const list = await call(env, log, ['tunnel', 'ip', 'list']);
  return { ...merged, splitTunnel: isDeadEnd(list) ? null : parseTunnelIpList(list.stdout) };
}

/** `-j vnet`, then the text `vnet` (clients without `-j`, or an unrecognised JSON). */
export async function readVirtualNetworks(env: WarpCliEnv, log: Log = []): Promise<VirtualNetworks | null> {
  const json = await call(env, log, ['-j', 'vnet']);
  if (isDeadEnd(json)) return null;
  const fromJson = parseVnetJson(json.stdout);
  if (fromJson) return fromJson;
  const text = await call(env, log, ['vnet']);
  return isDeadEnd(text) ? null : parseVnetText(text.stdout);
}

/** `warp-cli registration organization` alone: the team name, or null when none was printed. */
export async function readOrganization(env: WarpCliEnv, log: Log = []): Promise<string | null> {
  const r = await call(env, log, ['registration', 'organization']);
  return isDeadEnd(r) || (r.code !== 0 && !r.stdout.trim()) ? null : parseOrganization(r.stdout, r.stderr);
}

/**
 * The client profile: mode, split tunnel, organization, virtual networks. Three independent
 * chains run at once; each stops at the first dead end (not installed, hung), so a broken client
 * costs one timeout, not one per command.
 */
export async function readClientProfile(env: WarpEnv): Promise<ClientProfile> {
  const logs: [Log, Log, Log] = [[], [], []];
  const [settings, organization, virtualNetworks] = await Promise.all([
    readSettings(env, logs[0]),
    readOrganization(env, logs[1]),
    readVirtualNetworks(env, logs[2]),
  ]);
  const mode = settings.mode ?? null;
  return {
    mode,
    privateRouting: mode?.privateRouting ?? null,
    splitTunnel: settings.splitTunnel ?? null,
    organization: organization ?? settings.organization ?? null,
    virtualNetworks,
    attempts: logs.flat(),
  };
}
