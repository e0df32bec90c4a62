import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseListenLine,
  parseMode,
  parseOrganization,
  parseSettingsJson,
  parseSettingsText,
  parseVnetJson,
  parseVnetText,
  type SettingsReading,
  type VirtualNetworks,
  type WarpMode,
} from '../../main/core/warp/index.ts';
import { CORPUS, fuzzParams, PROPERTY_TIMEOUT_MS, REPO_ROOT } from './fuzz.ts';
import { mutated } from './mutate.ts';

/**
 * The client-profile readers (mode, settings, organization, virtual networks, listen lines) on
 * hostile output: the recorded outputs and fixtures, mutated, and long runs of the characters
 * their patterns look for. Each returns its typed reading or null, and never throws.
 */

function textsUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return textsUnder(p);
    return /\.(txt|json|stdout|stderr)$/.test(name) ? [readFileSync(p, 'utf8')] : [];
  });
}

const seeds = [
  ...textsUnder(path.join(CORPUS, 'warp-cli')),
  ...textsUnder(path.join(REPO_ROOT, 'test/fixtures/warp/vnet')),
  ...textsUnder(path.join(REPO_ROOT, 'test/fixtures/warp/profile')),
  ...textsUnder(path.join(REPO_ROOT, 'test/fixtures/warp/split')),
];

const hostileLine = fc
  .tuple(
    fc.constantFrom('Currently selected: ', '  ID: ', '  Name: ', '(network policy)\tMode: ', 'Organization: ', ''),
    fc.constantFrom(' ', ':', ' :', '(', ')', '#', ' # ', '{"a":', '\t', ' on port '),
    fc.integer({ min: 1, max: 40_000 }),
    fc.constantFrom('', 'x', ':', ')', '}', '1'),
  )
  .map(([head, run, times, tail]) => `${head}${run.repeat(times)}${tail}`);

const output = fc.oneof(mutated(seeds), hostileLine, fc.string({ maxLength: 200, unit: 'binary' }));

function expectMode(m: WarpMode | null | undefined): void {
  if (!m) return;
  expect(['traffic-and-dns', 'traffic-only', 'dns-only', 'proxy', 'posture-only', 'unknown']).toContain(m.kind);
  expect(m.privateRouting === null || typeof m.privateRouting === 'boolean').toBe(true);
  expect(m.raw.length).toBeLessThanOrEqual(220);
}

function expectSettings(s: SettingsReading | null): void {
  if (!s) return;
  expectMode(s.mode);
  if (s.splitTunnel) expect(['exclude', 'include']).toContain(s.splitTunnel.mode);
  if (s.organization !== null) expect(s.organization.length).toBeLessThanOrEqual(200);
}

function expectNetworks(v: VirtualNetworks | null): void {
  if (!v) return;
  expect(v.active === null || typeof v.active === 'string').toBe(true);
  expect(v.list.length).toBeLessThanOrEqual(1_000);
  for (const n of v.list) expect(n.id.length).toBeGreaterThan(0);
}

describe('client-profile readers on hostile output', () => {
  it(
    'settings, mode, organization, virtual networks and listen lines: a typed reading or null',
    () => {
      fc.assert(
        fc.property(output, (text) => {
          expectSettings(parseSettingsJson(text));
          expectSettings(parseSettingsText(text));
          expectMode(parseMode(text));
          const org = parseOrganization(text);
          expect(org === null || org.length <= 200).toBe(true);
          expectNetworks(parseVnetJson(text));
          expectNetworks(parseVnetText(text));
          const line = parseListenLine(text);
          if (line) expect(['connected', 'connecting', 'disconnected', 'unknown']).toContain(line.state);
        }),
        fuzzParams(300),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
