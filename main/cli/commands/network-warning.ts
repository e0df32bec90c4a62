import { contextVirtualNetwork, deviceWideNetworkWarning } from '../../usecases/join-network.ts';
import type { CliContext } from '../command.ts';

/**
 * Per-shell contexts (`shell`, `env`, `exec`) only warn: the virtual network is device-wide, so a
 * switch made for one shell would move every other terminal and app on the device with it.
 */
export async function warnDeviceWideNetwork(ctx: CliContext, paths: readonly string[], context: string): Promise<void> {
  const network = await contextVirtualNetwork(paths, context);
  if (!network) return;
  const { readVirtualNetworks, warpEnvFromProcess } = await import('../../core/warp/index.ts');
  const warp = await readVirtualNetworks(warpEnvFromProcess(ctx.env, ctx.platform, ctx.runner, fetch));
  const sentence = deviceWideNetworkWarning(context, network, warp);
  if (sentence) ctx.stderr.write(`kubezt: ${sentence}\n`);
}
