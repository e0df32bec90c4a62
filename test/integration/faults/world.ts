// What the fault suite runs kubezt against: a team catalog (no Cloudflare, no keychain), a
// kubeconfig of a chosen size, and the real CLI as a child process (bin/kubezt.js on Node 24).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const NODE = existsSync(join(ROOT, 'node_modules', '.bin', 'node'))
  ? join(ROOT, 'node_modules', '.bin', 'node')
  : process.execPath;
export const KUBEZT = join(ROOT, 'bin', 'kubezt.js');

const CA_DATA = readFileSync(join(ROOT, 'test', 'fixtures', 'catalog', 'certs', 'ca.crt')).toString('base64');

/** A catalog of clusters on documentation addresses, each with a CA (so setup has nothing to ask). */
export function catalogYaml(names: readonly string[]): string {
  const entries = names.map(
    (name, i) =>
      `  - name: ${name}\n    server: https://198.51.100.${(i % 250) + 1}:6443\n    certificateAuthorityData: ${CA_DATA}\n`,
  );
  return `clusters:\n${entries.join('')}`;
}

/** A kubeconfig the user wrote, with `contexts` entries of their own (a comment first). */
export function userKubeconfig(contexts: number): string {
  const lines = ['# my own kubeconfig', 'apiVersion: v1', 'kind: Config', 'current-context: mine-0', 'clusters:'];
  for (let i = 0; i < contexts; i++) {
    lines.push(`- name: mine-${i}`, '  cluster:', `    server: https://10.${(i >> 8) & 255}.${i & 255}.1:6443`);
  }
  lines.push('contexts:');
  for (let i = 0; i < contexts; i++) {
    lines.push(`- name: mine-${i}`, '  context:', `    cluster: mine-${i}`, `    user: mine-${i}`);
  }
  lines.push('users:');
  for (let i = 0; i < contexts; i++) lines.push(`- name: mine-${i}`, '  user:', `    token: token-${i}`);
  return `${lines.join('\n')}\n`;
}

export interface KubeztRun {
  child: ChildProcess;
  /** Resolves when the process has exited and its output is read. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `node bin/kubezt.js ARGS` with exactly `env` (plus PATH and HOME). */
export function startKubezt(args: string[], env: Record<string, string>, home: string): KubeztRun {
  const child = spawn(NODE, [KUBEZT, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    },
  );
  return { child, done };
}

export async function runKubezt(args: string[], env: Record<string, string>, home: string) {
  return startKubezt(args, env, home).done;
}

/** What kubezt may leave beside a kubeconfig: nothing but the file itself. */
export function leftovers(folder: string, file = 'config'): string[] {
  return readdirSync(folder).filter((name) => name !== file);
}

/** Whether this process may mount, bind and chattr (the fault suite's disk cases need root). */
export function isRoot(): boolean {
  return process.getuid?.() === 0;
}
