import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ProcessRunner } from '../core/process/runner.ts';
import type { LoginShellReport } from './ports.ts';

/**
 * An app started from the Dock, Finder or a desktop launcher inherits a minimal environment: the
 * PATH lacks Homebrew, krew, ~/.local/bin…, and KUBECONFIG is unset. Exec credential plugins
 * (kubelogin, gke-gcloud-auth-plugin, aws) are then "not found", and the app writes a different
 * kubeconfig than the user's kubectl reads. So, once at start, ask the user's login shell.
 *
 * The shell runs interactive + login (`-i -l -c`, like VS Code does) because many users set PATH
 * in ~/.zshrc or ~/.bashrc, which a non-interactive login shell skips. Its rc files may print
 * anything, so the values are read between two random markers; it may hang (a prompt, a slow
 * plugin manager), so the run has a hard timeout and a hang only costs the lookup.
 */
export interface LoginShellEnv {
  report: LoginShellReport;
  /** The values the shell had; absent when it did not say or the lookup failed. */
  PATH?: string;
  KUBECONFIG?: string;
}

export const LOGIN_SHELL_TIMEOUT_MS = 10_000;

export async function readLoginShellEnv(opts: {
  runner: ProcessRunner;
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  /** The user's shell from the account database (os.userInfo().shell); $SHELL wins when set. */
  accountShell?: string | null;
  timeoutMs?: number;
}): Promise<LoginShellEnv> {
  const { env, platform } = opts;
  if (platform === 'win32') {
    return { report: report('skipped', null, 'Windows gives apps the user environment; no login shell to ask.') };
  }
  const shell = env.SHELL || opts.accountShell || (platform === 'darwin' ? '/bin/zsh' : '/bin/sh');
  const token = randomBytes(8).toString('hex');
  const marker = `__kubezt_env_${token}__`;
  // Printed last: once it is out and the shell has exited, the run is over, even when an rc file
  // started a daemon (ssh-agent, gpg-agent, a dev server) that holds the shell's stdout open.
  const closingMarker = `__kubezt_done_${token}__`;
  // Each value is printed on its own, fenced by the marker: `env` would be ambiguous (another
  // variable's value may hold a line "PATH=…"). printf and "$VAR" work alike in POSIX shells and
  // in fish (which joins PATH-like lists with ":" when quoted).
  const fence = `printf '%s\\n' '${marker}'`;
  const script = `${fence}; printf '%s' "$PATH"; ${fence}; printf '%s' "$KUBECONFIG"; ${fence}; printf '%s\\n' '${closingMarker}'`;
  const result = await opts.runner.run(shell, ['-i', '-l', '-c', script], {
    timeoutMs: opts.timeoutMs ?? LOGIN_SHELL_TIMEOUT_MS,
    closingMarker,
    env: {
      ...env,
      // Lets users skip expensive rc work (like VSCODE_RESOLVING_ENVIRONMENT).
      KUBEZT_RESOLVING_ENVIRONMENT: '1',
      // oh-my-zsh and friends: no update prompt, no tmux auto-start in a non-terminal.
      DISABLE_AUTO_UPDATE: 'true',
      ZSH_TMUX_AUTOSTARTED: 'true',
      ZSH_TMUX_AUTOSTART: 'false',
      TERM: 'dumb',
    },
  });
  const shellName = path.basename(shell);
  if (result.timedOut) {
    return {
      report: report(
        'timeout',
        shell,
        `${shellName} did not finish its startup files within ${Math.round((opts.timeoutMs ?? LOGIN_SHELL_TIMEOUT_MS) / 1000)} s; kubezt uses the environment it was started with.`,
      ),
    };
  }
  if (result.spawnError) {
    return { report: report('failed', shell, `${shell} could not be started (${result.spawnError}).`) };
  }
  const fenced = result.stdout.split(`${marker}\n`);
  // [what the startup files printed, PATH, KUBECONFIG, what exit handlers printed]
  if (fenced.length < 4) {
    return {
      report: report(
        'failed',
        shell,
        `${shellName} exited with code ${result.code ?? 'none'} without printing its environment; kubezt uses the environment it was started with.`,
      ),
    };
  }
  const vars = { PATH: fenced[1] ?? '', KUBECONFIG: fenced[2] ?? '' };
  const out: LoginShellEnv = {
    report: {
      status: 'ok',
      shell,
      detail: null,
      pathFromShell: vars.PATH !== '',
      kubeconfigFromShell: vars.KUBECONFIG !== '',
    },
  };
  if (vars.PATH) out.PATH = vars.PATH;
  if (vars.KUBECONFIG) out.KUBECONFIG = vars.KUBECONFIG;
  return out;
}

function report(status: LoginShellReport['status'], shell: string | null, detail: string): LoginShellReport {
  return { status, shell, detail, pathFromShell: false, kubeconfigFromShell: false };
}

/**
 * The environment the app should run with: the shell's PATH first, then any entry of the current
 * PATH it lacks (the app's own bundled tools stay reachable); the shell's KUBECONFIG only when the
 * app was not already given one (started from a terminal, the user's choice wins).
 */
export function mergeLoginShellEnv(
  current: Record<string, string | undefined>,
  shell: LoginShellEnv,
  delimiter: string = path.delimiter,
): { env: Record<string, string | undefined>; report: LoginShellReport } {
  const env = { ...current };
  let pathFromShell = false;
  let kubeconfigFromShell = false;
  if (shell.PATH) {
    const entries = shell.PATH.split(delimiter).filter(Boolean);
    for (const entry of (current.PATH ?? '').split(delimiter)) {
      if (entry && !entries.includes(entry)) entries.push(entry);
    }
    env.PATH = entries.join(delimiter);
    pathFromShell = true;
  }
  if (shell.KUBECONFIG && !current.KUBECONFIG) {
    env.KUBECONFIG = shell.KUBECONFIG;
    kubeconfigFromShell = true;
  }
  return { env, report: { ...shell.report, pathFromShell, kubeconfigFromShell } };
}
