import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commands } from '../../../main/cli/commands/index.ts';
import { runCli } from '../../helpers/cli.ts';

/**
 * The usual ways each command is refused, run through the real CLI in-process: every line kubezt
 * prints must say "kubezt" once at its start, never "kubezt: kubezt …".
 */
const root = mkdtempSync(join(tmpdir(), 'kubezt-messages-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Valid for kubectl, but kubezt will not splice into it: an aliased list, a merge key. */
const KUBECONFIG_WITH_ANCHORS = `apiVersion: v1
kind: Config
x-clusters: &clusters
  - name: a
    cluster:
      server: https://127.0.0.1:6443
clusters: *clusters
contexts:
  - name: a
    context:
      <<: &base { cluster: a }
      user: a
users:
  - name: a
    user: { token: abcdef }
current-context: a
`;

function world(name: string, kubeconfig?: string) {
  const dir = join(root, name);
  mkdirSync(join(dir, 'kube'), { recursive: true });
  if (kubeconfig !== undefined) writeFileSync(join(dir, 'kube', 'config'), kubeconfig);
  return {
    dir,
    env: {
      PATH: process.env.PATH,
      KUBEZT_CONFIG_DIR: join(dir, 'config'),
      KUBECONFIG: join(dir, 'kube', 'config'),
    } as Record<string, string | undefined>,
  };
}

/** Each command's common refusals: bad flags, missing pieces, a kubeconfig kubezt will not edit. */
function scenarios(): { name: string; args: string[]; env: Record<string, string | undefined>; stdin?: string }[] {
  const plain = world('plain');
  const anchors = world('anchors', KUBECONFIG_WITH_ANCHORS);
  const catalog = join(anchors.dir, 'catalog.yaml');
  writeFileSync(catalog, 'clusters:\n  - name: prod\n    server: https://127.0.0.9:6443\n');
  const out = [];
  for (const c of commands) {
    out.push({ name: `${c.name} --no-such-flag`, args: [c.name, '--no-such-flag'], env: plain.env });
    out.push({ name: `${c.name} --timeout -5`, args: [c.name, '--timeout', '-5'], env: plain.env });
  }
  out.push(
    { name: 'setup without a terminal', args: ['setup'], env: { ...anchors.env, KUBEZT_CATALOG: catalog } },
    { name: 'setup --yes on anchors', args: ['setup', '--yes'], env: { ...anchors.env, KUBEZT_CATALOG: catalog } },
    { name: 'setup with nothing configured', args: ['setup', '--yes'], env: plain.env },
    { name: 'login with a token argument', args: ['login', 'abc'], env: plain.env },
    { name: 'login with nothing on stdin', args: ['login'], env: plain.env, stdin: '' },
    { name: 'gateway-policy not logged in', args: ['gateway-policy'], env: plain.env },
    { name: 'clusters not configured', args: ['clusters'], env: plain.env },
    { name: 'use an unknown name', args: ['use', 'nope'], env: anchors.env },
    { name: 'use with two names', args: ['use', 'a', 'b'], env: anchors.env },
    { name: 'ns on anchors', args: ['ns', 'kube-system'], env: anchors.env },
    { name: 'exec without a command', args: ['exec', 'a'], env: anchors.env },
    { name: 'check an unknown context', args: ['check', 'nope'], env: anchors.env },
    { name: 'diagnose --report to a folder', args: ['diagnose', 'a', '--report', root], env: anchors.env },
    { name: 'restore an unknown backup', args: ['restore', 'nope'], env: plain.env },
    { name: 'vnet with two names', args: ['vnet', 'a', 'b'], env: plain.env },
    { name: 'demo with too many clusters', args: ['demo', '--clusters', '500'], env: plain.env },
  );
  return out;
}

describe('no doubled "kubezt: kubezt" prefix', () => {
  it.each(scenarios())('$name', async ({ args, env, stdin }) => {
    const r = await runCli(args, { env, homeDir: root, ...(stdin !== undefined ? { stdin } : {}) });
    const text = `${r.stdout}${r.stderr}`;
    expect(r.code, text).not.toBe(0);
    expect(text.trim(), 'some refusal is printed').not.toBe('');
    expect(text).not.toMatch(/^kubezt: (warning: )?kubezt /m);
  });
});
