import { configDirFor } from '../../core/settings/paths.ts';
import { type ContextSwitch, runUseContext, runUseContextBack } from '../../usecases/use-context.ts';
import { type CliContext, type Command, parseCommandArgs } from '../command.ts';
import { displayPath, kubeconfigPathsFor } from '../kubeconfig-paths.ts';

const usage = `Usage: kubezt use NAME [-n NS] [--kubeconfig PATH]
       kubezt use - [-n NS] [--kubeconfig PATH]
       kubezt use [-n NS] [--kubeconfig PATH]

Sets kubectl's current-context, like "kubectl config use-context", under kubectl's lock and
atomically. NAME may be a context name (zt-prod-us) or a cluster name (prod-us). The
current-context is written where kubectl writes it: with several KUBECONFIG files, the first
one that exists (else the last).

  -n, --namespace NS  also set that context's namespace, in the same write
  -                   switch back to the context kubezt last switched away from in this
                      kubeconfig (by "kubezt use" or the tray), as "kubectx -" does

Without NAME, on a terminal: a fuzzy picker over your contexts (type to filter, arrows or
Ctrl-N/Ctrl-P to move, Enter to switch, Esc or Ctrl-C to leave without a change). Without a
terminal (a pipe, a script): the context names, one per line.

Exit codes: 0 switched (or already current, or listed), 2 unknown NAME (close matches are
listed), no previous context for "-", a bad NS, or a kubeconfig that cannot be written; 130 the
picker was cancelled (nothing written).
`;

function report(ctx: CliContext, r: ContextSwitch): void {
  const where = displayPath(ctx, r.file);
  const ns = r.namespace;
  const context = r.changed
    ? `Switched to context "${r.context}" in ${where}`
    : `Context "${r.context}" is already the current context`;
  if (!ns) ctx.stdout.write(`${context}.\n`);
  else if (ns.changed) ctx.stdout.write(`${context}, with namespace "${ns.name}".\n`);
  else ctx.stdout.write(`${context}; its namespace already is "${ns.name}".\n`);
}

export const useCommand: Command = {
  name: 'use',
  usage,
  async run(args, ctx) {
    const options = { kubeconfig: { type: 'string' }, namespace: { type: 'string', short: 'n' } } as const;
    const { values, positionals } = parseCommandArgs('use', args, options, true);
    if (positionals.length > 1) {
      ctx.stderr.write(
        'kubezt: "kubezt use" takes one NAME, a context or cluster name ("-" for the previous one); "kubezt clusters" lists them.\n',
      );
      return 2;
    }
    const paths = kubeconfigPathsFor(ctx, values.kubeconfig);
    const request = {
      paths,
      configDir: configDirFor({ env: ctx.env, platform: ctx.platform, homeDir: ctx.homeDir, cwd: ctx.cwd }),
      warn: (sentence: string) => ctx.stderr.write(`kubezt: warning: ${sentence}.\n`),
      ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
      ...(ctx.cleanup ? { cleanup: ctx.cleanup } : {}),
    };
    const name = positionals[0];
    if (name === undefined) {
      const { pickContext } = await import('./use-pick.ts');
      const picked = await pickContext(ctx, paths, values.namespace !== undefined);
      if (typeof picked === 'number') return picked;
      report(ctx, await runUseContext({ ...request, name: picked }));
      return 0;
    }
    report(ctx, name === '-' ? await runUseContextBack(request) : await runUseContext({ ...request, name }));
    return 0;
  },
};
