/**
 * Which credentials the app's checks spend: the real core against the simulator, whose API
 * servers record whether an Authorization header arrived, and exec plugins that record each run.
 *
 * A cluster that is not set up gets no credentials, whatever the catalog says about its user.
 * A periodic (background) check runs no exec plugin unless Settings allow it; "Check now" does,
 * and what a plugin returned is kept (in memory) across checks until it expires.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { ProbeResultView } from '../../../ipc/contract.ts';
import { BACKGROUND_EXEC_PLUGINS_LABEL } from '../../../main/core/settings/schema.ts';
import { type AppWorld, appWorldPerTest } from './world.ts';

const open = appWorldPerTest();

const ALL = ['prod-us', 'prod-eu', 'staging', 'dev'];
const REACHABLE = ['prod-us', 'prod-eu', 'staging'];

function authorized(w: AppWorld, name: string): number {
  return w.sim.farm
    .server(name)
    .requestLog()
    .filter((q) => q.authorization || q.clientCertificate !== null).length;
}

const stepNamed = (r: ProbeResultView | undefined, name: string) => r?.steps.find((s) => s.name === name);

describe('a cluster that is not set up', () => {
  it("is checked without credentials: not the catalog's token, token file, or a kubeconfig user it names", async () => {
    const w = await open({
      catalog: (entry) =>
        entry.name === 'prod-eu'
          ? { ...entry, user: { existing: 'my-own-context' } }
          : entry.name === 'staging'
            ? { ...entry, user: { tokenFile: '/nonexistent/kubezt-test.token' } }
            : entry,
    });
    await w.core.refresh(() => {});

    const results = await w.core.check(REACHABLE, () => {});

    expect(results.map((r) => [r.cluster, r.reachability, r.verdict])).toEqual(
      REACHABLE.map((name) => [name, 'reachable', 'ok']),
    );
    for (const r of results) {
      const auth = stepNamed(r, 'auth');
      expect(auth, r.cluster).toMatchObject({ status: 'skip', remedy: expect.stringContaining('kubezt setup') });
      expect(auth?.detail).toMatch(/^Not set up/);
      expect(r.summary).toContain('not set up');
    }
    for (const name of REACHABLE) expect(authorized(w, name), name).toBe(0);
  });
});

function runsIn(log: string): string[] {
  try {
    return readFileSync(log, 'utf8').split('\n').filter(Boolean).sort();
  } catch {
    return [];
  }
}

/**
 * A world whose kubezt contexts (written by setup) get their credentials from an exec plugin that
 * records its runs and prints the cluster's token, valid for an hour.
 */
async function execWorld(): Promise<{ w: AppWorld; log: string }> {
  const w = await open();
  const log = join(w.dir, 'plugin.log');
  const plugin = join(w.dir, 'record-plugin');
  writeFileSync(
    plugin,
    `#!/bin/sh
echo "$1" >> '${log}'
exp=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"'"$2"'","expirationTimestamp":"'"$exp"'"}}'
`,
  );
  chmodSync(plugin, 0o755);
  const doc = parse(readFileSync(w.sim.catalogPath, 'utf8')) as { clusters: Record<string, unknown>[] };
  const clusters = doc.clusters.map((entry) => ({
    ...entry,
    user: {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: plugin,
        args: [entry.name as string, (entry.user as { token: string }).token],
        interactiveMode: 'Never',
      },
    },
  }));
  const catalog = join(w.dir, 'exec-catalog.yaml');
  writeFileSync(catalog, stringify({ ...doc, clusters }), { mode: 0o600 });
  await w.core.applySetup({ sources: { cloudflare: true, catalogPath: catalog }, selected: ALL, trust: [] }, () => {});
  expect(w.kubeconfig()).toContain(plugin);
  return { w, log };
}

describe('exec plugins in the app', () => {
  it('a background check runs none by default and says which setting allows it; "Check now" runs them, once per expiry', async () => {
    const { w, log } = await execWorld();
    expect(w.settings.read().backgroundExecPlugins).toBe(false);

    const background = await w.core.check(undefined, () => {}, { background: true });
    expect(runsIn(log)).toEqual([]);
    const prod = background.find((r) => r.cluster === 'prod-us');
    expect(prod).toMatchObject({ reachability: 'reachable', verdict: 'ok' });
    expect(stepNamed(prod, 'auth')).toMatchObject({
      status: 'skip',
      detail: expect.stringContaining('not run by background checks'),
      remedy: `Turn on "${BACKGROUND_EXEC_PLUGINS_LABEL}" in Settings, or press "Check now".`,
    });
    for (const name of ALL) expect(authorized(w, name), name).toBe(0);

    // The user presses "Check now": the plugins run, for the clusters that pass TLS only (dev is intercepted).
    const checked = await w.core.check(undefined, () => {});
    expect(runsIn(log)).toEqual([...REACHABLE].sort());
    expect(checked.filter((r) => stepNamed(r, 'auth')?.status === 'ok').map((r) => r.cluster)).toEqual(REACHABLE);
    expect(authorized(w, 'dev')).toBe(0);

    // Their credentials are valid for an hour: the next check reuses them.
    await w.core.check(undefined, () => {});
    await w.core.diagnose(undefined, () => {});
    expect(runsIn(log)).toEqual([...REACHABLE].sort());
  });

  it('with the setting on, a background check runs them', async () => {
    const { w, log } = await execWorld();
    w.settings.update({ backgroundExecPlugins: true });
    const results = await w.core.check(undefined, () => {}, { background: true });
    expect(runsIn(log)).toEqual([...REACHABLE].sort());
    expect(results.filter((r) => stepNamed(r, 'auth')?.status === 'ok').map((r) => r.cluster)).toEqual(REACHABLE);
  });
});
