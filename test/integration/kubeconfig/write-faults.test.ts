// File-system faults injected under the kubeconfig writer (see faulty-fs.ts): a full disk, an I/O
// error or a busy target at each step. Whatever fails, the kubeconfig is byte for byte the old or
// the new version, and no lock, temp file or backup of a write that did not happen is left.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../main/core/errors.ts';
import { type ApplyOptions, applyKubeconfigPlan } from '../../../main/core/kubeconfig/apply.ts';
import { createWriteCleanup } from '../../../main/core/kubeconfig/cleanup.ts';
import { loadKubeconfig, planKubeconfig } from '../../../main/core/kubeconfig/index.ts';
import { clusterSet } from '../../unit/kubeconfig/helpers.ts';
import { type Fault, faultyFs } from './faulty-fs.ts';

const FOREIGN = `# hand-written
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

let dir: string;
let backups: string;
let config: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubezt-faults-'));
  backups = await mkdtemp(join(tmpdir(), 'kubezt-faults-backups-'));
  config = join(dir, 'config');
  await writeFile(config, FOREIGN, { mode: 0o600 });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(backups, { recursive: true, force: true });
});

async function plan() {
  return planKubeconfig({ clusters: clusterSet('standard'), files: await loadKubeconfig([config]) });
}

async function rejection(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

function options(faults: Fault[], extra: Partial<ApplyOptions> = {}) {
  const f = faultyFs(faults);
  return {
    f,
    options: { lockTimeoutMs: 1000, holdLockMs: 0, fs: f.fs, backup: { dir: backups, what: 'test' }, ...extra },
  };
}

/** Nothing but the kubeconfig in its folder, holding FOREIGN; no backup kept. */
async function untouched(): Promise<void> {
  expect(await readFile(config, 'utf8')).toBe(FOREIGN);
  expect(await readdir(dir)).toEqual(['config']);
  expect(await readdir(backups)).toEqual([]);
}

const LOCK = /config\.lock$/;
const TEMP = /\.config\.kubezt-.*\.tmp$/;

describe('a failure after the lock is created removes it', () => {
  for (const [code, sentence] of [
    [
      'ENOSPC',
      (c: string) =>
        `There is no space left to write the lock file ${c}.lock of the kubeconfig ${c}; free some space on its disk and try again (nothing was changed).`,
    ],
    [
      'EDQUOT',
      (c: string) =>
        `Your disk quota is used up, so kubezt cannot write the lock file ${c}.lock of the kubeconfig ${c}; free some space and try again (nothing was changed).`,
    ],
    [
      'EIO',
      (c: string) =>
        `The disk reported an I/O error (EIO) while kubezt wrote the lock file ${c}.lock of the kubeconfig ${c}; check that disk and try again (nothing was changed).`,
    ],
  ] as const) {
    it(`${code} while writing the lock's content: one sentence, and no lock left`, async () => {
      const { f, options: o } = options([{ op: 'writeFileSync', path: LOCK, code }]);
      const e = await rejection(applyKubeconfigPlan(await plan(), o));
      expect(e.message).toBe(sentence(config));
      expect(f.count('openSync', LOCK)).toBe(1);
      await untouched();
    });
  }

  it('ENOSPC half way through the lock content (a partial mark) still removes it', async () => {
    const { options: o } = options([{ op: 'writeFileSync', path: LOCK, code: 'ENOSPC', partialBytes: 7 }]);
    const e = await rejection(applyKubeconfigPlan(await plan(), o));
    expect(e.code).toBe('kubeconfig-readonly');
    await untouched();
  });

  it('ENOSPC while writing the temp file: one sentence, no temp file, no lock, no backup', async () => {
    const { f, options: o } = options([{ op: 'writeFileSync', path: TEMP, code: 'ENOSPC' }]);
    const e = await rejection(applyKubeconfigPlan(await plan(), o));
    expect(e.message).toBe(
      `There is no space left to write the kubeconfig ${config}; free some space on its disk and try again (nothing was changed).`,
    );
    expect(f.count('openSync', TEMP)).toBe(1);
    await untouched();
  });

  it('EIO on the temp file’s fsync: one sentence, nothing left behind', async () => {
    const { options: o } = options([{ op: 'fsyncSync', path: TEMP, code: 'EIO' }]);
    const e = await rejection(applyKubeconfigPlan(await plan(), o));
    expect(e.message).toBe(
      `The disk reported an I/O error (EIO) while kubezt wrote the kubeconfig ${config}; check that disk and try again (nothing was changed).`,
    );
    await untouched();
  });

  it('a backup that cannot be saved stops the write before it starts', async () => {
    const { options: o } = options([{ op: 'writeFileSync', path: /\.yaml$/, code: 'ENOSPC' }]);
    const e = await rejection(applyKubeconfigPlan(await plan(), o));
    expect(e.message).toBe(
      `A backup of the kubeconfig could not be saved in ${backups} (ENOSPC), so kubezt did not write; make that folder writable and check its disk has room, then try again (nothing was changed).`,
    );
    await untouched();
  });

  it('an unexpected error (EINVAL on rename) still removes the lock and the temp file', async () => {
    const { options: o } = options([{ op: 'renameSync', path: TEMP, code: 'EINVAL' }]);
    await expect(applyKubeconfigPlan(await plan(), o)).rejects.toMatchObject({ code: 'EINVAL' });
    await untouched();
  });
});

describe('rename refused: Windows retries, a mount point is written in place', () => {
  it('win32: EPERM twice (a scanner holding the file) is retried, then the rename goes through', async () => {
    const p = await plan();
    const { f, options: o } = options([{ op: 'renameSync', path: TEMP, code: 'EPERM', times: 2 }], {
      platform: 'win32',
    });
    const before = (await stat(config)).ino;
    await applyKubeconfigPlan(p, o);
    expect(f.count('renameSync', TEMP)).toBe(3);
    expect(await readFile(config, 'utf8')).toBe(p.writes[0]?.after);
    // Replaced by the rename, not written in place.
    expect((await stat(config)).ino).not.toBe(before);
    expect(await readdir(dir)).toEqual(['config']);
  });

  it('win32: EPERM that never clears is one sentence, and nothing is left behind', async () => {
    const { f, options: o } = options([{ op: 'renameSync', path: TEMP, code: 'EPERM' }], { platform: 'win32' });
    const e = await rejection(applyKubeconfigPlan(await plan(), o));
    expect(e.message).toBe(
      `Windows did not let kubezt replace the kubeconfig ${config} for 0.31 s because another program has it open; close that program (an editor, a sync or antivirus tool) and try again (nothing was changed).`,
    );
    expect(f.count('renameSync', TEMP)).toBe(6);
    await untouched();
  });

  it('win32: EBUSY that never clears falls back to writing in place, after the bounded retries', async () => {
    const p = await plan();
    const { f, options: o } = options([{ op: 'renameSync', path: TEMP, code: 'EBUSY' }], { platform: 'win32' });
    const before = (await stat(config)).ino;
    await applyKubeconfigPlan(p, o);
    expect(f.count('renameSync', TEMP)).toBe(6);
    expect(await readFile(config, 'utf8')).toBe(p.writes[0]?.after);
    expect((await stat(config)).ino).toBe(before);
    expect(await readdir(dir)).toEqual(['config']);
  });

  it('linux: EBUSY (a file bind mount) is written in place at once, keeping the inode and the mode, verified', async () => {
    const p = await plan();
    const { f, options: o } = options([{ op: 'renameSync', path: TEMP, code: 'EBUSY' }], { platform: 'linux' });
    const before = await stat(config);
    const result = await applyKubeconfigPlan(p, o);
    expect(f.count('renameSync', TEMP)).toBe(1);
    const after = await stat(config);
    expect(after.ino).toBe(before.ino);
    expect(after.mode).toBe(before.mode);
    expect(await readFile(config, 'utf8')).toBe(p.writes[0]?.after);
    // Read back after the write, under the lock (the lock is opened before, removed after).
    const order = f.calls.filter((c) => /^(openSync|readFileSync|unlinkSync) /.test(c));
    const inPlace = order.indexOf(`openSync ${config}`);
    expect(inPlace).toBeGreaterThan(-1);
    expect(order.indexOf(`readFileSync ${config}`, inPlace)).toBeGreaterThan(inPlace);
    expect(order.lastIndexOf(`unlinkSync ${config}.lock`)).toBeGreaterThan(inPlace);
    expect(await readdir(dir)).toEqual(['config']);
    // The backup was kept: the write happened.
    expect(result.backupIds).toHaveLength(1);
  });

  it('linux: a disk that fills up during the in-place write gets the previous bytes back', async () => {
    const p = await plan();
    const escaped = config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const { options: o } = options(
      [
        { op: 'renameSync', path: TEMP, code: 'EBUSY' },
        { op: 'writeFileSync', path: new RegExp(`^${escaped}$`), code: 'ENOSPC', times: 1, partialBytes: 40 },
      ],
      { platform: 'linux' },
    );
    const e = await rejection(applyKubeconfigPlan(p, o));
    expect(e.message).toBe(
      `There is no space left to write the kubeconfig ${config}; free some space on its disk and try again (nothing was changed).`,
    );
    await untouched();
  });

  it('linux: an in-place write that does not read back as written is reported, not trusted', async () => {
    const p = await plan();
    const escaped = config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const { f, options: o } = options([{ op: 'renameSync', path: TEMP, code: 'EBUSY' }], { platform: 'linux' });
    const realRead = f.fs.readFile;
    let reads = 0;
    // The read-back after the in-place write sees other bytes, as from a mount that dropped the write.
    const fs = {
      ...f.fs,
      readFile: ((path: string, enc?: BufferEncoding) => {
        if (new RegExp(`^${escaped}$`).test(path) && enc && reads++ === 0) return Promise.resolve(FOREIGN);
        return enc ? realRead(path, enc) : realRead(path);
      }) as typeof f.fs.readFile,
    };
    const e = await rejection(applyKubeconfigPlan(p, { ...o, fs }));
    expect(e.message).toBe(
      `The kubeconfig ${config} is a mount point that kubezt had to write in place, and reading it back did not give what was written; check that mount (it may be read-only or full), and if the file is damaged put it back from a backup ("kubezt restore --list").`,
    );
    expect(await readdir(dir)).toEqual(['config']);
    // The file did change, so the backup taken before is kept: it is what the user restores from.
    const { listBackups } = await import('../../../main/core/kubeconfig/backups.ts');
    const kept = listBackups(backups);
    expect(kept).toHaveLength(1);
    expect(await readFile(kept[0]?.file ?? '', 'utf8')).toBe(FOREIGN);
  });
});

describe('the clean-up handle a signal handler uses', () => {
  it('registers exactly what exists at each step; undoing it leaves the old or the new file and nothing else', async () => {
    for (const at of ['locked', 'backup-written', 'temp-written', 'renamed'] as const) {
      await writeFile(config, FOREIGN);
      const p = await plan();
      const cleanup = createWriteCleanup();
      let pending = -1;
      // What a signal arriving at that moment would do: undo everything, then the process exits.
      await expect(
        applyKubeconfigPlan(p, {
          lockTimeoutMs: 1000,
          holdLockMs: 0,
          cleanup,
          backup: { dir: backups, what: 'test' },
          onStep: (step) => {
            if (step !== at) return;
            pending = cleanup.pending;
            cleanup.runAll();
            throw new Error('stopped');
          },
        }),
      ).rejects.toThrow('stopped');
      // locked: the lock; backup-written: + the backup; temp-written: + the temp file; renamed: the lock only.
      expect(pending).toBe({ locked: 1, 'backup-written': 2, 'temp-written': 3, renamed: 1 }[at]);
      expect(await readFile(config, 'utf8')).toBe(at === 'renamed' ? p.writes[0]?.after : FOREIGN);
      expect(await readdir(dir)).toEqual(['config']);
      const kept = await readdir(backups);
      expect(kept).toHaveLength(at === 'renamed' ? 2 : 0);
      await rm(backups, { recursive: true, force: true });
    }
  });

  it('never removes a lock someone else holds by the time it runs', async () => {
    const p = await plan();
    const cleanup = createWriteCleanup();
    await expect(
      applyKubeconfigPlan(p, {
        lockTimeoutMs: 1000,
        holdLockMs: 0,
        cleanup,
        onStep: async (step) => {
          if (step !== 'locked') return;
          // Someone deleted our lock and kubectl took it (an empty file, as kubectl writes).
          await rm(`${config}.lock`);
          await writeFile(`${config}.lock`, '');
          cleanup.runAll();
          throw new Error('stopped');
        },
      }),
    ).rejects.toThrow('stopped');
    expect(await readFile(`${config}.lock`, 'utf8')).toBe('');
  });
});
