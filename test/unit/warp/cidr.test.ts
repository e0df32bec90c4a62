import { describe, expect, it } from 'vitest';
import {
  cidrContains,
  hostCidr,
  isDefaultExclude,
  parseCidr,
  parseIp,
  privateRangeOf,
} from '../../../main/core/warp/index.ts';

describe('IP and CIDR arithmetic', () => {
  it('matches IPv4 ranges at their edges', () => {
    expect(cidrContains('10.0.0.0/8', '10.255.255.255')).toBe(true);
    expect(cidrContains('10.0.0.0/8', '11.0.0.0')).toBe(false);
    expect(cidrContains('172.16.0.0/12', '172.31.255.1')).toBe(true);
    expect(cidrContains('172.16.0.0/12', '172.32.0.1')).toBe(false);
    expect(cidrContains('0.0.0.0/0', '203.0.113.9')).toBe(true);
    expect(cidrContains('198.51.100.101', '198.51.100.101')).toBe(true);
    expect(cidrContains('198.51.100.101/32', '198.51.100.102')).toBe(false);
  });

  it('matches IPv6 ranges, compressed and full forms alike', () => {
    expect(cidrContains('fd00::/8', 'fd12:3456::1')).toBe(true);
    expect(cidrContains('fd00::/8', 'fe80::1')).toBe(false);
    expect(cidrContains('2001:db8::/32', '2001:0db8:0000:0000:0000:0000:0000:0101')).toBe(true);
    expect(cidrContains('2001:db8::101/128', '2001:db8::101')).toBe(true);
    expect(cidrContains('2001:db8::101/128', '2001:db8::102')).toBe(false);
    expect(cidrContains('::/0', '::1')).toBe(true);
  });

  it('never matches across families, and folds IPv4-mapped IPv6 to IPv4', () => {
    expect(cidrContains('10.0.0.0/8', '::a00:1')).toBe(false);
    expect(parseIp('::ffff:10.1.2.3')).toEqual(parseIp('10.1.2.3'));
    expect(cidrContains('10.0.0.0/8', '::ffff:10.1.2.3')).toBe(true);
    expect(cidrContains('::ffff:10.0.0.0/104', '10.9.9.9')).toBe(true);
  });

  it('rejects what is not an address or network', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0.0/', 'fd00::/129', 'example.com', '10.0.0.0/8/1', '', '10.0.0.0/-1']) {
      expect(parseCidr(bad), bad).toBeNull();
    }
    expect(parseIp('10.0.0.256')).toBeNull();
    expect(cidrContains('10.0.0.0/8', 'nonsense')).toBe(false);
  });

  it('host entries and private ranges', () => {
    expect(hostCidr('10.1.2.3')).toBe('10.1.2.3/32');
    expect(hostCidr('2001:db8::101')).toBe('2001:db8::101/128');
    expect(privateRangeOf('192.168.7.7')).toEqual({ cidr: '192.168.0.0/16', name: 'RFC 1918 private' });
    expect(privateRangeOf('fd00::5')?.cidr).toBe('fc00::/7');
    expect(privateRangeOf('198.51.100.1')).toBeNull();
    // An IPv4-mapped IPv6 address is routed as IPv4, so it falls in the IPv4 range.
    expect(privateRangeOf('::ffff:10.9.8.7')?.cidr).toBe('10.0.0.0/8');
    expect(privateRangeOf('fe80::1%eth0')).toEqual({ cidr: 'fe80::/10', name: 'link-local' });
    expect(privateRangeOf('2001:db8::1')).toBeNull();
    expect(privateRangeOf('not-an-ip')).toBeNull();
    expect(isDefaultExclude('10.0.0.0/8')).toBe(true);
    expect(isDefaultExclude('10.0.0.0/9')).toBe(false);
    expect(isDefaultExclude('FD00::/8')).toBe(true);
    expect(isDefaultExclude('::ffff:10.0.0.0/104')).toBe(true);
    expect(isDefaultExclude('fd00::/9')).toBe(false);
  });
});
