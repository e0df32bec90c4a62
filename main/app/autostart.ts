import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Launch at login on Linux: an XDG autostart entry (`~/.config/autostart/kubezt.desktop`), the
 * one mechanism GNOME, KDE, Xfce and the rest all honour. (macOS and Windows use Electron's
 * setLoginItemSettings instead.) Only a file kubezt wrote itself is ever replaced or removed.
 */
export const AUTOSTART_FILE_NAME = 'kubezt.desktop';
/** Marks the entry as ours, so a user's own kubezt.desktop is never overwritten or deleted. */
const OWNER_KEY = 'X-Kubezt-Autostart=true';

export function autostartDir(env: Record<string, string | undefined>, homeDir: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(homeDir, '.config'), 'autostart');
}

/**
 * The command that starts this app again: inside an AppImage, the AppImage file itself
 * (process.execPath points into a mount that is gone after exit), else the executable.
 */
export function launchCommand(opts: {
  execPath: string;
  env: Record<string, string | undefined>;
  args?: readonly string[];
}): string[] {
  const exe = opts.env.APPIMAGE || opts.execPath;
  return [exe, ...(opts.args ?? [])];
}

/** Quotes one Exec argument as the Desktop Entry spec requires (and escapes `%` field codes). */
export function quoteExecArg(arg: string): string {
  const escaped = arg.replace(/%/g, '%%');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  // Inside double quotes: backslash-escape " ` $ \ ; then the .desktop string escape doubles backslashes.
  const quoted = `"${escaped.replace(/(["`$\\])/g, '\\$1')}"`;
  return quoted.replace(/\\/g, '\\\\');
}

export function desktopEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=kubezt',
    'Comment=kubectl access to Kubernetes behind Cloudflare Zero Trust',
    `Exec=${command.map(quoteExecArg).join(' ')}`,
    'Icon=kubezt',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    OWNER_KEY,
    '',
  ].join('\n');
}

export type AutostartChange = 'written' | 'unchanged' | 'removed' | 'absent' | 'foreign-kept';

/** Writes or removes the autostart entry; returns what happened and where. */
export async function setLinuxAutostart(opts: {
  enabled: boolean;
  dir: string;
  command: readonly string[];
}): Promise<{ path: string; change: AutostartChange }> {
  const file = path.join(opts.dir, AUTOSTART_FILE_NAME);
  let existing: string | undefined;
  try {
    existing = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (existing !== undefined && !existing.split('\n').includes(OWNER_KEY)) {
    return { path: file, change: 'foreign-kept' };
  }
  if (!opts.enabled) {
    if (existing === undefined) return { path: file, change: 'absent' };
    await rm(file, { force: true });
    return { path: file, change: 'removed' };
  }
  const text = desktopEntry(opts.command);
  if (existing === text) return { path: file, change: 'unchanged' };
  await mkdir(opts.dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o644 });
  await rename(tmp, file);
  return { path: file, change: 'written' };
}
