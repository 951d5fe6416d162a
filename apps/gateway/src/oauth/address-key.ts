import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key a client address is counted under by the brute-force brake: an IPv4
 * address as it is (also when it arrives IPv4-mapped, `::ffff:a.b.c.d`), an IPv6
 * address by its /64 network, since one host is routinely given a whole /64 and
 * could otherwise step to a fresh address for every guess.
 */
export function addressKey(address: string): string {
  if (isIPv4(address)) return address;
  const zoneless = address.split('%', 1)[0];
  if (!isIPv6(zoneless)) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(zoneless);
  if (mapped) return mapped[1];
  return `${expand(zoneless).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, in lower case without leading zeros. */
function expand(address: string): string[] {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (`::1.2.3.4`) takes two groups.
  const last = right.length ? right : left;
  const ipv4 = last.length ? last[last.length - 1] : '';
  if (ipv4.includes('.')) {
    const octets = ipv4.split('.').map(Number);
    last.splice(-1, 1, ((octets[0] << 8) | octets[1]).toString(16), ((octets[2] << 8) | octets[3]).toString(16));
  }
  const middle = tail === undefined ? [] : new Array(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((g) => parseInt(g, 16).toString(16));
}
