import { isUserError } from '../../core/errors.ts';
import type { ProfileAttempt } from '../../core/warp/index.ts';
import { type Command, intOption, parseCommandArgs, writeJson } from '../command.ts';
import { networkLines, type VirtualNetworksJson, virtualNetworksJson } from './warp-profile.ts';

const usage = `Usage: kubezt vnet [NAME] [--json] [--timeout MS]

Without NAME, lists the WARP client's virtual networks, the selected one marked with "*". With
NAME (a network's name or id), selects it with "warp-cli vnet ID" and waits until WARP reports
connected on it. The virtual network is device-wide: every terminal and app on this device
follows it.

Options:
  --timeout MS  how long to wait for WARP to reconnect after a switch (default 30000)
  --json        list: { version: 1, virtualNetworks: { active, activeName, networks: [{ id, name,
                description, default, active }] } }; switch: { version: 1, switched, previous,
                network: { id, name, description, default }, waitedMs }

Environment: KUBEZT_WARP_CLI (warp-cli path).

Exit codes: 0 listed, or WARP is connected on NAME; 1 warp-cli could not list or switch; 2 bad
usage or a NAME WARP does not have.
`;

export interface VnetListJson {
  version: 1;
  virtualNetworks: VirtualNetworksJson;
}

export interface VnetSwitchJson {
  version: 1;
  switched: boolean;
  previous: string | null;
  network: { id: string; name: string; description: string; default: boolean };
  waitedMs: number;
}

export const vnetCommand: Command = {
  name: 'vnet',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      'vnet',
      args,
      { json: { type: 'boolean' }, timeout: { type: 'string' } },
      true,
    );
    if (positionals.length > 1) {
      ctx.stderr.write(`kubezt: "kubezt vnet" takes one network name or id, not ${positionals.length}.\n`);
      return 2;
    }
    const deadlineMs = intOption('vnet', 'timeout', values.timeout, 30_000);
    const { readVirtualNetworks, switchVirtualNetwork, warpEnvFromProcess } = await import('../../core/warp/index.ts');
    const env = warpEnvFromProcess(ctx.env, ctx.platform, ctx.runner, fetch);
    const name = positionals[0];
    if (name === undefined) {
      const log: ProfileAttempt[] = [];
      const listed = virtualNetworksJson(await readVirtualNetworks(env, log));
      if (!listed) {
        const said = log.at(-1)?.raw.split('\n')[0]?.slice(0, 200);
        ctx.stderr.write(`kubezt: warp-cli did not list the virtual networks${said ? ` ("${said}")` : ''}.\n`);
        return 1;
      }
      if (values.json) {
        writeJson(ctx, { version: 1, virtualNetworks: listed } satisfies VnetListJson);
        return 0;
      }
      const lines = listed.networks.length > 0 ? networkLines(listed) : ['  (WARP lists no virtual network)'];
      ctx.stdout.write(`WARP virtual networks (* = selected):\n${lines.join('\n')}\n`);
      return 0;
    }
    try {
      const r = await switchVirtualNetwork({ env, id: name, deadlineMs });
      if (values.json) {
        const out: VnetSwitchJson = {
          version: 1,
          switched: r.switched,
          previous: r.previous,
          network: r.network,
          waitedMs: Math.round(r.waitedMs),
        };
        writeJson(ctx, out);
      } else {
        ctx.stdout.write(
          r.switched
            ? `Switched WARP to virtual network ${r.network.name} (${r.network.id}); WARP is connected.\n`
            : `WARP is already connected on virtual network ${r.network.name} (${r.network.id}).\n`,
        );
      }
      return 0;
    } catch (e) {
      // A name WARP does not have is bad input (2); a switch that failed is a failed check (1).
      if (isUserError(e) && e.code === 'warp-switch-failed') {
        ctx.stderr.write(`kubezt: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  },
};
