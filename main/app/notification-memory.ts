import { readFileSync } from 'node:fs';
import { writePrivateFile } from '../core/settings/private-files.ts';
import type { NotificationMemory } from './notifications.ts';

/**
 * The notifier's memory in a small JSON file of the settings folder (owner-only), so "once a day"
 * holds across restarts. A missing or unreadable file is an empty memory; a failed write is logged.
 */
export function fileNotificationMemory(
  file: string,
  log: (message: string, error?: unknown) => void,
): NotificationMemory {
  return {
    load() {
      try {
        const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
        return Object.fromEntries(
          Object.entries(parsed).filter(
            (e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]),
          ),
        );
      } catch {
        return {};
      }
    },
    save(shown) {
      writePrivateFile(file, `${JSON.stringify(shown, null, 2)}\n`).catch((e: unknown) =>
        log('could not remember which notifications were shown', e),
      );
    },
  };
}
