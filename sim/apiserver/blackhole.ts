import { spawn } from 'node:child_process';
import net from 'node:net';

/**
 * Makes TCP connects to IP:port time out on loopback, where nothing normally drops packets:
 * a child process listens with a backlog of 1 (Node reads 0 as "default") and is then
 * stopped (SIGSTOP), so it never accepts; filler connections take the accept-queue slots, and from then on the kernel
 * drops every SYN, exactly what a client sees behind a dead route.
 *
 * The child runs in its own process group: if the farm's process dies without cleaning up, the
 * group is orphaned with a stopped member and the kernel sends it SIGHUP + SIGCONT, which ends it.
 * POSIX only (the farm's other faults work everywhere).
 */
export interface Blackhole {
  close(): Promise<void>;
}

const CHILD = `
const net = require('node:net');
const [host, port] = [process.argv[1], Number(process.argv[2])];
const s = net.createServer();
s.on('error', (e) => { process.stdout.write('error ' + e.code + '\\n'); process.exit(1); });
s.listen({ host, port, backlog: 1, exclusive: true }, () => process.stdout.write('ready\\n'));
`;

export async function startBlackhole(ip: string, port: number): Promise<Blackhole> {
  const child = spawn(process.execPath, ['-e', CHILD, ip, String(port)], {
    stdio: ['ignore', 'pipe', 'ignore'],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', () => resolve(out.trim() || 'exited'));
  });
  if (ready !== 'ready') throw new Error(`Could not hold ${ip}:${port} for the blackhole fault (${ready}).`);
  process.kill(child.pid as number, 'SIGSTOP');
  // Fill the accept queue: a connect that does not complete at once means it is full.
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 8; i++) {
    const s = net.connect({ host: ip, port });
    s.on('error', () => {});
    const connected = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 300);
      s.once('connect', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    if (!connected) {
      s.destroy();
      break;
    }
    fillers.push(s);
  }
  return {
    async close() {
      for (const f of fillers) f.destroy();
      try {
        process.kill(child.pid as number, 'SIGKILL');
      } catch {}
      await exited;
    },
  };
}
