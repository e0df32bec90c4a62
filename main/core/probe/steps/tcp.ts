import { DeadlineError } from '../deadline.ts';
import { connectTcp } from '../network.ts';
import { fail, hostPort, ok } from './outcome.ts';
import type { Step } from './state.ts';

/** A bare TCP connection to the server: it carries no credential, so it starts while WARP and the route are read. */
export const tcpStep: Step = {
  name: 'tcp',
  async run({ target, server, host, port, conn, keep, resolveIp }, signal) {
    if (!server) {
      return fail(
        'dns',
        `"${target.server}" is not an https:// URL.`,
        'Fix the server URL in the kubeconfig (https://IP:port).',
      );
    }
    let address: string;
    try {
      address = await resolveIp();
    } catch (e) {
      return fail(
        'dns',
        `Could not resolve ${host}: ${(e as Error).message}.`,
        'Check the server name in the kubeconfig.',
      );
    }
    const started = performance.now();
    try {
      conn.socket = keep(await connectTcp(address, port, signal));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ECONNREFUSED') {
        return fail(
          'refused',
          `${hostPort(address, port)} refused the connection.`,
          `Nothing accepts connections on ${hostPort(address, port)}: check that the API server is up and that the tunnel (cloudflared) routes this IP to it.`,
        );
      }
      if (code === 'ETIMEDOUT') throw new DeadlineError(0);
      return fail(
        'unreachable',
        `${hostPort(address, port)} is unreachable (${code ?? (e as Error).message}).`,
        `Check that ${address} is routed through WARP and that the tunnel is healthy.`,
      );
    }
    const connectMs = Math.round((performance.now() - started) * 10) / 10;
    return ok('connected', `Connected to ${hostPort(address, port)} in ${connectMs} ms.`, {
      ip: address,
      port,
      connectMs,
    });
  },
  onDeadline: ({ conn, host, port }, ms) =>
    fail(
      'timeout',
      `No answer from ${hostPort(conn.ip ?? host, port)} within ${ms} ms.`,
      `Packets to ${conn.ip ?? host} are dropped: check that WARP routes it (split tunnel Include list) and that the tunnel serving it is healthy.`,
    ),
};
