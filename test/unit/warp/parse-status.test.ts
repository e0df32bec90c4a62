import { describe, expect, it } from 'vitest';
import { isStatusLine, parseStatusJson, parseStatusText, type WarpCliReading } from '../../../main/core/warp/index.ts';
import { caseNames, recorded } from './fixtures.ts';

type Expect = Pick<WarpCliReading, 'state' | 'daemonDown'> & { statusWord?: string | null; reason?: RegExp | null };

const JSON_CASES: Record<string, Expect> = {
  'json-connected-2025': {
    state: 'connected',
    daemonDown: false,
    statusWord: 'Connected',
    reason: /^Network healthy$/,
  },
  'json-connected-2024': { state: 'connected', daemonDown: false, statusWord: 'Connected', reason: null },
  'json-disconnected-manual': {
    state: 'disconnected',
    daemonDown: false,
    statusWord: 'Disconnected',
    reason: /^Manual$/,
  },
  'json-connecting': {
    state: 'connecting',
    daemonDown: false,
    statusWord: 'Connecting',
    reason: /^Establishing connection \(162\.159\.198\.2:443\)$/,
  },
  'json-reconnecting': { state: 'connecting', daemonDown: false, reason: /^Performing happy eyeballs$/ },
  'json-unable-registration': {
    state: 'disconnected',
    daemonDown: false,
    statusWord: 'Unable',
    reason: /^Registration missing \(daemon startup\)$/,
  },
  'json-disconnected-settings-changed': { state: 'disconnected', daemonDown: false, reason: /^Settings changed$/ },
  'json-daemon-down': { state: 'disconnected', daemonDown: true, reason: /not running/ },
  'json-missing-registration': {
    state: 'disconnected',
    daemonDown: false,
    reason: /^Registration missing: .*MissingRegistration.*registration new/,
  },
  'json-unknown-status': { state: 'unknown', daemonDown: false, statusWord: 'Hibernating' },
  'json-unknown-shape': { state: 'unknown', daemonDown: false, statusWord: null, reason: null },
  // Clients without -j: clap's error, which the detector answers by asking for the text form.
  'json-unsupported-clap4': { state: 'unknown', daemonDown: false, statusWord: null, reason: null },
  'json-unsupported-clap2': { state: 'unknown', daemonDown: false, statusWord: null, reason: null },
};

const TEXT_CASES: Record<string, Expect> = {
  'text-connected-2025': {
    state: 'connected',
    daemonDown: false,
    statusWord: 'Connected',
    reason: /^Network healthy$/,
  },
  'text-connected-2024': { state: 'connected', daemonDown: false, statusWord: 'Connected', reason: null },
  'text-connected-extra-lines': { state: 'connected', daemonDown: false, statusWord: 'Connected' },
  'text-connected-ansi-crlf': {
    state: 'connected',
    daemonDown: false,
    statusWord: 'Connected',
    reason: /^Network healthy$/,
  },
  'text-disconnected-manual': {
    state: 'disconnected',
    daemonDown: false,
    statusWord: 'Disconnected',
    reason: /^Manual Disconnection$/,
  },
  'text-disconnected-reason-first': {
    state: 'disconnected',
    daemonDown: false,
    statusWord: 'Disconnected',
    reason: /^Manual Disconnection$/,
  },
  'text-disconnected-oneline-2023': {
    state: 'disconnected',
    daemonDown: false,
    statusWord: 'Disconnected',
    reason: /^Manual Disconnection$/,
  },
  'text-success-connected-2021': { state: 'connected', daemonDown: false, statusWord: 'Connected' },
  'text-success-disconnected-2022': { state: 'disconnected', daemonDown: false, reason: /^Manual Disconnection$/ },
  'text-connecting': { state: 'connecting', daemonDown: false, reason: /Establishing connection/ },
  'text-reconnecting': { state: 'connecting', daemonDown: false, statusWord: 'Reconnecting' },
  'text-unable-registration': { state: 'disconnected', daemonDown: false, reason: /Registration Missing/ },
  'text-disconnecting': { state: 'disconnected', daemonDown: false, statusWord: 'Disconnecting' },
  'text-unknown-status': { state: 'unknown', daemonDown: false, statusWord: 'Flux' },
  'text-daemon-down-2025': { state: 'disconnected', daemonDown: true, reason: /not running/ },
  'text-daemon-down-2024': { state: 'disconnected', daemonDown: true, reason: /not running/ },
  'text-daemon-down-2021': { state: 'disconnected', daemonDown: true, reason: /not running/ },
  'text-daemon-ipc-eof': { state: 'disconnected', daemonDown: true },
  'text-tos': { state: 'unknown', daemonDown: false, reason: /Terms of Service/ },
  'text-garbage': { state: 'unknown', daemonDown: false, statusWord: null, reason: null },
  'text-empty': { state: 'unknown', daemonDown: false, statusWord: null, reason: null },
};

function check(got: WarpCliReading, want: Expect) {
  expect(got.state).toBe(want.state);
  expect(got.daemonDown).toBe(want.daemonDown);
  if (want.statusWord !== undefined) expect(got.statusWord).toBe(want.statusWord);
  if (want.reason === null) expect(got.reason).toBeNull();
  else if (want.reason) expect(got.reason).toMatch(want.reason);
}

describe('warp-cli status parsers on recorded outputs', () => {
  it('has an expectation for every recorded status output', () => {
    expect(caseNames('status')).toEqual(Object.keys({ ...JSON_CASES, ...TEXT_CASES }).sort());
  });

  for (const [name, want] of Object.entries(JSON_CASES)) {
    it(`-j status: ${name}`, () => {
      const { stdout, stderr } = recorded('status', name);
      check(parseStatusJson(stdout, stderr), want);
    });
  }

  for (const [name, want] of Object.entries(TEXT_CASES)) {
    it(`status: ${name}`, () => {
      const { stdout, stderr } = recorded('status', name);
      check(parseStatusText(stdout, stderr), want);
    });
  }

  it('reads a daemon-down JSON printed on stderr', () => {
    const { stdout } = recorded('status', 'json-daemon-down');
    check(parseStatusJson('', stdout), { state: 'disconnected', daemonDown: true });
  });

  it('never throws on hostile input', () => {
    for (const input of ['{', '{"status":42}', '[]', 'null', '\u0000\u0001', 'Status update:', 'x'.repeat(100_000)]) {
      expect(parseStatusJson(input).state).toBe('unknown');
      expect(parseStatusText(input).state).toBe('unknown');
    }
  });

  it('tells status lines from DNS log lines in listen mode', () => {
    expect(isStatusLine('Status update: Connected')).toBe(true);
    expect(isStatusLine('{"status":"Disconnected","reason":"Manual"}')).toBe(true);
    expect(isStatusLine('Unable to connect to CloudflareWARP daemon. Maybe the daemon is not running?')).toBe(true);
    expect(isStatusLine('DNS query: example.com A -> 93.184.215.14')).toBe(false);
    expect(isStatusLine('Reason: Manual Disconnection')).toBe(false);
  });
});
