import { removePrivateFile } from '../../core/kubeconfig/private-file.ts';
import { type Command, parseCommandArgs } from '../command.ts';
import {
  oneName,
  privateSession,
  runChild,
  sessionVariables,
  splitAtDashes,
  writeSessionFile,
} from './private-session.ts';

const usage = `Usage: kubezt exec NAME [-n NS] [--kubeconfig PATH] -- CMD [ARGS...]

Runs one command (kubectl, helm, k9s...) with a private kubeconfig that holds only the context
NAME (a context or cluster name), its cluster and its user, without changing the current-context
of your kubeconfig. The file is 0600 in kubezt's runtime folder ($XDG_RUNTIME_DIR/kubezt, else
the temp folder) and is removed when the command ends. KUBECONFIG, KUBEZT_CONTEXT and
KUBEZT_NAMESPACE are set for the command.

  -n, --namespace NS   the namespace the command works in (default: the context's own)

SIGINT, SIGTERM and SIGHUP sent to kubezt are passed to the command.

Exit codes: the command's own; 128 + n when signal n ended it; 127 when it is not found;
2 unknown NAME or bad usage (nothing was run).
`;

export const execCommand: Command = {
  name: 'exec',
  usage,
  async run(args, ctx) {
    const { own, command } = splitAtDashes(args);
    if (!command || command.length === 0) {
      ctx.stderr.write(
        'kubezt: "kubezt exec" needs the command after "--", as in: kubezt exec NAME -- kubectl get pods.\n',
      );
      return 2;
    }
    const options = { namespace: { type: 'string', short: 'n' }, kubeconfig: { type: 'string' } } as const;
    const { values, positionals } = parseCommandArgs('exec', own, options, true);
    const session = await privateSession(ctx, oneName('exec', positionals), values.namespace, values.kubeconfig);
    const file = writeSessionFile(session, 'run');
    return runChild(ctx, {
      command: command[0] as string,
      args: command.slice(1),
      env: { ...ctx.env, ...sessionVariables(session, file) },
      signals: 'forward',
      finished: () => removePrivateFile(file),
    });
  },
};
