/**
 * V8 flags for the process that runs the app's services (Electron's main process; bench/soak
 * applies them the same way). Measured with bench/soak (README there): V8 grows its young
 * generation by doubling while objects survive scavenges, up to 2 × 64 MiB on a 64-bit Node.
 * Loading the app's modules (client-node alone is ~1,100 modules) and the first check of 100
 * clusters take it to the maximum within a minute; when it shrinks again its pages stay in V8's
 * page pool, resident until a memory-reducing GC that the tray's rhythm never triggers, so the
 * process keeps that peak for good (120-150 MB of V8 pages for a heap of 48 MB after GC).
 * Keeping the semi-spaces at their initial size costs about 30 more scavenges per check of 100
 * clusters, about 0.1 s of CPU, and takes RSS from 260-280 MB to about 180 MB.
 *
 * Only flags V8 reads while running belong here: Electron's main process is running when its
 * code can first act (`app.commandLine.appendSwitch('js-flags')` reaches only the renderers, and
 * `--max-semi-space-size` is read once, when the heap is set up). The growth factor is read each
 * time the young generation would grow.
 */
import v8 from 'node:v8';

export const APP_V8_FLAGS: readonly string[] = ['--semi-space-growth-factor=1'];

/** Call before the app's work starts (loading the core's modules already allocates). */
export function applyAppV8Flags(): void {
  for (const flag of APP_V8_FLAGS) v8.setFlagsFromString(flag);
}
