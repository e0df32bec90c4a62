import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLinuxRoute, parseMacRoute, parseWindowsRoute } from '../../main/core/warp/parse-route.ts';
import { parseSettingsSplitTunnel, parseTunnelIpList } from '../../main/core/warp/parse-split-tunnel.ts';
import { isStatusLine, parseStatusJson, parseStatusText } from '../../main/core/warp/parse-status.ts';
import { parseTrace } from '../../main/core/warp/parse-trace.ts';
import type { OsRoute, SplitTunnelConfig, WarpCliReading } from '../../main/core/warp/types.ts';
import { CORPUS, fuzzParams, PROPERTY_TIMEOUT_MS, REPO_ROOT } from './fuzz.ts';
import { mutated } from './mutate.ts';

/**
 * The warp-cli and OS route readers on hostile output: recorded outputs (the shared corpus and
 * the fixtures), mutated, and long runs of the characters their patterns once backtracked on.
 * Each returns its typed reading, an "unknown" one at worst, and never throws.
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
    return /\.(txt|json|out)$|^[^.]+$/.test(name) ? [readFileSync(p, 'utf8')] : [];
  });
}

const corpus = textsUnder(path.join(CORPUS, 'warp-cli'));
if (corpus.length === 0) console.log(`warp-cli corpus absent at ${CORPUS}/warp-cli: using the fixtures only`);
const seeds = [...corpus, ...textsUnder(path.join(REPO_ROOT, 'test/fixtures/warp'))];

/** Lines built from the pieces the readers look for, repeated to lengths that found backtracking. */
const hostileLine = fc
  .tuple(
    fc.constantFrom('Status update: A', 'Excluded IPs:', 'Exclude mode:', '  10.0.0.1', 'interface', 'exclude ', ''),
    fc.constantFrom(' ', '[', ':[', ')', ' (', ': ', '\u2028', '\t', '{', '"status":'),
    fc.integer({ min: 1, max: 40_000 }),
    fc.constantFrom('', '!', ']', ')', '\u2028x', 'x', ':'),
  )
  .map(([head, run, times, tail]) => `${head}${run.repeat(times)}${tail}`);

const output = fc.oneof(mutated(seeds), hostileLine, fc.string({ maxLength: 200, unit: 'binary' }));

const STATES = ['connected', 'connecting', 'disconnected', 'unknown'];

function expectReading(r: WarpCliReading): void {
  expect(STATES).toContain(r.state);
  expect(['json', 'text', 'none']).toContain(r.format);
  expect(typeof r.daemonDown).toBe('boolean');
  for (const v of [r.statusWord, r.reason]) expect(v === null || typeof v === 'string').toBe(true);
}

function expectSplit(r: SplitTunnelConfig | null): void {
  if (r === null) return;
  expect(['exclude', 'include']).toContain(r.mode);
  for (const e of r.entries) {
    expect(['cidr', 'host']).toContain(e.kind);
    expect(e.value).toMatch(/^\S+$/);
  }
}

function expectRoute(r: OsRoute): void {
  expect(typeof r.ok).toBe('boolean');
  if (r.ok) expect(typeof r.interface).toBe('string');
  else expect(typeof r.error).toBe('string');
}

describe('warp-cli readers on hostile output', () => {
  it(
    'status (JSON and text) and listen lines: a typed reading, never an exception',
    () => {
      fc.assert(
        fc.property(output, output, (stdout, stderr) => {
          expectReading(parseStatusJson(stdout, stderr));
          expectReading(parseStatusText(stdout, stderr));
          expect(typeof isStatusLine(stdout)).toBe('boolean');
        }),
        fuzzParams(300),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'split tunnel lists: a mode with entries, or null',
    () => {
      fc.assert(
        fc.property(output, (text) => {
          expectSplit(parseTunnelIpList(text));
          expectSplit(parseSettingsSplitTunnel(text));
        }),
        fuzzParams(300),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'OS routes and the trace: a route or a failed lookup with its reason',
    () => {
      fc.assert(
        fc.property(output, output, (stdout, stderr) => {
          expectRoute(parseLinuxRoute(stdout, stderr));
          expectRoute(parseMacRoute(stdout, stderr));
          expectRoute(parseWindowsRoute(stdout, stderr));
          const trace = parseTrace(stdout);
          expect([null, 'on', 'plus', 'off']).toContain(trace.warp);
          expect([null, 'on', 'off']).toContain(trace.gateway);
        }),
        fuzzParams(300),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
