/**
 * The app's probe results carry when credentials expire (here an exec plugin's, which renews
 * itself: shown, never a warning), and the Markdown report ends with the log's last lines.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type AppWorld, startAppWorld } from './world.ts';

let world: AppWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const ALL = ['prod-us', 'prod-eu', 'staging', 'dev'];

describe('the app core', () => {
  it("reports an exec credential's expirationTimestamp, and the log's last lines in the Markdown report", async () => {
    const planted = 'log-planted-secret-9d8c7b6a5f4e';
    const logLines = Array.from({ length: 230 }, (_, i) => `2026-12-06T10:00:00.000Z INFO  line ${i + 1}`);
    logLines.push(`2026-12-06T10:00:01.000Z WARN  plugin said Bearer ${planted}`);
    let asked = 0;
    const w = await startAppWorld({
      context: {
        logTail: (n) => {
          asked = n;
          return logLines.slice(-n);
        },
      },
    });
    world = w;
    const expiresAt = '2099-01-01T00:00:00Z';
    const plugin = join(w.dir, 'plugin');
    writeFileSync(
      plugin,
      `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"'"$1"'","expirationTimestamp":"${expiresAt}"}}'\n`,
    );
    chmodSync(plugin, 0o755);
    const doc = parse(readFileSync(w.sim.catalogPath, 'utf8')) as { clusters: Record<string, unknown>[] };
    const catalog = join(w.dir, 'exec-catalog.yaml');
    writeFileSync(
      catalog,
      stringify({
        ...doc,
        clusters: doc.clusters.map((entry) => ({
          ...entry,
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1',
              command: plugin,
              args: [(entry.user as { token: string }).token],
              interactiveMode: 'Never',
            },
          },
        })),
      }),
      { mode: 0o600 },
    );
    await w.core.applySetup(
      { sources: { cloudflare: true, catalogPath: catalog }, selected: ALL, trust: [] },
      () => {},
    );

    const results = await w.core.check(['prod-us'], () => {});
    expect(results[0]).toMatchObject({
      cluster: 'prod-us',
      verdict: 'ok',
      expiry: { kind: 'exec', plugin: 'plugin', expiresAt: new Date(expiresAt).toISOString() },
    });

    const report = await w.core.diagnose(['prod-us'], () => {});
    const md = w.core.renderReport({ ...report, runId: 'r' }, 'markdown');
    expect(asked).toBe(200);
    expect(md).toContain('## kubezt log (last 200 lines)');
    expect(md).toContain('line 230');
    expect(md).not.toContain('line 31\n');
    expect(md).not.toContain(planted);
    expect(w.core.renderReport({ ...report, runId: 'r' }, 'json')).not.toContain('## kubezt log');
  });
});
