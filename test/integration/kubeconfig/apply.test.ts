import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../main/core/errors.ts';
import {
  applyKubeconfigPlan,
  loadKubeconfig,
  planKubeconfig,
  setupKubeconfig,
  switchKubeconfigContext,
} from '../../../main/core/kubeconfig/index.ts';
import { acquireLock } from '../../../main/core/kubeconfig/lock.ts';
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

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubezt-kc-'));
});
afterEach(async () => {
  await chmod(dir, 0o700).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

async function planFor(paths: string[], clusters = clusterSet('standard')) {
  return planKubeconfig({ clusters, files: await loadKubeconfig(paths) });
}

describe('applyKubeconfigPlan', () => {
  it('writes the planned bytes, keeps the mode, and leaves no lock, temp file or .bak beside it', async () => {
    const config = join(dir, 'config');
    await writeFile(config, FOREIGN, { mode: 0o640 });
    await chmod(config, 0o640);
    const plan = await planFor([config]);
    const result = await applyKubeconfigPlan(plan, { lockTimeoutMs: 1000 });
    expect(result).toEqual({ written: [config], backups: [], backupIds: [] });
    expect(await readFile(config, 'utf8')).toBe(plan.writes[0]?.after);
    expect((await stat(config)).mode & 0o777).toBe(0o640);
    expect((await readdir(dir)).sort()).toEqual(['config']);
    const again = await setupKubeconfig({ paths: [config], clusters: clusterSet('standard') });
    expect(again.plan.writes).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['config']);
  });

  it('creates a missing kubeconfig (and its folder) with mode 0600', async () => {
    const config = join(dir, 'home', '.kube', 'config');
    const result = await setupKubeconfig({ paths: [config], clusters: clusterSet('one') });
    expect(result.applied).toBe(true);
    expect(result.backups).toEqual([]);
    expect((await stat(config)).mode & 0o777).toBe(0o600);
    expect(await readFile(config, 'utf8')).toContain('name: zt-edge');
  });

  it('writes through a symlink to its target, keeping the link and locking the path as listed', async () => {
    const realDir = join(dir, 'dotfiles');
    await mkdir(realDir);
    const target = join(realDir, 'kubeconfig');
    await writeFile(target, FOREIGN, { mode: 0o600 });
    const link = join(dir, 'config');
    await symlink(target, link);
    const locks: string[] = [];
    const plan = await planFor([link]);
    await applyKubeconfigPlan(plan, {
      lockTimeoutMs: 1000,
      onStep: async (step) => {
        if (step === 'locked') locks.push(...(await readdir(dir)).filter((f) => f.endsWith('.lock')));
      },
    });
    expect(locks).toEqual(['config.lock']);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(target);
    expect(await readFile(target, 'utf8')).toBe(plan.writes[0]?.after);
    expect((await readdir(dir)).sort()).toEqual(['config', 'dotfiles']);
    expect(await readdir(realDir)).toEqual(['kubeconfig']);
  });

  it('refuses a read-only file with a clear error and changes nothing', async () => {
    const config = join(dir, 'config');
    await writeFile(config, FOREIGN);
    await chmod(config, 0o444);
    const plan = await planFor([config]);
    const e = await rejection(applyKubeconfigPlan(plan, { lockTimeoutMs: 1000 }));
    expect(e.code).toBe('kubeconfig-readonly');
    expect(e.message).toBe(
      `The kubeconfig ${config} is read-only; make it writable (chmod u+w ${config}) or choose another file with --kubeconfig (nothing was changed).`,
    );
    expect(await readFile(config, 'utf8')).toBe(FOREIGN);
    expect((await readdir(dir)).sort()).toEqual(['config']);
  });

  it('names the link target when the read-only file is behind a symlink', async () => {
    const target = join(dir, 'real');
    await writeFile(target, FOREIGN);
    await chmod(target, 0o400);
    const link = join(dir, 'config');
    await symlink(target, link);
    const e = await rejection(setupKubeconfig({ paths: [link], clusters: clusterSet('one') }));
    expect(e.code).toBe('kubeconfig-readonly');
    expect(e.message).toContain(`${link} (a link to ${target}) is read-only`);
    expect(await readFile(target, 'utf8')).toBe(FOREIGN);
  });

  it('gives up on a stale lock after the bound, naming the lock file, and never removes it', async () => {
    const config = join(dir, 'config');
    await writeFile(config, FOREIGN);
    await writeFile(`${config}.lock`, ''); // kubectl's lock: an empty file
    const plan = await planFor([config]);
    const e = await rejection(applyKubeconfigPlan(plan, { lockTimeoutMs: 150 }));
    expect(e.code).toBe('kubeconfig-locked');
    expect(e.message).toBe(
      `The kubeconfig ${config} is locked by ${config}.lock, which stayed in place for 0.2 s; another kubectl or kubezt may be writing it, so wait for it to finish, or if none is running delete ${config}.lock and try again.`,
    );
    expect(await readFile(`${config}.lock`, 'utf8')).toBe('');
    expect(await readFile(config, 'utf8')).toBe(FOREIGN);
  });

  it('says at once, without waiting, when a lock was left by a kubezt process that is gone, and keeps it', async () => {
    const config = join(dir, 'config');
    await writeFile(config, FOREIGN);
    const { hostname } = await import('node:os');
    // PID 2^22+1 is above Linux's pid_max, so no process has it.
    const stale = `kubezt pid 4194305 host ${hostname()}\n`;
    await writeFile(`${config}.lock`, stale);
    // The clock never moves: only a refusal without waiting for the bound can end this.
    const e = await rejection(
      setupKubeconfig({ paths: [config], clusters: clusterSet('one'), lockTimeoutMs: 60_000, now: () => 0 }),
    );
    expect(e.code).toBe('kubeconfig-locked');
    expect(e.message).toBe(
      `The kubeconfig ${config} is locked by ${config}.lock, left by kubezt process 4194305, which was stopped in the middle of a write and is no longer running; if no kubectl or kubezt is writing ${config} now, delete ${config}.lock and try again (kubezt changed nothing).`,
    );
    expect(await readFile(`${config}.lock`, 'utf8')).toBe(stale);
    expect(await readFile(config, 'utf8')).toBe(FOREIGN);
  });

  it('takes the lock once its holder releases it', async () => {
    const config = join(dir, 'config');
    await writeFile(config, FOREIGN);
    const held = await acquireLock(config, { timeoutMs: 100 });
    const plan = await planFor([config]);
    const applying = applyKubeconfigPlan(plan, { lockTimeoutMs: 20_000 });
    await held.release();
    await applying;
    expect(await readFile(config, 'utf8')).toBe(plan.writes[0]?.after);
  });

  it('never removes a lock it did not create, even its own path after someone replaced it', async () => {
    const config = join(dir, 'config');
    const mine = await acquireLock(config, { timeoutMs: 100 });
    await rm(`${config}.lock`);
    await writeFile(`${config}.lock`, 'kubectl\n');
    await mine.release();
    expect(await readFile(`${config}.lock`, 'utf8')).toBe('kubectl\n');
  });

  it('under the lock, removes the temp files of kubezt writers that are gone, and nothing else', async () => {
    const config = join(dir, 'config');
    await writeFile(config, FOREIGN);
    // PID 2^22+1 is above Linux's pid_max, so no process has it; the test runner's parent is alive.
    const dead = '.config.kubezt-4194305-abc123-def456.tmp';
    const alive = `.config.kubezt-${process.ppid}-abc123-def456.tmp`;
    const others = ['.config.swp', '.other.kubezt-4194305-abc123-def456.tmp', 'config.kubezt-4194305-a-b.tmp'];
    for (const name of [dead, alive, ...others]) await writeFile(join(dir, name), 'partial');
    await applyKubeconfigPlan(await planFor([config]), { lockTimeoutMs: 1000, holdLockMs: 0 });
    expect((await readdir(dir)).sort()).toEqual(['config', alive, ...others].sort());
  });

  it('refuses with kubeconfig-changed when the file changed after planning, keeping the other writer’s bytes', async () => {
    const config = join(dir, 'config');
    await writeFile(config, FOREIGN);
    const plan = await planFor([config]);
    const theirs = `${FOREIGN}# kubectl wrote meanwhile\n`;
    await writeFile(config, theirs);
    const e = await rejection(applyKubeconfigPlan(plan, { lockTimeoutMs: 1000 }));
    expect(e.code).toBe('kubeconfig-changed');
    expect(e.message).toContain(config);
    expect(await readFile(config, 'utf8')).toBe(theirs);
    expect(await readdir(dir)).toEqual(['config']);
  });

  it('setupKubeconfig re-plans after such a change and keeps both edits', async () => {
    const config = join(dir, 'config');
    await writeFile(config, FOREIGN);
    let asked = 0;
    const result = await setupKubeconfig({
      paths: [config],
      clusters: clusterSet('one'),
      confirm: async () => {
        asked++;
        // Another program writes while the user looks at the diff the first time.
        if (asked === 1) await writeFile(config, `${FOREIGN}# added meanwhile\n`);
        return true;
      },
    });
    expect(asked).toBe(2);
    expect(result.applied).toBe(true);
    const text = await readFile(config, 'utf8');
    expect(text).toContain('# added meanwhile');
    expect(text).toContain('name: zt-edge');
  });

  it('a malformed kubeconfig is reported with line and reason and left byte for byte', async () => {
    const config = join(dir, 'config');
    const broken = 'apiVersion: v1\nclusters:\n- name: a\n  cluster: {server: "https://x"\ncontexts: []\n';
    await writeFile(config, broken);
    const e = await rejection(setupKubeconfig({ paths: [config], clusters: clusterSet('one') }));
    expect(e.code).toBe('kubeconfig-invalid');
    expect(e.message).toMatch(
      new RegExp(
        `^Cannot use the kubeconfig ${config}: .* at line \\d+, column \\d+; fix the YAML \\(kubezt did not change the file\\)\\.$`,
      ),
    );
    expect(await readFile(config)).toEqual(Buffer.from(broken));
    expect(await readdir(dir)).toEqual(['config']);
  });

  it('multi-file KUBECONFIG: updates in place, adds to the first existing file, locks only what it writes', async () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    const missing = join(dir, 'missing');
    await writeFile(a, FOREIGN);
    const owned = (await planFor([b], clusterSet('standard'))).writes[0]?.after ?? '';
    await writeFile(b, owned.replace('198.51.100.101', '198.51.100.1'));
    const locked: string[] = [];
    const plan = await planFor([missing, a, b], clusterSet('standard'));
    await applyKubeconfigPlan(plan, {
      lockTimeoutMs: 1000,
      onStep: (step, path) => {
        if (step === 'locked') locked.push(path);
      },
    });
    expect(locked).toEqual([b]);
    expect(plan.changes.map((c) => [c.kind, c.context])).toEqual([
      ['updated', 'zt-prod-us'],
      ['unchanged', 'zt-staging'],
      ['unchanged', 'zt-lab-v6'],
    ]);
    expect(await readFile(a, 'utf8')).toBe(FOREIGN);
    expect(await readFile(b, 'utf8')).toBe(owned);
  });

  it('loadKubeconfig retries a torn read and never repairs a really broken file', async () => {
    const { loadKubeconfigFile } = await import('../../../main/core/kubeconfig/read.ts');
    const config = join(dir, 'config');
    const whole = (await planFor([config], clusterSet('standard'))).writes[0]?.after ?? '';
    // What a reader sees while kubectl rewrites in place: the first half, then the whole.
    // Cut inside `server:` so `cluster:` reads as the string "ser": invalid for kubectl too.
    const reads = [whole.slice(0, whole.indexOf('server:') + 3), whole];
    const parsed = await loadKubeconfigFile(config, 0, { read: async () => reads.shift() ?? whole });
    expect(parsed.lists.context.entries.map((e) => e.name)).toEqual(['zt-prod-us', 'zt-staging', 'zt-lab-v6']);
    expect(reads).toEqual([]);
    let count = 0;
    const e = await rejection(
      loadKubeconfigFile(config, 0, {
        read: async () => {
          count++;
          return 'a: [\n';
        },
      }),
    );
    expect(e.code).toBe('kubeconfig-invalid');
    expect(count).toBe(2);
  });

  it('switchKubeconfigContext switches like kubectl and reports where', async () => {
    const config = join(dir, 'config');
    await setupKubeconfig({ paths: [config], clusters: clusterSet('standard') });
    const result = await switchKubeconfigContext({ paths: [config], name: 'staging' });
    expect(result).toEqual({ context: 'zt-staging', previous: '', file: config, changed: true });
    const text = await readFile(config, 'utf8');
    expect(text).toContain('current-context: zt-staging\n');
    expect(await switchKubeconfigContext({ paths: [config], name: 'zt-staging' })).toMatchObject({ changed: false });
  });
});
