import { describe, expect, it } from 'vitest';
import type { ProcessRunner } from '../../../main/core/process/runner.ts';
import { detectWarp, type WarpEnv } from '../../../main/core/warp/index.ts';

/**
 * An old client, as a stand-in runner: it answers `status` (with a `Mode:` line among the status
 * lines, as some builds print) and refuses everything else with clap's error.
 */
const oldClient: ProcessRunner = {
  async run(_command, args) {
    const base = { timedOut: false, durationMs: 1 };
    if (args.join(' ') === 'status') {
      return { ...base, code: 0, stdout: 'Status update: Connected\nMode: DnsOverHttps\n', stderr: '' };
    }
    return {
      ...base,
      code: 2,
      stdout: '',
      stderr: `error: Found argument '${args[0]}' which wasn't expected, or isn't valid in this context\n`,
    };
  },
};

const env: WarpEnv = {
  platform: 'linux',
  runner: oldClient,
  fetch,
  warpCliPath: '/opt/old/warp-cli',
  traceUrl: null,
  networkInterfaces: () => ({}),
};

describe('detectWarp with a client that only answers status', () => {
  it('takes the mode from the status lines, and leaves the rest of the profile unknown', async () => {
    const d = await detectWarp(env);
    expect(d.state).toBe('connected');
    expect(d.mode).toMatchObject({ raw: 'DnsOverHttps', kind: 'dns-only', privateRouting: false });
    expect(d.privateRouting).toBe(false);
    expect(d.splitTunnel).toBeNull();
    expect(d.organization).toBeNull();
    expect(d.virtualNetworks).toBeNull();
  });

  it('reads no profile when asked not to', async () => {
    const d = await detectWarp(env, { profile: false });
    expect(d).not.toHaveProperty('mode');
  });
});
