/**
 * The dashboard's short verdict labels (renderer/src/components/verdicts.ts) cover every verdict
 * the core can give, so no failing row falls back to the bare code with dashes turned into spaces.
 */
import { describe, expect, it } from 'vitest';
import { VERDICT_LABEL as CORE_LABELS } from '../../main/core/diagnostics/verdict.ts';
import { VERDICT_LABEL as ROW_LABELS, verdictLabel } from '../../renderer/src/components/verdicts.ts';
import { probeResult } from './stand-in-domain.ts';

describe('verdict labels', () => {
  it('has a row label for every failing verdict of the core', () => {
    const missing = Object.keys(CORE_LABELS).filter((v) => v !== 'ok' && !(v in ROW_LABELS));
    expect(missing).toEqual([]);
  });

  it('labels the virtual-network and WARP-mode verdicts in words', () => {
    const row = (verdict: string) => verdictLabel({ ...probeResult('lab', 'unreachable'), verdict });
    expect(row('wrong-virtual-network')).toBe('Wrong virtual network');
    expect(row('warp-mode-unsupported')).toBe('WARP mode routes no private IPs');
    expect(row('tunnel-down')).toBe('Tunnel down');
  });
});
