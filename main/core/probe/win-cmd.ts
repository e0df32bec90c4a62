/**
 * Starting an exec credential plugin on Windows the way client-go's exec.LookPath finds it
 * (PATHEXT: `az` is `az.cmd`), and a `.cmd`/`.bat` one through cmd.exe with a command line cmd
 * cannot misread.
 *
 * Node refuses to spawn a batch file without a shell (CVE-2024-27980), and a shell is where
 * arguments turn into commands: cmd expands `%VAR%` even inside quotes, and a `"` inside an
 * argument ends the quoted region so `&calc` after it runs ("BatBadBut"). The line is built as
 * Rust's standard library builds it since CVE-2024-24576:
 *   - every argument with anything but letters, digits and `#$*+-./:?@\_` is quoted, so cmd's
 *     `& | < > ^ ( )` stay inside quotes;
 *   - a `"` is doubled (`""` leaves cmd's quote state unchanged, and the C runtime reads it back
 *     as one `"`), with the backslashes before it doubled;
 *   - a `%` becomes `%%cd:~,%`: `%cd:~,%` is an empty substring of a variable that always
 *     exists, which expands to nothing and leaves no `%NAME%` pair for cmd to expand;
 *   - delayed expansion is off (`/v:OFF`, so `!` is literal), extensions on (`/e:ON`, which the
 *     substring needs), AutoRun is skipped (`/d`), and `/s /c "…"` strips only the outer quotes.
 * Line breaks and NUL cannot be carried through cmd at all: such an argument is refused.
 */
import { access } from 'node:fs/promises';
import { extname, join } from 'node:path';

export class UnsafeArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeArgumentError';
  }
}

const SAFE_UNQUOTED = /^[A-Za-z0-9#$*+\-./:?@\\_]+$/;
const EXPANSION_BREAK = '%%cd:~,';

/** One argument (or the script path) as cmd.exe passes it on unchanged to a batch file. */
export function quoteForCmd(arg: string): string {
  if (/[\r\n\0]/.test(arg)) {
    throw new UnsafeArgumentError('contains a line break or NUL, which cmd.exe cannot pass on');
  }
  const quote = arg === '' || arg.endsWith('\\') || !SAFE_UNQUOTED.test(arg);
  let out = '';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      backslashes++;
      out += ch;
      continue;
    }
    if (ch === '"') out += `${'\\'.repeat(backslashes)}"`;
    else if (ch === '%') out += EXPANSION_BREAK;
    backslashes = 0;
    out += ch;
  }
  return quote ? `"${out}${'\\'.repeat(backslashes)}"` : out;
}

/** The `/c` argument for cmd.exe: the script and its arguments, each quoted for cmd. */
export function batchCommandLine(script: string, args: readonly string[]): string {
  if (script.includes('"') || script.endsWith('\\')) {
    throw new UnsafeArgumentError('is not a usable Windows file name (it contains `"` or ends with `\\`)');
  }
  // The script is always quoted: a path with spaces or `&` is common enough (C:\Program Files).
  const quotedScript = quoteForCmd(script);
  const parts = [quotedScript.startsWith('"') ? quotedScript : `"${quotedScript}"`];
  for (const [i, arg] of args.entries()) {
    try {
      parts.push(quoteForCmd(arg));
    } catch (e) {
      throw new UnsafeArgumentError(`argument ${i + 1} ${(e as Error).message}`);
    }
  }
  return `"${parts.join(' ')}"`;
}

export interface SpawnPlan {
  command: string;
  args: string[];
  /** Set for cmd.exe: the command line is already quoted for it, and Node must not quote it again. */
  windowsVerbatimArguments?: boolean;
}

const isBatch = (path: string) => /\.(cmd|bat)$/i.test(path);

function comSpec(env: Record<string, string | undefined>): string {
  const fromEnv = env.ComSpec ?? env.COMSPEC;
  if (fromEnv) return fromEnv;
  return `${env.SystemRoot ?? env.SYSTEMROOT ?? 'C:\\Windows'}\\System32\\cmd.exe`;
}

/**
 * How to start `command args`: as is everywhere but Windows; on Windows a command without an
 * extension is looked up with PATHEXT first, and a batch file is run through cmd.exe.
 * Throws UnsafeArgumentError for a batch file whose arguments cmd cannot carry.
 */
export async function planSpawn(
  command: string,
  args: readonly string[],
  opts: {
    platform: NodeJS.Platform;
    env: Record<string, string | undefined>;
    exists?: (path: string) => Promise<boolean>;
  },
): Promise<SpawnPlan> {
  if (opts.platform !== 'win32') return { command, args: [...args] };
  const found = await lookPathWindows(command, opts.env, opts.exists ?? fileExists);
  if (!isBatch(found)) return { command: found, args: [...args] };
  return {
    command: comSpec(opts.env),
    args: ['/d', '/e:ON', '/v:OFF', '/s', '/c', batchCommandLine(found, args)],
    windowsVerbatimArguments: true,
  };
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Go's exec.LookPath on Windows: PATHEXT extensions tried in order, in each PATH folder. */
async function lookPathWindows(
  command: string,
  env: Record<string, string | undefined>,
  exists: (path: string) => Promise<boolean>,
): Promise<string> {
  if (extname(command) !== '') return command;
  const exts = (env.PATHEXT ?? env.Pathext ?? '.COM;.EXE;.BAT;.CMD')
    .split(';')
    .filter((e) => e.startsWith('.'))
    // Go lowercases them too; Windows file names ignore case anyway.
    .map((e) => e.toLowerCase());
  const withSeparator = /[\\/]/.test(command);
  const dirs = withSeparator ? [''] : (env.Path ?? env.PATH ?? '').split(';').filter(Boolean);
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = dir ? join(dir, command + ext) : command + ext;
      if (await exists(candidate)) return candidate;
    }
  }
  return command;
}
