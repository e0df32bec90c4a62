import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SHOWN_WARNINGS_FILE, warningsToShow } from '../../../main/core/inventory/warning-memory.ts';

const AUDIT =
  'No enabled Gateway "Do Not Inspect" HTTP policy covers 198.51.100.102 (cluster staging): HTTP inspection breaks kubectl\'s TLS, so add these IPs to a Do Not Inspect policy in Zero Trust → Gateway → Firewall policies → HTTP.';
const FINDING =
  'No Do Not Inspect rule covers 198.51.100.9; harmless while TLS decryption is off, but kubectl\'s TLS breaks the day it is turned on: run "kubezt gateway-policy" for the IP list and Do Not Inspect rule to add.';
const OTHER = 'The team catalog was not used: it does not parse.';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});
const folder = () => {
  const d = mkdtempSync(join(tmpdir(), 'kubezt-warnmem-'));
  dirs.push(d);
  return join(d, 'config');
};

const day1 = new Date(2026, 11, 6, 9, 0);
const day1Evening = new Date(2026, 11, 6, 23, 30);
const day2 = new Date(2026, 11, 7, 0, 10);

describe('warningsToShow', () => {
  it('shows a Gateway audit finding once a day in daily places, every other warning always', () => {
    const configDir = folder();
    const all = [AUDIT, OTHER, FINDING];
    expect(warningsToShow(all, { configDir, now: day1, place: 'daily' })).toEqual(all);
    expect(warningsToShow(all, { configDir, now: day1Evening, place: 'daily' })).toEqual([OTHER]);
    expect(warningsToShow(all, { configDir, now: day2, place: 'daily' })).toEqual(all);
    expect(warningsToShow(all, { configDir, now: day2, place: 'daily' })).toEqual([OTHER]);
  });

  it('always shows them in status and clusters, and that counts as seen today', () => {
    const configDir = folder();
    expect(warningsToShow([AUDIT], { configDir, now: day1, place: 'always' })).toEqual([AUDIT]);
    expect(warningsToShow([AUDIT], { configDir, now: day1, place: 'always' })).toEqual([AUDIT]);
    expect(warningsToShow([AUDIT], { configDir, now: day1Evening, place: 'daily' })).toEqual([]);
  });

  it('a changed finding (another IP uncovered) is new and shows', () => {
    const configDir = folder();
    warningsToShow([AUDIT], { configDir, now: day1, place: 'daily' });
    const changed = AUDIT.replace('198.51.100.102', '198.51.100.102, 198.51.100.104');
    expect(warningsToShow([AUDIT, changed], { configDir, now: day1, place: 'daily' })).toEqual([changed]);
  });

  it('keeps hashes and days only, in a 0600 file, and only today', () => {
    const configDir = folder();
    warningsToShow([AUDIT], { configDir, now: day1, place: 'daily' });
    warningsToShow([FINDING], { configDir, now: day2, place: 'daily' });
    const file = join(configDir, SHOWN_WARNINGS_FILE);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('198.51.100');
    const data = JSON.parse(text) as { version: number; shown: Record<string, string> };
    expect(data.version).toBe(1);
    expect(Object.values(data.shown)).toEqual(['2026-12-07']);
    expect(Object.keys(data.shown)[0]).toMatch(/^[0-9a-f]{32}$/);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('fails open: an unreadable memory or a folder it cannot write shows everything', () => {
    const configDir = folder();
    warningsToShow([AUDIT], { configDir, now: day1, place: 'daily' });
    writeFileSync(join(configDir, SHOWN_WARNINGS_FILE), '{not json');
    expect(warningsToShow([AUDIT], { configDir, now: day1, place: 'daily' })).toEqual([AUDIT]);
    const blocked = folder();
    mkdirSync(join(blocked, '..'), { recursive: true });
    writeFileSync(blocked, 'a file where the folder should be');
    expect(warningsToShow([AUDIT], { configDir: blocked, now: day1, place: 'daily' })).toEqual([AUDIT]);
    expect(warningsToShow([AUDIT], { configDir: blocked, now: day1, place: 'daily' })).toEqual([AUDIT]);
  });
});
