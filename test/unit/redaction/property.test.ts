/**
 * Property: a secret planted anywhere in a kubeconfig's users, in any YAML style (planted.ts),
 * reaches neither the setup diff (the CLI's text, and the app's preview as it crosses the IPC
 * contract) nor a diagnostics report (Markdown, `--json`, the app's probe results), even when a
 * plugin or server echoes every one of them. Fixed seed and a time budget; KUBEZT_PROPERTY_RUNS,
 * KUBEZT_PROPERTY_TIME_MS and KUBEZT_PROPERTY_SEED run it longer or differently.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProbeResultSchema, SetupPreviewSchema } from '../../../ipc/contract.ts';
import { toProbeResult } from '../../../main/app/adapters/probes.ts';
import {
  buildReport,
  diagnose,
  redactValue,
  renderReportJson,
  renderReportMarkdown,
  secretsOf,
} from '../../../main/core/diagnostics/index.ts';
import { planDiff, planKubeconfig, unifiedDiff } from '../../../main/core/kubeconfig/index.ts';
import { quickMergedKubeconfig } from '../../../main/core/kubeconfig/read-fast.ts';
import { targetsFromMergedKubeconfig } from '../../../main/core/probe/targets.ts';
import type { ProbeResult, StepResult } from '../../../main/core/probe/types.ts';
import { findSecretIn } from '../../../main/core/secrets/leaks.ts';
import { kubeconfigUserSecrets } from '../../../main/core/secrets/user-fields.ts';
import { clusterSet } from '../kubeconfig/helpers.ts';
import { type PlantedKubeconfig, plantedShape, plantKubeconfig, propertyRuns, rotated } from './planted.ts';

const PATH = '/home/dev/.kube/config';
const RUNS = propertyRuns(300, 15_000);
const CLUSTERS = [
  { name: 'c1', server: 'https://198.51.100.7:6443' },
  { name: 'c2', server: 'https://198.51.100.8:6443' },
];
const CATALOG = clusterSet('standard');
const plantedArb = plantedShape.map((shape) =>
  plantKubeconfig(shape, { clusters: CLUSTERS, plugin: '/usr/local/bin/kz-login' }),
);

/** Every spelling findSecretIn knows, plus a Markdown table cell's. */
async function leaks(outputs: readonly string[], secrets: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const s of secrets) {
    const spellings = [s, s.replace(/\|/g, '\\|')].filter((x, i, all) => all.indexOf(x) === i);
    for (const spelling of spellings) {
      for (const leak of await findSecretIn(outputs, spelling))
        found.push(`${JSON.stringify(s)} in ${leak.where} (${leak.form})`);
    }
  }
  return found;
}

describe('no planted secret reaches the setup diff', () => {
  it(
    'in the diff of a new, a changed and a removed users section, and in the preview kubezt setup shows',
    async () => {
      await fc.assert(
        fc.asyncProperty(plantedArb, async (k: PlantedKubeconfig) => {
          const head = k.text.slice(0, k.text.search(/^users:/m));
          const rotatedText = rotated(k.text, k.secrets);
          const plan = planKubeconfig({ clusters: CATALOG, files: [{ path: PATH, bytes: k.text }] });
          const preview = SetupPreviewSchema.parse({
            candidates: [],
            files: plan.writes.map((w) => w.path),
            diff: planDiff(plan, { context: 100_000 }),
            changes: [],
            warnings: [],
          });
          const outputs = [
            unifiedDiff(PATH, null, k.text),
            unifiedDiff(PATH, k.text, rotatedText),
            unifiedDiff(PATH, k.text, head),
            preview.diff,
            JSON.stringify(preview),
          ];
          const changed = k.secrets.map((s) => rotated(s, k.secrets)).filter((s) => rotatedText.includes(s));
          expect(await leaks(outputs, [...k.secrets, ...k.commented, ...changed])).toEqual([]);
          // Still a diff to review: every user and context name shows, and each line is there.
          for (const name of k.contexts) expect(outputs[0]).toContain(`name: ${name}`);
          expect(outputs[0]?.split('\n').length).toBe(k.text.split('\n').length + 3);
        }),
        RUNS.settings,
      );
    },
    RUNS.testTimeoutMs,
  );
});

function step(s: Partial<StepResult> & Pick<StepResult, 'step' | 'status'>): StepResult {
  return { reason: 'not-checked', durationMs: 1, detail: `${s.step} detail.`, ...s };
}

/** A ladder whose plugin echoed every secret, one way or another, in its failure. */
function echoingLadder(name: string, secrets: readonly string[]): ProbeResult {
  const echoed = secrets
    .map((s, i) =>
      i % 3 === 0 ? s : i % 3 === 1 ? `{"token":${JSON.stringify(s)}}` : `?secret=${encodeURIComponent(s)}`,
    )
    .join(' ');
  const ok = (n: StepResult['step']) => step({ step: n, status: 'ok' });
  return {
    name,
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
        // Long enough that the app's 2,000-character clip falls inside a secret.
        detail: `${'x'.repeat(1_990)} The exec credential plugin "kz-login" failed with exit code 1: ${echoed}`,
        remedy: `Run it by hand: ${echoed}`,
      }),
      step({ step: 'auth', status: 'skip' }),
    ],
    ok: false,
  };
}

describe('no planted secret reaches a diagnostics report', () => {
  it(
    'in Markdown, JSON or the app probe results, when the kubeconfig secrets are collected as the CLI and the app do',
    async () => {
      await fc.assert(
        fc.asyncProperty(plantedArb, async (k: PlantedKubeconfig) => {
          const sources = [{ path: PATH, bytes: k.text }];
          const merged = quickMergedKubeconfig(sources);
          const { targets } = merged ? await targetsFromMergedKubeconfig(merged, k.contexts) : { targets: [] };
          const secrets = [...secretsOf(targets), ...kubeconfigUserSecrets(sources)];
          const diagnoses = k.contexts.map((c) => diagnose(echoingLadder(c, k.secrets), undefined, { context: c }));
          const report = buildReport(diagnoses, { platform: 'linux', arch: 'x64', nodeVersion: 'v24' });
          const ipc = diagnoses.map((d) =>
            ProbeResultSchema.parse(redactValue(toProbeResult(redactValue(d, secrets), null), secrets)),
          );
          const outputs = [
            renderReportMarkdown(report, { secrets }),
            renderReportJson(report, { secrets }),
            JSON.stringify(ipc),
          ];
          expect(await leaks(outputs, k.secrets)).toEqual([]);
        }),
        RUNS.settings,
      );
    },
    RUNS.testTimeoutMs,
  );
});
