// The CLI's signal guard on an EventEmitter standing in for `process` (the real process is driven
// by signals.test.ts).
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installSignalGuard, type SignalHost } from '../../../main/cli/signals.ts';

function host() {
  const events = new EventEmitter();
  const exits: number[] = [];
  let stderr = '';
  const h: SignalHost = {
    events,
    exit: (code) => {
      exits.push(code);
    },
    writeError: (text) => {
      stderr += text;
    },
  };
  return { h, events, exits, stderr: () => stderr };
}

describe('installSignalGuard', () => {
  it('exits 128 + the signal number: SIGINT 130, SIGTERM 143, SIGHUP 129', () => {
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
      ['SIGHUP', 129],
    ] as const) {
      const t = host();
      installSignalGuard(t.h);
      t.events.emit(signal);
      expect(t.exits).toEqual([code]);
      expect(t.stderr()).toBe(`kubezt: stopped by ${signal}.\n`);
    }
  });

  it('undoes a write under way, newest first, and says the kubeconfig is whole', () => {
    const t = host();
    const guard = installSignalGuard(t.h);
    const undone: string[] = [];
    guard.cleanup.register(() => undone.push('lock'));
    const unregisterTemp = guard.cleanup.register(() => undone.push('temp'));
    guard.cleanup.register(() => undone.push('second temp'));
    unregisterTemp();
    guard.claim();
    t.events.emit('SIGTERM');
    expect(undone).toEqual(['second temp', 'lock']);
    expect(t.exits).toEqual([143]);
    expect(t.stderr()).toBe(
      "kubezt: stopped by SIGTERM while writing the kubeconfig; it holds either its previous or its new content, whole, and kubezt's lock and temporary files are removed.\n",
    );
  });

  it('a command that claimed Ctrl-C gets the first one as a promise, and the second one ends it', async () => {
    const t = host();
    const guard = installSignalGuard(t.h);
    guard.claim();
    t.events.emit('SIGINT');
    await guard.interrupted;
    expect(t.exits).toEqual([]);
    t.events.emit('SIGINT');
    expect(t.exits).toEqual([130]);
  });

  it('takes off signal hooks libraries add later (they would re-raise the signal), but not their exit hooks', async () => {
    const t = host();
    const guard = installSignalGuard(t.h);
    const library = () => {};
    const onExit = () => {};
    t.events.once('SIGINT', library);
    t.events.on('SIGHUP', library);
    t.events.on('exit', onExit);
    await Promise.resolve();
    expect(t.events.listenerCount('SIGINT')).toBe(1);
    expect(t.events.listenerCount('SIGHUP')).toBe(1);
    expect(t.events.listeners('exit')).toEqual([onExit]);
    guard.uninstall();
    expect(t.events.listenerCount('SIGINT')).toBe(0);
    expect(t.events.listenerCount('newListener')).toBe(0);
  });
});
