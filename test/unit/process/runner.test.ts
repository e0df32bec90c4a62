import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';

let work: string;
const daemons: number[] = [];
beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'kubezt-runner-'));
});
afterEach(() => {
  for (const pid of daemons.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  rmSync(work, { recursive: true, force: true });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A shell that starts a background `sleep 30` on its own stdout (as an rc file's daemon does). */
function scriptWithDaemon(after: string): string {
  const pidFile = path.join(work, 'daemon.pid');
  return `sleep 30 & echo $! > '${pidFile}'; echo before; ${after}`;
}

function daemonPid(): number {
  const pid = Number(readFileSync(path.join(work, 'daemon.pid'), 'utf8').trim());
  daemons.push(pid);
  return pid;
}

describe('nodeProcessRunner with a closing marker', () => {
  // The runner's own timeout is far away: only finishing on `exit` can end this run in time.
  it('returns on exit once the marker was printed, while a daemon still holds stdout', {
    timeout: 10_000,
  }, async () => {
    const r = await nodeProcessRunner.run('/bin/sh', ['-c', scriptWithDaemon("printf '%s\\n' __done__")], {
      timeoutMs: 120_000,
      closingMarker: '__done__',
    });
    const pid = daemonPid();
    expect(r).toMatchObject({ code: 0, timedOut: false });
    expect(r.stdout).toBe('before\n__done__\n');
    // Left running: it is the user's daemon, not ours to stop.
    expect(isAlive(pid)).toBe(true);
  });

  it('keeps the exit code of a shell that fails after printing the marker', { timeout: 10_000 }, async () => {
    const r = await nodeProcessRunner.run('/bin/sh', ['-c', scriptWithDaemon('echo __done__; exit 3')], {
      timeoutMs: 120_000,
      closingMarker: '__done__',
    });
    daemonPid();
    expect(r).toMatchObject({ code: 3, timedOut: false });
  });

  it('without the marker in the output, waits for the pipes to close, up to the timeout', async () => {
    const r = await nodeProcessRunner.run('/bin/sh', ['-c', scriptWithDaemon('echo no marker here')], {
      timeoutMs: 300,
      closingMarker: '__done__',
    });
    daemonPid();
    expect(r.timedOut).toBe(true);
    expect(r.code).toBeNull();
    expect(r.stdout).toBe('before\nno marker here\n');
  });

  it('without a closing marker, a run waits for the pipes to close, up to the timeout', async () => {
    const r = await nodeProcessRunner.run('/bin/sh', ['-c', scriptWithDaemon('echo __done__')], { timeoutMs: 300 });
    daemonPid();
    expect(r.timedOut).toBe(true);
    const quick = await nodeProcessRunner.run('/bin/sh', ['-c', 'echo one; echo two >&2; exit 4'], {
      timeoutMs: 10_000,
    });
    expect(quick).toMatchObject({ code: 4, stdout: 'one\n', stderr: 'two\n', timedOut: false });
  });
});
