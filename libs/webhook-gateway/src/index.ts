export { createShopifyWebhookRouter } from './http/shopify-webhook-router';
export type { ShopifyWebhookRouterOptions } from './http/shopify-webhook-router';
export { verifyShopifyHmac, signShopifyBody } from './shopify/shopify-signature';
export { mapOrderCreated } from './shopify/order-mapping';
export type { ShopifyDelivery } from './shopify/shopify-delivery';
export { parseExactJson } from './exact-json';
export { toMinorUnits } from './money';
export { deterministicEventId } from './event-id';
