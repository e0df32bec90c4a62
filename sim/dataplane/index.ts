import net from 'node:net';

/**
 * A fake WARP data plane: a TCP forwarder bound on each routed IP:port (loopback addresses standing
 * in for private IPs) that sends every connection to the upstream of the route in the ACTIVE
 * virtual network, read at connect time. Two clusters that share an IP in different virtual
 * networks are then told apart the way a real device tells them apart: by which network WARP has
 * selected. Independent of the Cloudflare fake: the caller passes the route table.
 */

export interface DataPlaneRoute {
  vnetId: string;
  /** The routed address the client dials (127.0.0.0/8 or ::1). */
  ip: string;
  /** 0 binds a free port, shared by every route of that IP given with port 0. */
  port: number;
  /** Where the connection goes while `vnetId` is the active network (an API server). */
  upstream: { host: string; port: number };
}

export interface StartDataPlaneOptions {
  routes: readonly DataPlaneRoute[];
  /** The selected virtual network, asked on each connection (e.g. `() => fakeWarp.activeVnetId()`). */
  activeVnet: () => string | null;
  /** Whether WARP carries traffic at all, asked on each connection (default: always). */
  connected?: () => boolean;
  /**
   * What a connection with no route in the active network gets: `reset` (the default) closes it at
   * once; `drop` accepts and never answers, like a tunnel that has no route for it.
   */
  unrouted?: 'reset' | 'drop';
}

export interface DataPlaneConnection {
  ip: string;
  port: number;
  /** The active network when the connection arrived. */
  vnetId: string | null;
  /** `host:port` it was sent to; null when it had no route there (or WARP was down). */
  upstream: string | null;
}

export interface DataPlane {
  /** The bound port of a routed IP:port as given (the same port unless it was 0). */
  portOf(ip: string, port: number): number;
  connections(): DataPlaneConnection[];
  close(): Promise<void>;
}

function isLoopback(ip: string): boolean {
  return net.isIPv4(ip) ? ip.startsWith('127.') : ip === '::1';
}

const keyOf = (ip: string, port: number) => `${ip}|${port}`;

function forward(client: net.Socket, upstream: DataPlaneRoute['upstream']): void {
  const up = net.connect({ host: upstream.host, port: upstream.port });
  const end = () => {
    client.destroy();
    up.destroy();
  };
  client.on('error', end);
  up.on('error', end);
  client.on('close', end);
  up.on('close', end);
  client.pipe(up);
  up.pipe(client);
}

export async function startDataPlane(opts: StartDataPlaneOptions): Promise<DataPlane> {
  for (const r of opts.routes) {
    if (!isLoopback(r.ip)) throw new Error(`the fake data plane binds loopback addresses only, not ${r.ip}`);
  }
  const log: DataPlaneConnection[] = [];
  const held = new Set<net.Socket>();
  const servers = new Map<string, { server: net.Server; port: number }>();
  const groups = new Map<string, DataPlaneRoute[]>();
  for (const r of opts.routes) groups.set(keyOf(r.ip, r.port), [...(groups.get(keyOf(r.ip, r.port)) ?? []), r]);

  const accept = (ip: string, port: number, routes: DataPlaneRoute[]) => (client: net.Socket) => {
    held.add(client);
    client.on('close', () => held.delete(client));
    const vnetId = opts.activeVnet();
    const route = opts.connected?.() === false ? undefined : routes.find((r) => r.vnetId === vnetId);
    log.push({ ip, port, vnetId, upstream: route ? `${route.upstream.host}:${route.upstream.port}` : null });
    if (route) forward(client, route.upstream);
    else if (opts.unrouted === 'drop') client.on('error', () => client.destroy());
    else client.resetAndDestroy();
  };

  try {
    for (const [key, routes] of groups) {
      const { ip, port } = routes[0] as DataPlaneRoute;
      const server = net.createServer();
      await new Promise<void>((ok, fail) => {
        server.once('error', fail);
        server.listen({ host: ip, port, exclusive: true }, () => ok());
      });
      const bound = (server.address() as net.AddressInfo).port;
      server.on('connection', accept(ip, bound, routes));
      servers.set(key, { server, port: bound });
    }
  } catch (e) {
    await Promise.all([...servers.values()].map(({ server }) => new Promise((r) => server.close(r))));
    throw e;
  }

  return {
    portOf(ip, port) {
      const s = servers.get(keyOf(ip, port));
      if (!s) throw new Error(`the data plane routes nothing on ${ip}:${port}`);
      return s.port;
    },
    connections: () => log.map((c) => ({ ...c })),
    async close() {
      for (const s of held) s.destroy();
      await Promise.all([...servers.values()].map(({ server }) => new Promise((r) => server.close(r))));
    },
  };
}
