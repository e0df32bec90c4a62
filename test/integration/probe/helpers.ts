import { loadKubeconfig } from '../../../main/core/kubeconfig/index.ts';
import { readMergedKubeconfig } from '../../../main/core/kubeconfig/read-full.ts';
import type {
  ProbeEnvironment,
  ProbeResult,
  ProbeTarget,
  RouteVerdict,
  StepName,
  StepResult,
  WarpState,
  WarpView,
} from '../../../main/core/probe/index.ts';
import { targetsFromMergedKubeconfig } from '../../../main/core/probe/index.ts';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import type { FakeApiServer } from '../../../sim/apiserver/index.ts';

export function targetFor(server: FakeApiServer, overrides: Partial<ProbeTarget> = {}): ProbeTarget {
  return {
    name: server.name,
    server: server.url,
    certificateAuthorityData: server.caData,
    credentials: { kind: 'token', token: server.token },
    ...overrides,
  };
}

/**
 * WARP cannot run here; this stands in for main/core/warp's detector with fixed answers, the
 * shape the ladder consumes.
 */
export function fixedWarp(
  state: WarpState,
  route: RouteVerdict = 'via-warp',
  gatewayOn = false,
): WarpView & { routeCalls: string[] } {
  const routeCalls: string[] = [];
  return {
    routeCalls,
    state: async () => ({ state, gatewayOn }),
    routeFor: async (ip) => {
      routeCalls.push(ip);
      const detail =
        route === 'via-warp'
          ? `${ip} is routed through the WARP interface.`
          : route === 'split-tunnel-excluded'
            ? `${ip} is in split tunnel Exclude range 127.0.0.0/8.`
            : route === 'not-via-warp'
              ? `${ip} goes out through eth0, not WARP.`
              : 'Route unknown.';
      return route === 'split-tunnel-excluded'
        ? {
            verdict: route,
            detail,
            remedy: `Split tunnel excludes 127.0.0.0/8: add ${ip}/32 to the Include list or remove it from Exclude.`,
          }
        : { verdict: route, detail };
    },
  };
}

export const KUBECTL_1_32 = { gitVersion: 'v1.32.4', major: 1, minor: 32 };

export function env(overrides: Partial<ProbeEnvironment> = {}): ProbeEnvironment {
  return {
    runner: nodeProcessRunner,
    warp: fixedWarp('connected'),
    kubectlClient: async () => KUBECTL_1_32,
    ...overrides,
  };
}

export function stepOf(result: ProbeResult, name: StepName): StepResult {
  const s = result.steps.find((x) => x.step === name);
  if (!s) throw new Error(`no ${name} step`);
  return s;
}

/** `{tcp: 'ok', tls: 'fail', ...}`: compact to assert a whole ladder at once. */
export function statuses(result: ProbeResult): Record<StepName, string> {
  return Object.fromEntries(result.steps.map((s) => [s.step, s.status])) as Record<StepName, string>;
}

/**
 * Probe targets for contexts of the kubeconfig at `path`, read through the public reader the CLI
 * and the app use (all its contexts when `contexts` is not given).
 */
export async function targetsFromKubeconfigFile(
  path: string,
  opts: { contexts?: readonly string[]; readFile?: (path: string) => Promise<string> } = {},
) {
  const merged = readMergedKubeconfig(await loadKubeconfig([path]));
  const wanted = opts.contexts ?? merged.contexts.map((c) => c.name);
  const { targets, problems } = await targetsFromMergedKubeconfig(merged, wanted, {
    ...(opts.readFile ? { readFile: opts.readFile } : {}),
  });
  return { targets, problems, currentContext: merged.currentContext };
}
