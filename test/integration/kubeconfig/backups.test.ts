import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../main/core/errors.ts';
import { BACKUPS_KEPT, listBackups, readBackup } from '../../../main/core/kubeconfig/backups.ts';
import { setupKubeconfig, switchKubeconfigContext } from '../../../main/core/kubeconfig/index.ts';
import { acquireLock } from '../../../main/core/kubeconfig/lock.ts';
import { restoreKubeconfigBackup } from '../../../main/core/kubeconfig/restore.ts';
import { clusterSet } from '../../unit/kubeconfig/helpers.ts';

const FOREIGN = `# hand-written, keep my comments
apiVersion: v1
kind: Config
current-context: home
clusters:
- name: home
  cluster: {server: "https://192.168.1.10:6443"}
contexts:
- name: home
  context: {cluster: home}
`;

let root: string;
let dir: string;
let backups: string;
let config: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'kubezt-backups-'));
  dir = join(root, 'kube');
  backups = join(root, 'settings', 'backups');
  config = join(dir, 'config');
  await mkdir(dir);
  await writeFile(config, FOREIGN, { mode: 0o644 });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

async function rejection(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

function setup(set: Parameters<typeof clusterSet>[0]) {
  return setupKubeconfig({ paths: [config], clusters: clusterSet(set), backupDir: backups });
}

describe("kubezt's own backups", () => {
  it('a setup that adds entries keeps the file as it was, 0600 in a 0700 folder, never beside the kubeconfig', async () => {
    // The user's own config.bak, which kubezt must never replace.
    await writeFile(`${config}.bak`, 'my own backup\n', { mode: 0o644 });
    const r = await setup('standard');
    const after = await readFile(config, 'utf8');
    expect(r.backupIds).toHaveLength(1);
    const [entry] = listBackups(backups);
    expect(entry).toMatchObject({
      version: 1,
      id: r.backupIds[0],
      path: config,
      what: 'setup: added zt-prod-us, zt-staging, zt-lab-v6',
      beforeSha256: sha(FOREIGN),
      afterSha256: sha(after),
      bytes: FOREIGN.length,
      file: join(backups, `${r.backupIds[0]}.yaml`),
    });
    expect(r.backups).toEqual([entry?.file]);
    expect(await readFile(entry?.file ?? '', 'utf8')).toBe(FOREIGN);
    expect((await stat(entry?.file ?? '')).mode & 0o777).toBe(0o600);
    expect((await stat(join(backups, `${entry?.id}.json`))).mode & 0o777).toBe(0o600);
    expect((await stat(backups)).mode & 0o777).toBe(0o700);
    expect(await readFile(`${config}.bak`, 'utf8')).toBe('my own backup\n');
    expect((await stat(`${config}.bak`)).mode & 0o777).toBe(0o644);
    expect((await readdir(dir)).sort()).toEqual(['config', 'config.bak']);
  });

  it('a context switch and a setup with nothing to change take none', async () => {
    await setup('standard');
    expect(listBackups(backups)).toHaveLength(1);
    await switchKubeconfigContext({ paths: [config], name: 'staging' });
    await setup('standard');
    expect(listBackups(backups)).toHaveLength(1);
  });

  it('a kubeconfig that did not exist has nothing to back up', async () => {
    await rm(config);
    const r = await setup('one');
    expect(r.applied).toBe(true);
    expect(r.backupIds).toEqual([]);
    expect(listBackups(backups)).toEqual([]);
  });

  it(`keeps the last ${BACKUPS_KEPT}, tightens a loose folder, and never touches a file it did not write`, async () => {
    await mkdir(backups, { recursive: true });
    await chmod(backups, 0o755);
    await writeFile(join(backups, 'notes.txt'), 'mine\n');
    const ids: string[] = [];
    for (let i = 0; i < BACKUPS_KEPT + 3; i++) ids.push(...(await setup(i % 2 === 0 ? 'standard' : 'one')).backupIds);
    expect(ids).toHaveLength(BACKUPS_KEPT + 3);
    const kept = listBackups(backups).map((b) => b.id);
    expect(kept).toEqual(ids.slice(3).reverse());
    expect((await readdir(backups)).sort()).toEqual(
      ['notes.txt', ...kept.flatMap((id) => [`${id}.json`, `${id}.yaml`])].sort(),
    );
    expect((await stat(backups)).mode & 0o777).toBe(0o700);
  });
});

describe('restoreKubeconfigBackup', () => {
  it('puts a backup back after backing up the file as it is, and that backup undoes the restore', async () => {
    const first = await setup('standard');
    const written = await readFile(config, 'utf8');
    const r = await restoreKubeconfigBackup({ dir: backups, id: first.backupIds[0] ?? '', lockTimeoutMs: 1000 });
    expect(r.changed).toBe(true);
    expect(await readFile(config, 'utf8')).toBe(FOREIGN);
    expect(await readdir(dir)).toEqual(['config']);
    const [latest] = listBackups(backups);
    expect(latest).toMatchObject({ id: r.backupId, what: `restore of backup ${first.backupIds[0]}` });
    expect(await readFile(latest?.file ?? '', 'utf8')).toBe(written);
    // Undo the restore.
    await restoreKubeconfigBackup({ dir: backups, id: r.backupId ?? '', lockTimeoutMs: 1000 });
    expect(await readFile(config, 'utf8')).toBe(written);
  });

  it('refuses, changing nothing, when the file changed since kubezt wrote it; --force restores anyway', async () => {
    const first = await setup('standard');
    const id = first.backupIds[0] ?? '';
    const edited = `${await readFile(config, 'utf8')}# edited by hand\n`;
    await writeFile(config, edited);
    const e = await rejection(restoreKubeconfigBackup({ dir: backups, id, lockTimeoutMs: 1000 }));
    expect(e.code).toBe('kubeconfig-conflict');
    expect(e.message).toBe(
      `The kubeconfig ${config} changed after kubezt wrote it when it took backup ${id} (setup: added zt-prod-us, zt-staging, zt-lab-v6), so restoring that backup would also undo the later changes; run "kubezt restore ${id} --force" to restore it anyway (nothing was changed).`,
    );
    expect(await readFile(config, 'utf8')).toBe(edited);
    expect(listBackups(backups)).toHaveLength(1);

    await restoreKubeconfigBackup({ dir: backups, id, force: true, lockTimeoutMs: 1000 });
    expect(await readFile(config, 'utf8')).toBe(FOREIGN);
    expect(await readFile(listBackups(backups)[0]?.file ?? '', 'utf8')).toBe(edited);
  });

  it('a later kubezt write also counts as a change since an older backup', async () => {
    const first = await setup('standard');
    await setup('one');
    const e = await rejection(
      restoreKubeconfigBackup({ dir: backups, id: first.backupIds[0] ?? '', lockTimeoutMs: 1000 }),
    );
    expect(e.code).toBe('kubeconfig-conflict');
  });

  it('writes nothing when the file already holds the backup', async () => {
    const first = await setup('standard');
    await writeFile(config, FOREIGN);
    const r = await restoreKubeconfigBackup({ dir: backups, id: first.backupIds[0] ?? '', lockTimeoutMs: 1000 });
    expect(r).toMatchObject({ changed: false, backupId: null });
    expect(listBackups(backups)).toHaveLength(1);
  });

  it('an unknown or damaged backup is one sentence', async () => {
    const first = await setup('standard');
    const id = first.backupIds[0] ?? '';
    const unknown = await rejection(
      restoreKubeconfigBackup({ dir: backups, id: '20200101-000000-000', lockTimeoutMs: 1000 }),
    );
    expect(unknown.message).toBe(
      `There is no kubezt backup "20200101-000000-000" in ${backups}; run "kubezt restore --list" to see the backups kept.`,
    );
    await writeFile(join(backups, `${id}.yaml`), 'tampered\n');
    expect(() => readBackup(backups, id)).toThrow(
      `The kubezt backup ${id} (${join(backups, `${id}.yaml`)}) is damaged: its content no longer matches what was saved; choose another one from "kubezt restore --list".`,
    );
  });

  it('waits for kubectl’s lock like every write, and gives up with the lock error, changing nothing', async () => {
    const first = await setup('standard');
    const written = await readFile(config, 'utf8');
    await writeFile(`${config}.lock`, '');
    const e = await rejection(
      restoreKubeconfigBackup({ dir: backups, id: first.backupIds[0] ?? '', lockTimeoutMs: 100 }),
    );
    expect(e.code).toBe('kubeconfig-locked');
    expect(await readFile(config, 'utf8')).toBe(written);
    expect(await readFile(`${config}.lock`, 'utf8')).toBe('');
    await rm(`${config}.lock`);
    const held = await acquireLock(config, { timeoutMs: 100 });
    const restoring = restoreKubeconfigBackup({ dir: backups, id: first.backupIds[0] ?? '', lockTimeoutMs: 20_000 });
    await held.release();
    await restoring;
    expect(await readFile(config, 'utf8')).toBe(FOREIGN);
  });
});
