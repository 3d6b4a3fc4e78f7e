import { randomUUID } from 'node:crypto';
import { Tenant } from '@consign/tenants';
import { signShopifyBody } from '@consign/webhook-gateway';

/** The headers Shopify sends with an orders/create delivery of `body`, signed with the tenant's current secret. */
export function signedShopifyOrderHeaders(tenant: Tenant, body: Buffer, webhookId: string = randomUUID()): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-shopify-topic': 'orders/create',
    'x-shopify-shop-domain': tenant.shopDomain,
    'x-shopify-webhook-id': webhookId,
    'x-shopify-event-id': randomUUID(),
    'x-shopify-triggered-at': new Date().toISOString(),
    'x-shopify-hmac-sha256': signShopifyBody(body, tenant.shopifyWebhookSecrets[0]),
  };
}
