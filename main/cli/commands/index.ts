import type { CommandEntry } from '../command.ts';

/**
 * Every command the CLI offers, in `--help` order (the spec's). A command is listed only once it
 * works: add its module here in the same change that implements it.
 *
 * Each module is loaded only when its command runs, so `kubezt use` in a prompt hook does not
 * pay for the probe engine, the Cloudflare client or the simulator (and the bundled CLI keeps
 * each command in its own chunk).
 */
export const commands: readonly CommandEntry[] = [
  {
    name: 'status',
    summary: 'show the WARP state, the current context and its health, and a cluster summary',
    load: async () => (await import('./status.ts')).statusCommand,
  },
  {
    name: 'warp',
    summary: 'show the WARP state, its signals, split tunnel and per-IP routes',
    load: async () => (await import('./warp.ts')).warpCommand,
  },
  {
    name: 'vnet',
    summary: "list WARP's virtual networks, or switch to one (NAME)",
    load: async () => (await import('./vnet.ts')).vnetCommand,
  },
  {
    name: 'clusters',
    summary: 'list discovered (Cloudflare) and catalog clusters',
    load: async () => (await import('./clusters.ts')).clustersCommand,
  },
  {
    name: 'gateway-policy',
    summary: 'print the Gateway IP list and Do Not Inspect policy for the API IPs (--terraform | --json)',
    load: async () => (await import('./gateway-policy.ts')).gatewayPolicyCommand,
  },
  {
    name: 'setup',
    summary: 'write kubeconfig contexts for the discovered and catalog clusters',
    load: async () => (await import('./setup.ts')).setupCommand,
  },
  {
    name: 'use',
    summary: 'switch current-context to a cluster or context (NAME, - for the previous one, none to pick)',
    load: async () => (await import('./use.ts')).useCommand,
  },
  {
    name: 'ns',
    summary: "list the current context's namespaces, or set its namespace (NS)",
    load: async () => (await import('./ns.ts')).nsCommand,
  },
  {
    name: 'shell',
    summary: 'start a shell whose kubectl uses one context, without changing the kubeconfig',
    load: async () => (await import('./shell.ts')).shellCommand,
  },
  {
    name: 'exec',
    summary: 'run one command (kubectl, helm, k9s) with one context: kubezt exec NAME -- CMD',
    load: async () => (await import('./exec.ts')).execCommand,
  },
  {
    name: 'env',
    summary: 'print the lines to eval that point this shell at one context (--unset undoes them)',
    load: async () => (await import('./env.ts')).envCommand,
  },
  {
    name: 'check',
    summary: 'check that kubectl can reach each cluster (one line per cluster)',
    load: async () => (await import('./check.ts')).checkCommand,
  },
  {
    name: 'diagnose',
    summary: 'explain each cluster step by step, with remedies; --report writes a Markdown report',
    load: async () => (await import('./diagnose.ts')).diagnoseCommand,
  },
  {
    name: 'login',
    summary: 'store a Cloudflare API token in the OS keychain and select the account',
    load: async () => (await import('./login.ts')).loginCommand,
  },
  {
    name: 'logout',
    summary: 'remove the Cloudflare API token from the OS keychain',
    load: async () => (await import('./logout.ts')).logoutCommand,
  },
  {
    name: 'demo',
    summary: 'run the simulated Cloudflare account, API servers and WARP on loopback',
    load: async () => (await import('./demo.ts')).demoCommand,
  },
  {
    name: 'restore',
    summary: 'put back a kubeconfig backup kubezt kept (--list lists them)',
    load: async () => (await import('./restore.ts')).restoreCommand,
  },
];
