// Where the dashboard's time goes: a CPU profile (CDP Profiler) of one phase, summarised by self
// time per function, with the page's own timeline marks. Not a benchmark: it slows what it watches.
//
//   node_modules/.bin/node bench/dashboard/profile.ts [--phase first|key|check] [--clusters 1000]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createAppServices } from '../../main/app/services.ts';
import { launchChromium, openApp, recordingHost, requireBuild, serveRenderer } from '../../test/helpers/browser.ts';
import { fleet } from './fleet.ts';

const { values } = parseArgs({
  options: {
    phase: { type: 'string', default: 'first' },
    clusters: { type: 'string', default: '1000' },
    out: { type: 'string' },
  },
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (ms), the top 25. */
function summarise(profile: Profile): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    if (!n) return;
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${path.basename(f.url)}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [
    `total sampled ${total.toFixed(0)} ms`,
    ...[...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25)
      .map(([k, ms]) => `${ms.toFixed(1).padStart(8)} ms  ${k}`),
  ];
}

requireBuild();
const dir = mkdtempSync(path.join(tmpdir(), 'kubezt-profile-'));
const [browser, server] = await Promise.all([launchChromium(), serveRenderer()]);
try {
  const { core } = fleet(dir, Number(values.clusters));
  const services = createAppServices(core, recordingHost().host, { log: () => {}, setTimer: () => () => {} });
  const app = await openApp(browser, { services, url: 'about:blank', colorScheme: 'light' });
  const cdp = await app.page.context().newCDPSession(app.page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  const search = app.page.getByRole('searchbox', { name: 'Search clusters' });
  if (values.phase === 'first') {
    await cdp.send('Profiler.start');
    await app.page.goto(server.url);
    await app.page.locator('table.clusters tbody th[scope="row"]').first().waitFor();
  } else {
    await app.page.goto(server.url);
    await app.page.locator('table.clusters[aria-busy="false"]').waitFor({ timeout: 120_000 });
    if (values.phase === 'key') {
      await search.focus();
      await cdp.send('Profiler.start');
      await app.page.keyboard.type('svc12');
      await app.page.locator('table.clusters[data-filter="svc12"]').waitFor();
    } else {
      await cdp.send('Profiler.start');
      await app.page.getByRole('button', { name: 'Check now' }).click();
      await app.page.locator('table.clusters[aria-busy="true"]').waitFor();
      await app.page.locator('table.clusters[aria-busy="false"]').waitFor({ timeout: 120_000 });
    }
  }
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: Profile };
  if (values.out) writeFileSync(values.out, JSON.stringify(profile));
  console.log(summarise(profile).join('\n'));
  await app.close();
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
