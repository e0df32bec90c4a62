import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';

/**
 * Address allocation for fake API servers. Each IPv4 server gets a loopback address of its own
 * (127.0.x.y, like a routed private IP) at the same port, so many farms (parallel test files,
 * parallel processes) share 127.0.0.0/8 by trying to bind and skipping what is taken, starting at a
 * random point so concurrent farms rarely probe the same addresses.
 *
 * A server with the `refuse` fault must keep its address while nothing listens on it, or another
 * farm could take it and answer in its place. A UDP socket bound to the same IP:port (UDP and TCP
 * ports are separate, so TCP clients still get "connection refused") is that reservation; every
 * allocator binds it first and treats EADDRINUSE on it as "taken".
 */

export interface Binding {
  ip: string;
  port: number;
  family: 4 | 6;
  /** Listening, with no connection handler yet. */
  listener: net.Server;
  /** Null for IPv6, whose port is kernel-chosen and so unique without one. */
  reservation: dgram.Socket | null;
}

const X_MIN = 1;
const X_MAX = 250;
const Y_MIN = 1;
const Y_MAX = 254;
const SPAN = (X_MAX - X_MIN + 1) * (Y_MAX - Y_MIN + 1);

function bindUdp(ip: string, port: number, type: 'udp4' | 'udp6'): Promise<dgram.Socket | 'in-use'> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket({ type, reuseAddr: false });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      sock.close();
      if (e.code === 'EADDRINUSE' || e.code === 'EACCES') resolve('in-use');
      else reject(e);
    });
    sock.bind({ address: ip, port, exclusive: true }, () => {
      sock.removeAllListeners('error');
      sock.on('error', () => {});
      resolve(sock);
    });
  });
}

export function listenTcp(ip: string, port: number): Promise<net.Server | 'in-use'> {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ pauseOnConnect: false });
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE' || e.code === 'EACCES') resolve('in-use');
      else reject(e);
    });
    server.listen({ host: ip, port, exclusive: true }, () => {
      server.removeAllListeners('error');
      resolve(server);
    });
  });
}

/** Address allocator over 127.0.1.1 … 127.0.250.254, one per call, never the same twice. */
export function createIpv4Allocator(port: number): () => Promise<Binding> {
  let cursor = randomInt(SPAN);
  let tried = 0;
  return async () => {
    while (tried < SPAN) {
      const index = cursor;
      cursor = (cursor + 1) % SPAN;
      tried++;
      const ip = `127.0.${X_MIN + Math.floor(index / (Y_MAX - Y_MIN + 1))}.${Y_MIN + (index % (Y_MAX - Y_MIN + 1))}`;
      const reservation = await bindUdp(ip, port, 'udp4').catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'EADDRNOTAVAIL') {
          throw new Error(
            `Cannot bind ${ip}: this system routes only 127.0.0.1 to loopback (macOS: add an alias with "sudo ifconfig lo0 alias ${ip}").`,
          );
        }
        throw e;
      });
      if (reservation === 'in-use') continue;
      const listener = await listenTcp(ip, port);
      if (listener === 'in-use') {
        reservation.close();
        continue;
      }
      return { ip, port, family: 4, listener, reservation };
    }
    throw new Error(`No free loopback address for port ${port}: every 127.0.x.y in the farm range is taken.`);
  };
}

export async function allocateIpv6(): Promise<Binding> {
  const listener = await listenTcp('::1', 0);
  if (listener === 'in-use') throw new Error('Cannot listen on [::1]: is IPv6 loopback disabled?');
  const address = listener.address() as net.AddressInfo;
  return { ip: '::1', port: address.port, family: 6, listener, reservation: null };
}
