import type tls from 'node:tls';
import { createSecureContext } from 'node:tls';
import { createExecPluginPool, type ExecPluginPool } from './exec-plugin.ts';
import { detectKubectlClient } from './kube.ts';
import type { KubectlClientInfo, ProbeEnvironment, WarpStateReading } from './types.ts';

/**
 * What several ladders of one check share: the kubectl client version and the WARP state are
 * asked once per run, not once per cluster.
 */
export interface ProbeRun {
  env: ProbeEnvironment;
  kubectlClient(): Promise<KubectlClientInfo | null>;
  warpState(): Promise<WarpStateReading>;
  /**
   * One TLS context per CA and client certificate: building one parses every PEM, and a fleet
   * whose clusters share a CA would otherwise build hundreds.
   */
  secureContext(material: { ca?: string; cert?: string; key?: string; trustNone?: boolean }): tls.SecureContext;
  /** The environment's pool, else one for this run: a plugin config asked for by several ladders runs once. */
  execPlugins: ExecPluginPool;
}

export function createProbeRun(env: ProbeEnvironment): ProbeRun {
  let kubectl: Promise<KubectlClientInfo | null> | undefined;
  let warp: Promise<WarpStateReading> | undefined;
  const contexts = new Map<string, tls.SecureContext>();
  return {
    env,
    execPlugins: env.execPlugins ?? createExecPluginPool(),
    secureContext({ ca, cert, key, trustNone }) {
      const id = `${trustNone ? '-' : (ca ?? '')}\0${cert ?? ''}\0${key ?? ''}`;
      let context = contexts.get(id);
      if (!context) {
        context = createSecureContext({
          // `trustNone`: an empty trust store, for connections judged by fingerprint instead.
          ...(trustNone ? { ca: [] } : ca ? { ca } : {}),
          ...(cert && key ? { cert, key } : {}),
        });
        contexts.set(id, context);
      }
      return context;
    },
    kubectlClient() {
      kubectl ??= (
        env.kubectlClient
          ? env.kubectlClient()
          : detectKubectlClient(env.runner, env.kubectlPath ?? 'kubectl', env.env ?? process.env)
      ).catch(() => null);
      return kubectl;
    },
    warpState() {
      if (!env.warp) return Promise.reject(new Error('no WARP detector'));
      warp ??= env.warp.state();
      return warp;
    },
  };
}
