import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseSettingsJson,
  parseSettingsText,
  parseStatusJson,
  parseStatusText,
  parseTunnelIpList,
  type SplitTunnelConfig,
  type WarpCliReading,
} from '../../../main/core/warp/index.ts';
import { isUnsupportedText } from '../../../main/core/warp/parse-status.ts';

/**
 * The real warp-cli outputs users and other projects recorded (../shared/corpus/warp-cli/), read in
 * place. Every row of SOURCES.tsv is checked against its own `expected_state` / `expected_split`.
 */
const CORPUS = resolve(import.meta.dirname, '../../../../shared/corpus/warp-cli');
const present = existsSync(join(CORPUS, 'SOURCES.tsv'));
if (!present) console.log(`skipping the warp-cli corpus tests: ${CORPUS} is absent`);

interface Row {
  file: string;
  command: string;
  expected_state: string;
  answers: string;
  stream: string;
  expected_split: string;
}

function rows(): Row[] {
  const [head, ...lines] = readFileSync(join(CORPUS, 'SOURCES.tsv'), 'utf8').trimEnd().split('\n');
  const keys = (head ?? '').split('\t');
  return lines.map((l) => {
    const cells = l.split('\t');
    return Object.fromEntries(keys.map((k, i) => [k, cells[i] ?? ''])) as unknown as Row;
  });
}

function output(row: Row): { stdout: string; stderr: string } {
  const text = readFileSync(join(CORPUS, row.file), 'utf8');
  return row.stream === 'err' ? { stdout: '', stderr: text } : { stdout: text, stderr: '' };
}

function checkState(got: WarpCliReading, expected: string) {
  switch (expected) {
    case 'registration-missing':
      expect(got.state).toBe('disconnected');
      expect(got.reason).toMatch(/registration missing/i);
      expect(got.registrationMissing).toBe(true);
      return;
    case 'daemon-down':
      expect(got.state).toBe('disconnected');
      expect(got.daemonDown).toBe(true);
      return;
    case 'tos-prompt':
      expect(got.state).toBe('unknown');
      expect(got.reason).toMatch(/Terms of Service/);
      return;
    default:
      expect(got.state).toBe(expected);
      expect(got.daemonDown).toBe(false);
  }
}

/** `exclude`, `include:10.0.0.0/24`, `exclude:a,b`, `info-only:exclude` (JSON settings). */
function checkSplit(got: SplitTunnelConfig | null | undefined, expected: string) {
  const spec = expected.replace(/^info-only:/, '');
  const [mode, list] = spec.split(':');
  expect(got?.mode).toBe(mode);
  if (list) expect(got?.entries.filter((e) => e.kind === 'cidr').map((e) => e.value)).toEqual(list.split(','));
}

describe.skipIf(!present)('warp-cli corpus, read in place', () => {
  const all = present ? rows() : [];

  it('has rows to check', () => {
    expect(all.length).toBeGreaterThan(10);
  });

  for (const row of all) {
    it(`${row.file} (${row.command}) → ${row.expected_state}${row.expected_split !== '-' ? `, split ${row.expected_split}` : ''}`, () => {
      const { stdout, stderr } = output(row);
      if (row.expected_state === 'error-template') {
        expect(isUnsupportedText(stderr || stdout)).toBe(true);
        return;
      }
      switch (row.answers) {
        case 'status':
        case '*':
          checkState(parseStatusText(stdout, stderr), row.expected_state);
          break;
        case '-j status':
          checkState(parseStatusJson(stdout, stderr), row.expected_state);
          break;
        case 'settings':
          checkSplit(parseSettingsText(stdout)?.splitTunnel, row.expected_split);
          break;
        case '-j settings':
          checkSplit(parseSettingsJson(stdout)?.splitTunnel, row.expected_split);
          break;
        case 'tunnel ip list':
          checkSplit(parseTunnelIpList(stdout), row.expected_split);
          break;
        default:
          throw new Error(`no check for answers=${row.answers}`);
      }
    });
  }

  it("reads the docs' settings: Traffic and DNS mode set by policy, Exclude by policy, the organization", () => {
    const s = parseSettingsText(
      readFileSync(join(CORPUS, 'cloudflare-docs-warp-client-partial-settings-exclude.txt'), 'utf8'),
    );
    expect(s?.mode).toMatchObject({
      raw: 'WarpWithDnsOverHttps',
      kind: 'traffic-and-dns',
      label: 'Traffic and DNS mode',
      privateRouting: true,
      managed: true,
      origin: 'network policy',
    });
    expect(s?.splitTunnel).toMatchObject({ mode: 'exclude', managed: true, origin: 'network policy' });
    expect(s?.organization).toBe('Organization-Name');
  });

  it('reads split tunnels set by policy in the blog captures as managed', () => {
    for (const f of ['wlals2-blogsite-settings-include.txt', 'hyunjae-blog-settings-exclude.txt']) {
      const s = parseSettingsText(readFileSync(join(CORPUS, f), 'utf8'));
      expect(s?.splitTunnel?.managed).toBe(true);
    }
  });

  it('reads the JSON settings: mode `warp` (traffic and DNS), Exclude with an IP and a host', () => {
    const s = parseSettingsJson(readFileSync(join(CORPUS, 'omarchy-widget-fixture-json-settings.json'), 'utf8'));
    expect(s?.mode).toMatchObject({ raw: 'warp', kind: 'traffic-and-dns', privateRouting: true, managed: null });
    expect(s?.splitTunnel?.entries).toEqual([
      { value: '10.0.0.0/8', kind: 'cidr', description: 'office' },
      { value: '*.local', kind: 'host' },
    ]);
    expect(s?.splitTunnel?.source).toBe('-j settings');
  });

  it('keeps the reason of both registration-missing forms', () => {
    const one = parseStatusText(
      readFileSync(join(CORPUS, 'boostport-setup-cloudflare-warp-i37-registration-missing.txt'), 'utf8'),
    );
    expect(one).toMatchObject({ state: 'disconnected', statusWord: 'Unable', reason: 'Registration Missing' });
    const two = parseStatusText(
      readFileSync(join(CORPUS, 'zhengxiongzhao-docker-warp-proxy-readme-registration-missing.txt'), 'utf8'),
    );
    expect(two).toMatchObject({ state: 'disconnected', reason: 'Registration Missing due to: Daemon Startup' });
  });
});
