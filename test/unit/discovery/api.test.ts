import { describe, expect, it } from 'vitest';
import {
  checkAccountId,
  checkToken,
  cloudflareOptionsFromEnv,
  defaultSleep,
  redact,
  retryAfterMs,
} from '../../../main/core/discovery/cloudflare/api.ts';
import { compareIps, IpSet, normalizeIp, parseCidr } from '../../../main/core/discovery/cloudflare/ip.ts';

describe('retryAfterMs', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');
  it.each([
    [{ 'retry-after': '3' }, 3000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after': 'Sat, 01 Mar 2025 12:00:10 GMT' }, 10_000],
    [{ 'retry-after': 'Sat, 01 Mar 2025 11:00:00 GMT' }, 0],
    [{ 'retry-after-ms': '250', 'retry-after': '9' }, 250],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(retryAfterMs(new Headers(headers), now)).toBe(expected);
  });
});

describe('token and account checks', () => {
  it('redacts every occurrence of the secret', () => {
    expect(redact('a SECRET b SECRET', 'SECRET')).toBe('a [redacted] b [redacted]');
    expect(redact('nothing', '')).toBe('nothing');
  });

  it.each([
    ['', 'not-logged-in'],
    ['has space', 'bad-input'],
    ['line\n', 'bad-input'],
  ])('checkToken(%j) → %s, without echoing it', (token, code) => {
    try {
      checkToken(token);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code });
      if (token) expect((e as Error).message).not.toContain(token);
    }
  });

  it('accepts a well-formed token and account id', () => {
    expect(() => checkToken('Zk3vQ9xLr2T8mWcN5bHy7PdJ4sAeF6gUoV1iK0qE')).not.toThrow();
    expect(() => checkAccountId('0123456789abcdef0123456789ABCDEF')).not.toThrow();
    expect(() => checkAccountId('acct-123')).toThrow(/32 hexadecimal characters/);
  });
});

describe('environment and sleep', () => {
  it('reads the SDK environment variables, ignoring blanks', () => {
    expect(
      cloudflareOptionsFromEnv({
        CLOUDFLARE_API_TOKEN: ' tok ',
        CLOUDFLARE_ACCOUNT_ID: 'abc',
        CLOUDFLARE_BASE_URL: '',
        HOME: '/home/x',
      }),
    ).toEqual({ token: 'tok', accountId: 'abc' });
    expect(cloudflareOptionsFromEnv({})).toEqual({});
  });

  it('the default backoff sleep ends when its signal aborts', async () => {
    const controller = new AbortController();
    const sleeping = defaultSleep(10 * 60_000, controller.signal);
    controller.abort();
    await expect(sleeping).resolves.toBeUndefined();
    await expect(defaultSleep(10 * 60_000, controller.signal)).resolves.toBeUndefined();
  });
});

describe('ip helpers', () => {
  it('normalises and parses', () => {
    expect(normalizeIp('2001:DB8:0:0::101')).toBe('2001:db8::101');
    expect(normalizeIp('[::1]')).toBe('::1');
    expect(normalizeIp('example.com')).toBeUndefined();
    expect(parseCidr('198.51.100.101/32')).toEqual({ ip: '198.51.100.101', prefix: 32, family: 4 });
    expect(parseCidr('2001:db8::/32')).toEqual({ ip: '2001:db8::', prefix: 32, family: 6 });
    expect(parseCidr('198.51.100.1')).toEqual({ ip: '198.51.100.1', prefix: 32, family: 4 });
    expect(parseCidr('198.51.100.1/33')).toBeUndefined();
    expect(parseCidr('1.2.3.4/8/9')).toBeUndefined();
  });

  it('IpSet holds addresses and ranges of both families', () => {
    const set = new IpSet();
    expect(set.add('10.0.0.0/8')).toBe(true);
    expect(set.add('2001:db8::101')).toBe(true);
    expect(set.add('kubernetes.io')).toBe(false);
    expect(set.size).toBe(2);
    expect(set.has('10.1.2.3')).toBe(true);
    expect(set.has('2001:DB8::101')).toBe(true);
    expect(set.has('11.0.0.1')).toBe(false);
    expect(set.has('2001:db8::102')).toBe(false);
  });

  it('sorts IPv4 before IPv6, numerically', () => {
    expect(['2001:db8::10', '198.51.100.20', '2001:db8::9', '198.51.100.3'].sort(compareIps)).toEqual([
      '198.51.100.3',
      '198.51.100.20',
      '2001:db8::9',
      '2001:db8::10',
    ]);
  });
});
