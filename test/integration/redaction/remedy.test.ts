/**
 * The diagnostics of an exec plugin through the real CLI: when the API server rejects what the
 * plugin gave, the remedy names the plugin (its basename) and never its command line; when the
 * plugin fails and echoes its arguments and environment, none of their secret values comes out.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckJson } from '../../../main/cli/commands/check.ts';
import { type ApiServerFarm, startApiServerFarm } from '../../../sim/apiserver/index.ts';
import { type FakeWarp, startFakeWarp } from '../../../sim/warp/index.ts';
import { runCli } from '../../helpers/cli.ts';

const CLIENT_SECRET = 'oidc-Cl1ent-S3cret-7d41a9';
const ENV_SECRET = 'Env-Bl0b-9f3c2e71';
const POSITIONAL = 'Pos1tional-Arg-55c0';

let dir: string;
let farm: ApiServerFarm;
let warp: FakeWarp;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubezt-remedy-'));
  farm = await startApiServerFarm({ servers: [{ name: 'rejects', fault: 'reject-credentials' }, { name: 'ok' }] });
  warp = await startFakeWarp({ dir: join(dir, 'warp') });
  await mkdir(join(dir, 'bin'));
  // Prints a credential unless told to fail; either way it echoes what it was given on stderr.
  const plugin = join(dir, 'bin', 'corp-login');
  await writeFile(
    plugin,
    `#!/bin/sh
echo "corp-login: called as corp-login $* with blob=$CORP_BLOB" >&2
[ "$CORP_FAIL" = 1 ] && exit 1
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"issued-by-plugin"}}\\n'
`,
  );
  await chmod(plugin, 0o755);
  const user = (fail: boolean) => ({
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: plugin,
      args: ['get-token', '--oidc-client-secret', CLIENT_SECRET, POSITIONAL],
      env: [
        { name: 'CORP_BLOB', value: ENV_SECRET },
        { name: 'CORP_FAIL', value: fail ? '1' : '0' },
      ],
      interactiveMode: 'Never',
    },
  });
  const entries = [
    { name: 'rejected', server: farm.server('rejects'), user: user(false) },
    { name: 'plugin-fails', server: farm.server('ok'), user: user(true) },
  ];
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: entries.map((e) => ({
      name: e.name,
      cluster: { server: e.server.url, 'certificate-authority-data': e.server.caData },
    })),
    users: entries.map((e) => ({ name: e.name, user: e.user })),
    contexts: entries.map((e) => ({ name: e.name, context: { cluster: e.name, user: e.name } })),
    'current-context': 'rejected',
  };
  const path = join(dir, 'config');
  await writeFile(path, JSON.stringify(kubeconfig, null, 2));
  await mkdir(join(dir, 'home'));
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(dir, 'home'),
    KUBEZT_CONFIG_DIR: join(dir, 'kubezt'),
    KUBECONFIG: path,
    ...warp.env,
  };
}, 60_000);

afterAll(async () => {
  await Promise.all([farm?.close(), warp?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(args, { env, homeDir: env.HOME as string, cwd: dir });

describe('exec plugin diagnostics', () => {
  it('names the plugin in the remedy, never its arguments, in every output', async () => {
    const check = await cli(['check', 'rejected', 'plugin-fails', '--json']);
    const out = JSON.parse(check.stdout) as CheckJson;
    const rejected = out.clusters.find((c) => c.context === 'rejected');
    expect(rejected?.verdict).toBe('unauthorized');
    expect(rejected?.remedy).toContain('"corp-login"');
    expect(rejected?.remedy).not.toContain(dir);
    expect(rejected?.remedy).not.toContain('get-token');
    const failed = out.clusters.find((c) => c.context === 'plugin-fails');
    expect(failed?.summary).toContain('corp-login: called as corp-login get-token --oidc-client-secret');

    const report = join(dir, 'report.md');
    const diagnose = await cli(['diagnose', 'rejected', 'plugin-fails', '--json', '--report', report]);
    const text = await cli(['diagnose', 'rejected', 'plugin-fails']);
    const status = await cli(['status', '--json']);
    const everything = [check, diagnose, text, status].flatMap((r) => [r.stdout, r.stderr]);
    everything.push(await readFile(report, 'utf8'));
    for (const secret of [CLIENT_SECRET, ENV_SECRET, POSITIONAL]) {
      for (const output of everything) expect(output).not.toContain(secret);
    }
  });
});
