// The guard's forward mode (exec, shell): signals go to the command's handler instead of ending
// the process, except while a kubeconfig write is under way.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installSignalGuard, type SignalHost } from '../../../main/cli/signals.ts';

function host() {
  const events = new EventEmitter();
  const exits: number[] = [];
  const h: SignalHost = { events, exit: (code) => exits.push(code), writeError: () => {} };
  return { h, events, exits };
}

describe('installSignalGuard forward', () => {
  it('hands every signal to the handler until released, then stops as before', () => {
    const t = host();
    const guard = installSignalGuard(t.h);
    const seen: string[] = [];
    const release = guard.forward((signal) => seen.push(signal));
    t.events.emit('SIGINT');
    t.events.emit('SIGHUP');
    t.events.emit('SIGTERM');
    expect(seen).toEqual(['SIGINT', 'SIGHUP', 'SIGTERM']);
    expect(t.exits).toEqual([]);
    release();
    t.events.emit('SIGTERM');
    expect(seen).toHaveLength(3);
    expect(t.exits).toEqual([143]);
  });

  it('still stops the process while a kubeconfig write is under way', () => {
    const t = host();
    const guard = installSignalGuard(t.h);
    const seen: string[] = [];
    guard.forward((signal) => seen.push(signal));
    const undone: string[] = [];
    guard.cleanup.register(() => undone.push('lock'));
    t.events.emit('SIGHUP');
    expect(seen).toEqual([]);
    expect(undone).toEqual(['lock']);
    expect(t.exits).toEqual([129]);
  });

  it('an old release does not drop a newer handler', () => {
    const t = host();
    const guard = installSignalGuard(t.h);
    const seen: string[] = [];
    const releaseFirst = guard.forward(() => seen.push('first'));
    guard.forward(() => seen.push('second'));
    releaseFirst();
    t.events.emit('SIGINT');
    expect(seen).toEqual(['second']);
    expect(t.exits).toEqual([]);
  });
});
