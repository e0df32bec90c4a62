/**
 * One regression per credential leak that the setup diff and diagnostics had: each case plants a
 * secret in a kubeconfig the way real files carry one, and shows it does not come out, while the
 * key next to it still does (the diff stays reviewable).
 */
import { describe, expect, it } from 'vitest';
import {
  buildReport,
  diagnose,
  redactText,
  renderReportJson,
  renderReportMarkdown,
  secretsOf,
} from '../../../main/core/diagnostics/index.ts';
import { planDiff, planKubeconfig, unifiedDiff } from '../../../main/core/kubeconfig/index.ts';
import type { ProbeResult, ProbeTarget, StepResult } from '../../../main/core/probe/types.ts';
import { clusterSet } from '../kubeconfig/helpers.ts';

const SECRET = 'Zq7-s3cr3t-VALUE-91xk';
/** kubezt checks that `*-data` fields are base64, so that case plants a base64 secret. */
const KEY_DATA = Buffer.from(`-----BEGIN PRIVATE KEY-----\n${SECRET}\n-----END PRIVATE KEY-----\n`).toString('base64');

const HEAD = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://198.51.100.7:6443"}
contexts:
- name: c
  context: {cluster: c, user: u}
current-context: c
`;

/** A kubeconfig whose one user is `user` (YAML lines indented under `- name: u`). */
const withUser = (user: string) => `${HEAD}users:\n- name: u\n${user}`;

const CASES: [string, string, string][] = [
  ['a block literal token', `  user:\n    token: |\n      ${SECRET}\n`, '    token: <redacted>'],
  [
    'a folded client-key-data',
    `  user:\n    client-key-data: >-\n      ${KEY_DATA}\n`,
    '    client-key-data: <redacted>',
  ],
  ['a flow map', `  user: {token: ${SECRET}}\n`, '  user: {token: <redacted>}'],
  ['a quoted key', `  user:\n    'token': ${SECRET}\n`, "    'token': <redacted>"],
  [
    'auth-provider config',
    `  user:\n    auth-provider:\n      name: oidc\n      config:\n        client-id: kubernetes\n        client-secret: ${SECRET}\n`,
    '        client-secret: <redacted>',
  ],
  [
    'exec args',
    `  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: kubelogin\n      args:\n      - get-token\n      - --client-secret\n      - ${SECRET}\n`,
    '      command: kubelogin',
  ],
  [
    'exec env values',
    `  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws\n      env:\n      - name: AWS_PROFILE_BLOB\n        value: ${SECRET}\n`,
    '      - name: AWS_PROFILE_BLOB',
  ],
];

describe('the setup diff', () => {
  it.each(CASES)('masks %s, and keeps the key', (_name, user, shown) => {
    const kubeconfig = withUser(user);
    for (const diff of [
      unifiedDiff('config', null, kubeconfig),
      unifiedDiff('config', kubeconfig, kubeconfig.replace('current-context: c', 'current-context: d'), {
        context: 100,
      }),
      unifiedDiff('config', kubeconfig, HEAD),
    ]) {
      expect(diff).not.toContain(SECRET);
      expect(diff).not.toContain(KEY_DATA);
      expect(diff).toContain(shown);
    }
  });

  it('masks the user entries kubezt setup shows around what it adds', () => {
    for (const [, user] of CASES) {
      const plan = planKubeconfig({
        clusters: clusterSet('standard'),
        files: [{ path: 'config', bytes: withUser(user) }],
      });
      const diff = planDiff(plan, { context: 50 });
      expect(diff).toMatch(/^\+- name: zt-/m);
      expect(diff).not.toContain(SECRET);
      expect(diff).not.toContain(KEY_DATA);
    }
  });
});

function step(s: Partial<StepResult> & Pick<StepResult, 'step' | 'status'>): StepResult {
  return { reason: 'not-checked', durationMs: 1, detail: `${s.step} detail.`, ...s };
}

function failingLadder(detail: string): ProbeResult {
  const ok = (name: StepResult['step']) => step({ step: name, status: 'ok' });
  return {
    name: 'c',
    server: 'https://198.51.100.7:6443',
    host: '198.51.100.7',
    ip: '198.51.100.7',
    port: 6443,
    startedAt: '2026-01-02T03:04:05.000Z',
    durationMs: 40,
    steps: [
      ok('warp'),
      ok('route'),
      ok('tcp'),
      ok('tls'),
      step({
        step: 'version',
        status: 'fail',
        reason: 'credentials-failed',
        detail,
        remedy: 'Run the credential plugin by hand to see what it needs (often a fresh login), then check again.',
      }),
      step({ step: 'auth', status: 'skip' }),
    ],
    ok: false,
  };
}

function rendered(detail: string, secrets: string[]): string[] {
  const report = buildReport([diagnose(failingLadder(detail))], { platform: 'linux', arch: 'x64', nodeVersion: 'v24' });
  return [renderReportMarkdown(report, { secrets }), renderReportJson(report, { secrets })];
}

describe('diagnostics redaction', () => {
  it('hides the value after --client-secret even when the secret is not known', () => {
    const detail = `The exec credential plugin "kubelogin" failed with exit code 1: called as kubelogin get-token --client-secret ${SECRET} --oidc-issuer-url https://issuer.example.`;
    for (const out of rendered(detail, [])) {
      expect(out).not.toContain(SECRET);
      expect(out).toContain('--oidc-issuer-url https://issuer.example');
    }
    expect(redactText(`--client-secret=${SECRET}`)).not.toContain(SECRET);
    expect(redactText(`--password '${SECRET} x'`)).not.toContain(SECRET);
    expect(redactText(`--token --client-secret ${SECRET}`)).not.toContain(SECRET);
    expect(redactText(`AWS_SECRET_ACCESS_KEY=${SECRET}`)).not.toContain(SECRET);
  });

  it("leaves kubezt's own sentences alone", () => {
    for (const text of [
      'The context has no credentials: give its user a token, a client certificate or an exec plugin (kubezt setup writes one).',
      'The token was rejected (expired, revoked or meant for another cluster): replace it with a fresh one.',
      'Run "kubectl --context zt-prod get pods" to try it; --request-timeout 5s bounds it.',
    ]) {
      expect(redactText(text)).toBe(text);
    }
  });

  it('hides two secrets that overlap in the text whole, leaving no part of either', () => {
    const out = redactText('id=xxOVERLAP-one-TWO-twoyy', ['OVERLAP-one-TWO', 'one-TWO-two']);
    expect(out).toBe('id=xx[redacted]yy');
  });

  it('hides every exec argument and env value that a plugin echoes', () => {
    const target: ProbeTarget = {
      name: 'c',
      server: 'https://198.51.100.7:6443',
      credentials: {
        kind: 'exec',
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: '/usr/local/bin/kubelogin',
          args: ['get-token', `--oidc-client-secret=${SECRET}-arg`, '--profile', `${SECRET}-profile`],
          env: [{ name: 'KUBELOGIN_BLOB', value: `${SECRET}-env` }],
        },
      },
    };
    const detail = `The exec credential plugin "kubelogin" failed with exit code 1: bad client ${SECRET}-arg for profile ${SECRET}-profile (blob ${SECRET}-env).`;
    for (const out of rendered(detail, secretsOf([target]))) expect(out).not.toContain(SECRET);
  });
});

describe('kubeconfig errors', () => {
  it('name the type of a user field that is not a string, never its value', () => {
    const bytes = withUser('  user:\n    token: 4815162342108\n');
    let message = '';
    try {
      planKubeconfig({ clusters: [], files: [{ path: 'config', bytes }] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toContain('4815162342108');
    expect(message).toContain('users[0].user.token must be a string but is read as a number by kubectl');
  });
});
