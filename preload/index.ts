/**
 * The preload: runs sandboxed, with contextIsolation, and exposes exactly one thing to the page:
 * the typed `KubeztApi` as `window.kubezt`. No raw ipcRenderer, no generic send/invoke: each
 * method is bound to its own channel, and listeners receive only the payload (never the
 * IpcRendererEvent, whose `sender` would hand the page ipcRenderer itself).
 *
 * Built as CommonJS (`out/preload/index.cjs`): sandboxed preloads cannot load ES modules, and
 * can only `require('electron')` (zod is bundled in).
 */
// biome-ignore lint/style/noRestrictedImports: the preload is the renderer half of the Electron glue; it must use contextBridge.
import { contextBridge, ipcRenderer } from 'electron';
import { createKubeztClient } from '../ipc/contract.ts';

const api = createKubeztClient({
  invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
  on(channel, listener) {
    const handler = (_event: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  },
});

contextBridge.exposeInMainWorld('kubezt', api);
