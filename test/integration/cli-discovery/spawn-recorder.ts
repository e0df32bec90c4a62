/**
 * Preloaded into a kubezt process under test (`node --import THIS bin/kubezt.js ...`): records
 * the process's own argv and the command, arguments and environment of every child process it
 * starts, one JSON line each, into $KUBEZT_TEST_SPAWN_LOG, so a test can prove a secret never
 * reaches any process's argv. ESM importers of node:child_process see the wrapped functions
 * through syncBuiltinESMExports.
 */
import childProcess from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const log = process.env.KUBEZT_TEST_SPAWN_LOG;

if (log) {
  const record = (fn: string, args: unknown[]) => {
    const plain = args.map((a) =>
      typeof a === 'string' || Array.isArray(a)
        ? a
        : a && typeof a === 'object' && 'env' in a
          ? { env: (a as { env: unknown }).env }
          : null,
    );
    appendFileSync(log, `${JSON.stringify({ pid: process.pid, fn, args: plain })}\n`);
  };
  record('self', [process.argv, process.execArgv]);
  const names = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;
  const target = childProcess as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const name of names) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = function (this: unknown, ...a: unknown[]) {
      record(name, a);
      return original.apply(this, a);
    };
  }
  syncBuiltinESMExports();
}
