import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeLoginShellEnv, readLoginShellEnv } from '../../main/app/login-shell.ts';
import { nodeProcessRunner } from '../../main/core/process/runner.ts';

let home: string;
const daemons: number[] = [];
beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), 'kubezt-shell-'));
});
afterEach(() => {
  for (const pid of daemons.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  rmSync(home, { recursive: true, force: true });
});

/** The minimal environment a desktop launcher gives an app. */
function launcherEnv(extra: Record<string, string> = {}) {
  return { HOME: home, SHELL: '/bin/bash', PATH: '/usr/bin:/bin', ...extra };
}

describe('login shell environment (real /bin/bash)', () => {
  it('reads PATH and KUBECONFIG from the startup files, whatever else they print', async () => {
    mkdirSync(path.join(home, 'bin'));
    writeFileSync(
      path.join(home, '.bash_profile'),
      [
        'echo "Welcome back!"',
        'echo "PATH=/fake/from/motd"',
        'export PATH="$HOME/bin:/opt/homebrew/bin:$PATH"',
        'export KUBECONFIG="$HOME/.kube/config:$HOME/.kube/work.yaml"',
        'export MULTI="line1',
        'PATH=/not/this/one"',
      ].join('\n'),
    );
    const r = await readLoginShellEnv({ runner: nodeProcessRunner, env: launcherEnv(), platform: 'linux' });
    expect(r.report).toEqual({
      status: 'ok',
      shell: '/bin/bash',
      detail: null,
      pathFromShell: true,
      kubeconfigFromShell: true,
    });
    // /etc/profile sets the system PATH first; the user's profile prepends to it.
    expect(r.PATH?.startsWith(`${home}/bin:/opt/homebrew/bin:`)).toBe(true);
    expect(r.PATH?.split(':')).toContain('/usr/bin');
    expect(r.PATH).not.toContain('/fake/from/motd');
    expect(r.PATH).not.toContain('/not/this/one');
    expect(r.KUBECONFIG).toBe(`${home}/.kube/config:${home}/.kube/work.yaml`);
  });

  it('tells startup files it is kubezt asking, so users can skip slow work', async () => {
    writeFileSync(
      path.join(home, '.bash_profile'),
      'if [ -n "$KUBEZT_RESOLVING_ENVIRONMENT" ]; then export KUBECONFIG=/seen/by/kubezt; fi\n',
    );
    const r = await readLoginShellEnv({ runner: nodeProcessRunner, env: launcherEnv(), platform: 'linux' });
    expect(r.KUBECONFIG).toBe('/seen/by/kubezt');
  });

  // The lookup's own 10 s timeout is beyond the test's: only finishing once the shell has exited
  // after its closing marker gets the values in time.
  it('finishes when the shell exits, though a daemon its profile started holds stdout open', {
    timeout: 8_000,
  }, async () => {
    const pidFile = path.join(home, 'agent.pid');
    writeFileSync(
      path.join(home, '.bash_profile'),
      `sleep 30 &\necho $! > '${pidFile}'\nexport KUBECONFIG="$HOME/.kube/agent"\n`,
    );
    const r = await readLoginShellEnv({ runner: nodeProcessRunner, env: launcherEnv(), platform: 'linux' });
    const daemon = Number(readFileSync(pidFile, 'utf8').trim());
    daemons.push(daemon);
    expect(r.report.status).toBe('ok');
    expect(r.KUBECONFIG).toBe(`${home}/.kube/agent`);
    expect(() => process.kill(daemon, 0), 'the daemon is left running').not.toThrow();
  });

  it('gives up on a hanging startup file at the timeout, and says so', async () => {
    writeFileSync(path.join(home, '.bash_profile'), 'read -r answer < /dev/tty || sleep 30\n');
    const r = await readLoginShellEnv({
      runner: nodeProcessRunner,
      env: launcherEnv(),
      platform: 'linux',
      timeoutMs: 400,
    });
    expect(r.report.status).toBe('timeout');
    expect(r.report.detail).toContain('did not finish its startup files');
    expect(r.PATH).toBeUndefined();
  });

  it('reports a shell that cannot start or prints nothing', async () => {
    const missing = await readLoginShellEnv({
      runner: nodeProcessRunner,
      env: launcherEnv({ SHELL: path.join(home, 'no-such-shell') }),
      platform: 'linux',
    });
    expect(missing.report.status).toBe('failed');
    expect(missing.report.detail).toContain('could not be started');
    const silent = await readLoginShellEnv({
      runner: nodeProcessRunner,
      env: launcherEnv({ SHELL: '/bin/false' }),
      platform: 'linux',
    });
    expect(silent.report).toMatchObject({ status: 'failed', shell: '/bin/false' });
    expect(silent.report.detail).toContain('without printing its environment');
  });

  it('falls back to the account shell when SHELL is unset, and skips Windows', async () => {
    writeFileSync(path.join(home, '.profile'), 'export KUBECONFIG=/from/sh/profile\n');
    const env = { HOME: home, PATH: '/usr/bin:/bin' };
    const r = await readLoginShellEnv({ runner: nodeProcessRunner, env, platform: 'linux', accountShell: '/bin/sh' });
    expect(r.report.shell).toBe('/bin/sh');
    expect(r.KUBECONFIG).toBe('/from/sh/profile');
    const win = await readLoginShellEnv({ runner: nodeProcessRunner, env, platform: 'win32' });
    expect(win.report.status).toBe('skipped');
  });
});

describe('merging into the app environment', () => {
  const shell = {
    report: { status: 'ok' as const, shell: '/bin/zsh', detail: null, pathFromShell: true, kubeconfigFromShell: true },
    PATH: '/opt/homebrew/bin:/usr/bin:/bin',
    KUBECONFIG: '/Users/dev/.kube/config',
  };

  it("puts the shell's PATH first and keeps entries only the app had", () => {
    const { env, report } = mergeLoginShellEnv({ PATH: '/usr/bin:/Applications/kubezt.app/bin' }, shell, ':');
    expect(env.PATH).toBe('/opt/homebrew/bin:/usr/bin:/bin:/Applications/kubezt.app/bin');
    expect(env.KUBECONFIG).toBe('/Users/dev/.kube/config');
    expect(report).toMatchObject({ pathFromShell: true, kubeconfigFromShell: true });
  });

  it('keeps a KUBECONFIG the app was started with', () => {
    const { env, report } = mergeLoginShellEnv({ PATH: '/usr/bin', KUBECONFIG: '/chosen/by/user' }, shell, ':');
    expect(env.KUBECONFIG).toBe('/chosen/by/user');
    expect(report.kubeconfigFromShell).toBe(false);
  });

  it('changes nothing when the shell said nothing', () => {
    const none = { report: { ...shell.report, status: 'timeout' as const } };
    const { env, report } = mergeLoginShellEnv({ PATH: '/usr/bin' }, none, ':');
    expect(env).toEqual({ PATH: '/usr/bin' });
    expect(report).toMatchObject({ status: 'timeout', pathFromShell: false, kubeconfigFromShell: false });
  });
});
