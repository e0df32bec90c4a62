import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PRIVATE_FILE_MODE, PRIVATE_FOLDER_MODE } from '../settings/private-files.ts';
import { isGatewayAuditWarning } from './audit-warnings.ts';

/**
 * Which inventory warnings a front end shows on this run. The Gateway audit findings ("No enabled
 * Gateway Do Not Inspect HTTP policy covers …") hold until an admin changes the account's
 * policies, which may take days; printed by every command they become noise that hides the
 * warnings that are new. So the places that exist to show the fleet (`kubezt status`, `kubezt
 * clusters`) show them every time, and every other place at most once per calendar day (the
 * local day of the injected clock), remembered per warning text in the settings folder.
 *
 * The memory fails open: when its file cannot be read or written, every warning shows.
 */

export const SHOWN_WARNINGS_FILE = 'shown-warnings.json';

export interface WarningMemoryOptions {
  /** kubezt's settings folder; the memory file lives there (0600). */
  configDir: string;
  now: Date;
  /** `always`: a place that exists to show them (status, clusters); `daily`: anywhere else. */
  place: 'always' | 'daily';
}

interface Memory {
  version: 1;
  /** Warning text hash → the last day it was shown (YYYY-MM-DD); only today's are kept. */
  shown: Record<string, string>;
}

/** The local calendar day of `now`, as YYYY-MM-DD. */
export function dayOf(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A hash rather than the text: the file says which warnings were seen, not what they said. */
function hashOf(warning: string): string {
  return createHash('sha256').update(warning).digest('hex').slice(0, 32);
}

function readMemory(file: string): Memory {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<Memory>;
    if (data.version === 1 && data.shown && typeof data.shown === 'object') return { version: 1, shown: data.shown };
  } catch {
    // Missing or unreadable: nothing remembered.
  }
  return { version: 1, shown: {} };
}

/** Written whole under a temporary name then renamed, so a reader never sees half a file. */
function writeMemory(dir: string, file: string, memory: Memory): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_FOLDER_MODE });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(memory)}\n`, { mode: PRIVATE_FILE_MODE });
    renameSync(temp, file);
    return true;
  } catch {
    return false;
  }
}

/**
 * The warnings to show, in their order: every warning that is not a Gateway audit finding, and
 * the audit findings the policy lets through. Each audit finding shown is remembered for today.
 */
export function warningsToShow(warnings: readonly string[], opts: WarningMemoryOptions): string[] {
  const audit = warnings.filter(isGatewayAuditWarning);
  if (audit.length === 0) return [...warnings];
  const file = path.join(opts.configDir, SHOWN_WARNINGS_FILE);
  const today = dayOf(opts.now);
  const before = readMemory(file);
  const shown: Record<string, string> = {};
  for (const [hash, day] of Object.entries(before.shown)) if (day === today) shown[hash] = day;
  const seenToday = new Set(Object.keys(shown));
  for (const w of audit) shown[hashOf(w)] = today;
  const saved = writeMemory(opts.configDir, file, { version: 1, shown });
  if (opts.place === 'always' || !saved) return [...warnings];
  return warnings.filter((w) => !isGatewayAuditWarning(w) || !seenToday.has(hashOf(w)));
}
