/**
 * The dashboard's short verdict labels come from main, worded by the core's one table
 * (VERDICT_LABEL, which the CLI and the report use too): every result main hands the renderer,
 * streamed, answered or kept, carries its verdict's label, and the row shows it. A code the core
 * does not label shows as the code itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProbeResultView } from '../../ipc/contract.ts';
import { type AppEvent, createAppServices } from '../../main/app/services.ts';
import { VERDICT_LABEL as CORE_LABELS } from '../../main/core/diagnostics/verdict.ts';
import { verdictLabel } from '../../renderer/src/components/verdicts.ts';
import { recordingAppHost } from '../helpers/app-host.ts';
import { clusterView, createStandInDomain, probeResult } from './stand-in-domain.ts';

let work: string;
beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'kubezt-verdict-labels-'));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

const FAILING = Object.keys(CORE_LABELS).filter((v) => v !== 'ok');

function fleetWithEveryVerdict() {
  const standIn = createStandInDomain(path.join(work, 'config'));
  const verdicts = [...FAILING, 'not-checked'];
  standIn.state.clusters = verdicts.map((v) => clusterView(v));
  for (const v of verdicts) standIn.state.results.set(v, { ...probeResult(v, 'unreachable'), verdict: v });
  const services = createAppServices(standIn.core, recordingAppHost().host, {
    log: () => {},
    setTimer: () => () => {},
  });
  const events: AppEvent[] = [];
  services.onEvent((e) => events.push(e));
  return { services, events };
}

const labels = (results: readonly ProbeResultView[]) =>
  Object.fromEntries(results.map((r) => [r.verdict, [r.verdictLabel, verdictLabel(r)]]));

describe('verdict labels', () => {
  it("every result main hands over carries the core's label, and the row shows it", async () => {
    const { services, events } = fleetWithEveryVerdict();
    await services.call('listClusters');
    const label = (v: string) => CORE_LABELS[v as keyof typeof CORE_LABELS];
    const expected = {
      ...Object.fromEntries(FAILING.map((v) => [v, [label(v), label(v)]])),
      'not-checked': [undefined, 'not-checked'],
    };
    await services.call('check');
    const streamed = events.flatMap((e) => (e.name === 'probeResult' ? [e.payload.result] : []));
    expect(labels(streamed)).toEqual(expected);
    expect(labels((await services.call('listClusters')).lastResults)).toEqual(expected);
    const report = await services.call('diagnose');
    expect(labels(report.results)).toEqual(expected);
  });

  it('words the virtual-network and WARP verdicts, and leaves a reachable row unlabelled', async () => {
    const { services, events } = fleetWithEveryVerdict();
    await services.call('listClusters');
    await services.call('check');
    const results = events.flatMap((e) => (e.name === 'probeResult' ? [e.payload.result] : []));
    const row = (verdict: string) => verdictLabel(results.find((r) => r.verdict === verdict) as ProbeResultView);
    expect(row('wrong-virtual-network')).toBe('Wrong virtual network');
    expect(row('warp-mode-unsupported')).toBe('WARP mode routes no private IPs');
    expect(row('warp-disconnected')).toBe('WARP disconnected');
    expect(verdictLabel(probeResult('x', 'reachable'))).toBeNull();
  });
});
