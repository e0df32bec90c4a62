import { isUserError } from '../../core/errors.ts';
import { configDirFor } from '../../core/settings/paths.ts';
import { type ContextSwitch, runUseContext, runUseContextBack } from '../../usecases/use-context.ts';
import { type CliContext, type Command, parseCommandArgs } from '../command.ts';
import { displayPath, kubeconfigPathsFor } from '../kubeconfig-paths.ts';
import { cliNetworkStep } from './use-network.ts';

const usage = `Usage: kubezt use NAME [-n NS] [--kubeconfig PATH]
       kubezt use - [-n NS] [--kubeconfig PATH]
       kubezt use [-n NS] [--kubeconfig PATH]

Sets kubectl's current-context, like "kubectl config use-context", under kubectl's lock and
atomically. NAME may be a context name (zt-prod-us) or a cluster name (prod-us). The
current-context is written where kubectl writes it: with several KUBECONFIG files, the first
one that exists (else the last).

When the cluster sits in another WARP virtual network than the selected one, WARP is switched
to it first ("warp-cli vnet ID", device-wide) and kubezt waits until WARP is connected again;
the switchVirtualNetwork setting ("auto", the default; "ask"; "never") decides, and each switch
or warning is one line on stderr. If the switch fails, nothing is written.

  -n, --namespace NS  also set that context's namespace, in the same write
  -                   switch back to the context kubezt last switched away from in this
                      kubeconfig (by "kubezt use" or the tray), as "kubectx -" does

Without NAME, on a terminal: a fuzzy picker over your contexts (type to filter, arrows or
Ctrl-N/Ctrl-P to move, Enter to switch, Esc or Ctrl-C to leave without a change). Without a
terminal (a pipe, a script): the context names, one per line.

Exit codes: 0 switched (or already current, or listed), 1 the WARP switch failed (nothing
written), 2 unknown NAME (close matches are listed), no previous context for "-", a bad NS, or
a kubeconfig that cannot be written; 130 the picker was cancelled (nothing written).
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
      beforeWrite: cliNetworkStep(ctx),
      ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
      ...(ctx.cleanup ? { cleanup: ctx.cleanup } : {}),
    };
    const name = positionals[0];
    let switching: Promise<ContextSwitch>;
    if (name === undefined) {
      const { pickContext } = await import('./use-pick.ts');
      const picked = await pickContext(ctx, paths, values.namespace !== undefined);
      if (typeof picked === 'number') return picked;
      switching = runUseContext({ ...request, name: picked });
    } else switching = name === '-' ? runUseContextBack(request) : runUseContext({ ...request, name });
    const r = await switching.catch((e: unknown) => {
      // A switch that failed is a failed check (1), as in `kubezt vnet`; bad input stays 2.
      if (isUserError(e) && e.code === 'warp-switch-failed') return e;
      throw e;
    });
    if (r instanceof Error) {
      ctx.stderr.write(`kubezt: ${r.message}\n`);
      return 1;
    }
    report(ctx, r);
    return 0;
  },
};
