// The runtime folder of the private kubeconfigs, on real files: its checks, the 0600 files, the
// atomic replace, and the sweep of what a killed kubezt or an old `kubezt env` left.
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ENV_FILE_MAX_AGE_MS,
  ensureRuntimeFolder,
  privateFileKind,
  replacePrivateFile,
  runtimeFolderFor,
  sweepPrivateFiles,
  writePrivateFile,
} from '../../../main/core/kubeconfig/private-file.ts';

const root = mkdtempSync(join(tmpdir(), 'kubezt-private-file-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const uid = process.getuid?.();
const isRoot = uid === 0;

describe('runtimeFolderFor', () => {
  it('prefers $XDG_RUNTIME_DIR/kubezt, else <temp>/kubezt-<uid>', () => {
    expect(runtimeFolderFor({ env: { XDG_RUNTIME_DIR: '/run/user/1000' }, tmpDir: '/tmp', uid: 1000 })).toBe(
      '/run/user/1000/kubezt',
    );
    expect(runtimeFolderFor({ env: {}, tmpDir: '/tmp', uid: 1000 })).toBe('/tmp/kubezt-1000');
    // A relative XDG_RUNTIME_DIR is invalid by the spec: ignored.
    expect(runtimeFolderFor({ env: { XDG_RUNTIME_DIR: 'run' }, tmpDir: '/tmp', uid: 7 })).toBe('/tmp/kubezt-7');
  });
});

describe('ensureRuntimeFolder', () => {
  it('creates the folder 0700', () => {
    const dir = join(root, 'fresh', 'kubezt');
    ensureRuntimeFolder(dir, uid);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('refuses a folder others can open, and a symlink', () => {
    const open = join(root, 'open');
    mkdirSync(open);
    chmodSync(open, 0o755);
    expect(() => ensureRuntimeFolder(open, uid)).toThrow(
      /will not keep credentials in .*open: it must be a folder of yours/,
    );
    const target = join(root, 'target');
    mkdirSync(target, { mode: 0o700 });
    const link = join(root, 'link');
    symlinkSync(target, link);
    expect(() => ensureRuntimeFolder(link, uid)).toThrow(/will not keep credentials in .*link/);
  });

  it.runIf(isRoot)('refuses a folder another user owns (root only: chown)', () => {
    const foreign = join(root, 'foreign');
    mkdirSync(foreign, { mode: 0o700 });
    chownSync(foreign, 4242, 4242);
    expect(() => ensureRuntimeFolder(foreign, uid)).toThrow(/must be a folder of yours/);
  });
});

describe('private files', () => {
  it('are 0600 with random names that say their kind, and replace keeps the path', () => {
    const dir = join(root, 'files');
    ensureRuntimeFolder(dir, uid);
    const run = writePrivateFile(dir, 'run', 'a: 1\n', 1234);
    const env = writePrivateFile(dir, 'env', 'b: 2\n', 1234);
    expect(privateFileKind(dir, run)).toBe('run');
    expect(privateFileKind(dir, env)).toBe('env');
    expect(privateFileKind(dir, '/home/me/.kube/config')).toBeNull();
    expect(statSync(run).mode & 0o777).toBe(0o600);
    replacePrivateFile(run, 'c: 3\n');
    expect(readFileSync(run, 'utf8')).toBe('c: 3\n');
    expect(statSync(run).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual([env, run].map((p) => p.slice(dir.length + 1)).sort());
  });

  it('the sweep removes run files of dead processes and env files past their age only', () => {
    const dir = join(root, 'sweep');
    ensureRuntimeFolder(dir, uid);
    const alive = writePrivateFile(dir, 'run', 'x', 100);
    const dead = writePrivateFile(dir, 'run', 'x', 200);
    const fresh = writePrivateFile(dir, 'env', 'x', 1);
    const old = writePrivateFile(dir, 'env', 'x', 1);
    const now = Date.now();
    const past = (now - ENV_FILE_MAX_AGE_MS - 60_000) / 1000;
    utimesSync(old, past, past);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const removed = sweepPrivateFiles(dir, { now, isAlive: (pid) => pid === 100 });
    expect(removed.sort()).toEqual([dead, old].sort());
    expect(readdirSync(dir).sort()).toEqual(
      [alive, fresh, join(dir, 'notes.txt')].map((p) => p.slice(dir.length + 1)).sort(),
    );
  });
});
