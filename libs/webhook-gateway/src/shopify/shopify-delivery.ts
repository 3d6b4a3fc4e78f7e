import { EventDefinition, EventMetadata } from '@consign/contracts';
import { deterministicEventId } from '../event-id';

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
