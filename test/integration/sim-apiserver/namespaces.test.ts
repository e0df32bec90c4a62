// Namespaces against the simulated API servers: the real kubectl reads them (`kubectl get ns`),
// `kubezt ns` lists them through @kubernetes/client-node, and `kubezt ns NS` writes the
// namespace that kubectl then reads back, changing nothing else in the file.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { type ApiServerFarm, buildKubeconfig, startApiServerFarm } from '../../../sim/apiserver/index.ts';
import { runKubezt } from '../shell/world.ts';

const KUBECTL = '/usr/bin/kubectl';
const NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system', 'payments', 'web'];

let farm: ApiServerFarm;
let dir: string;
let config: string;
let env: Record<string, string>;

beforeAll(async () => {
  farm = await startApiServerFarm({ servers: [{ name: 'alpha' }, { name: 'down', fault: 'refuse' }] });
  dir = mkdtempSync(join(tmpdir(), 'kubezt-ns-'));
  mkdirSync(join(dir, 'kube'));
  config = join(dir, 'kube', 'config');
  env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: config };
});

afterAll(async () => {
  await farm?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function writeConfig(current: string): string {
  const text = `# the user's own comment\n${buildKubeconfig([{ server: farm.server('alpha') }, { server: farm.server('down') }], current)}`;
  writeFileSync(config, text, { mode: 0o600 });
  return text;
}

async function kubectl(args: string[]) {
  return nodeProcessRunner.run(KUBECTL, ['--request-timeout=5s', ...args], { timeoutMs: 20_000, env });
}

describe('the simulator answers /api/v1/namespaces', () => {
  beforeAll(() => writeConfig('alpha'));

  it('kubectl get ns prints the table', async () => {
    const r = await kubectl(['get', 'ns']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^NAME\s+STATUS\s+AGE$/);
    expect(rows.slice(1).map((l) => l.split(/\s+/).slice(0, 2))).toEqual(NAMESPACES.map((n) => [n, 'Active']));
  });

  it('kubectl get ns -o json is a NamespaceList, and one namespace reads by name', async () => {
    const list = await kubectl(['get', 'ns', '-o', 'json']);
    expect(list.code, list.stderr).toBe(0);
    const items = (JSON.parse(list.stdout) as { items: { metadata: { name: string }; status: { phase: string } }[] })
      .items;
    expect(items.map((i) => i.metadata.name)).toEqual(NAMESPACES);
    const one = await kubectl(['get', 'ns', 'kube-system', '-o', 'jsonpath={.status.phase}']);
    expect(one.stdout).toBe('Active');
    const missing = await kubectl(['get', 'ns', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('namespaces "nope" not found');
  });
});

describe('kubezt ns', () => {
  it('lists the namespaces and marks the current one; --json', async () => {
    writeConfig('alpha');
    const r = await runKubezt(['ns'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(NAMESPACES.map((n) => `${n === 'default' ? '*' : ' '} ${n}\n`).join(''));
    const json = await runKubezt(['ns', '--json'], env);
    expect(JSON.parse(json.stdout)).toEqual({
      version: 1,
      context: 'alpha',
      namespace: 'default',
      namespaces: NAMESPACES.map((name) => ({ name, phase: 'Active', current: name === 'default' })),
    });
  });

  it('sets the namespace with a one-line splice that kubectl reads back; no backup, no leftovers', async () => {
    const before = writeConfig('alpha');
    const r = await runKubezt(['ns', 'web'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Context "alpha" now uses namespace "web" (in ~/kube/config).\n`);
    const after = readFileSync(config, 'utf8');
    expect(after).toBe(before.replace('      user: alpha\n', '      user: alpha\n      namespace: web\n'));
    const back = await kubectl(['config', 'view', '--minify', '-o', 'jsonpath={..namespace}']);
    expect(back.stdout).toBe('web');
    expect(readdirSync(join(dir, 'kube'))).toEqual(['config']);
    const listed = await runKubezt(['ns'], env);
    expect(listed.stdout).toContain('* web\n');
    const again = await runKubezt(['ns', 'payments'], env);
    expect(again.code).toBe(0);
    expect(readFileSync(config, 'utf8')).toBe(after.replace('namespace: web', 'namespace: payments'));
    const same = await runKubezt(['ns', 'payments'], env);
    expect(same.stdout).toBe('Context "alpha" already uses namespace "payments".\n');
  });

  it('refuses a bad name with exit 2 and one sentence, leaving the file as it was', async () => {
    const before = writeConfig('alpha');
    const r = await runKubezt(['ns', 'Bad_Name'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'kubezt: "Bad_Name" is not a namespace name; use lowercase letters, digits and "-" (at most 63, starting and ending with a letter or digit).\n',
    );
    expect(readFileSync(config, 'utf8')).toBe(before);
  });

  it('says in one line when the API server cannot be reached (exit 1)', async () => {
    writeConfig('down');
    const r = await runKubezt(['ns'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^kubezt: cannot list the namespaces of "down": the API server could not be reached \(.+\); "kubezt diagnose down" explains why\.\n$/,
    );
  });
});
