import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import type { WriteCleanup } from './cleanup.ts';
import { type FsNow, nodeFsNow } from './file-io.ts';

/**
 * kubezt's own backups of the kubeconfig, in the `backups` folder of kubezt's settings folder
 * (never beside the kubeconfig, where a `config.bak` may be the user's): for each write that
 * adds, changes or removes entries, a copy of the file as it was (`ID.yaml`, 0600) and a record
 * (`ID.json`) saying when, which file, what the write did, and the SHA-256 of the bytes before and
 * after it. The last BACKUPS_KEPT are kept. A current-context switch takes none.
 *
 * Loaded only by writes that back up (setup, restore) and by listings: node:crypto stays off the
 * `kubezt use` path.
 */

export const BACKUPS_KEPT = 10;

export interface BackupRecord {
  version: 1;
  /** Sortable: the UTC time of the write (YYYYMMDD-HHMMSS-mmm), and a counter when two share it. */
  id: string;
  /** ISO 8601. */
  time: string;
  /** The kubeconfig as the user listed it (KUBECONFIG, --kubeconfig, the setting). */
  path: string;
  /** What the write did, in one line ("setup: added context zt-prod-us"). */
  what: string;
  beforeSha256: string;
  /** What kubezt wrote right after taking this backup: a file that still hashes to it is unchanged since. */
  afterSha256: string;
  bytes: number;
}

export interface BackupEntry extends BackupRecord {
  /** The copy of the file as it was. */
  file: string;
}

export function backupDirFor(configDir: string): string {
  return join(configDir, 'backups');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const ID = /^\d{8}-\d{6}-\d{3}(?:-\d{1,4})?$/;
const NAME = /^(\d{8}-\d{6}-\d{3}(?:-\d{1,4})?)\.(json|yaml)$/;

function stamp(time: Date): string {
  const iso = time.toISOString(); // 2026-01-29T10:15:00.123Z
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${iso.slice(20, 23)}`;
}

function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function backupFailed(dir: string, e: unknown): UserError {
  const code = errorCode(e) ?? (e as Error)?.message ?? String(e);
  return new UserError(
    'kubeconfig-readonly',
    `A backup of the kubeconfig could not be saved in ${dir} (${code}), so kubezt did not write; make that folder writable and check its disk has room, then try again (nothing was changed).`,
    { cause: e },
  );
}

/** The folder, created 0700; tightened to 0700 when it exists looser (it holds credentials). */
function ensureDir(fs: FsNow, dir: string): void {
  fs.sync.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.sync.statSync(dir);
  if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) fs.sync.chmodSync(dir, 0o700);
}

/** Creates `file` exclusively, 0600, with `data`, fsynced; removes it again if that fails half way. */
function writeNew(fs: FsNow, file: string, data: string): void {
  const fd = fs.sync.openSync(file, 'wx', 0o600);
  try {
    try {
      fs.sync.writeFileSync(fd, data, 'utf8');
      fs.sync.fsyncSync(fd);
    } finally {
      fs.sync.closeSync(fd);
    }
  } catch (e) {
    try {
      fs.sync.unlinkSync(file);
    } catch {}
    throw e;
  }
}

export interface SaveBackupInput {
  dir: string;
  path: string;
  before: string;
  after: string;
  what: string;
  now: Date;
  fs?: FsNow;
  cleanup: WriteCleanup;
}

export interface PendingBackup {
  id: string;
  file: string;
  /** The write landed: keep the backup. */
  commit(): void;
  /** The write did not happen: remove the backup. */
  discard(): void;
}

/**
 * Saves the copy and its record. Until commit() it is registered with `cleanup`, since a backup
 * of a write that never happened would only mislead.
 */
export function saveBackup(input: SaveBackupInput): PendingBackup {
  const fs = input.fs ?? nodeFsNow;
  const { dir } = input;
  const written: string[] = [];
  const remove = () => {
    for (const f of written.reverse()) {
      try {
        fs.sync.unlinkSync(f);
      } catch {}
    }
    written.length = 0;
  };
  const unregister = input.cleanup.register(remove);
  try {
    ensureDir(fs, dir);
    const base = stamp(input.now);
    for (let n = 0; ; n++) {
      const id = n === 0 ? base : `${base}-${n}`;
      const file = join(dir, `${id}.yaml`);
      try {
        writeNew(fs, file, input.before);
      } catch (e) {
        // Another backup in the same millisecond: take the next name.
        if (errorCode(e) === 'EEXIST' && n < 9999) continue;
        throw e;
      }
      written.push(file);
      const record: BackupRecord = {
        version: 1,
        id,
        time: input.now.toISOString(),
        path: input.path,
        what: input.what,
        beforeSha256: sha256(input.before),
        afterSha256: sha256(input.after),
        bytes: Buffer.byteLength(input.before, 'utf8'),
      };
      const recordFile = join(dir, `${id}.json`);
      written.push(recordFile);
      writeNew(fs, recordFile, `${JSON.stringify(record, null, 2)}\n`);
      return {
        id,
        file,
        commit: unregister,
        discard() {
          remove();
          unregister();
        },
      };
    }
  } catch (e) {
    remove();
    unregister();
    throw backupFailed(dir, e);
  }
}

function parseRecord(text: string, id: string): BackupRecord | null {
  try {
    const r = JSON.parse(text) as Partial<BackupRecord>;
    const hex = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
    if (
      r.version !== 1 ||
      r.id !== id ||
      typeof r.time !== 'string' ||
      typeof r.path !== 'string' ||
      typeof r.what !== 'string' ||
      !hex(r.beforeSha256) ||
      !hex(r.afterSha256) ||
      typeof r.bytes !== 'number'
    ) {
      return null;
    }
    return r as BackupRecord;
  } catch {
    return null;
  }
}

function namesIn(fs: FsNow, dir: string): Map<string, Set<string>> {
  let names: string[];
  try {
    names = fs.sync.readdirSync(dir);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return new Map();
    throw e;
  }
  const byId = new Map<string, Set<string>>();
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m?.[1] || !m[2]) continue;
    const kinds = byId.get(m[1]) ?? new Set<string>();
    kinds.add(m[2]);
    byId.set(m[1], kinds);
  }
  return byId;
}

/** Newest first. A backup missing its copy or its record (a write stopped half way) is left out. */
export function listBackups(dir: string, fs: FsNow = nodeFsNow): BackupEntry[] {
  const out: BackupEntry[] = [];
  const byId = namesIn(fs, dir);
  for (const id of [...byId.keys()].sort().reverse()) {
    if (!byId.get(id)?.has('yaml') || !byId.get(id)?.has('json')) continue;
    let record: BackupRecord | null = null;
    try {
      record = parseRecord(fs.sync.readFileSync(join(dir, `${id}.json`), 'utf8'), id);
    } catch {}
    if (record) out.push({ ...record, file: join(dir, `${id}.yaml`) });
  }
  return out;
}

/** The backup's record and the bytes it kept; a clear error when it is unknown or damaged. */
export function readBackup(dir: string, id: string, fs: FsNow = nodeFsNow): { entry: BackupEntry; bytes: string } {
  const entry = ID.test(id) ? listBackups(dir, fs).find((b) => b.id === id) : undefined;
  if (!entry) {
    throw new UserError(
      'not-found',
      `There is no kubezt backup "${id}" in ${dir}; run "kubezt restore --list" to see the backups kept.`,
    );
  }
  let bytes: string | undefined;
  try {
    bytes = fs.sync.readFileSync(entry.file, 'utf8');
  } catch {}
  if (bytes === undefined || sha256(bytes) !== entry.beforeSha256) {
    throw new UserError(
      'kubeconfig-invalid',
      `The kubezt backup ${id} (${entry.file}) is damaged: its content no longer matches what was saved; choose another one from "kubezt restore --list".`,
    );
  }
  return { entry, bytes };
}

/**
 * Keeps the newest `keep` complete backups; removes older ones, and leftovers of stopped writes
 * older than those. Names that are not kubezt's pattern are never touched.
 */
export function pruneBackups(dir: string, keep = BACKUPS_KEPT, fs: FsNow = nodeFsNow): void {
  const byId = namesIn(fs, dir);
  const ids = [...byId.keys()].sort().reverse();
  const complete = ids.filter((id) => byId.get(id)?.has('yaml') && byId.get(id)?.has('json'));
  const oldestKept = complete[keep - 1];
  if (oldestKept === undefined) return;
  for (const id of ids) {
    if (id >= oldestKept) continue;
    // The record first: without it the copy is no longer listed, whatever happens next.
    for (const kind of ['json', 'yaml']) {
      if (!byId.get(id)?.has(kind)) continue;
      try {
        fs.sync.unlinkSync(join(dir, `${id}.${kind}`));
      } catch {}
    }
  }
}
