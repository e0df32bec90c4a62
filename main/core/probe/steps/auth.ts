import { DeadlineError } from '../deadline.ts';
import { describeKubeError, type KubeClient } from '../kube.ts';
import { credentialsRemedy, fail, ok, skip, warn } from './outcome.ts';
import type { Step } from './state.ts';

/** POST selfsubjectreviews: who the credentials authenticate as. Goes out together with /version. */
export const authStep: Step = {
  name: 'auth',
  async run({ target, withheld, client, forgetRefused }, signal, budget) {
    if (withheld) return { status: 'skip', reason: withheld.reason, detail: withheld.detail, remedy: withheld.remedy };
    let kube: KubeClient;
    try {
      kube = await client();
    } catch {
      // The version step reports why there are no credentials.
      return skip('skipped', 'Skipped: no credentials to send.');
    }
    try {
      const r = await kube.selfSubjectReview(signal);
      return ok(
        'authenticated',
        `Authenticated as ${r.username}${r.groups.length ? ` (groups: ${r.groups.join(', ')})` : ''}.`,
        { username: r.username, groups: r.groups },
      );
    } catch (e) {
      if (signal.aborted) throw new DeadlineError(budget);
      const f = describeKubeError(e);
      if (f.status === 401) {
        forgetRefused();
        return fail(
          'unauthorized',
          'The server rejected the credentials (401 Unauthorized): they are missing, expired or revoked.',
          credentialsRemedy(target),
          { status: 401 },
        );
      }
      if (f.status === 403) {
        return warn(
          'forbidden',
          'Authenticated, but not allowed to create selfsubjectreviews (403 Forbidden), so the user name cannot be shown.',
          'Ask the cluster admin to allow "create" on selfsubjectreviews.authentication.k8s.io (every authenticated user has it by default since Kubernetes 1.28).',
          { status: 403 },
        );
      }
      if (f.status === 404) {
        return warn(
          'not-supported',
          'The server does not serve authentication.k8s.io/v1 selfsubjectreviews (Kubernetes before 1.28), so the user name cannot be shown.',
          'Nothing to fix for kubectl; the cluster needs Kubernetes 1.28 or later to report who you are.',
          { status: 404 },
        );
      }
      return fail(
        'http-error',
        f.kind === 'status'
          ? `POST selfsubjectreviews answered HTTP ${f.status}: ${f.message || 'no message'}.`
          : `POST selfsubjectreviews failed: ${f.message}.`,
        'The API server or the tunnel in front of it is not healthy: check the cluster and cloudflared logs.',
        f.status ? { status: f.status } : undefined,
      );
    }
  },
  onDeadline: (_state, ms) =>
    fail(
      'http-timeout',
      `POST selfsubjectreviews got no answer within ${ms} ms.`,
      'The API server is slow to answer: retry, then check its load and the tunnel.',
    ),
};
