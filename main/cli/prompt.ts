import type { CliContext } from './command.ts';

/** The user closed the prompt (Ctrl-C, Ctrl-D, end of input). */
export class PromptCancelled extends Error {}

/** Reads one echoed line (a menu choice) from a terminal. */
export function readLine(stdin: CliContext['stdin'], stderr: CliContext['stderr'], prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stderr.write(prompt);
    const done = (f: () => void) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
      f();
    };
    const onData = (chunk: string | Uint8Array) => {
      text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const nl = text.search(/[\r\n]/);
      if (nl !== -1) done(() => resolve(text.slice(0, nl)));
    };
    const onEnd = () => done(() => reject(new PromptCancelled()));
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}
