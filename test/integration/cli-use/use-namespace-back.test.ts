/**
 * `kubezt use NAME -n NS` (the switch and the namespace in one write) and `kubezt use -` (back to
 * the context kubezt last switched away from), through the real CLI on real files, read back
 * with the real kubectl.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PREVIOUS_CONTEXT_FILE } from '../../../main/core/settings/previous-context.ts';
import { runUseContext } from '../../../main/usecases/use-context.ts';
import { runCli } from '../../helpers/cli.ts';

const exec = promisify(execFile);

const CONFIG = `# my clusters
apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://192.168.1.10:6443
  name: home
- cluster:
    server: https://10.0.0.1:6443
  name: prod-us
contexts:
- context:
    cluster: home
    user: me
  name: home
- context:
    cluster: prod-us
    namespace: default
    user: me
  name: zt-prod-us
current-context: home
users:
- name: me
  user:
    token: abc
`;

let dir: string;
let config: string;
let configDir: string;
let env: Record<string, string>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubezt-use14-'));
  config = join(dir, 'config');
  configDir = join(dir, 'settings');
  writeFileSync(config, CONFIG, { mode: 0o600 });
  env = { KUBECONFIG: config, KUBEZT_CONFIG_DIR: configDir, PATH: process.env.PATH ?? '/usr/bin' };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function kubectl(args: string[], kubeconfig = config): Promise<string> {
  const { stdout } = await exec('/usr/bin/kubectl', args, { env: { KUBECONFIG: kubeconfig, HOME: dir } });
  return stdout.trim();
}
const namespaceOf = (context: string, kubeconfig = config) =>
  kubectl(['config', 'view', '-o', `jsonpath={.contexts[?(@.name=="${context}")].context.namespace}`], kubeconfig);

describe('kubezt use NAME -n NS', () => {
  it('switches and sets the namespace in one write: kubectl reads both back, every other byte is kept, no backup', async () => {
    const r = await runCli(['use', 'prod-us', '-n', 'team-a'], { env });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`Switched to context "zt-prod-us" in ${config}, with namespace "team-a".\n`);
    expect(await kubectl(['config', 'current-context'])).toBe('zt-prod-us');
    expect(await namespaceOf('zt-prod-us')).toBe('team-a');
    expect(readFileSync(config, 'utf8')).toBe(
      CONFIG.replace('namespace: default', 'namespace: team-a').replace(
        'current-context: home',
        'current-context: zt-prod-us',
      ),
    );
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(existsSync(join(configDir, 'backups'))).toBe(false);
    expect(existsSync(`${config}.lock`)).toBe(false);
  });

  it('--namespace on the current context adds the line; run again, it says nothing changed', async () => {
    let r = await runCli(['use', 'home', '--namespace', 'kube-system'], { env });
    expect(r.stdout).toBe('Context "home" is already the current context, with namespace "kube-system".\n');
    expect(await namespaceOf('home')).toBe('kube-system');
    expect(readFileSync(config, 'utf8')).toContain('    cluster: home\n    user: me\n    namespace: kube-system\n');
    r = await runCli(['use', 'home', '-n', 'kube-system'], { env });
    expect(r.stdout).toBe('Context "home" is already the current context; its namespace already is "kube-system".\n');
  });

  it('writes both files when the context lives in another file than current-context', async () => {
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    writeFileSync(first, 'apiVersion: v1\nkind: Config\ncurrent-context: home\n');
    writeFileSync(second, CONFIG.replace('current-context: home\n', ''));
    const both = `${first}:${second}`;
    const r = await runCli(['use', 'zt-prod-us', '-n', 'team-b'], { env: { ...env, KUBECONFIG: both } });
    expect(r.code).toBe(0);
    expect(await kubectl(['config', 'current-context'], both)).toBe('zt-prod-us');
    expect(await namespaceOf('zt-prod-us', both)).toBe('team-b');
    expect(readFileSync(first, 'utf8')).toBe('apiVersion: v1\nkind: Config\ncurrent-context: zt-prod-us\n');
  });

  it('writes nothing at all when the namespace cannot be set: a bad name, or a context it cannot edit safely', async () => {
    let r = await runCli(['use', 'prod-us', '-n', 'Team_A'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kubezt: "Team_A" is not a namespace name; use lowercase letters[^\n]*\.\n$/);
    expect(readFileSync(config, 'utf8')).toBe(CONFIG);
    // An anchored mapping: the namespace splice refuses, and the switch does not happen alone.
    const anchored = CONFIG.replace('- context: &shared\n', '').replace(
      '- context:\n    cluster: prod-us',
      '- context: &shared\n    cluster: prod-us',
    );
    writeFileSync(config, anchored);
    r = await runCli(['use', 'prod-us', '-n', 'team-a'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('kubezt cannot safely set the namespace of the context "zt-prod-us"');
    expect(readFileSync(config, 'utf8')).toBe(anchored);
    expect(await kubectl(['config', 'current-context'])).toBe('home');
  });
});

describe('kubezt use -', () => {
  it('says in one sentence that there is no previous context yet (exit 2), and writes nothing', async () => {
    const r = await runCli(['use', '-'], { env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `kubezt: No previous context is recorded for ${config}; switch once with "kubezt use NAME" (or the tray), then "kubezt use -" switches back.\n`,
    );
    expect(readFileSync(config, 'utf8')).toBe(CONFIG);
  });

  it('swaps back and forth like kubectx -, remembered per kubeconfig file in a 0600 file', async () => {
    expect((await runCli(['use', 'prod-us'], { env })).code).toBe(0);
    const memory = join(configDir, PREVIOUS_CONTEXT_FILE);
    expect(statSync(memory).mode & 0o777).toBe(0o600);
    let r = await runCli(['use', '-'], { env });
    expect(r).toMatchObject({ code: 0, stdout: `Switched to context "home" in ${config}.\n` });
    expect(await kubectl(['config', 'current-context'])).toBe('home');
    r = await runCli(['use', '-'], { env });
    expect(await kubectl(['config', 'current-context'])).toBe('zt-prod-us');
    // Another kubeconfig file has its own memory.
    const other = join(dir, 'other');
    writeFileSync(other, CONFIG);
    r = await runCli(['use', '-', '--kubeconfig', other], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`No previous context is recorded for ${other}`);
  });

  it('goes back to what the tray switched away from: both go through the use case', async () => {
    // The tray's click: the app adapter calls runUseContext with the settings folder.
    await runUseContext({ paths: [config], name: 'zt-prod-us', configDir });
    const r = await runCli(['use', '-'], { env });
    expect(r.code).toBe(0);
    expect(await kubectl(['config', 'current-context'])).toBe('home');
  });

  it('-n with - switches back and sets the namespace in the same write', async () => {
    await runCli(['use', 'prod-us'], { env });
    const r = await runCli(['use', '-', '-n', 'ops'], { env });
    expect(r.stdout).toBe(`Switched to context "home" in ${config}, with namespace "ops".\n`);
    expect(await kubectl(['config', 'current-context'])).toBe('home');
    expect(await namespaceOf('home')).toBe('ops');
  });

  it('a damaged memory file counts as no memory, and the next switch rewrites it', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(configDir, { recursive: true });
    writeFileSync(join(configDir, PREVIOUS_CONTEXT_FILE), '{not json');
    expect((await runCli(['use', '-'], { env })).code).toBe(2);
    expect((await runCli(['use', 'prod-us'], { env })).code).toBe(0);
    expect((await runCli(['use', '-'], { env })).code).toBe(0);
    expect(await kubectl(['config', 'current-context'])).toBe('home');
  });
});

describe('kubezt use without NAME and without a terminal', () => {
  it('prints the context names one per line (exit 0) and writes nothing', async () => {
    const r = await runCli(['use'], { env });
    expect(r).toEqual({ code: 0, stdout: 'home\nzt-prod-us\n', stderr: '' });
    expect(readFileSync(config, 'utf8')).toBe(CONFIG);
    expect(existsSync(configDir)).toBe(false);
  });

  it('refuses -n without NAME there, in one sentence', async () => {
    const r = await runCli(['use', '-n', 'x'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'kubezt: "kubezt use -n NS" needs a NAME when there is no terminal to pick one on; write "kubezt use NAME -n NS".\n',
    );
  });
});
