// Real file-system faults under the real CLI (`node bin/kubezt.js setup --yes` with a catalog):
// a full tmpfs (ENOSPC), a read-only bind mount (EROFS), `chattr +i` (EPERM), and a kubeconfig
// that is itself a file bind mount (rename fails with EBUSY: kubezt writes it in place). Each case
// checks the exit code, the one sentence, that the file is byte for byte what it was (or, for the
// bind mount, what a complete run writes), and that no lock or temp file is left. Needs root.
import { execFileSync } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listBackups } from '../../../main/core/kubeconfig/backups.ts';
import { catalogYaml, isRoot, leftovers, runKubezt, userKubeconfig } from './world.ts';

const root = isRoot();
if (!root) console.log('fault suite: disk faults skipped: they need root (mount, bind mounts, chattr +i)');

const MINE = userKubeconfig(2);

let base: string;
let kube: string;
let config: string;
let env: Record<string, string>;
let home: string;
/** Undone after each case, newest first: unmounts, chattr -i. */
let undo: (() => void)[] = [];

function sh(command: string, ...args: string[]): void {
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'kubezt-disk-'));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});
beforeEach(async () => {
  const dir = await mkdtemp(join(base, 'case-'));
  kube = join(dir, 'kube');
  config = join(kube, 'config');
  home = join(dir, 'home');
  await mkdir(kube);
  await mkdir(home);
  await writeFile(join(dir, 'catalog.yaml'), catalogYaml(['prod-us', 'staging']));
  env = { KUBEZT_CONFIG_DIR: join(dir, 'settings'), KUBEZT_CATALOG: join(dir, 'catalog.yaml'), KUBECONFIG: config };
});
afterEach(() => {
  for (const f of undo.reverse()) {
    try {
      f();
    } catch {}
  }
  undo = [];
});

function mountTmpfs(folder: string, bytes: number): void {
  sh('mount', '-t', 'tmpfs', '-o', `size=${bytes},mode=0700`, 'kubezt-faults', folder);
  undo.push(() => sh('umount', folder));
}

/** Fills the file system of `folder` until `pagesLeft` 4 KiB blocks remain. */
async function fill(folder: string, pagesLeft: number): Promise<void> {
  const { bavail, bsize } = statfsSync(folder);
  await writeFile(join(folder, '.filler'), Buffer.alloc(Math.max(0, (bavail - pagesLeft) * bsize)));
  expect(statfsSync(folder).bavail).toBe(pagesLeft);
}

/** The run failed with exit 2 and exactly `sentence`, and left the kubeconfig and its folder as they were. */
async function refused(sentence: string, extra: string[] = []): Promise<void> {
  const r = await runKubezt(['setup', '--yes'], env, home);
  expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({
    code: 2,
    // A sentence that opens with "kubezt" is not prefixed a second time.
    stderr: /^kubezt /.test(sentence) ? `${sentence}\n` : `kubezt: ${sentence}\n`,
    stdout: '',
  });
  expect(await readFile(config, 'utf8')).toBe(MINE);
  expect(leftovers(kube).sort()).toEqual(extra);
  // A backup of a write that did not happen is not kept.
  expect(listBackups(join(env.KUBEZT_CONFIG_DIR ?? '', 'backups'))).toEqual([]);
}

describe.skipIf(!root)('disk faults (root)', () => {
  it('ENOSPC while writing the lock (a full tmpfs): one sentence, no lock left', async () => {
    mountTmpfs(kube, 64 * 1024);
    await writeFile(config, MINE, { mode: 0o600 });
    await fill(kube, 0);
    await refused(
      `There is no space left to write the lock file ${config}.lock of the kubeconfig ${config}; free some space on its disk and try again (nothing was changed).`,
      ['.filler'],
    );
  });

  it('ENOSPC while writing the new version (room for the lock only): one sentence, no temp file, no lock', async () => {
    mountTmpfs(kube, 64 * 1024);
    await writeFile(config, MINE, { mode: 0o600 });
    await fill(kube, 1);
    await refused(
      `There is no space left to write the kubeconfig ${config}; free some space on its disk and try again (nothing was changed).`,
      ['.filler'],
    );
  });

  it('EROFS from a read-only bind mount of the kubeconfig folder', async () => {
    await writeFile(config, MINE, { mode: 0o600 });
    sh('mount', '--bind', kube, kube);
    undo.push(() => sh('umount', kube));
    sh('mount', '-o', 'remount,ro,bind', kube);
    await refused(
      `kubezt cannot create files in ${kube}, the folder of the kubeconfig ${config}, because it is on a read-only file system; remount it writable or choose another file with --kubeconfig (nothing was changed).`,
    );
  });

  it('EPERM from chattr +i on the kubeconfig, and on its folder', async () => {
    await writeFile(config, MINE, { mode: 0o600 });
    sh('chattr', '+i', config);
    undo.push(() => sh('chattr', '-i', config));
    await refused(
      `The kubeconfig ${config} is marked immutable (EPERM); clear that mark (chattr -i ${config} on Linux, chflags nouchg on macOS) or choose another file with --kubeconfig (nothing was changed).`,
    );
    sh('chattr', '-i', config);
    sh('chattr', '+i', kube);
    undo.push(() => sh('chattr', '-i', kube));
    await refused(
      `kubezt cannot create files in ${kube}, the folder of the kubeconfig ${config}, because it is marked immutable (EPERM); clear that mark (chattr -i ${kube} on Linux, chflags nouchg on macOS) or choose another file with --kubeconfig (nothing was changed).`,
    );
  });

  it('a kubeconfig that is a file bind mount (rename: EBUSY) is written in place, verified, and unlocked', async () => {
    // As `docker run -v ~/.kube/config:/root/.kube/config` mounts it.
    const source = join(base, `host-config-${Date.now()}`);
    await writeFile(source, MINE, { mode: 0o640 });
    await writeFile(config, '');
    sh('mount', '--bind', source, config);
    undo.push(() => sh('umount', config));
    const inode = (await stat(config)).ino;

    const setup = await runKubezt(['setup', '--yes'], env, home);
    expect(setup.code, setup.stderr).toBe(0);
    expect(setup.stderr).toBe('');
    const written = await readFile(config, 'utf8');
    expect(written).toContain('name: zt-staging');
    expect(written.startsWith(MINE.split('contexts:')[0]?.split('clusters:')[0] ?? '')).toBe(true);
    // The host's file itself changed: same inode, same mode, the same bytes seen from both sides.
    expect(await readFile(source, 'utf8')).toBe(written);
    expect((await stat(config)).ino).toBe(inode);
    expect((await stat(source)).mode & 0o777).toBe(0o640);
    expect(leftovers(kube)).toEqual([]);
    const [backup] = listBackups(join(env.KUBEZT_CONFIG_DIR ?? '', 'backups'));
    expect(await readFile(backup?.file ?? '', 'utf8')).toBe(MINE);

    const use = await runKubezt(['use', 'staging'], env, home);
    expect(use.code, use.stderr).toBe(0);
    expect(await readFile(source, 'utf8')).toContain('current-context: zt-staging');
    expect(leftovers(kube)).toEqual([]);
  });
});
