/**
 * Files and folders only their owner may read: the settings folder (0700: it holds the settings,
 * the discovery cache and kubezt's own files), and files that hold a token or a diagnostics
 * report (0600). On Windows the modes mean nothing and are left to the folder's ACLs.
 */
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.ts';

export const PRIVATE_FOLDER_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export function settingsFolderError(configDir: string, code: string, cause?: unknown): UserError {
  return new UserError(
    'settings-invalid',
    `The settings folder ${configDir} cannot be used (${code}); check its permissions or set KUBEZT_CONFIG_DIR to a writable folder.`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Creates the settings folder owner-only when it is missing (its parents get the usual mode).
 * An existing folder that holds `ownedFile` (kubezt's own settings file) and that the current
 * user owns is tightened to 0700; any other existing folder is left as it is: with
 * KUBEZT_CONFIG_DIR it may be a folder the user shares on purpose.
 */
export function preparePrivateFolder(dir: string, ownedFile: string, platform = process.platform): void {
  try {
    if (createFolder(dir) || platform === 'win32') return;
    const st = statSync(dir);
    if (!st.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    const mine = typeof process.getuid !== 'function' || st.uid === process.getuid();
    if ((st.mode & 0o077) !== 0 && mine && existsSync(path.join(dir, ownedFile))) {
      chmodSync(dir, PRIVATE_FOLDER_MODE);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw settingsFolderError(dir, code ?? (e as Error).message, e);
  }
}

/** True when it created `dir` (0700); false when it was there already. */
function createFolder(dir: string): boolean {
  mkdirSync(path.dirname(dir), { recursive: true });
  try {
    mkdirSync(dir, { mode: PRIVATE_FOLDER_MODE });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/**
 * Writes `text` to `file` readable by its owner only, also over an existing file with a wider
 * mode: the mode is set before any byte is written.
 */
export async function writePrivateFile(file: string, text: string): Promise<void> {
  const handle = await open(file, 'w', PRIVATE_FILE_MODE);
  try {
    await handle.chmod(PRIVATE_FILE_MODE);
    await handle.writeFile(text, 'utf8');
  } finally {
    await handle.close();
  }
}
