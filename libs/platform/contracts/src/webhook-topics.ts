/**
 * The Shopify webhook topics the platform subscribes to: what a store sets up in Shopify, what the
 * gateway routes (its route table must cover exactly these) and what `ops webhooks send-test`
 * recognises in a file name.
 */
export const shopifyWebhookTopics = [
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/cancelled',
  'refunds/create',
  'inventory_levels/update',
  'products/create',
  'products/update',
] as const;

export type ShopifyWebhookTopic = (typeof shopifyWebhookTopics)[number];

/** The Shopify API version the platform is built against: its webhook subscriptions and the Admin API the reconciler reads. */
export const shopifyApiVersion = '2026-07';
