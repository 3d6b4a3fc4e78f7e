import { isIP } from 'node:net';

/** An address in the IPv6 space: IPv4 is held as its IPv4-mapped form `::ffff:a.b.c.d`. */
export interface ParsedAddress {
  family: 4 | 6;
  /** 128-bit value; IPv4 addresses sit at `::ffff:0:0/96`. */
  value: bigint;
}

export const IPV4_MAPPED_PREFIX = 0xffffn << 32n;
const IPV4_MAPPED_MASK = ~0xffffffffn & ((1n << 128n) - 1n);

/**
 * Parses an IPv4 or IPv6 address (an IPv6 zone such as `%eth0` is dropped). IPv4-mapped IPv6
 * addresses come back as family 4, so `::ffff:10.0.0.1` and `10.0.0.1` are the same address.
 * Returns null for anything that is not an address.
 */
export function parseAddress(text: string): ParsedAddress | null {
  const address = text.trim().replace(/%.*$/, '');
  switch (isIP(address)) {
    case 4:
      return { family: 4, value: IPV4_MAPPED_PREFIX | ipv4Value(address) };
    case 6: {
      const value = ipv6Value(address);
      return { family: (value & IPV4_MAPPED_MASK) === IPV4_MAPPED_PREFIX ? 4 : 6, value };
    }
    default:
      return null;
  }
}

/** Trims, and writes an IPv4-mapped IPv6 address as plain IPv4; anything else is left as it is. */
export function normaliseAddress(text: string): string {
  const trimmed = text.trim();
  const parsed = parseAddress(trimmed);
  return parsed?.family === 4 ? formatIpv4(parsed.value & 0xffffffffn) : trimmed;
}

export function formatAddress(address: ParsedAddress): string {
  if (address.family === 4) return formatIpv4(address.value & 0xffffffffn);
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((address.value >> shift) & 0xffffn).toString(16));
  return groups.join(':');
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

/** Only called once isIP has accepted the text. */
function ipv4Value(address: string): bigint {
  return address.split('.').reduce((value, octet) => (value << 8n) | BigInt(octet), 0n);
}

/** Only called once isIP has accepted the text, so `::` appears at most once. */
function ipv6Value(address: string): bigint {
  const toGroups = (part: string): string[] => {
    if (part === '') return [];
    const groups = part.split(':');
    const last = groups[groups.length - 1];
    if (last.includes('.')) {
      const v4 = ipv4Value(last);
      groups.splice(-1, 1, (v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16));
    }
    return groups;
  };
  const [head, tail] = address.split('::');
  const headGroups = toGroups(head);
  const tailGroups = tail === undefined ? [] : toGroups(tail);
  const zeros = Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].reduce((value, group) => (value << 16n) | BigInt(`0x${group}`), 0n);
}
