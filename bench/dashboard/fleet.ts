// The stand-in core the dashboard benchmark and its profiler drive: COUNT clusters whose probe
// results come one per macrotask, like real probes.
import type { ProbeResultView } from '../../ipc/contract.ts';
import type { DomainPort } from '../../main/app/ports.ts';
import { clusterView, createStandInDomain, probeResult, warpState } from '../../test/electron/stand-in-domain.ts';

/** The stand-in core with COUNT clusters whose results come one per macrotask, like real probes. */
export function fleet(dir: string, COUNT: number): { core: DomainPort } {
  const standIn = createStandInDomain(dir);
  standIn.pushWarp(warpState('connected'));
  standIn.state.clusters = Array.from({ length: COUNT }, (_, i) =>
    clusterView(`team${i % 7}-svc${i}`, { ips: [`10.${Math.floor(i / 250)}.${i % 250}.1`] }),
  );
  standIn.state.currentContext = 'zt-team0-svc0';
  const check: DomainPort['check'] = async (names, onResult) => {
    const out: ProbeResultView[] = [];
    for (const c of standIn.state.clusters) {
      if (names && !names.includes(c.name)) continue;
      await new Promise((r) => setImmediate(r));
      const r = probeResult(c.name, 'reachable', 5 + (out.length % 40));
      onResult(r);
      out.push(r);
    }
    return out;
  };
  return { core: { ...standIn.core, check } };
}
