import { formatAddress, parseAddress } from './ip-address';

/** One allowlisted network, held in the IPv6 space (IPv4 as `::ffff:a.b.c.d/96+prefix`). */
export interface CidrRange {
  /** The entry as configured. */
  readonly text: string;
  readonly family: 4 | 6;
  /** Prefix length in the range's own family (0–32 for IPv4, 0–128 for IPv6). */
  readonly prefix: number;
  readonly network: bigint;
  /** Prefix length in the 128-bit space the values are held in. */
  readonly bits: number;
}

/**
 * Parses a comma-separated list of IPv4/IPv6 CIDRs or bare addresses (a bare address is a /32 or
 * /128). Empty entries are skipped, so an empty text is an empty list. Throws an Error naming the
 * first bad entry. An entry with host bits set (`10.0.0.1/8`) is refused rather than masked: it is
 * usually a typo, and silently widening an allowlist is the wrong way to fail.
 */
export function parseCidrList(text: string): CidrRange[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map(parseCidr);
}

/**
 * Whether the address lies in any of the ranges. An empty list means no allowlist is configured,
 * so every address is allowed. IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`, as a dual-stack
 * socket reports IPv4 peers) match IPv4 ranges. Anything that is not an address matches nothing.
 */
export function isAllowed(address: string, ranges: readonly CidrRange[]): boolean {
  return ranges.length === 0 || inRanges(address, ranges);
}

/** Whether the address lies in any of the ranges; an empty list holds no address. */
export function inRanges(address: string, ranges: readonly CidrRange[]): boolean {
  const parsed = parseAddress(address);
  if (parsed === null) return false;
  return ranges.some((range) => networkOf(parsed.value, range.bits) === range.network);
}

function parseCidr(entry: string): CidrRange {
  const fail = (reason: string): never => {
    throw new Error(`invalid CIDR entry "${entry}": ${reason}`);
  };
  const parts = entry.split('/');
  if (parts.length > 2) fail('more than one "/"');
  const [addressText, prefixText] = parts;
  if (addressText.includes('%')) fail('an IPv6 zone is not allowed');
  const address = parseAddress(addressText) ?? fail(`"${addressText}" is not an IPv4 or IPv6 address`);
  // An IPv4-mapped range written in IPv6 (`::ffff:10.0.0.0/104`) is held as the IPv4 range it is.
  const mappedIpv4 = address.family === 4 && addressText.includes(':');
  const family = address.family === 4 && !mappedIpv4 ? 4 : 6;
  const maxPrefix = family === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) fail(`prefix "${prefixText}" is not a number`);
  const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
  if (prefix > maxPrefix) fail(`prefix /${prefix} is longer than ${maxPrefix} bits for IPv${family}`);
  const bits = family === 4 ? prefix + 96 : prefix;
  const network = networkOf(address.value, bits);
  if (network !== address.value) {
    fail(`host bits are set after the /${prefix} prefix; did you mean ${formatAddress({ family, value: network })}/${prefix}?`);
  }
  return mappedIpv4 && prefix >= 96
    ? { text: entry, family: 4, prefix: prefix - 96, network, bits }
    : { text: entry, family, prefix, network, bits };
}

function networkOf(value: bigint, bits: number): bigint {
  const hostBits = BigInt(128 - bits);
  return (value >> hostBits) << hostBits;
}
