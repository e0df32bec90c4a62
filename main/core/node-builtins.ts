import type childProcess from 'node:child_process';
import type fs from 'node:fs';
import type http from 'node:http';
import type https from 'node:https';
import type util from 'node:util';

/**
 * The Node builtins that kubezt's start-up path takes as CommonJS objects rather than importing.
 *
 * Why: `import ... from 'node:fs'` makes Node build the module's ES module facade, which reads
 * every export, so the lazy getters behind them run at start-up whether or not they are used:
 * node:fs's load fs/promises, readline and the streams, node:util's the streams, net and
 * worker_threads, node:http's Node's internal undici (for WebSocket). That is a few ms of every
 * `kubezt use`, which sits in prompt hooks and must keep pace with `kubectl config use-context`.
 * process.getBuiltinModule returns the module object itself, whose getters run only when read.
 *
 * Nothing is loaded here: each call fetches the builtin when it runs, so a caller that needs one
 * only on some path calls this there. The CLI bundle gives every import of a costly facade, ours
 * and our dependencies', the same treatment (scripts/bundle-plugins/builtins-without-facades.ts);
 * this module makes the TypeScript sources, the app and the tests start the same way.
 */
interface FacadeFreeBuiltins {
  /** Fetched at the first spawn: commands that start no process (`kubezt use`) never compile it. */
  'node:child_process': typeof childProcess;
  'node:fs': typeof fs;
  'node:http': typeof http;
  /** Its facade is cheap; taken beside node:http so one request helper reads both alike. */
  'node:https': typeof https;
  'node:util': typeof util;
}

export function builtin<Name extends keyof FacadeFreeBuiltins>(name: Name): FacadeFreeBuiltins[Name] {
  return process.getBuiltinModule(name) as FacadeFreeBuiltins[Name];
}
