import { isUserError } from '../../core/errors.ts';
import { runUseContext } from '../../usecases/use-context.ts';
import { type Command, parseCommandArgs } from '../command.ts';
import { displayPath, kubeconfigPathsFor } from '../kubeconfig-paths.ts';
import { cliNetworkStep } from './use-network.ts';

const usage = `Usage: kubezt use NAME [--kubeconfig PATH]

Sets kubectl's current-context, like "kubectl config use-context", under kubectl's lock and
atomically. NAME may be a context name (zt-prod-us) or a cluster name (prod-us). The
current-context is written where kubectl writes it: with several KUBECONFIG files, the first
one that exists (else the last).

When the cluster sits in another WARP virtual network than the selected one, WARP is switched
to it first ("warp-cli vnet ID", device-wide) and kubezt waits until WARP is connected again;
the switchVirtualNetwork setting ("auto", the default; "ask"; "never") decides, and each switch
or warning is one line on stderr. If the switch fails, nothing is written.

Exit codes: 0 switched (or already current), 1 the WARP switch failed (nothing written), 2
unknown NAME (close matches are listed) or a kubeconfig that cannot be written.
`;

export const useCommand: Command = {
  name: 'use',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs('use', args, { kubeconfig: { type: 'string' } }, true);
    if (positionals.length !== 1) {
      ctx.stderr.write(
        'kubezt: "kubezt use" takes exactly one NAME, a context or cluster name; "kubezt clusters" lists them.\n',
      );
      return 2;
    }
    const paths = kubeconfigPathsFor(ctx, values.kubeconfig);
    const r = await runUseContext({
      paths,
      name: positionals[0] as string,
      beforeWrite: cliNetworkStep(ctx, paths),
      ...(ctx.cleanup ? { cleanup: ctx.cleanup } : {}),
    }).catch((e: unknown) => {
      // A switch that failed is a failed check (1), as in `kubezt vnet`; bad input stays 2.
      if (isUserError(e) && e.code === 'warp-switch-failed') return e;
      throw e;
    });
    if (r instanceof Error) {
      ctx.stderr.write(`kubezt: ${r.message}\n`);
      return 1;
    }
    ctx.stdout.write(
      r.changed
        ? `Switched to context "${r.context}" in ${displayPath(ctx, r.file)}.\n`
        : `Context "${r.context}" is already the current context.\n`,
    );
    return 0;
  },
};
