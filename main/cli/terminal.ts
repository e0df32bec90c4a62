import type { CliContext } from './command.ts';
import type { PickerIO } from './picker.ts';

/**
 * A full-screen session on the user's terminal for the picker: raw input, the alternate screen,
 * and a restore that runs on every way out (a pick, a cancel, an exception, a signal the command
 * turned into a cancel, and the process exiting any other way: the 'exit' hook puts the terminal
 * back even then). Ctrl-C in raw mode is a byte, which the picker reads.
 */

type TtyOut = CliContext['stderr'] & { columns?: number; rows?: number };

export interface TerminalSession extends PickerIO {
  /** Raw mode off, main screen back, cursor shown; safe to call more than once. */
  restore(): void;
}

/** Whether `kubezt use` with no NAME may open the picker: input and output are a terminal. */
export function canPick(ctx: CliContext): boolean {
  return ctx.stdin.isTTY === true && typeof ctx.stdin.setRawMode === 'function' && ctx.stdout.isTTY === true;
}

export function openTerminalSession(
  ctx: CliContext,
  atExit: (restore: () => void) => () => void = processExitHook,
): TerminalSession {
  // Drawn on stderr, so stdout carries only the result; on stdout when stderr is redirected.
  const out: TtyOut = ctx.stderr.isTTY ? ctx.stderr : ctx.stdout;
  const input = ctx.stdin;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    unhook();
    try {
      input.setRawMode?.(false);
    } catch {}
    input.pause();
    out.write('\x1b[?25h\x1b[?1049l');
  };
  const unhook = atExit(restore);
  input.setRawMode?.(true);
  out.write('\x1b[?1049h\x1b[H\x1b[2J');
  return {
    write: (text) => {
      if (!restored) out.write(text);
    },
    size: () => ({ columns: out.columns || 80, rows: out.rows || 24 }),
    listen(handlers) {
      const data = (chunk: string | Uint8Array) =>
        handlers.data(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const resizable = out as TtyOut & NodeJS.EventEmitter;
      input.on('data', data);
      input.on('end', handlers.end);
      resizable.on?.('resize', handlers.resize);
      input.resume();
      return () => {
        input.off('data', data);
        input.off('end', handlers.end);
        resizable.off?.('resize', handlers.resize);
      };
    },
    wait(ms, fire) {
      const timer = setTimeout(fire, ms);
      return () => clearTimeout(timer);
    },
    restore,
  };
}

function processExitHook(restore: () => void): () => void {
  process.once('exit', restore);
  return () => process.off('exit', restore);
}
