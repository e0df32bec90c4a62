import path from 'node:path';

/** The app name; Electron derives its userData folder from it (package.json "name"). */
export const APP_NAME = 'kubezt';

/**
 * kubezt's config folder (settings, discovery cache):
 * - `KUBEZT_CONFIG_DIR` when set (tests, portable installs), resolved against `cwd` if relative;
 * - Linux and other Unixes: `$XDG_CONFIG_HOME/kubezt`, else `~/.config/kubezt`;
 * - macOS: `~/Library/Application Support/kubezt`;
 * - Windows: `%APPDATA%\kubezt`, else `<home>\AppData\Roaming\kubezt`.
 *
 * The OS defaults are exactly Electron's `app.getPath('userData')` for an app named "kubezt"
 * (appData + app name), which is where electron-store keeps its file, so the CLI and the app
 * find the same settings without either of them importing the other's runtime.
 */
export function configDirFor(opts: {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  homeDir: string;
  cwd?: string;
}): string {
  const { env, platform, homeDir } = opts;
  const p = platform === 'win32' ? path.win32 : path.posix;
  const override = env.KUBEZT_CONFIG_DIR;
  if (override) return p.isAbsolute(override) ? p.normalize(override) : p.resolve(opts.cwd ?? '', override);
  switch (platform) {
    case 'darwin':
      return p.join(homeDir, 'Library', 'Application Support', APP_NAME);
    case 'win32':
      return p.join(env.APPDATA || p.join(homeDir, 'AppData', 'Roaming'), APP_NAME);
    default: {
      // Chromium (hence Electron) takes any non-empty XDG_CONFIG_HOME as is; so do we, to stay on its file.
      const xdg = env.XDG_CONFIG_HOME;
      return p.join(xdg ? p.resolve(opts.cwd ?? '', xdg) : p.join(homeDir, '.config'), APP_NAME);
    }
  }
}
