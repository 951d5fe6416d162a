import { parseTrustedProxies } from './trusted-proxies';

describe('parseTrustedProxies (GATEWAY_TRUSTED_PROXIES)', () => {
  it('is off when empty: nobody is trusted', () => {
    const none = parseTrustedProxies('');
    expect(none.entries).toEqual([]);
    expect(none.contains('127.0.0.1')).toBe(false);
  });

  it('takes addresses and CIDRs of both families, separated by commas or spaces', () => {
    const proxies = parseTrustedProxies('10.0.0.0/8, 192.0.2.7  2001:db8::/32');
    expect(proxies.entries).toEqual(['10.0.0.0/8', '192.0.2.7/32', '2001:db8::/32']);
    expect(proxies.contains('10.1.2.3')).toBe(true);
    expect(proxies.contains('::ffff:10.1.2.3')).toBe(true);
    expect(proxies.contains('192.0.2.7')).toBe(true);
    expect(proxies.contains('192.0.2.8')).toBe(false);
    expect(proxies.contains('11.0.0.1')).toBe(false);
    expect(proxies.contains('2001:db8:1::5')).toBe(true);
    expect(proxies.contains('2001:db9::5')).toBe(false);
    expect(proxies.contains(undefined)).toBe(false);
    expect(proxies.contains('not an address')).toBe(false);
  });

  it.each(['10.0.0.0/33', '2001:db8::/129', 'localhost', '10.0.0.0/8/1', '10.0.0/8', '10.0.0.0/x', '300.1.1.1'])(
    'refuses %p with a message naming it',
    (bad) => {
      expect(() => parseTrustedProxies(`127.0.0.1,${bad}`)).toThrow(bad);
    },
  );
});
