// The real node:fs with chosen calls failing, as the kernel would fail them (ENOSPC, EIO, EBUSY,
// EPERM): every other call, and every call after a fault's count runs out, reaches the disk.
import { type FsNow, fsNow, nodeSyncFs, type SyncFs } from '../../../main/core/kubeconfig/file-io.ts';

type Op = keyof SyncFs;

export interface Fault {
  op: Op;
  /** Matched against the path, or for a file-descriptor call the path it was opened with. */
  path: RegExp;
  code: string;
  /** How many matching calls fail (default: all of them). */
  times?: number;
  /** For writeFileSync: write this many bytes of the data before failing (a disk filling up). */
  partialBytes?: number;
}

export interface FaultyFs {
  fs: FsNow;
  /** Every call, as "op path", in order. */
  calls: string[];
  count(op: Op, path?: RegExp): number;
}

function errno(code: string, op: string, path: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: injected fault, ${op} '${path}'`) as NodeJS.ErrnoException;
  e.code = code;
  e.syscall = op.replace(/Sync$/, '');
  e.path = path;
  return e;
}

export function faultyFs(faults: Fault[]): FaultyFs {
  const real = nodeSyncFs;
  const fds = new Map<number, string>();
  const left = faults.map((f) => f.times ?? Number.POSITIVE_INFINITY);
  const calls: string[] = [];
  const target = (arg: unknown): string => (typeof arg === 'number' ? (fds.get(arg) ?? `fd ${arg}`) : String(arg));
  const wrapped: Record<string, unknown> = {};
  for (const op of Object.keys(pickOps()) as Op[]) {
    const original = real[op] as (...a: unknown[]) => unknown;
    wrapped[op] = (...args: unknown[]) => {
      const path = target(args[0]);
      calls.push(`${op} ${path}`);
      const i = faults.findIndex((f, n) => f.op === op && f.path.test(path) && (left[n] ?? 0) > 0);
      const fault = faults[i];
      if (fault) {
        left[i] = (left[i] ?? 0) - 1;
        if (op === 'writeFileSync' && fault.partialBytes && typeof args[0] === 'number') {
          real.writeSync(args[0], Buffer.from(String(args[1])).subarray(0, fault.partialBytes));
        }
        throw errno(fault.code, op, path);
      }
      const result = original.apply(real, args);
      if (op === 'openSync') fds.set(result as number, String(args[0]));
      if (op === 'closeSync') fds.delete(args[0] as number);
      return result;
    };
  }
  return {
    fs: fsNow(wrapped as unknown as SyncFs),
    calls,
    count: (op, path) =>
      calls.filter((c) => c.startsWith(`${op} `) && (!path || path.test(c.slice(op.length + 1)))).length,
  };
}

/** Every operation of SyncFs, so a new one added there is wrapped here too. */
function pickOps(): Record<Op, true> {
  return {
    openSync: true,
    writeFileSync: true,
    writeSync: true,
    ftruncateSync: true,
    fchmodSync: true,
    fchownSync: true,
    fsyncSync: true,
    fstatSync: true,
    closeSync: true,
    readFileSync: true,
    accessSync: true,
    statSync: true,
    lstatSync: true,
    readlinkSync: true,
    renameSync: true,
    unlinkSync: true,
    mkdirSync: true,
    readdirSync: true,
    chmodSync: true,
  };
}
