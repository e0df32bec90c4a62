import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { writePrivateFile } from '../../core/settings/private-files.ts';
import { type Command, intOption, parseCommandArgs } from '../command.ts';

const usage = `Usage: kubezt demo [--clusters N] [--write-env PATH] [--app]

Starts the simulated world on loopback only: a Cloudflare account whose tunnel routes point at
N Kubernetes API servers (real TLS, each on its own 127.0.x.y:6443), a WARP client, and a
throwaway settings folder, team catalog and kubeconfig. Prints the environment to use with it.
Ctrl-C stops everything and removes the throwaway folder.

With 2+ clusters the account has two virtual networks that share an IP: prod-eu (default
network) and prod-eu-staging (network "staging") on the same IP:port, where a simulated WARP
data plane forwards each connection to one API server or the other according to WARP's selected
network. "kubezt use prod-eu-staging" switches WARP to "staging".

Options:
  --clusters N      how many API servers (default 5, at most 200)
  --write-env PATH  also write the environment as "export" lines to PATH (owner-only, 0600:
                    it holds the demo's API token)
  --app             also start the desktop app against it (needs a display)
`;

export const demoCommand: Command = {
  name: 'demo',
  usage,
  async run(args, ctx) {
    const { values } = parseCommandArgs('demo', args, {
      clusters: { type: 'string' },
      'write-env': { type: 'string' },
      app: { type: 'boolean' },
    });
    const clusters = intOption('demo', 'clusters', values.clusters, 5);
    if (clusters > 200) {
      ctx.stderr.write('kubezt: --clusters takes at most 200 for the demo; use bench/ for larger fleets.\n');
      return 2;
    }
    // Loaded here, not at the top: the simulator (certificate generation, fakes) is only for
    // the demo, and every other command must start fast.
    const { startSimulator } = await import('../../../sim/environment.ts');
    const dir = mkdtempSync(join(tmpdir(), 'kubezt-demo-'));
    let sim: Awaited<ReturnType<typeof startSimulator>>;
    try {
      sim = await startSimulator({ dir, clusters, overlapping: true });
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    try {
      const exports = Object.entries(sim.env).map(([k, v]) => `export ${k}=${shellQuote(v)}`);
      // It holds the demo's API token: owner-only, as any file kubezt writes a token into.
      if (values['write-env']) await writePrivateFile(resolve(ctx.cwd, values['write-env']), `${exports.join('\n')}\n`);
      const width = Math.max(...sim.clusters.map((c) => c.name.length));
      const kubezt = launcherFor(ctx.env.PATH, process.argv[1], ctx.platform);
      const out = [
        `kubezt demo: ${sim.clusters.length} simulated API servers, a simulated Cloudflare account and WARP client, on loopback only.`,
        '',
        ...sim.clusters.map(
          (c) =>
            `  ${c.name.padEnd(width)}  ${c.url.padEnd(24)}  ${c.source === 'cloudflare' ? `Cloudflare tunnel k8s-${c.name}` : 'team catalog only'}${c.virtualNetwork ? `, network ${c.virtualNetwork}` : ''}`,
        ),
        '',
        ...networkLines(sim),
        'Paste these into another shell:',
        '',
        ...exports.map((l) => `  ${l}`),
        '',
        'Then try:',
        '  kubectl --context my-own-context version   # your own entry, already there',
        ...['warp', 'clusters', 'setup --dry-run', 'setup --yes'].map((c) => `  ${kubezt} ${c}`),
        `  kubectl --context zt-${sim.clusters[0]?.name ?? 'prod-us'} auth whoami`,
        ...(sim.dataPlane
          ? [
              `  ${kubezt} use prod-eu-staging          # switches WARP to the "staging" network`,
              '  kubectl auth whoami                       # staging-admin: the same IP, the other cluster',
              `  ${kubezt} use prod-eu                  # and back`,
            ]
          : []),
        '',
        `Ctrl-C stops the demo and removes ${dir}.`,
        '',
      ];
      ctx.stdout.write(out.join('\n'));
      if (values.app) {
        const app = spawn(join('node_modules', '.bin', 'electron-vite'), ['preview'], {
          stdio: 'inherit',
          env: { ...ctx.env, ...sim.env },
        });
        await Promise.race([ctx.interrupted, new Promise((r) => app.once('exit', r))]);
        app.kill();
      } else {
        await ctx.interrupted;
      }
      return 0;
    } finally {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
      ctx.stdout.write('kubezt demo stopped.\n');
    }
  },
};

/** The virtual networks, as the Cloudflare account and the WARP client both list them. */
function networkLines(sim: {
  networks: { id: string; name: string; default?: boolean }[];
  warp: { activeVnetId(): string | null };
}): string[] {
  if (sim.networks.length === 0) return [];
  const active = sim.warp.activeVnetId();
  const width = Math.max(...sim.networks.map((n) => n.name.length));
  return [
    'Virtual networks (* = selected in WARP):',
    ...sim.networks.map(
      (n) => `  ${n.id === active ? '*' : ' '} ${n.name.padEnd(width)}  ${n.id}${n.default ? '  (default)' : ''}`,
    ),
    '',
  ];
}

/**
 * How to start this kubezt in the suggested commands: `kubezt` when that name on PATH is this
 * checkout's launcher, else the launcher's own path. `npx kubezt` would work too, but npm adds
 * a second or more to every start.
 */
export function launcherFor(path: string | undefined, script: string | undefined, platform: NodeJS.Platform): string {
  if (!script || basename(script) !== 'kubezt.js') return 'kubezt';
  const sh = join(dirname(script), 'kubezt');
  if (platform === 'win32') return `node ${shellQuote(script)}`;
  for (const dir of (path ?? '').split(delimiter).filter(Boolean)) {
    const found = join(dir, 'kubezt');
    if (existsSync(found) && sameFile(found, sh)) return 'kubezt';
  }
  return shellQuote(sh);
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

function shellQuote(v: string): string {
  return /^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}
