/**
 * What a kubeconfig write has created and not yet finished with (its locks, temp files, a backup
 * not yet committed), so that whoever owns the process can undo it when a signal stops the write.
 *
 * The writer registers an undo right after creating each file and removes it as soon as the file
 * is released or renamed, in the same synchronous step (file-io.ts): at every await, the
 * registrations match the disk exactly. The CLI passes one (main/cli/signals.ts); the app and
 * tests may pass none.
 */
export interface WriteCleanup {
  /**
   * Registers `undo`, which must be synchronous, must not throw, and must only remove what is
   * still the writer's own. Returns the function that unregisters it.
   */
  register(undo: () => void): () => void;
}

/** Undoes everything still registered, newest first (temp files before the locks that guard them). */
export function createWriteCleanup(): WriteCleanup & { readonly pending: number; runAll(): void } {
  const undos = new Set<() => void>();
  return {
    register(undo) {
      const entry = () => undo();
      undos.add(entry);
      return () => {
        undos.delete(entry);
      };
    },
    get pending() {
      return undos.size;
    },
    runAll() {
      for (const undo of [...undos].reverse()) {
        undos.delete(undo);
        try {
          undo();
        } catch {
          // Best effort: the process is stopping, and the rest must still be undone.
        }
      }
    },
  };
}

/** Registers nothing: for callers that handle no signals. */
export const noWriteCleanup: WriteCleanup = { register: () => () => {} };
