// `kubezt exec`, `kubezt shell` and `kubezt env` as a user runs them: the real CLI as a child
// process, the real kubectl inside, simulated API servers behind, and the private kubeconfig
// watched on disk and in every process's command line.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allCommandLines,
  KUBECTL,
  KUBEZT,
  NODE,
  PLUGIN_ARGS,
  privateFiles,
  runKubezt,
  startKubezt,
  startWorld,
  type World,
} from './world.ts';

let world: World;
let configBefore: string;

beforeAll(async () => {
  world = await startWorld(mkdtempSync(join(tmpdir(), 'kubezt-per-shell-')));
  configBefore = readFileSync(world.config, 'utf8');
});

afterAll(async () => {
  await world?.farm.close();
  if (world) rmSync(world.dir, { recursive: true, force: true });
});

/** The user's kubeconfig is never touched, and no private file outlives its command. */
function expectNothingLeft(): void {
  expect(readFileSync(world.config, 'utf8')).toBe(configBefore);
  expect(privateFiles(world)).toEqual([]);
}

function tokens(): string[] {
  return ['alpha', 'beta', 'plug'].map((n) => world.farm.server(n).token);
}

describe('kubezt exec', () => {
  it('runs kubectl with only that context, in its own 0700 folder, and removes the file', async () => {
    const r = await runKubezt(['exec', 'beta', '--', KUBECTL, 'config', 'get-contexts', '-o', 'name'], world.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('beta\n');
    expect(statSync(world.runtime).mode & 0o777).toBe(0o700);
    expectNothingLeft();
  });

  it('reaches the cluster, with -n setting the namespace and the prompt variables', async () => {
    const script =
      'echo "$KUBEZT_CONTEXT/$KUBEZT_NAMESPACE"; kubectl config view --minify -o jsonpath="{..namespace}"; echo; kubectl get ns -o name';
    const r = await runKubezt(['exec', 'beta', '-n', 'web', '--', 'sh', '-c', script], world.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      'beta/web\nweb\nnamespace/default\nnamespace/kube-node-lease\nnamespace/kube-public\nnamespace/kube-system\nnamespace/payments\nnamespace/web\n',
    );
    expectNothingLeft();
  });

  it('passes the exit code through, and says when the command does not exist', async () => {
    const r = await runKubezt(['exec', 'alpha', '--', 'sh', '-c', 'exit 7'], world.env);
    expect(r.code).toBe(7);
    const missing = await runKubezt(['exec', 'alpha', '--', 'no-such-command-kubezt'], world.env);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toBe(
      'kubezt: cannot run "no-such-command-kubezt": no such command on PATH; check its name.\n',
    );
    expectNothingLeft();
  });

  it('keeps the file 0600 while the command runs, and no token on any command line', async () => {
    const run = startKubezt(['exec', 'alpha', '--', 'sh', '-c', 'echo "file=$KUBECONFIG"; read x'], world.env);
    const [, file] = (await run.waitFor(/file=(\S+)\n/)) as unknown as [string, string];
    expect(file.startsWith(`${world.runtime}/`)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain(world.farm.server('alpha').token);
    const lines = allCommandLines();
    expect(lines.some((l) => l.includes('read x'))).toBe(true);
    for (const token of tokens()) expect(lines.filter((l) => l.includes(token))).toEqual([]);
    run.child.stdin?.end('\n');
    expect((await run.done).code).toBe(0);
    expectNothingLeft();
  });

  it.each([
    ['SIGHUP', 129],
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('passes %s on to the command, exits 128+n and removes the file', async (signal, code) => {
    const run = startKubezt(['exec', 'alpha', '--', 'sh', '-c', 'echo "ready $$"; read x'], world.env);
    const [, pid] = (await run.waitFor(/ready (\d+)\n/)) as unknown as [string, string];
    expect(privateFiles(world)).toHaveLength(1);
    run.child.kill(signal);
    const r = await run.done;
    expect(r.code).toBe(code);
    expect(() => process.kill(Number(pid), 0)).toThrow(/ESRCH/);
    expectNothingLeft();
  });

  it('passes the exit code of a command that handles the signal itself', async () => {
    const script = 'trap "echo handled; exit 0" TERM; echo ready; read x';
    const run = startKubezt(['exec', 'alpha', '--', 'bash', '-c', script], world.env);
    await run.waitFor(/ready\n/);
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.stdout).toBe('ready\nhandled\n');
    expect(r.code).toBe(0);
    expectNothingLeft();
  });

  it('keeps an exec plugin working: command, args and env copied verbatim', async () => {
    const r = await runKubezt(['exec', 'plug', '--', KUBECTL, 'get', 'ns', 'kube-system', '-o', 'name'], world.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('namespace/kube-system\n');
    const args = readFileSync(world.pluginOut, 'utf8').split('\0').slice(0, -1);
    expect(args).toEqual(PLUGIN_ARGS);
    expectNothingLeft();
  });

  it('leaves --help after "--" to the command, and answers it before', async () => {
    const r = await runKubezt(['exec', 'alpha', '--', 'sh', '-c', 'echo "got $1"', 'sh', '--help'], world.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('got --help\n');
    const help = await runKubezt(['exec', '--help'], world.env);
    expect(help.stdout).toMatch(/^Usage: kubezt exec NAME/);
    expectNothingLeft();
  });

  it('refuses an unknown NAME and a missing "--" with exit 2 and one sentence', async () => {
    const unknown = await runKubezt(['exec', 'gamma', '--', 'true'], world.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/gamma/);
    const noDashes = await runKubezt(['exec', 'alpha', 'kubectl'], world.env);
    expect(noDashes.code).toBe(2);
    expect(noDashes.stderr).toMatch(/needs the command after "--"/);
    expectNothingLeft();
  });
});

const bashEnv = () => ({ ...world.env, SHELL: '/bin/bash' });

describe('kubezt shell', () => {
  it('starts $SHELL on a private file that holds only the context, removed on exit', async () => {
    const script =
      'echo "K=$KUBECONFIG C=$KUBEZT_CONTEXT N=$KUBEZT_NAMESPACE"; kubectl config get-contexts -o name; exit 3\n';
    const r = await runKubezt(['shell', 'beta', '-n', 'payments'], bashEnv(), script);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(
      new RegExp(`^K=${world.runtime}/run-\\d+-[0-9a-f]{24}\\.yaml C=beta N=payments\\nbeta\\n$`),
    );
    expectNothingLeft();
  });

  it('removes the file when kubezt gets SIGHUP (terminal closed), with no token on any command line', async () => {
    const run = startKubezt(['shell', 'alpha'], bashEnv());
    run.child.stdin?.write('echo "K=$KUBECONFIG shell=$$"; kubectl config get-contexts -o name\n');
    const [, file, pid] = (await run.waitFor(/K=(\S+) shell=(\d+)\nalpha\n/)) as unknown as [string, string, string];
    expect(statSync(file).mode & 0o777).toBe(0o600);
    for (const token of tokens()) expect(allCommandLines().filter((l) => l.includes(token))).toEqual([]);
    run.child.kill('SIGHUP');
    const r = await run.done;
    expect(r.code).toBe(129);
    expect(() => process.kill(Number(pid), 0)).toThrow(/ESRCH/);
    expectNothingLeft();
  });

  it('ends the shell and removes the file on SIGTERM, which an interactive shell would ignore', async () => {
    const run = startKubezt(['shell', 'alpha'], { ...world.env, SHELL: '/bin/sh' });
    run.child.stdin?.write('trap "" TERM; echo ready\n');
    await run.waitFor(/ready\n/);
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(143);
    expectNothingLeft();
  });

  it('leaves Ctrl-C (SIGINT) to the shell, and removes the file when the shell then exits', async () => {
    const run = startKubezt(['shell', 'alpha'], bashEnv());
    run.child.stdin?.write('echo one\n');
    await run.waitFor(/one\n/);
    run.child.kill('SIGINT');
    run.child.stdin?.write('echo two; exit 5\n');
    const r = await run.done;
    expect(r.stdout).toBe('one\ntwo\n');
    expect(r.code).toBe(5);
    expectNothingLeft();
  });

  it('nested: says so in one line, and replaces the context in the same file instead of stacking one', async () => {
    const nested = `${JSON.stringify(NODE)} ${JSON.stringify(KUBEZT)} shell beta`;
    const script = [
      'echo "outer K=$KUBECONFIG C=$KUBEZT_CONTEXT"',
      nested,
      'echo "inner K=$KUBECONFIG C=$KUBEZT_CONTEXT"; kubectl config get-contexts -o name; ls "$(dirname "$KUBECONFIG")" | wc -l; exit',
      'echo "back K=$KUBECONFIG"; kubectl config get-contexts -o name; exit',
      '',
    ].join('\n');
    const r = await runKubezt(['shell', 'alpha'], bashEnv(), script);
    expect(r.code, r.stderr).toBe(0);
    const outer = /outer K=(\S+) C=alpha\n/.exec(r.stdout)?.[1];
    expect(outer).toBeDefined();
    expect(r.stdout).toBe(`outer K=${outer} C=alpha\ninner K=${outer} C=beta\nbeta\n1\nback K=${outer}\nbeta\n`);
    expect(r.stderr).toBe(
      'kubezt: already in a kubezt shell for "alpha"; its private kubeconfig now holds "beta" instead.\n',
    );
    expectNothingLeft();
  });
});

describe('inside a kubezt shell', () => {
  it('exec and env still find every context of your kubeconfig, and ns changes only that shell', async () => {
    const kubezt = `${JSON.stringify(NODE)} ${JSON.stringify(KUBEZT)}`;
    const script = [
      `${kubezt} exec beta -- kubectl config get-contexts -o name`,
      `${kubezt} ns web`,
      'kubectl config view --minify -o jsonpath="{..namespace}"; echo',
      'exit',
      '',
    ].join('\n');
    const r = await runKubezt(['shell', 'alpha'], bashEnv(), script);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^beta\nContext "alpha" now uses namespace "web" \(in .+\/run-\d+-[0-9a-f]{24}\.yaml\)\.\nweb\n$/,
    );
    expectNothingLeft();
  });
});

describe('kubezt ns through an exec plugin', () => {
  it("lists the namespaces with the plugin's credential (client-node runs the plugin)", async () => {
    const kubezt = `${JSON.stringify(NODE)} ${JSON.stringify(KUBEZT)}`;
    const r = await runKubezt(['exec', 'plug', '-n', 'web', '--', 'sh', '-c', `${kubezt} ns`], world.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('  default\n  kube-node-lease\n  kube-public\n  kube-system\n  payments\n* web\n');
    expect(readFileSync(world.pluginOut, 'utf8').split('\0').slice(0, -1)).toEqual(PLUGIN_ARGS);
    expectNothingLeft();
  });
});

describe('files a killed kubezt leaves', () => {
  it('after SIGKILL the file stays (nothing can catch it), and the next kubezt sweeps it', async () => {
    const run = startKubezt(['exec', 'alpha', '--', 'sh', '-c', 'echo "ready $$"; read x'], world.env);
    const [, pid] = (await run.waitFor(/ready (\d+)\n/)) as unknown as [string, string];
    run.child.kill('SIGKILL');
    await run.done;
    expect(privateFiles(world)).toHaveLength(1);
    // The orphaned command ends when its stdin closes; kubezt's own pid is what the sweep checks.
    process.kill(Number(pid), 'SIGTERM');
    const next = await runKubezt(['exec', 'beta', '--', 'true'], world.env);
    expect(next.code).toBe(0);
    expectNothingLeft();
  });

  it('without XDG_RUNTIME_DIR the folder is <temp>/kubezt-<uid>, 0700', async () => {
    const temp = join(world.dir, 'tmp');
    mkdirSync(temp);
    const { XDG_RUNTIME_DIR: _, ...env } = world.env;
    const r = await runKubezt(['exec', 'alpha', '--', 'sh', '-c', 'echo "$KUBECONFIG"'], { ...env, TMPDIR: temp });
    expect(r.code, r.stderr).toBe(0);
    const folder = join(temp, `kubezt-${process.getuid?.()}`);
    expect(r.stdout.startsWith(`${folder}/run-`)).toBe(true);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(readdirSync(folder)).toEqual([]);
  });
});

describe('kubezt env', () => {
  it('prints bash lines to eval; --unset puts KUBECONFIG back and removes the file', async () => {
    const kubezt = `${JSON.stringify(NODE)} ${JSON.stringify(KUBEZT)}`;
    const script = [
      `eval "$(${kubezt} env beta -n web --shell bash)"`,
      'echo "C=$KUBEZT_CONTEXT N=$KUBEZT_NAMESPACE O=$KUBEZT_KUBECONFIG"',
      'kubectl config get-contexts -o name; stat -c %a "$KUBECONFIG"; f=$KUBECONFIG',
      `eval "$(${kubezt} env --unset --shell bash)"`,
      'echo "K=$KUBECONFIG"; printenv KUBEZT_CONTEXT || echo C-unset; test -e "$f" && echo kept || echo removed',
    ].join('\n');
    const out = execFileSync('bash', ['-c', script], { env: world.env, encoding: 'utf8' });
    expect(out).toBe(`C=beta N=web O=${world.config}\nbeta\n600\nK=${world.config}\nC-unset\nremoved\n`);
    expectNothingLeft();
  });

  it('a second "kubezt env" replaces the first file instead of adding one', async () => {
    const kubezt = `${JSON.stringify(NODE)} ${JSON.stringify(KUBEZT)}`;
    const script = [
      `eval "$(${kubezt} env alpha)"`,
      `eval "$(${kubezt} env beta)"`,
      'ls "$(dirname "$KUBECONFIG")" | wc -l; kubectl config get-contexts -o name',
      `eval "$(${kubezt} env --unset)"`,
    ].join('\n');
    const out = execFileSync('bash', ['-c', script], { env: { ...world.env, SHELL: '/bin/bash' }, encoding: 'utf8' });
    expect(out).toBe('1\nbeta\n');
    expectNothingLeft();
  });

  it('quotes values for fish and PowerShell', async () => {
    const fish = await runKubezt(['env', 'alpha', '--shell', 'fish'], world.env);
    expect(fish.code, fish.stderr).toBe(0);
    expect(fish.stdout).toContain(`set -gx KUBEZT_KUBECONFIG '${world.config.replace("'", "\\'")}';\n`);
    expect(fish.stdout).toContain("set -gx KUBEZT_CONTEXT 'alpha';\n");
    const pwsh = await runKubezt(['env', 'alpha', '--shell', 'powershell'], world.env);
    expect(pwsh.stdout).toContain(`$env:KUBEZT_KUBECONFIG = '${world.config.replace("'", "''")}'\n`);
    const file = /^\$env:KUBECONFIG = '(.+)'$/m.exec(pwsh.stdout)?.[1] ?? '';
    const unset = await runKubezt(['env', '--unset', '--shell', 'powershell'], {
      ...world.env,
      KUBECONFIG: file,
      KUBEZT_CONTEXT: 'alpha',
      KUBEZT_KUBECONFIG: world.config,
    });
    expect(unset.stdout).toContain('Remove-Item Env:KUBEZT_CONTEXT -ErrorAction SilentlyContinue\n');
    // The fish file is still there: remove it the way fish would.
    const fishFile = /^set -gx KUBECONFIG '(.+)';$/m.exec(fish.stdout)?.[1] ?? '';
    await runKubezt(['env', '--unset'], { ...world.env, KUBECONFIG: fishFile, KUBEZT_CONTEXT: 'alpha' });
    expectNothingLeft();
  });

  it('refuses an unknown shell with exit 2', async () => {
    const r = await runKubezt(['env', 'alpha', '--shell', 'tcsh'], world.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('kubezt: --shell must be one of bash, zsh, fish, powershell, not "tcsh".\n');
    expectNothingLeft();
  });
});
