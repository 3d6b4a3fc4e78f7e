import { PlatformError } from '@consign/errors';

/**
 * The exact decimal id inside a Shopify global id (`gid://shopify/Order/820982911946154508` →
 * `820982911946154508`), kept as text: Shopify ids are 64-bit and lose digits as JS numbers.
 */
export function numericIdOf(gid: string, expectedType?: string): string {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/.exec(gid);
  if (!match || (expectedType !== undefined && match[1] !== expectedType)) {
    throw new PlatformError(`not a Shopify ${expectedType ?? 'global'} id: ${JSON.stringify(gid)}`, {
      code: 'shopify.invalid_gid',
      category: 'invalid',
      details: { gid, expectedType },
    });
  }
  return match[2];
}
