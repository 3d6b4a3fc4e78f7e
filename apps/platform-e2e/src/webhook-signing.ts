import { createHmac } from 'node:crypto';

/**
 * Signs test deliveries as Shopify and Svix do, written here from their documentation rather than
 * borrowed from the gateway, so that a bug in the gateway's verifier cannot hide in the tests.
 */
export const developmentShopifySecret = 'test_secret_key';
export const developmentClerkSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

export function shopifySignature(body: Buffer | string, secret = developmentShopifySecret): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

export function svixSignature(body: Buffer, id: string, timestamp: number, secret = developmentClerkSecret): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')}`;
}
