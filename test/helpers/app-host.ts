import type { AppHost } from '../../main/app/ports.ts';

/**
 * The host the app's services run on in a Node test: dialogs answer "cancelled", the clipboard,
 * the browser and the login item do nothing, the login shell was not read, and notifications are
 * recorded in `notes`. `overrides` replaces any part of it.
 */
export function recordingAppHost(overrides: Partial<AppHost> = {}): {
  host: AppHost;
  notes: { title: string; body: string }[];
} {
  const notes: { title: string; body: string }[] = [];
  const host: AppHost = {
    appVersion: '1.0.0',
    platform: 'linux',
    loginShell: { status: 'skipped', shell: null, detail: null, pathFromShell: false, kubeconfigFromShell: false },
    chooseSavePath: async () => null,
    chooseOpenPath: async () => null,
    writeClipboard: () => {},
    openExternal: async () => {},
    setLaunchAtLogin: async () => {},
    notify: (n) => void notes.push(n),
    ...overrides,
  };
  return { host, notes };
}
