import { describe, expect, it } from 'vitest';
import {
  buildReport,
  type ClusterDiagnosis,
  diagnose,
  REDACTED,
  redactText,
  redactValue,
  renderReportJson,
  renderReportMarkdown,
  secretsOf,
} from '../../../main/core/diagnostics/index.ts';
import type { ProbeResult, StepResult } from '../../../main/core/probe/types.ts';

const TOKEN = 'kubezt-prod-3f9a1c2b7d4e4f5a9b8c7d6e5f4a3b2c';
const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLWJ5dGVz';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----';

function step(s: Partial<StepResult> & Pick<StepResult, 'step' | 'status'>): StepResult {
  return { reason: 'not-checked', durationMs: 1.25, detail: `${s.step} detail.`, ...s };
}

function ladder(name: string, steps: StepResult[]): ProbeResult {
  return {
    name,
    server: 'https://198.51.100.101:6443',
    host: '198.51.100.101',
    ip: '198.51.100.101',
    port: 6443,
    startedAt: '2026-01-02T03:04:05.000Z',
    durationMs: 40,
    steps,
    ok: steps.every((x) => x.status !== 'fail'),
  };
}

const healthy = ladder('prod', [
  step({ step: 'warp', status: 'ok', reason: 'warp-connected', detail: 'WARP is connected.' }),
  step({ step: 'route', status: 'ok', reason: 'via-warp', detail: '198.51.100.101 goes through CloudflareWARP.' }),
  step({ step: 'tcp', status: 'ok', reason: 'connected', detail: 'Connected to 198.51.100.101:6443 in 12 ms.' }),
  step({
    step: 'tls',
    status: 'ok',
    reason: 'verified',
    detail: 'TLSv1.3 (h2) in 20 ms; certificate for 198.51.100.101 issued by "kubernetes".',
    data: {
      chain: [
        {
          subject: 'CN=kube-apiserver',
          issuer: 'CN=kubernetes',
          fingerprint256: 'AA:BB',
          validFrom: 'Jan 1 00:00:00 2026 GMT',
          validTo: 'Jan 1 00:00:00 2027 GMT',
          dnsNames: ['kubernetes'],
          ipAddresses: ['198.51.100.101'],
        },
      ],
    },
  }),
  step({
    step: 'version',
    status: 'ok',
    reason: 'supported-skew',
    detail: 'Server v1.31.2.',
    data: { gitVersion: 'v1.31.2' },
  }),
  step({
    step: 'auth',
    status: 'ok',
    reason: 'authenticated',
    detail: 'Authenticated as alice.',
    data: { username: 'alice', groups: [] },
  }),
]);

const leaky = ladder('staging', [
  step({ step: 'warp', status: 'ok', reason: 'warp-connected' }),
  step({ step: 'route', status: 'ok', reason: 'via-warp' }),
  step({ step: 'tcp', status: 'ok', reason: 'connected' }),
  step({ step: 'tls', status: 'ok', reason: 'verified' }),
  step({
    step: 'version',
    status: 'fail',
    reason: 'credentials-failed',
    // What a careless exec plugin might print to stderr.
    detail: `The exec credential plugin "get-token" failed with exit code 1: refresh failed for token=${TOKEN} (Authorization: Bearer ${JWT}) | key ${KEY}.`,
    remedy: 'Run get-token by hand.',
  }),
  step({ step: 'auth', status: 'skip', reason: 'skipped', detail: 'Skipped because the version step failed.' }),
]);

const environment = {
  kubeztVersion: '0.1.0',
  platform: 'linux',
  arch: 'x64',
  nodeVersion: 'v24.21.0',
  kubectl: { gitVersion: 'v1.32.4', major: 1, minor: 32 },
  warp: {
    state: 'connected' as const,
    gatewayOn: true,
    signals: [{ source: 'warp-cli', detail: 'Status update: Connected' }],
  },
};

function report(diagnoses: ClusterDiagnosis[]) {
  return buildReport(diagnoses, environment, { now: new Date('2026-01-02T03:04:06.000Z') });
}

describe('redaction', () => {
  it('removes known secrets and credential-shaped text', () => {
    const out = redactText(`token=${TOKEN} Authorization: Bearer ${JWT} ${KEY} raw ${TOKEN}`, [TOKEN]);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(JWT);
    expect(out).not.toContain('MIGHAgEA');
    expect(out).toContain(`Bearer ${REDACTED}`);
  });

  it('redacts every string of a value, a secret that holds another whole, without touching the list', () => {
    const inner = 'sk-0123456789';
    const outer = `${inner}-and-more-of-it`;
    const secrets = [inner, outer, 'abc'];
    const value = {
      summary: `sent ${outer} and ${inner}`,
      steps: [{ detail: `token ${inner}`, durationMs: 12, code: null }],
      nested: { deeper: [outer, 'abc is too short to be a secret'] },
    };
    expect(redactValue(value, secrets)).toEqual({
      summary: `sent ${REDACTED} and ${REDACTED}`,
      steps: [{ detail: `token ${REDACTED}`, durationMs: 12, code: null }],
      nested: { deeper: [REDACTED, 'abc is too short to be a secret'] },
    });
    expect(secrets).toEqual([inner, outer, 'abc']);
    expect(value.summary).toBe(`sent ${outer} and ${inner}`);
  });

  it('leaves ordinary diagnostics alone', () => {
    const text = 'The token was rejected (expired, revoked or meant for another cluster): replace it with a fresh one.';
    expect(redactText(text, [])).toBe(text);
  });

  it('collects the secrets of probe targets', () => {
    expect(
      secretsOf([
        { name: 'a', server: 'https://x', credentials: { kind: 'token', token: TOKEN } },
        { name: 'b', server: 'https://x', credentials: { kind: 'clientCertificate', certPem: 'CERT', keyPem: KEY } },
        {
          name: 'c',
          server: 'https://x',
          credentials: {
            kind: 'exec',
            exec: {
              apiVersion: 'v1',
              command: 'x',
              env: [
                { name: 'API_TOKEN', value: 's3cr3t-value' },
                { name: 'REGION', value: 'eu' },
              ],
            },
          },
        },
      ]),
    ).toEqual([TOKEN, KEY, 'CERT', 's3cr3t-value', 'eu']);
  });
});

describe('report rendering', () => {
  const diagnoses = [diagnose(healthy), diagnose(leaky)];

  it('summarises verdicts', () => {
    const r = report(diagnoses);
    expect(r.summary).toEqual({ total: 2, ok: 1, warn: 0, fail: 1, verdicts: { ok: 1, unauthorized: 1 } });
    expect(r.clusters.map((c) => c.verdict)).toEqual(['ok', 'unauthorized']);
  });

  it('renders JSON that parses back, with no credential left in it', () => {
    const json = renderReportJson(report(diagnoses), { secrets: [TOKEN] });
    for (const secret of [TOKEN, JWT, 'MIGHAgEA']) expect(json).not.toContain(secret);
    const parsed = JSON.parse(json);
    expect(parsed.version).toBe(1);
    expect(parsed.clusters[1].ladder.steps[4].detail).toContain(`token=${REDACTED}`);
    expect(parsed.clusters[0].ladder.steps[3].data.chain[0].fingerprint256).toBe('AA:BB');
  });

  it('renders Markdown with environment, summary table, ladders and remedies, redacted', () => {
    const md = renderReportMarkdown(report(diagnoses), { secrets: [TOKEN] });
    for (const secret of [TOKEN, JWT, 'MIGHAgEA']) expect(md).not.toContain(secret);
    expect(md).toContain('# kubezt connectivity report');
    expect(md).toContain('- kubectl: v1.32.4');
    expect(md).toContain('- WARP: connected, Gateway filtering on');
    expect(md).toContain('  - warp-cli: Status update: Connected');
    expect(md).toContain('2 clusters: 1 healthy, 0 with warnings, 1 failing.');
    expect(md).toContain('| ✅ | prod | https://198.51.100.101:6443 | ok | — |');
    expect(md).toContain('| ❌ | staging | https://198.51.100.101:6443 | unauthorized | Run get-token by hand. |');
    expect(md).toContain('## staging: unauthorized');
    expect(md).toContain('- **Fix:** Run get-token by hand.');
    expect(md).toContain('| tcp | ✅ ok | 1.3 ms | tcp detail. |');
    expect(md).toContain('| auth | ⏭️ skip |  | Skipped because the version step failed. |');
    expect(md).toContain('**Issuer:** CN=kubernetes');
    // A pipe inside a detail must not break the table.
    const row = md.split('\n').find((l) => l.startsWith('| version | ❌'));
    expect(row).toContain('\\|');
    expect(row?.split(/(?<!\\)\|/).length).toBe(6);
  });
});
