import { shopifyHmacOf, svixSignatureOf } from '@consign/contracts';

/**
 * Signs test deliveries as Shopify and Svix do, with the operator tools' sender-side signing
 * (written from the senders' documentation and checked against their official vectors), never the
 * gateway's own, so that a bug in the gateway's verifier cannot hide in the tests.
 */
export const developmentShopifySecret = 'test_secret_key';
export const developmentClerkSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

export function shopifySignature(body: Buffer | string, secret = developmentShopifySecret): string {
  return shopifyHmacOf(body, secret);
}

export function svixSignature(body: Buffer, id: string, timestamp: number, secret = developmentClerkSecret): string {
  return svixSignatureOf(body, secret, id, timestamp);
}
