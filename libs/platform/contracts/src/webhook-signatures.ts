import { createHmac } from 'node:crypto';

// How the senders sign their webhooks, for the tools that send test deliveries. The gateway's
// verifiers compute the same independently, so that a mistake in one is caught by the other.

/** Shopify's X-Shopify-Hmac-Sha256: base64 HMAC-SHA256 of the raw body, keyed with the secret's text. */
export function shopifyHmacOf(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/** Svix's svix-signature: `v1,` and base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the decoded `whsec_` secret. */
export function svixSignatureOf(body: Buffer | string, secret: string, messageId: string, timestamp: number): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${messageId}.${timestamp}.`).update(body).digest('base64')}`;
}
