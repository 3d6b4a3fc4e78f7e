import { PlatformError } from '@consign/errors';
import { TenantDirectory } from '@consign/tenants';
import { parseExactJson } from '../exact-json';
import { deliveryKeyOf } from '../intake/delivery-store';
import { IncomingWebhook, VerifiedDelivery } from '../intake/verified-delivery';
import { eventOfRoute, routeOf, ShopifyPath, shopifyTopicRoutes } from '../webhook-mapping';
import { shopifyDeliveryOf } from './shopify-delivery';
import { verifyShopifyHmac } from './shopify-signature';

export interface ShopifyVerificationSettings {
  tenants: TenantDirectory;
  now: () => number;
  /** Refuse deliveries triggered longer ago than this; unset: no limit (Shopify retries for hours). */
  maxAgeMs?: number;
}

/**
 * A Shopify delivery, in order: the shop, the HMAC of the raw bytes (before they are parsed), the
 * topic and the endpoint it came to (`accepts`: the path after /webhooks/shopify/, none for the
 * routing endpoint), the headers; then the body is parsed and mapped to its event. Throws a
 * PlatformError with a stable `shopify.*` code at the first step that fails.
 */
export function verifyShopifyWebhook(
  incoming: IncomingWebhook,
  accepts: ShopifyPath | undefined,
  settings: ShopifyVerificationSettings,
): VerifiedDelivery {
  const shopDomain = incoming.header('x-shopify-shop-domain');
  const tenant = shopDomain ? settings.tenants.byShopDomain(shopDomain) : undefined;
  if (!tenant) throw new PlatformError(`unknown shop "${shopDomain ?? ''}"`, { code: 'shopify.unknown_shop', category: 'unauthorized' });
  incoming.note({ tenant: tenant.id });
  const signature = incoming.header('x-shopify-hmac-sha256') ?? incoming.header('shopify-hmac-sha256');
  if (!verifyShopifyHmac(incoming.body, signature, tenant.shopifyWebhookSecrets)) {
    throw new PlatformError('X-Shopify-Hmac-Sha256 is missing or does not match the body', {
      code: 'shopify.signature_invalid',
      category: 'unauthorized',
    });
  }
  const topic = incoming.header('x-shopify-topic') ?? '';
  const webhookId = incoming.header('x-shopify-webhook-id');
  const triggeredAt = incoming.header('x-shopify-triggered-at');
  incoming.note({ topic, webhookId, shopifyEventId: incoming.header('x-shopify-event-id'), triggeredAt });
  const route = routeOf(shopifyTopicRoutes, topic);
  if (!route) throw new PlatformError(`topic "${topic}" is not supported`, { code: 'shopify.topic_not_supported', category: 'invalid' });
  if (accepts && !route.paths.includes(accepts)) {
    throw new PlatformError(`topic "${topic}" does not belong on ${incoming.path}`, {
      code: 'shopify.topic_not_accepted',
      category: 'invalid',
      details: { acceptedPaths: route.paths.map((candidate) => `/webhooks/shopify/${candidate}`) },
    });
  }
  if (!webhookId)
    throw new PlatformError('X-Shopify-Webhook-Id header is required', {
      code: 'shopify.header_missing',
      category: 'invalid',
      details: { header: 'X-Shopify-Webhook-Id' },
    });
  if (settings.maxAgeMs !== undefined && triggeredAt) {
    const ageMs = settings.now() - Date.parse(triggeredAt);
    if (Number.isNaN(ageMs) || ageMs > settings.maxAgeMs) {
      throw new PlatformError(`delivery triggered at ${triggeredAt} is older than the configured ${settings.maxAgeMs} ms`, {
        code: 'shopify.delivery_too_old',
        category: 'invalid',
      });
    }
  }
  const delivery = shopifyDeliveryOf(tenant, {
    topic,
    webhookId,
    header: incoming.header,
    receivedAt: incoming.receivedAt,
    requestId: incoming.requestId,
  });
  return {
    source: 'shopify',
    tenantId: tenant.id,
    deliveryKey: deliveryKeyOf('shopify', tenant.shopDomain, webhookId),
    deliveryId: webhookId,
    sourceEventId: delivery.eventId,
    topic,
    body: incoming.body,
    event: eventOfRoute(route, parseExactJson(incoming.body), delivery),
    requestId: incoming.requestId,
  };
}
