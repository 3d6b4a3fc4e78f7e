import { EventDefinition, EventMetadata } from '@consign/contracts';
import { deterministicEventId } from '@consign/contracts';
import { Tenant } from '@consign/tenants';

/** What the gateway knows of one Shopify delivery, from its headers, once it is verified. */
export interface ShopifyDelivery {
  tenantId: string;
  shopDomain: string;
  topic: string;
  webhookId: string;
  /** Same on every delivery of one event; absent on some older deliveries. */
  eventId: string | null;
  triggeredAt: string | null;
  receivedAt: number;
  requestId: string;
  /** The tenant's (the shop's) currency: Shopify sends product prices without one. */
  currency: string;
}

/**
 * The delivery as its headers describe it, for the tenant whose secret verified it: built the same
 * way for a live request and for the replay of its archived headers, so both map alike.
 */
export function shopifyDeliveryOf(
  tenant: Pick<Tenant, 'id' | 'shopDomain' | 'currency'>,
  delivery: { topic: string; webhookId: string; header: (name: string) => string | undefined; receivedAt: number; requestId: string },
): ShopifyDelivery {
  return {
    tenantId: tenant.id,
    shopDomain: tenant.shopDomain,
    currency: tenant.currency,
    topic: delivery.topic,
    webhookId: delivery.webhookId,
    eventId: delivery.header('x-shopify-event-id') ?? null,
    triggeredAt: delivery.header('x-shopify-triggered-at') ?? null,
    receivedAt: delivery.receivedAt,
    requestId: delivery.requestId,
  };
}

/**
 * The metadata of an event mapped from a Shopify delivery. The event id comes from the Shopify
 * event id when there is one, so every redelivery of one event yields the same id.
 */
export function shopifyEventMetadata(
  delivery: ShopifyDelivery,
  definition: Pick<EventDefinition<never>, 'type' | 'schemaVersion'>,
  occurredAt: number,
): EventMetadata {
  return {
    eventId: deterministicEventId('shopify', delivery.shopDomain, delivery.topic, delivery.eventId ?? delivery.webhookId),
    eventType: definition.type,
    schemaVersion: definition.schemaVersion,
    occurredAt,
    receivedAt: delivery.receivedAt,
    source: 'shopify',
    tenantId: delivery.tenantId,
    shopifyWebhookId: delivery.webhookId,
    shopifyEventId: delivery.eventId,
    svixMessageId: null,
    correlationId: delivery.requestId,
    causationId: null,
  };
}
