import { describe, expect, it } from 'vitest';
import { throttleAddress } from './address-key.js';

describe('throttleAddress', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(throttleAddress('192.0.2.1')).toBe('192.0.2.1');
    expect(throttleAddress(' 192.0.2.1 ')).toBe('192.0.2.1');
  });

  it('counts an IPv4-mapped IPv6 address as the IPv4 address', () => {
    expect(throttleAddress('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(throttleAddress('::FFFF:c000:0201')).toBe('192.0.2.1');
  });

  it('counts IPv6 addresses by their /64, however they are written', () => {
    const key = '2001:db8:0:1::/64';
    for (const address of [
      '2001:db8:0:1::1',
      '2001:0db8:0000:0001:ffff:ffff:ffff:ffff',
      '2001:DB8:0:1:a:b:c:d',
      '[2001:db8:0:1::2]',
      'fe80::1%eth0'.replace('fe80::1', '2001:db8:0:1::9'),
      '2001:db8:0:1:0:0:192.0.2.1',
    ]) {
      expect(throttleAddress(address), address).toBe(key);
    }
    expect(throttleAddress('2001:db8:0:2::1')).toBe('2001:db8:0:2::/64');
    expect(throttleAddress('::1')).toBe('0:0:0:0::/64');
  });

  it('keeps anything else as one bounded key', () => {
    expect(throttleAddress('unknown')).toBe('other:unknown');
    expect(throttleAddress('x'.repeat(1000))).toHaveLength('other:'.length + 64);
  });
});
