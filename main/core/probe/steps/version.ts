import { CredentialFileError } from '../credentials.ts';
import { DeadlineError } from '../deadline.ts';
import { ExecPluginError } from '../exec-plugin.ts';
import { describeKubeError, type KubeClient, minorOf } from '../kube.ts';
import type { ProbeTarget } from '../types.ts';
import { credentialsRemedy, fail, ok, type StepOutcome, since, warn } from './outcome.ts';
import type { Step } from './state.ts';

/**
 * GET /version with the context's credentials (or none, when they are withheld), and the version
 * skew against the local kubectl. Runs only once tls has passed: it is what first loads the
 * credentials.
 */
export const versionStep: Step = {
  name: 'version',
  async run({ target, run, withheld, client, forgetRefused }, signal, budget) {
    let kube: KubeClient;
    try {
      kube = await client();
    } catch (e) {
      const refused = credentialsFailure(target, e);
      if (refused) return refused;
      throw e;
    }
    let v: Awaited<ReturnType<KubeClient['version']>>;
    const sent = performance.now();
    try {
      v = await kube.version(signal);
    } catch (e) {
      if (signal.aborted) throw new DeadlineError(budget);
      const f = describeKubeError(e);
      if (withheld && f.kind === 'status' && (f.status === 401 || f.status === 403)) {
        return ok(
          'anonymous-refused',
          `The server answered, but does not let anonymous requests read /version (HTTP ${f.status}), so its version was not read.`,
          { status: f.status },
        );
      }
      if (f.kind === 'status' && f.status === 401) {
        forgetRefused();
        return fail(
          'unauthorized',
          'The server rejected the credentials (401 Unauthorized) on GET /version.',
          credentialsRemedy(target),
          {
            status: 401,
          },
        );
      }
      if (f.kind === 'status' && f.status === 403) {
        return warn(
          'forbidden',
          `The credentials are valid but may not read /version (403 Forbidden: ${f.message}).`,
          'Ask the cluster admin to keep the default system:public-info-viewer binding.',
          { status: 403 },
        );
      }
      return fail(
        'http-error',
        f.kind === 'status'
          ? `GET /version answered HTTP ${f.status}: ${f.message || 'no message'}.`
          : `GET /version failed: ${f.message}.`,
        'The API server or the tunnel in front of it is not healthy: check the cluster and cloudflared logs.',
        f.status ? { status: f.status } : undefined,
      );
    }
    const roundTripMs = since(sent);
    const serverMinor = minorOf(v.minor, v.gitVersion);
    const kubectl = await run.kubectlClient();
    const data: Record<string, unknown> = {
      gitVersion: v.gitVersion,
      major: v.major,
      minor: v.minor,
      ...(v.platform ? { platform: v.platform } : {}),
      kubectl: kubectl?.gitVersion ?? null,
      roundTripMs,
    };
    if (!kubectl || serverMinor === null) {
      return ok(
        'skew-unknown',
        `Server ${v.gitVersion}; ${kubectl ? 'its minor version is unreadable' : 'no local kubectl found'}, so version skew was not checked.`,
        data,
      );
    }
    if (kubectl.dispatcherMinors?.includes(serverMinor) && String(kubectl.major) === String(v.major)) {
      return ok(
        'supported-skew',
        `Server ${v.gitVersion}; the kubectl dispatcher runs kubectl 1.${serverMinor} for it.`,
        {
          ...data,
          skew: 0,
        },
      );
    }
    const skew = serverMinor - kubectl.minor;
    data.skew = skew;
    if (Math.abs(skew) > 1 || String(kubectl.major) !== String(v.major)) {
      // kubectl's own words, so users can search for them.
      return warn(
        'version-skew',
        `Server ${v.gitVersion}. WARNING: version difference between client (${kubectl.major}.${kubectl.minor}) and server (${v.major}.${serverMinor}) exceeds the supported minor version skew of +/-1`,
        `Use a kubectl from 1.${serverMinor - 1} to 1.${serverMinor + 1} for this cluster, or upgrade the cluster.`,
        data,
      );
    }
    return ok(
      'supported-skew',
      `Server ${v.gitVersion}; kubectl ${kubectl.gitVersion} is within one minor version.`,
      data,
    );
  },
  onDeadline: (_state, ms) =>
    fail(
      'http-timeout',
      `GET /version got no answer within ${ms} ms.`,
      'The API server accepted TLS but is not answering: it may be overloaded, or the tunnel is degraded. Retry, then check the cluster and cloudflared.',
    ),
};

/** The credentials could not be had (a plugin failed, a file is unreadable); null for any other error. */
function credentialsFailure(target: ProbeTarget, e: unknown): StepOutcome | null {
  if (e instanceof ExecPluginError) {
    const c = target.credentials;
    return fail(
      'credentials-failed',
      e.message,
      c.kind === 'exec' && c.exec.installHint
        ? c.exec.installHint.trim()
        : 'Run the credential plugin by hand to see what it needs (often a fresh login), then check again.',
    );
  }
  if (e instanceof CredentialFileError) {
    return fail('credentials-failed', e.message, 'Fix the path in the kubeconfig, or make the file readable.');
  }
  return null;
}
