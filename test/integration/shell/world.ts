// The world of the per-shell tests: simulated API servers, the user's kubeconfig pointing at
// them, and the real CLI (bin/kubezt.js) as a child process whose output can be awaited.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ApiServerFarm, buildKubeconfig, startApiServerFarm } from '../../../sim/apiserver/index.ts';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const NODE = existsSync(join(ROOT, 'node_modules', '.bin', 'node'))
  ? join(ROOT, 'node_modules', '.bin', 'node')
  : process.execPath;
export const KUBEZT = join(ROOT, 'bin', 'kubezt.js');
export const KUBECTL = '/usr/bin/kubectl';

/** Exec plugin arguments that a shell would mangle if they ever went through one. */
export const PLUGIN_ARGS = ['--region', 'eu west 1', `it's "quoted"`, '$HOME', '--flag=a b', '', 'é;|&'];

export interface World {
  farm: ApiServerFarm;
  dir: string;
  config: string;
  runtime: string;
  pluginOut: string;
  env: Record<string, string>;
}

export async function startWorld(dir: string): Promise<World> {
  const farm = await startApiServerFarm({ servers: [{ name: 'alpha' }, { name: 'beta' }, { name: 'plug' }] });
  // A quote in the folder name: it reaches the shells through KUBEZT_KUBECONFIG.
  const kube = join(dir, "o'neil kube");
  mkdirSync(kube, { recursive: true });
  const plugin = join(dir, 'plugin.sh');
  const pluginOut = join(dir, 'plugin-args');
  writeFileSync(
    plugin,
    `#!/bin/sh\nprintf '%s\\0' "$@" > "$PLUGIN_OUT"\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$PLUGIN_TOKEN"\n`,
  );
  chmodSync(plugin, 0o755);
  const plug = farm.server('plug');
  const config = join(kube, 'config');
  writeFileSync(
    config,
    buildKubeconfig(
      [
        { server: farm.server('alpha') },
        { server: farm.server('beta') },
        {
          server: plug,
          user: {
            exec: {
              command: plugin,
              args: PLUGIN_ARGS,
              env: [
                { name: 'PLUGIN_OUT', value: pluginOut },
                { name: 'PLUGIN_TOKEN', value: plug.token },
              ],
            },
          },
        },
      ],
      'alpha',
    ),
    { mode: 0o600 },
  );
  const run = join(dir, 'run');
  mkdirSync(run, { mode: 0o700 });
  return {
    farm,
    dir,
    config,
    runtime: join(run, 'kubezt'),
    pluginOut,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: config, XDG_RUNTIME_DIR: run },
  };
}

export interface Running {
  child: ChildProcess;
  /** Resolves when stdout (or stderr) has printed text matching `re`; rejects if it exits first. */
  waitFor(re: RegExp, stream?: 'stdout' | 'stderr'): Promise<RegExpExecArray>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  output(): { stdout: string; stderr: string };
}

export function startKubezt(args: string[], env: Record<string, string>): Running {
  const child = spawn(NODE, [KUBEZT, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  const waiters: { re: RegExp; stream: 'stdout' | 'stderr'; resolve: (m: RegExpExecArray) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = w.re.exec(out[w.stream]);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out.stdout += d;
    check();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    out.stderr += d;
    check();
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, ...out }));
    },
  );
  return {
    child,
    done,
    output: () => ({ ...out }),
    waitFor(re, stream = 'stdout') {
      return new Promise((resolve, reject) => {
        waiters.push({ re, stream, resolve });
        check();
        done.then(() => reject(new Error(`exited before printing ${re}: ${JSON.stringify(out)}`)));
      });
    },
  };
}

export async function runKubezt(args: string[], env: Record<string, string>, stdin = '') {
  const r = startKubezt(args, env);
  r.child.stdin?.end(stdin);
  return r.done;
}

/** Every process's command line on this machine (all of /proc), joined by spaces. */
export function allCommandLines(): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '));
    } catch {
      // Gone since the listing.
    }
  }
  return lines;
}

export function privateFiles(world: World): string[] {
  return existsSync(world.runtime) ? readdirSync(world.runtime) : [];
}
