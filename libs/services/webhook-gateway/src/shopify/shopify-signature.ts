import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Shopify signs the raw body: base64(HMAC-SHA256(client secret, body)). Any of the tenant's
 * secrets may match, so a rotation never rejects deliveries signed with the previous secret.
 * The base64 text is compared, as Shopify's library does: decoding first would accept variants
 * that differ only in the padding bits. Every secret is checked, in constant time.
 */
export function verifyShopifyHmac(rawBody: Buffer, header: string | undefined, secrets: readonly string[]): boolean {
  if (!header) return false;
  const received = Buffer.from(header.trim());
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(signShopifyBody(rawBody, secret));
    matched = (expected.length === received.length && timingSafeEqual(expected, received)) || matched;
  }
  return matched;
}

export function signShopifyBody(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}
