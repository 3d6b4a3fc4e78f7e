import { isInteger, isSafeNumber, parse } from 'lossless-json';
import { PlatformError } from '@consign/errors';

/**
 * Parses a webhook body keeping 64-bit integers exact: integers beyond 2^53 become bigint instead
 * of being rounded through a double, as JSON.parse would do with Shopify ids.
 */
export function parseExactJson(raw: Buffer): unknown {
  try {
    return parse(raw.toString('utf8'), null, (text) => (isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text)));
  } catch (error) {
    throw new PlatformError(`body is not valid JSON: ${(error as Error).message}`, { code: 'webhook.malformed_json', category: 'invalid' });
  }
}
