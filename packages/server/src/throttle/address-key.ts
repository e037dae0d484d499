import { isIPv4, isIPv6 } from 'node:net';

/**
 * The part of a client address that identifies one attacker for throttling. An IPv4 address is
 * itself (IPv4-mapped IPv6 included, so `::ffff:192.0.2.1` and `192.0.2.1` share one counter).
 * An IPv6 address counts by its /64: one subscriber usually holds a whole /64 (RFC 6177), so
 * counting single addresses would let them rotate through 2^64 fresh counters.
 */
export function throttleAddress(ip: string): string {
  const text = ip.trim().toLowerCase();
  if (isIPv4(text)) return text;
  const bare = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIPv6(bare)) {
    const groups = expandIPv6(bare);
    if (isIPv4Mapped(groups))
      return `${(groups[6]! >> 8) & 255}.${groups[6]! & 255}.${(groups[7]! >> 8) & 255}.${groups[7]! & 255}`;
    return `${groups
      .slice(0, 4)
      .map((g) => g.toString(16))
      .join(':')}::/64`;
  }
  // Not an address (a misconfigured proxy header, say): still one bounded counter.
  return `other:${text.slice(0, 64)}`;
}

function isIPv4Mapped(groups: number[]): boolean {
  return groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
}

/** The eight 16-bit groups of a valid IPv6 address (with `::` and a trailing dotted quad expanded). */
function expandIPv6(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const middle = Array.from({ length: 8 - left.length - right.length }, () => 0);
  return [...left, ...middle, ...right];
}
