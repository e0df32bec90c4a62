/**
 * readKubeconfig, the one reader of the merged kubeconfig: the same model whichever strategy
 * reads it, the full path for anything the fast strategies decline (with its precise error), and
 * the parsed documents when a write is to be planned.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../main/core/errors.ts';
import { loadKubeconfig, readKubeconfig } from '../../../main/core/kubeconfig/index.ts';
import { quickMergedKubeconfig } from '../../../main/core/kubeconfig/read-fast.ts';
import { readMergedKubeconfig } from '../../../main/core/kubeconfig/read-full.ts';

const PLAIN = `apiVersion: v1
kind: Config
current-context: zt-prod
clusters:
- name: prod
  cluster:
    server: https://10.0.0.1:6443
contexts:
- name: zt-prod
  context:
    cluster: prod
    user: me
users:
- name: me
  user:
    token: abc123
`;

// A merge key: read by kubectl, left to the full path by the fast strategies.
const MERGE_KEY = `apiVersion: v1
kind: Config
clusters:
- name: base
  cluster: &c
    server: https://10.0.0.2:6443
- name: copy
  cluster:
    <<: *c
contexts:
- name: copy
  context: {cluster: copy}
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubezt-read-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, bytes: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

describe('readKubeconfig', () => {
  it('reads a plain kubeconfig into the same model as the full path, with the bytes it read', async () => {
    const path = await file('plain', PLAIN);
    const read = await readKubeconfig([path]);
    expect(quickMergedKubeconfig([{ path, bytes: PLAIN }])).not.toBeNull();
    expect(read.merged).toEqual(readMergedKubeconfig(await loadKubeconfig([path])));
    expect(read.sources).toEqual([{ path, bytes: PLAIN }]);
    expect(read.merged.users[0]?.token).toBe('abc123');
  });

  it('takes the full path for what the fast strategies decline, and gives the same model', async () => {
    const path = await file('merge', MERGE_KEY);
    expect(quickMergedKubeconfig([{ path, bytes: MERGE_KEY }])).toBeNull();
    const read = await readKubeconfig([path]);
    expect(read.merged.clusters.find((c) => c.name === 'copy')?.server).toBe('https://10.0.0.2:6443');
    expect(read.merged).toEqual(readMergedKubeconfig(await loadKubeconfig([path])));
  });

  it('names what is wrong with an invalid file, as the full path does', async () => {
    const path = await file('bad', 'clusters: [\n');
    const e = await readKubeconfig([path]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).code).toBe('kubeconfig-invalid');
    expect((e as UserError).message).toContain(path);
  });

  it('gives the parsed documents when a write is to be planned', async () => {
    const path = await file('plain', PLAIN);
    const read = await readKubeconfig([path], { need: 'documents' });
    expect(read.set.files.map((f) => f.path)).toEqual([path]);
    expect(read.merged).toEqual(readMergedKubeconfig(read.set));
  });
});
