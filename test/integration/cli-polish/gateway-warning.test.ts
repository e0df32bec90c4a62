import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SHOWN_WARNINGS_FILE } from '../../../main/core/inventory/warning-memory.ts';
import { runCli } from '../../helpers/cli.ts';
import { startWorld, type World } from '../cli-discovery/world.ts';

/**
 * The Gateway audit warning through the real CLI against the fake Cloudflare API (whose
 * "staging" cluster no Do Not Inspect policy covers): `clusters` and `status` show it every time,
 * `setup`, `gateway-policy`, `check` and `diagnose` once a day.
 */
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const AUDIT = /^kubezt: warning: No enabled Gateway "Do Not Inspect" HTTP policy covers .*\(cluster staging\)/m;

describe('the Gateway audit warning', () => {
  it('clusters shows it on every run; setup and gateway-policy only the first time today', async () => {
    const w = await startWorld({ catalog: false });
    world = w;
    const run = (args: string[]) => runCli(args, { env: w.env({ KUBEZT_CATALOG: undefined }), homeDir: w.home });
    const first = await run(['setup', '--dry-run']);
    expect(first.stderr).toMatch(AUDIT);
    expect(existsSync(join(w.configDir, SHOWN_WARNINGS_FILE))).toBe(true);
    const again = await run(['setup', '--dry-run']);
    expect(again.stderr).not.toMatch(AUDIT);
    // Other warnings still show every time.
    expect(again.stderr).toMatch(/^kubezt: warning: CLOUDFLARE_BASE_URL points kubezt at /m);
    const policy = await run(['gateway-policy']);
    expect(policy.code).toBe(0);
    expect(policy.stderr).not.toMatch(AUDIT);
    expect(policy.stdout).toMatch(/staging {2}NOT covered/);
    for (let i = 0; i < 2; i++) expect((await run(['clusters'])).stderr).toMatch(AUDIT);
    // --json keeps every warning in the object: scripts get the full list.
    const json = await run(['setup', '--dry-run', '--json']);
    expect(
      (JSON.parse(json.stdout) as { warnings: string[] }).warnings.some((x) => x.includes('(cluster staging)')),
    ).toBe(true);
  });

  it('status shows it every time from the cache; check only once a day', async () => {
    const w = await startWorld({ catalog: false });
    world = w;
    const env = w.env({ KUBEZT_CATALOG: undefined });
    const run = (args: string[]) => runCli(args, { env, homeDir: w.home });
    // The fleet's contexts, and the first sighting of the warning today.
    expect((await run(['setup', '--yes'])).stderr).toMatch(AUDIT);
    for (let i = 0; i < 2; i++) expect((await run(['status', '--timeout', '1'])).stderr).toMatch(AUDIT);
    const check = await run(['check', '--timeout', '1']);
    expect(check.stderr).not.toMatch(AUDIT);
  });
});
