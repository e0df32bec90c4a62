import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasTmux = existsSync('/usr/bin/tmux');

export interface TmuxPane {
  /** Resolves once the pane has printed `text` (escape sequences removed). */
  shown(text: string): Promise<void>;
  /** The screen as tmux renders it now, one string per row. */
  screen(): Promise<string[]>;
  /** tmux key names (`Enter`, `Escape`, `Down`, `C-n`) or, with literal, text typed as is. */
  keys(keys: string[], literal?: boolean): void;
  close(): void;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences are removed.
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]/g;

/**
 * Runs `command` (a shell line) in a fresh tmux server of its own, `columns`×`rows`, watched
 * through a control-mode client: every byte the pane prints arrives as an event, so waits need
 * no polling. The command starts only once the client is attached (it waits on a tmux channel).
 */
export async function openTmux(
  command: string,
  opts: { cwd: string; env: Record<string, string | undefined>; columns: number; rows: number },
): Promise<TmuxPane> {
  // A socket of its own in a folder of its own, removed on close: no tmux server is shared or left.
  const socketDir = mkdtempSync(join(tmpdir(), 'kubezt-tmux-'));
  const socket = join(socketDir, 'socket');
  const env = Object.fromEntries(Object.entries(opts.env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
  const tmux = (args: string[]) => spawnSync('/usr/bin/tmux', ['-S', socket, '-f', '/dev/null', ...args], { env });
  const line = `tmux -S '${socket}' wait-for go; ${command}`;
  const size = ['-x', `${opts.columns}`, '-y', `${opts.rows}`];
  const started = tmux(['new-session', '-d', ...size, '-s', 't', '-c', opts.cwd, line]);
  if (started.status !== 0) throw new Error(`tmux did not start: ${started.stderr}`);
  const client: ChildProcess = spawn('/usr/bin/tmux', ['-S', socket, '-C', 'attach', '-t', 't'], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let printed = '';
  let pending = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const replies: ((lines: string[]) => void)[] = [];
  let block: string[] | null = null;
  client.stdout?.on('data', (d) => {
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const l of lines) {
      if (block) {
        if (/^%(end|error) /.test(l)) {
          replies.shift()?.(block);
          block = null;
        } else block.push(l);
      } else if (/^%begin \d+ \d+ 1$/.test(l)) block = [];
      else if (l.startsWith('%output ')) {
        const data = l
          .replace(/^%output %\d+ /, '')
          .replace(/\\(\d{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
        printed += data.replace(ANSI, '');
        for (const w of [...waiters]) {
          if (printed.includes(w.text)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        }
      }
    }
  });
  const send = (cmd: string): Promise<string[]> =>
    new Promise((resolve) => {
      replies.push(resolve);
      client.stdin?.write(`${cmd}\n`);
    });
  await send('wait-for -S go');
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  return {
    shown(text) {
      if (printed.includes(text)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ text, resolve }));
    },
    screen: () => send('capture-pane -p -t t'),
    keys(keys, literal = false) {
      void send(`send-keys -t t ${literal ? '-l ' : ''}${keys.map(quote).join(' ')}`);
    },
    close() {
      client.kill();
      tmux(['kill-server']);
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}
