import { UserError } from '../../core/errors.ts';
import { setKubeconfigNamespace } from '../../core/kubeconfig/namespace.ts';
import { extractPrivateContext } from '../../core/kubeconfig/private-context.ts';
import { loadKubeconfig } from '../../core/kubeconfig/read.ts';
import { type CliContext, type Command, parseCommandArgs, writeJson } from '../command.ts';
import { displayPath, kubeconfigPathsFor } from '../kubeconfig-paths.ts';

const usage = `Usage: kubezt ns [--json] [--kubeconfig PATH]
       kubezt ns NS [--kubeconfig PATH]

Without NS: lists the namespaces of the current context, read from its API server with the
context's own credentials; the context's namespace is marked with "*".
With NS: sets the current context's namespace in your kubeconfig, the way "kubezt use" sets the
context: kubectl's lock, only that value's bytes changed, written atomically (no backup). NS is
not looked up on the cluster, so it works offline.

Inside a "kubezt shell" or "kubezt env", KUBECONFIG is that shell's private file: "kubezt ns NS"
changes the namespace of that shell only.

  --json   the list as JSON: { version, context, namespace, namespaces: [{ name, phase, current }] }

Exit codes: 0 listed or set; 1 the API server could not be asked or refused; 2 bad NS, no
current context, or a kubeconfig that cannot be written.
`;

async function list(ctx: CliContext, paths: string[], json: boolean): Promise<number> {
  const set = await loadKubeconfig(paths);
  if (!set.currentContext) {
    throw new UserError('not-found', 'No current context is set; run "kubezt use NAME" first.');
  }
  const session = extractPrivateContext(set, { name: set.currentContext });
  const current = session.namespace || 'default';
  const { listNamespaces, NamespaceListError } = await import('../../core/namespaces/list.ts');
  let items: Awaited<ReturnType<typeof listNamespaces>>;
  try {
    items = await listNamespaces(session.bytes);
  } catch (e) {
    if (!(e instanceof NamespaceListError)) throw e;
    ctx.stderr.write(
      `kubezt: cannot list the namespaces of "${session.context}": ${e.message}; "kubezt diagnose ${session.context}" explains why.\n`,
    );
    return 1;
  }
  if (json) {
    writeJson(ctx, {
      version: 1,
      context: session.context,
      namespace: current,
      namespaces: items.map((n) => ({ name: n.name, phase: n.phase, current: n.name === current })),
    });
    return 0;
  }
  ctx.stdout.write(items.map((n) => `${n.name === current ? '*' : ' '} ${n.name}\n`).join(''));
  return 0;
}

export const nsCommand: Command = {
  name: 'ns',
  usage,
  async run(args, ctx) {
    const options = { json: { type: 'boolean' }, kubeconfig: { type: 'string' } } as const;
    const { values, positionals } = parseCommandArgs('ns', args, options, true);
    const paths = kubeconfigPathsFor(ctx, values.kubeconfig);
    if (positionals.length === 0) return list(ctx, paths, values.json === true);
    if (positionals.length > 1 || values.json) {
      throw new UserError('bad-usage', '"kubezt ns" takes at most one namespace NAME, and --json only when listing.');
    }
    const r = await setKubeconfigNamespace({
      paths,
      namespace: positionals[0] as string,
      ...(ctx.cleanup ? { cleanup: ctx.cleanup } : {}),
    });
    ctx.stdout.write(
      r.changed
        ? `Context "${r.context}" now uses namespace "${r.namespace}" (in ${displayPath(ctx, r.file)}).\n`
        : `Context "${r.context}" already uses namespace "${r.namespace}".\n`,
    );
    return 0;
  },
};
