import { normaliseAddress } from './ip-address';
import { CidrRange, inRanges } from './ip-allowlist';

/**
 * The client's address behind our own proxies, the ones whose addresses `trustedProxies` holds.
 *
 * The chain is `X-Forwarded-For` followed by the socket's peer address. Each proxy appends the
 * address it received the request from, so an entry can be believed only when the hop to its right
 * is one of our proxies. The walk goes right to left and stops at the first address that is not a
 * trusted proxy: that is the client. A peer that is not a trusted proxy is the client itself, and
 * its `X-Forwarded-For` is ignored; a chain of nothing but trusted proxies names no client, and the
 * peer address is used. The left-most entry, which anyone can set to an allowlisted address, is
 * never taken on trust.
 *
 * Node joins repeated `X-Forwarded-For` headers with `, `, so one string holds the whole chain.
 */
export function clientAddress(remoteAddress: string, forwardedFor: string | undefined, trustedProxies: readonly CidrRange[]): string {
  const peer = normaliseAddress(remoteAddress);
  if (!inRanges(peer, trustedProxies)) return peer;
  const forwarded = (forwardedFor ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  for (let hop = forwarded.length - 1; hop >= 0; hop -= 1) {
    const address = normaliseAddress(forwarded[hop]);
    if (!inRanges(address, trustedProxies)) return address;
  }
  return peer;
}
