/**
 * The app's background checks read the kubeconfig every round: it is parsed again only when a
 * file's bytes change (a parse of a 100-cluster kubeconfig allocates about 37 MB, the soak
 * benchmark's largest source of garbage). Real files in a temp folder; the change that keeps
 * the size and the modification time is the one a cache keyed on stat() would miss.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdapterEnv } from '../../../main/app/adapters/context.ts';
import { snapshotFleet } from '../../../main/app/adapters/fleet.ts';
import { createKubeconfigMemo } from '../../../main/app/adapters/kubeconfig-memo.ts';
import type { MergedContext } from '../../../main/core/kubeconfig/index.ts';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { openSettings } from '../../../main/core/settings/store.ts';
import { memorySecretStore } from './world.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubezt-kubeconfig-memo-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function kubeconfig(context: string, server: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${context}`,
    'clusters:',
    `  - name: ${context}`,
    '    cluster:',
    `      server: ${server}`,
    'users:',
    `  - name: ${context}`,
    '    user:',
    '      token: abcdefgh-token',
    'contexts:',
    `  - name: ${context}`,
    '    context:',
    `      cluster: ${context}`,
    `      user: ${context}`,
    '',
  ].join('\n');
}

describe('createKubeconfigMemo', () => {
  it('parses once while the bytes stay the same, and hands out a view nobody can change', async () => {
    const file = join(dir, 'config');
    writeFileSync(file, kubeconfig('zt-a', 'https://127.0.0.10:6443'));
    const memo = createKubeconfigMemo();
    const first = (await memo.read([file])).merged;
    expect(first.contexts.map((c) => c.name)).toEqual(['zt-a']);
    expect((await memo.read([file])).merged).toBe(first);
    expect(() => first.contexts.push({ ...(first.contexts[0] as MergedContext), name: 'zt-b' })).toThrow(TypeError);
    expect(() => {
      (first.clusters[0] as { server: string }).server = 'https://10.0.0.1';
    }).toThrow(TypeError);
  });

  it('sees a change that keeps the size and the modification time', async () => {
    const file = join(dir, 'config');
    writeFileSync(file, kubeconfig('zt-a', 'https://127.0.0.10:6443'));
    const { atime, mtime, size } = statSync(file);
    const memo = createKubeconfigMemo();
    expect((await memo.read([file])).merged.clusters[0]?.server).toBe('https://127.0.0.10:6443');

    writeFileSync(file, kubeconfig('zt-a', 'https://127.0.0.11:6443'));
    utimesSync(file, atime, mtime);
    expect(statSync(file).size).toBe(size);
    expect(statSync(file).mtimeMs).toBe(mtime.getTime());
    expect((await memo.read([file])).merged.clusters[0]?.server).toBe('https://127.0.0.11:6443');
  });

  it('follows every file of the list: one appearing, one removed, the list itself changing', async () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    writeFileSync(a, kubeconfig('zt-a', 'https://127.0.0.10:6443'));
    const memo = createKubeconfigMemo();
    const names = async (paths: string[]) => (await memo.read(paths)).merged.contexts.map((c) => c.name);
    expect(await names([a, b])).toEqual(['zt-a']);
    writeFileSync(b, kubeconfig('zt-b', 'https://127.0.0.20:6443'));
    expect(await names([a, b])).toEqual(['zt-a', 'zt-b']);
    expect(await names([b])).toEqual(['zt-b']);
    rmSync(b);
    expect(await names([a, b])).toEqual(['zt-a']);
  });

  it('throws for a broken file as loadKubeconfig does, and reads it again once fixed', async () => {
    const file = join(dir, 'config');
    writeFileSync(file, kubeconfig('zt-a', 'https://127.0.0.10:6443'));
    const memo = createKubeconfigMemo();
    await memo.read([file]);
    writeFileSync(file, 'clusters: [\n');
    await expect(memo.read([file])).rejects.toMatchObject({ code: 'kubeconfig-invalid' });
    await expect(memo.read([file])).rejects.toMatchObject({ code: 'kubeconfig-invalid' });
    writeFileSync(file, kubeconfig('zt-c', 'https://127.0.0.30:6443'));
    expect((await memo.read([file])).merged.contexts.map((c) => c.name)).toEqual(['zt-c']);
  });
});

describe('the app fleet', () => {
  it('reuses the parsed kubeconfig from one check to the next until the file changes', async () => {
    const configDir = join(dir, 'settings');
    mkdirSync(configDir);
    const file = join(dir, 'config');
    writeFileSync(file, kubeconfig('zt-a', 'https://127.0.0.10:6443'));
    const env = createAdapterEnv({
      env: { KUBECONFIG: file },
      platform: process.platform,
      homeDir: dir,
      configDir,
      runner: nodeProcessRunner,
      fetch: () => Promise.reject(new Error('no network in this test')),
      settings: openSettings({ configDir }).store,
      secrets: memorySecretStore(),
    });
    const source = { clusters: [], warnings: [], fetchedAt: null, fromCache: false };
    const first = await snapshotFleet(env, source);
    expect(first.merged?.currentContext).toBe('zt-a');
    expect((await snapshotFleet(env, source)).merged).toBe(first.merged);
    writeFileSync(file, kubeconfig('zt-b', 'https://127.0.0.20:6443'));
    expect((await snapshotFleet(env, source)).merged?.currentContext).toBe('zt-b');
  });
});
