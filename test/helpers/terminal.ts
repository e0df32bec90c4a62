import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const hasScript = existsSync('/usr/bin/script');

export interface Terminal {
  /** Everything shown so far (stdout and stderr, as on a screen). */
  output(): string;
  exited: Promise<number | null>;
  /** Resolves once the terminal has shown `text`. */
  shown(text: string): Promise<void>;
  type(keys: string): void;
  kill(): void;
}

/** Runs `argv` in a real terminal through util-linux `script` (needs /usr/bin/script). */
export function openTerminal(argv: string[], opts: { cwd: string; env: Record<string, string | undefined> }): Terminal {
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const env = Object.fromEntries(Object.entries(opts.env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
  const child: ChildProcess = spawn('/usr/bin/script', ['-q', '-e', '-c', argv.map(quote).join(' '), '/dev/null'], {
    cwd: opts.cwd,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters: { text: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  child.stdout?.on('data', (d) => {
    output += d;
    for (const w of [...waiters]) {
      if (output.includes(w.text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  void exited.then(() => {
    for (const w of waiters.splice(0)) w.reject(new Error(`the terminal closed before "${w.text}":\n${output}`));
  });
  return {
    output: () => output,
    exited,
    shown(text) {
      if (output.includes(text)) return Promise.resolve();
      return new Promise((res, rej) => waiters.push({ text, resolve: res, reject: rej }));
    },
    type(keys) {
      child.stdin?.write(keys);
    },
    kill() {
      if (child.exitCode === null) child.kill();
    },
  };
}
