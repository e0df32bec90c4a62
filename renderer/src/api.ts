import { createContext, useContext } from 'react';
import { type IpcError, type KubeztApi, toIpcError } from '../../ipc/contract.ts';

declare global {
  interface Window {
    /** Installed by the preload (or a test harness); the renderer's only way to main. */
    kubezt?: KubeztApi;
  }
}

/** The bridge, or undefined when the page was opened outside kubezt. */
export function getApi(): KubeztApi | undefined {
  return window.kubezt;
}

/** `{ code, message }` of whatever a request rejected with; the message is one sentence for the user. */
export function errorOf(e: unknown): IpcError {
  return toIpcError(e);
}

/** Provided by <App> once the bridge is known to exist, so views never handle its absence. */
export const ApiContext = createContext<KubeztApi | null>(null);

export function useApi(): KubeztApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside <App>');
  return api;
}
