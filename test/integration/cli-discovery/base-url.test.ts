/**
 * CLOUDFLARE_BASE_URL decides where the Cloudflare API token goes. `bin/kubezt.js` runs in child
 * processes with a preload that records every request fetch creates and every socket opened
 * (test/helpers/network-recorder.ts), so a refusal is shown to happen before anything is sent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { findSecretIn } from '../../../main/core/secrets/index.ts';
import { baseUrlWarning, startWorld, type World } from './world.ts';

const repo = resolve(import.meta.dirname, '../../..');
const NODE = join(repo, 'node_modules', '.bin', 'node');
const BIN = join(repo, 'bin', 'kubezt.js');
const RECORDER = join(repo, 'test', 'helpers', 'network-recorder.ts');

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function kubezt(w: World, args: string[], env: Record<string, string | undefined>, input = '') {
  const log = join(w.root, `net-${args[0]}-${Date.now()}.jsonl`);
  const r = await nodeProcessRunner.run(NODE, ['--import', RECORDER, BIN, ...args], {
    timeoutMs: 30_000,
    input,
    env: { PATH: process.env.PATH, HOME: w.home, ...env, KUBEZT_TEST_NET_LOG: log },
    cwd: repo,
  });
  expect(r.timedOut, `kubezt ${args.join(' ')} timed out: ${r.stderr}`).toBe(false);
  const sent = existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { kind: string; origin?: string })
    : [];
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, sent };
}

describe('CLOUDFLARE_BASE_URL', () => {
  it('a plain-http server on loopback is allowed: it gets the token, and kubezt warns once on stderr', async () => {
    const w = await startWorld();
    world = w;
    const r = await kubezt(w, ['clusters', '--refresh'], w.env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.startsWith(baseUrlWarning(w))).toBe(true);
    expect(r.stderr.split('CLOUDFLARE_BASE_URL points kubezt at').length).toBe(2);
    // The fake API answers only with the right token: the token reached it, and only it.
    expect(w.api.requests.length).toBeGreaterThan(0);
    expect(w.api.requests.every((q) => q.status === 200)).toBe(true);
    const origin = new URL(w.api.baseUrl).origin;
    const requests = r.sent.filter((s) => s.kind === 'request');
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((s) => s.origin === origin)).toBe(true);
  });

  it('any other host or scheme is refused before any request: exit 2, one sentence, the token sent nowhere', {
    timeout: 120_000,
  }, async () => {
    const w = await startWorld();
    world = w;
    const token = w.api.token;
    const cases: [string, Record<string, string>, string][] = [
      ['http://example.invalid/client/v4', {}, 'is not https'],
      ['https://example.invalid/client/v4', {}, "is neither Cloudflare's API"],
      ['https://api.cloudflare.com.example.invalid/client/v4', {}, "is neither Cloudflare's API"],
      ['http://api.cloudflare.com/client/v4', {}, 'is not https'],
      // Allowed by name, but not this one; and plain http stays refused even when named.
      [
        'https://example.invalid/client/v4',
        { KUBEZT_ALLOW_BASE_URL: 'https://other.example.invalid/client/v4' },
        "is neither Cloudflare's API",
      ],
      [
        'http://example.invalid/client/v4',
        { KUBEZT_ALLOW_BASE_URL: 'http://example.invalid/client/v4' },
        'is not https',
      ],
    ];
    for (const [url, extra, why] of cases) {
      const env = w.env({ CLOUDFLARE_BASE_URL: url, ...extra });
      const runs = [
        await kubezt(w, ['clusters', '--refresh'], env),
        await kubezt(w, ['setup', '--dry-run'], env),
        // login: refused before the token is even read from stdin.
        await kubezt(w, ['login', '--account-id', w.api.accountId], { ...env, CLOUDFLARE_API_TOKEN: undefined }, token),
      ];
      for (const r of runs) {
        expect(r.code, `${url}: ${r.stderr}`).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(new RegExp(`^kubezt: CLOUDFLARE_BASE_URL \\([^)]+\\) ${why}[^\\n]*\\.\\n$`));
        expect(r.sent, `${url}: nothing may be sent`).toEqual([]);
        expect(await findSecretIn([r.stdout, r.stderr], token)).toEqual([]);
      }
    }
    expect(w.api.requests).toEqual([]);
  });
});
