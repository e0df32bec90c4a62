import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackups, parseKubeconfigSet, planKubeconfig } from '../../../main/core/kubeconfig/index.ts';
import { clusterSet } from '../../unit/kubeconfig/helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const NODE = existsSync(join(ROOT, 'node_modules', '.bin', 'node'))
  ? join(ROOT, 'node_modules', '.bin', 'node')
  : process.execPath;
const CHILD = join(import.meta.dirname, 'writer-child.ts');

const INITIAL = `# crash test kubeconfig
apiVersion: v1
kind: Config
current-context: home
clusters:
- name: home
  cluster: {server: "https://192.168.1.10:6443"}
contexts:
- name: home
  context: {cluster: home}
`;

/** Every version the file may legally hold: the initial one and the two the writer alternates. */
function versions(): string[] {
  const next = (bytes: string, set: string) =>
    planKubeconfig({ clusters: clusterSet(set), files: [{ path: 'config', bytes }] }).writes[0]?.after ?? bytes;
  const a = next(INITIAL, 'standard');
  const b = next(a, 'one');
  // The writer's cycle is closed: a -> b -> a, so these three are all the states there are.
  expect(next(b, 'standard')).toBe(a);
  expect(next(a, 'one')).toBe(b);
  return [INITIAL, a, b];
}

let dir: string;
let backups: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubezt-crash-'));
  backups = await mkdtemp(join(tmpdir(), 'kubezt-crash-backups-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(backups, { recursive: true, force: true });
});

function startWriter(
  config: string,
  killAt?: string,
): { child: ChildProcess; steps: string[]; exited: Promise<NodeJS.Signals | null> } {
  const child = spawn(NODE, [CHILD, config, backups, ...(killAt ? [killAt] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const steps: string[] = [];
  let err = '';
  child.stderr?.on('data', (d) => {
    err += d;
  });
  child.stdout?.setEncoding('utf8');
  let buffered = '';
  child.stdout?.on('data', (d: string) => {
    buffered += d;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    steps.push(...lines);
    child.emit('steps', steps.length);
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve, reject) => {
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(signal);
      else reject(new Error(`writer exited with ${code}: ${err}`));
    });
  });
  return { child, steps, exited };
}

/**
 * After a kill: the file and every backup copy are whole versions; only the dead writer's lock and
 * temp file may remain beside the kubeconfig, which gets no .bak.
 */
async function checkAfterCrash(config: string, allowed: string[], pid: number): Promise<string> {
  const text = await readFile(config, 'utf8');
  expect(allowed).toContain(text);
  expect(() => parseKubeconfigSet([{ path: config, bytes: text }])).not.toThrow();
  const names = await readdir(backups);
  for (const name of names) {
    expect(name).toMatch(/^\d{8}-\d{6}-\d{3}(-\d+)?\.(yaml|json)$/);
    // A copy without its record was cut short by the kill: never listed, pruned later.
    if (!name.endsWith('.yaml') || !names.includes(name.replace(/yaml$/, 'json'))) continue;
    expect(allowed).toContain(await readFile(join(backups, name), 'utf8'));
  }
  for (const b of listBackups(backups)) expect(allowed).toContain(await readFile(b.file, 'utf8'));
  for (const name of await readdir(dir)) {
    if (name === 'config') continue;
    if (name === 'config.lock') {
      expect(await readFile(join(dir, name), 'utf8')).toContain(`kubezt pid ${pid} `);
    } else {
      expect(name).toMatch(new RegExp(`^\\.config\\.kubezt-${pid}-[0-9a-z]+-[0-9a-z]+\\.tmp$`));
    }
    // The user (here: the test) removes what the dead writer left, as the lock error tells them.
    await rm(join(dir, name));
  }
  return text;
}

describe('a writer killed in the middle of a write', () => {
  const steps = ['locked', 'verified', 'backup-written', 'temp-written', 'renamed'] as const;

  it.each(steps)('killed right after "%s" leaves the old or the new version, whole', async (step) => {
    const allowed = versions();
    const config = join(dir, 'config');
    await writeFile(config, INITIAL);
    const w = startWriter(config, step);
    await w.exited;
    const text = await checkAfterCrash(config, allowed, w.child.pid ?? 0);
    expect(text).toBe(step === 'renamed' ? allowed[1] : INITIAL);
  });

  it('SIGKILLed at arbitrary points 15 times, the file always parses and is one of the versions', async () => {
    const allowed = versions();
    const config = join(dir, 'config');
    await writeFile(config, INITIAL);
    const seen = new Set<string>();
    for (let round = 0; round < 15; round++) {
      const w = startWriter(config);
      // Kill after a varying number of reported steps; the kill lands wherever the writer is then.
      const target = 1 + ((round * 7) % 13);
      await new Promise<void>((resolve) => {
        const onSteps = (n: number) => {
          if (n < target) return;
          w.child.off('steps', onSteps);
          resolve();
        };
        w.child.on('steps', onSteps);
      });
      w.child.kill('SIGKILL');
      await w.exited;
      seen.add(await checkAfterCrash(config, allowed, w.child.pid ?? 0));
    }
    // The loop really wrote: more than the initial version was observed.
    expect(seen.size).toBeGreaterThan(1);
  });
});
