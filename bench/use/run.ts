// Benchmark: `kubezt use NAME` on a 10,000-context kubeconfig against `kubectl config
// use-context` (target: ratio <= 0.2), and the time until `kubezt use`'s picker shows the whole
// list on a terminal against `kubectx` with `fzf` (when both are installed) and against
// `kubectl config get-contexts` (the list without a picker).
//
//   node_modules/.bin/node bench/use/run.ts [--runs 7] [--contexts 10000]
//
// Every timing is a whole process, started as a user starts it; kubezt is the bundled CLI
// (bin/kubezt.js, out/cli, built first). Results: stdout and bench/results/use-*.json.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCli } from '../../scripts/build-cli.ts';
import { generateKubeconfig } from '../kubeconfig/generate.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const BIN = join(ROOT, 'bin', 'kubezt.js');
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const { values } = parseArgs({ options: { runs: { type: 'string' }, contexts: { type: 'string' } } });
const RUNS = Number(values.runs ?? 7);
const CONTEXTS = Number(values.contexts ?? 10000);

const which = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function timed(command: string, args: string[], env: Record<string, string>): number {
  const started = performance.now();
  const r = spawnSync(command, args, { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', cwd: ROOT });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences are removed.
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]/g, '');

/**
 * Milliseconds from starting `command` on a fresh pseudo-terminal (util-linux `script`, 120x30)
 * until the screen shows `marker`; then the picker is left with Esc and the process ended.
 */
function timeToScreen(command: string, marker: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/script', ['-q', '-e', '-c', `stty cols 120 rows 30; ${command}`, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', TERM: 'xterm-256color', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let screen = '';
    let done = false;
    child.stdout.on('data', (d) => {
      screen += d;
      if (done || !plain(screen).includes(marker)) return;
      done = true;
      const ms = performance.now() - started;
      child.stdin.write('\x1b');
      child.once('exit', () => resolve(ms));
      setTimeout(() => {
        if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
      }, 2000).unref();
    });
    child.once('exit', () => {
      if (!done) reject(new Error(`${command} ended before showing "${marker}":\n${plain(screen).slice(-2000)}`));
    });
  });
}

const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

await buildCli();
const work = mkdtempSync(join(tmpdir(), 'kubezt-bench-use-'));
const home = join(work, 'home');
mkdirSync(home);
const compileCache = join(work, 'compile-cache');
const kubeztEnv = (kubeconfig: string) => ({
  KUBECONFIG: kubeconfig,
  HOME: home,
  KUBEZT_CLI_FROM: 'bundle',
  NODE_COMPILE_CACHE: compileCache,
});
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  node: spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim(),
  kubectl: spawnSync(KUBECTL, ['version', '--client', '-o', 'json'], { encoding: 'utf8' }).stdout.match(
    /"gitVersion":\s*"([^"]+)"/,
  )?.[1],
  loadAverageBefore: loadavg(),
  contexts: CONTEXTS,
  runs: RUNS,
};

try {
  const text = generateKubeconfig(CONTEXTS);
  const ours = join(work, 'kubezt-config');
  const theirs = join(work, 'kubectl-config');
  writeFileSync(ours, text, { mode: 0o600 });
  writeFileSync(theirs, text, { mode: 0o600 });
  console.log(
    `kubeconfig: ${CONTEXTS} contexts, ${(text.length / 1e6).toFixed(1)} MB; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );

  // 1. The switch. One untimed round first (page cache, compile cache), then alternating runs.
  const kz: number[] = [];
  const kc: number[] = [];
  for (let i = -1; i < RUNS; i++) {
    const name = `team-ctx-${i % 2 === 0 ? 1 : 2}`;
    const a = timed(NODE, [BIN, 'use', name], kubeztEnv(ours));
    const b = timed(KUBECTL, ['config', 'use-context', name], { KUBECONFIG: theirs, HOME: home });
    if (i >= 0) {
      kz.push(a);
      kc.push(b);
    }
  }
  const use = {
    kubeztMedianMs: Math.round(median(kz)),
    kubectlMedianMs: Math.round(median(kc)),
    ratio: Number((median(kz) / median(kc)).toFixed(3)),
    kubezt: kz.map(Math.round),
    kubectl: kc.map(Math.round),
  };
  results.use = use;
  console.log(
    `use NAME: kubezt ${use.kubeztMedianMs} ms, kubectl config use-context ${use.kubectlMedianMs} ms, ratio ${use.ratio} (target <= 0.2)`,
  );

  // 2. The picker: until the whole list is counted on screen ("N/N", as kubezt and fzf both show it).
  const marker = `${CONTEXTS}/${CONTEXTS}`;
  const contenders: { key: string; how: string; command: string; env: Record<string, string> }[] = [
    { key: 'kubezt', how: 'kubezt use (picker)', command: [NODE, BIN, 'use'].map(q).join(' '), env: kubeztEnv(ours) },
  ];
  const kubectx = which('kubectx');
  const fzf = which('fzf');
  if (kubectx && fzf) {
    contenders.push({
      key: 'kubectx',
      how: `kubectx with fzf (${kubectx}, ${fzf})`,
      command: q(kubectx),
      env: { KUBECONFIG: theirs, HOME: home },
    });
  } else {
    console.log(`kubectx with fzf: not installed (kubectx: ${kubectx || 'missing'}, fzf: ${fzf || 'missing'})`);
  }
  const paint: Record<string, number[]> = Object.fromEntries(contenders.map((c) => [c.key, []]));
  const list: number[] = [];
  for (let i = -1; i < RUNS; i++) {
    for (const c of contenders) {
      const ms = await timeToScreen(c.command, marker, c.env);
      if (i >= 0) paint[c.key]?.push(ms);
    }
    const ms = timed(KUBECTL, ['config', 'get-contexts'], { KUBECONFIG: theirs, HOME: home });
    if (i >= 0) list.push(ms);
  }
  const picker: Record<string, unknown> = { marker, kubectlGetContextsMedianMs: Math.round(median(list)) };
  for (const c of contenders) {
    const m = median(paint[c.key] ?? []);
    picker[c.key] = { how: c.how, medianMs: Math.round(m), runs: (paint[c.key] ?? []).map(Math.round) };
    console.log(`picker, whole list on screen: ${c.how} ${Math.round(m)} ms`);
  }
  console.log(`kubectl config get-contexts (no picker, to the end of the list): ${Math.round(median(list))} ms`);
  results.picker = picker;
  results.loadAverageAfter = loadavg();
  const out = join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const file = join(out, `use-${results.date as string}.json`.replaceAll(':', '-'));
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results: ${file}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
