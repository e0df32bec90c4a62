import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AuthenticationV1Api, KubeConfig, VersionApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../../sim/environment.ts';
import { runCli } from '../../helpers/cli.ts';

const exec = promisify(execFile);

describe('kubezt setup and use against the simulator', () => {
  let sim: Simulator;
  let dir: string;
  let env: Record<string, string>;
  let original: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubezt-setup-'));
    sim = await startSimulator({ dir, clusters: 5 });
    env = { ...sim.env };
    original = readFileSync(sim.kubeconfigPath, 'utf8');
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const kubeconfig = () => readFileSync(sim.kubeconfigPath, 'utf8');

  it('--dry-run prints the diff and writes nothing', async () => {
    const r = await runCli(['setup', '--dry-run'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\+\s*- name: zt-prod-us$/m);
    expect(r.stdout).toContain(`Would add context zt-prod-us to ${sim.kubeconfigPath}`);
    expect(kubeconfig()).toBe(original);
  });

  it('refuses to write without --yes when there is no terminal to ask, and writes nothing', async () => {
    const r = await runCli(['setup'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass --yes to write');
    expect(kubeconfig()).toBe(original);
  });

  it('--yes adds one context per cluster, keeps the user entry byte-for-byte, and a second run changes nothing', async () => {
    const r = await runCli(['setup', '--yes'], { env });
    expect(r.code).toBe(0);
    for (const c of sim.clusters) expect(r.stdout).toContain(`Added context zt-${c.name} to ${sim.kubeconfigPath}`);
    const after = kubeconfig();
    // Every original line survives, in order (the user's entries are only ever added around).
    const lines = after.split('\n');
    let at = 0;
    for (const line of original.split('\n')) {
      at = lines.indexOf(line, at);
      expect(at, `line kept: ${line}`).toBeGreaterThanOrEqual(0);
      at++;
    }
    // The previous version is kubezt's own backup in its settings folder, never a .bak beside it.
    const id = /^Backup of the previous version: (\S+) \("kubezt restore \1" puts it back\)\.$/m.exec(r.stdout)?.[1];
    expect(readFileSync(join(sim.configDir, 'backups', `${id}.yaml`), 'utf8')).toBe(original);
    expect(existsSync(`${sim.kubeconfigPath}.bak`)).toBe(false);

    const again = await runCli(['setup', '--yes'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^No changes/);
    expect(kubeconfig()).toBe(after);

    const json = await runCli(['setup', '--json', '--yes'], { env });
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toMatchObject({ version: 1, applied: true, dryRun: false });
    expect(parsed.changes.every((c: { kind: string }) => c.kind === 'unchanged')).toBe(true);
    expect(json.stdout).not.toContain(sim.cloudflare.token);
  });

  it('what setup wrote is read by the real kubectl and reaches the simulated server', async () => {
    const kenv = { ...process.env, KUBECONFIG: sim.kubeconfigPath };
    const contexts = await exec('kubectl', ['config', 'get-contexts', '-o', 'name'], { env: kenv });
    expect(contexts.stdout.trim().split('\n').sort()).toEqual(
      ['my-own-context', ...sim.clusters.map((c) => `zt-${c.name}`)].sort(),
    );
    const version = await exec('kubectl', ['--context', 'zt-prod-us', 'version', '-o', 'json'], { env: kenv });
    expect(JSON.parse(version.stdout).serverVersion.gitVersion).toBe('v1.32.3');
    const ns = await exec('kubectl', ['config', 'view', '--minify', '--context', 'zt-prod-eu', '-o', 'json'], {
      env: kenv,
    });
    expect(JSON.parse(ns.stdout).contexts[0].context.namespace).toBe('default');
  });

  it('what setup wrote is read by the real @kubernetes/client-node, which reaches the simulated server', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
    kc.setCurrentContext('zt-prod-eu');
    const version = await kc.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toBe('v1.32.3');
    const review = await kc.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    expect(review.status?.userInfo?.username).toBe('admin');
  });

  it('use takes a cluster or a context name, like kubectl config use-context', async () => {
    const byCluster = await runCli(['use', 'prod-eu'], { env });
    expect(byCluster.code).toBe(0);
    expect(byCluster.stdout).toBe(`Switched to context "zt-prod-eu" in ${sim.kubeconfigPath}.\n`);
    const current = await exec('kubectl', ['config', 'current-context'], {
      env: { ...process.env, KUBECONFIG: sim.kubeconfigPath },
    });
    expect(current.stdout.trim()).toBe('zt-prod-eu');

    const byContext = await runCli(['use', 'zt-staging'], { env });
    expect(byContext.code).toBe(0);
    const again = await runCli(['use', 'zt-staging'], { env });
    expect(again.stdout).toBe('Context "zt-staging" is already the current context.\n');
  });

  it('use with an unknown name exits 2, lists close matches and writes nothing', async () => {
    const before = kubeconfig();
    const r = await runCli(['use', 'prod-uss'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('prod-uss');
    expect(r.stderr).toContain('did you mean "prod-us"?');
    expect(kubeconfig()).toBe(before);
  });

  it('removes a context whose cluster is gone from every source, and only that one', async () => {
    const catalog = readFileSync(sim.catalogPath, 'utf8');
    // payments lives only in the catalog: drop it there.
    const trimmed = catalog.replace(/\n {2}- name: payments\n(?: {4}.*\n)+/, '\n');
    expect(trimmed).not.toContain('payments');
    writeFileSync(sim.catalogPath, trimmed);
    try {
      const r = await runCli(['setup', '--yes'], { env });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Removed stale context zt-payments from ${sim.kubeconfigPath}`);
      expect(kubeconfig()).toContain('name: my-own-context');
      expect(kubeconfig()).not.toContain('zt-payments');
    } finally {
      writeFileSync(sim.catalogPath, catalog);
    }
  });
  it('--trust-on-first-use pins the certificate a server presents, and kubectl then verifies it', async () => {
    const catalog = readFileSync(sim.catalogPath, 'utf8');
    const target = sim.clusters[1]?.name as string;
    // The catalog stops knowing this cluster's CA; a fresh kubeconfig shows what gets pinned.
    const withoutCa = catalog.replace(
      new RegExp(`(- name: ${target}\\n(?: {4}(?!certificateAuthorityData).*\\n)*) {4}certificateAuthorityData: .*\\n`),
      '$1',
    );
    expect(withoutCa).not.toBe(catalog);
    writeFileSync(sim.catalogPath, withoutCa);
    const fresh = join(dir, 'tofu-config');
    try {
      const r = await runCli(['setup', '--yes', '--trust-on-first-use', '--kubeconfig', fresh], { env });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(
        new RegExp(`kubezt: pinned ${target} \\(https://[^)]+\\) presents .*CN=kubernetes.*SHA-256 [0-9A-F:]{95}`),
      );
      const v = await exec('kubectl', ['--kubeconfig', fresh, '--context', `zt-${target}`, 'version', '-o', 'json'], {
        env: { PATH: process.env.PATH ?? '', HOME: dir },
      });
      expect(JSON.parse(v.stdout).serverVersion.gitVersion).toMatch(/^v1\./);
    } finally {
      writeFileSync(sim.catalogPath, catalog);
    }
  });
});
