/**
 * Redaction end to end: the real CLI (`diagnose --json`, `diagnose --report`, `check --json`,
 * `status --json`, `setup --dry-run` and its `--json`) and the real app services (IPC `diagnose`, `previewSetup`, `exportReport`,
 * `saveReport`, `copyReport`, the `probeResult` events) against the simulator, with a kubeconfig
 * whose users carry secrets in every YAML style (../../unit/redaction/planted.ts). The exec
 * plugin is a real program that echoes its arguments and environment on stderr, as a failing
 * plugin may; some runs it fails, some runs its credential is rejected by the API server.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SetupInput } from '../../../ipc/contract.ts';
import { type AppServices, createAppServices } from '../../../main/app/services.ts';
import { findSecretIn } from '../../../main/core/secrets/leaks.ts';
import { recordingAppHost } from '../../helpers/app-host.ts';
import { runCli } from '../../helpers/cli.ts';
import { type PlantedKubeconfig, plantedShape, plantKubeconfig, propertyRuns } from '../../unit/redaction/planted.ts';
import { type AppWorld, startAppWorld } from '../app-adapters/world.ts';

const RUNS = propertyRuns(6, 40_000, 120_000);
let world: AppWorld;
let plugin: string;
let outputs: string[] = [];
let services: AppServices;
let savedReport: string;

/** Fails (exit 1) when given --client-secret, else prints a token the rejecting server refuses. */
const PLUGIN = `#!/bin/sh
echo "kz-login: cannot sign in with $* (env: $(env | grep '^KZ_ENV_' | sort | tr '\\n' ' '))" >&2
case " $* " in *" --client-secret "*) exit 1;; esac
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"kz-plugin-issued"}}\\n'
`;

beforeAll(async () => {
  world = await startAppWorld({ clusters: 4 });
  await world.sim.farm.setFault('prod-eu', 'reject-credentials');
  await mkdir(join(world.dir, 'bin'));
  plugin = join(world.dir, 'bin', 'kz-login');
  await writeFile(plugin, PLUGIN);
  await chmod(plugin, 0o755);
  savedReport = join(world.dir, 'saved-report');
  const { host } = recordingAppHost({
    appVersion: '0.0.0-test',
    chooseSavePath: async () => savedReport,
    writeClipboard: (text: string) => void outputs.push(text),
    notify: (n: { title: string; body: string }) => void outputs.push(JSON.stringify(n)),
  });
  services = createAppServices(world.core, host, {
    log: (m, e) => outputs.push(`${m} ${e instanceof Error ? `${e.message}\n${e.stack}` : String(e ?? '')}`),
    setTimer: () => () => {},
  });
  services.onEvent((event) => outputs.push(JSON.stringify(event)));
}, 60_000);

afterAll(async () => {
  await world?.close();
});

function kubeconfigFor(shape: Parameters<typeof plantKubeconfig>[0]): PlantedKubeconfig {
  const clusters = ['prod-us', 'prod-eu'].map((name) => {
    const s = world.sim.farm.server(name);
    return { name: `sim-${name}`, server: s.url, caData: s.caData };
  });
  return plantKubeconfig(shape, { clusters, plugin, managed: true });
}

const cli = async (args: string[]) => {
  const r = await runCli(args, { env: world.env, homeDir: world.home, cwd: world.dir });
  outputs.push(r.stdout, r.stderr);
  return r;
};

const setupInput = (): SetupInput => ({
  sources: { cloudflare: true, catalogPath: world.env.KUBEZT_CATALOG as string },
  selected: null,
  trust: [],
});

async function ipc(name: string, payload?: unknown): Promise<unknown> {
  const envelope = await services.handle(name, payload);
  outputs.push(JSON.stringify(envelope));
  return envelope;
}

async function leaksOf(secrets: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const s of secrets) for (const l of await findSecretIn(outputs, s)) found.push(`${s}: ${l.where} (${l.form})`);
  return found;
}

describe('no planted secret leaves kubezt, through the CLI or the app', () => {
  it(
    'diagnose, check, status, setup diffs, reports, the setup preview and every IPC answer and event',
    async () => {
      await fc.assert(
        fc.asyncProperty(plantedShape, async (shape) => {
          const k = kubeconfigFor(shape);
          await writeFile(world.sim.kubeconfigPath, k.text);
          outputs = [];
          const report = join(world.dir, 'report.md');
          await cli(['diagnose', ...k.contexts, '--json', '--report', report]);
          outputs.push(await readFile(report, 'utf8'));
          await cli(['diagnose', ...k.contexts]);
          await cli(['check', ...k.contexts, '--json']);
          await cli(['status', '--json']);
          const dryRun = await cli(['setup', '--dry-run']);
          expect(dryRun.code, dryRun.stderr).toBe(0);
          expect(dryRun.stdout).toContain(`+++ ${world.sim.kubeconfigPath}`);
          await cli(['setup', '--dry-run', '--json']);
          const diagnosed = (await ipc('diagnose', { names: k.contexts })) as { ok: boolean };
          expect(diagnosed.ok, JSON.stringify(diagnosed)).toBe(true);
          await ipc('exportReport', { format: 'markdown' });
          await ipc('exportReport', { format: 'json' });
          await ipc('saveReport', { format: 'json' });
          outputs.push(await readFile(savedReport, 'utf8'));
          await ipc('copyReport', { format: 'markdown' });
          await ipc('previewSetup', setupInput());
          expect(await leaksOf([...k.secrets, ...k.commented])).toEqual([]);
          // The plugins ran, and what they echoed (or the remedy for what they gave) came out
          // redacted: the check above had something to catch.
          const all = outputs.join('\n');
          const execUsers = shape.users.filter((u) => u.kind === 'exec');
          const failing = execUsers.filter((u) => u.args.some(([flag]) => flag === '--client-secret'));
          if (failing.length > 0) expect(all).toContain('kz-login: cannot sign in with get-token');
          if (failing.length < execUsers.length) expect(all).toContain('exec plugin "kz-login" were rejected');
        }),
        RUNS.settings,
      );
    },
    RUNS.testTimeoutMs,
  );
});
