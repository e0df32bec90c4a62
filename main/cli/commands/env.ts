import { UserError } from '../../core/errors.ts';
import { removePrivateFile } from '../../core/kubeconfig/private-file.ts';
import { type CliContext, type Command, parseCommandArgs } from '../command.ts';
import { currentPrivateFile, oneName, privateSession, sessionVariables, writeSessionFile } from './private-session.ts';

const usage = `Usage: kubezt env NAME [--shell bash|zsh|fish|powershell] [-n NS] [--kubeconfig PATH]
       kubezt env --unset [--shell bash|zsh|fish|powershell]

Prints the lines that point this shell at a private kubeconfig holding only the context NAME,
its cluster and its user, without a sub-shell and without changing your kubeconfig:

  bash, zsh:   eval "$(kubezt env NAME)"
  fish:        kubezt env NAME --shell fish | source
  PowerShell:  kubezt env NAME --shell powershell | Invoke-Expression

The file is 0600 in kubezt's runtime folder ($XDG_RUNTIME_DIR/kubezt, else the temp folder). No
process watches it, so it stays until "kubezt env --unset" (eval it the same way: it removes the
file and prints the lines that put KUBECONFIG back), or until a later kubezt removes it 7 days
after it was written. Running "kubezt env OTHER" again replaces the previous env file.

  --shell NAME         the syntax to print (default: from $SHELL, else bash)
  -n, --namespace NS   the namespace kubectl uses (default: the context's own)

Exit codes: 0 printed; 2 unknown NAME or bad usage (nothing was written).
`;

type Shell = 'bash' | 'zsh' | 'fish' | 'powershell';
const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish', 'powershell'];

function shellOf(ctx: CliContext, flag: string | undefined): Shell {
  if (flag !== undefined) {
    if ((SHELLS as readonly string[]).includes(flag)) return flag as Shell;
    throw new UserError('bad-usage', `--shell must be one of ${SHELLS.join(', ')}, not "${flag}".`);
  }
  const name = (ctx.env.SHELL ?? '').split('/').pop() ?? '';
  if (name === 'pwsh') return 'powershell';
  return (SHELLS as readonly string[]).includes(name) ? (name as Shell) : 'bash';
}

const posix = (v: string) => `'${v.replaceAll("'", `'\\''`)}'`;
const fish = (v: string) => `'${v.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
const pwsh = (v: string) => `'${v.replaceAll("'", "''")}'`;

export function setLine(shell: Shell, name: string, value: string): string {
  if (shell === 'fish') return `set -gx ${name} ${fish(value)};`;
  if (shell === 'powershell') return `$env:${name} = ${pwsh(value)}`;
  return `export ${name}=${posix(value)};`;
}

export function unsetLine(shell: Shell, name: string): string {
  if (shell === 'fish') return `set -e ${name};`;
  if (shell === 'powershell') return `Remove-Item Env:${name} -ErrorAction SilentlyContinue`;
  return `unset ${name};`;
}

const OURS = ['KUBEZT_CONTEXT', 'KUBEZT_NAMESPACE', 'KUBEZT_KUBECONFIG'] as const;

function unset(ctx: CliContext, shell: Shell): string[] {
  const inside = currentPrivateFile(ctx);
  if (inside?.kind === 'run') {
    throw new UserError('bad-usage', 'This is a kubezt shell, not a "kubezt env" setting; type "exit" to leave it.');
  }
  if (inside) removePrivateFile(inside.path);
  const original = ctx.env.KUBEZT_KUBECONFIG ?? '';
  const lines = OURS.map((n) => unsetLine(shell, n));
  if (!inside) return lines;
  lines.push(original ? setLine(shell, 'KUBECONFIG', original) : unsetLine(shell, 'KUBECONFIG'));
  return lines;
}

export const envCommand: Command = {
  name: 'env',
  usage,
  async run(args, ctx) {
    const options = {
      shell: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      kubeconfig: { type: 'string' },
      unset: { type: 'boolean' },
    } as const;
    const { values, positionals } = parseCommandArgs('env', args, options, true);
    const shell = shellOf(ctx, values.shell);
    if (values.unset) {
      if (positionals.length > 0) throw new UserError('bad-usage', '"kubezt env --unset" takes no NAME.');
      ctx.stdout.write(`${unset(ctx, shell).join('\n')}\n`);
      return 0;
    }
    const session = await privateSession(ctx, oneName('env', positionals), values.namespace, values.kubeconfig);
    const previous = currentPrivateFile(ctx);
    const file = writeSessionFile(session, 'env');
    // The env file this shell used before is replaced; a kubezt shell's file is its own to remove.
    if (previous?.kind === 'env') removePrivateFile(previous.path);
    const vars = sessionVariables(session, file);
    ctx.stdout.write(
      `${Object.entries(vars)
        .map(([n, v]) => setLine(shell, n, v))
        .join('\n')}\n`,
    );
    return 0;
  },
};
