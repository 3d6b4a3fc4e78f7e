import { normaliseAddress } from './ip-address';

/**
 * The client's address when `trustedProxyCount` proxies of our own stand in front of the gateway.
 *
 * The chain is `X-Forwarded-For` followed by the socket's peer address. Each proxy appends the
 * address it received the request from, so only the right-most `trustedProxyCount` hops were
 * written by us; everything further left came from the client and may be forged. The client is
 * therefore the entry `trustedProxyCount` places from the right: never the left-most entry, which
 * anyone can set to an allowlisted address. With 0 proxies the header is ignored entirely. If the
 * header holds fewer entries than expected, the left-most available one is taken rather than
 * reading past what the proxies wrote.
 *
 * Node joins repeated `X-Forwarded-For` headers with `, `, so one string holds the whole chain.
 */
export function clientAddress(remoteAddress: string, forwardedFor: string | undefined, trustedProxyCount: number): string {
  if (!Number.isSafeInteger(trustedProxyCount) || trustedProxyCount < 0) {
    throw new Error(`trusted proxy count must be a non-negative integer, got ${trustedProxyCount}`);
  }
  const forwarded = (forwardedFor ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  // The peer address is never dropped, even if empty: that would shift the chain one hop left.
  const chain = [...forwarded, remoteAddress];
  return normaliseAddress(chain[Math.max(0, chain.length - 1 - trustedProxyCount)]);
}
