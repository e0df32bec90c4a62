import { removePrivateFile, replacePrivateFile } from '../../core/kubeconfig/private-file.ts';
import { type Command, parseCommandArgs } from '../command.ts';
import {
  currentPrivateFile,
  oneName,
  privateSession,
  runChild,
  sessionVariables,
  writeSessionFile,
} from './private-session.ts';

const usage = `Usage: kubezt shell NAME [-n NS] [--kubeconfig PATH]

Starts your shell ($SHELL, else /bin/sh) with a private kubeconfig that holds only the context
NAME (a context or cluster name), its cluster and its user: kubectl in that shell uses NAME,
while other terminals keep your kubeconfig's current-context, which kubezt does not change.
The file is 0600 in kubezt's runtime folder ($XDG_RUNTIME_DIR/kubezt, else the temp folder) and
is removed when the shell exits, or when kubezt gets SIGHUP (terminal closed) or SIGTERM.
KUBEZT_CONTEXT and KUBEZT_NAMESPACE are set for your prompt (see the README).

  -n, --namespace NS   the namespace kubectl uses in that shell (default: the context's own)

Inside a kubezt shell, "kubezt shell OTHER" does not stack a second private kubeconfig: it
rewrites the shell's own file to hold OTHER, and starts the new shell on it ("exec kubezt
shell OTHER" replaces the current shell too). The outer kubezt shell removes that file.

Exit codes: the shell's own; 128 + n when signal n ended kubezt; 2 unknown NAME or bad usage.
`;

export const shellCommand: Command = {
  name: 'shell',
  usage,
  async run(args, ctx) {
    const options = { namespace: { type: 'string', short: 'n' }, kubeconfig: { type: 'string' } } as const;
    const { values, positionals } = parseCommandArgs('shell', args, options, true);
    const session = await privateSession(ctx, oneName('shell', positionals), values.namespace, values.kubeconfig);
    const inside = currentPrivateFile(ctx);
    let file: string;
    let owned: boolean;
    if (inside?.kind === 'run') {
      ctx.stderr.write(
        `kubezt: already in a kubezt shell for "${ctx.env.KUBEZT_CONTEXT}"; its private kubeconfig now holds "${session.context}" instead.\n`,
      );
      replacePrivateFile(inside.path, session.bytes);
      file = inside.path;
      owned = false;
    } else {
      file = writeSessionFile(session, 'run');
      owned = true;
    }
    const shell = ctx.env.SHELL || '/bin/sh';
    return runChild(ctx, {
      command: shell,
      args: [],
      env: { ...ctx.env, ...sessionVariables(session, file) },
      signals: 'hangup',
      finished: () => {
        if (owned) removePrivateFile(file);
      },
    });
  },
};
