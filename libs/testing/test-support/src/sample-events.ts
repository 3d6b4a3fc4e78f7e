import { randomUUID } from 'node:crypto';
import { EventMetadata, ShopifyOrder, ShopifyOrderCreated } from '@consign/contracts';

/**
 * The one builder of event metadata for tests: a fresh event id (and correlation id) unless given,
 * the development tenant, a Shopify source, fixed times; `overrides` sets anything else.
 */
export function testEventMetadata(eventType: string, overrides: Partial<EventMetadata> = {}): EventMetadata {
  const eventId = overrides.eventId ?? randomUUID();
  return {
    eventId,
    eventType,
    schemaVersion: 1,
    occurredAt: Date.parse('2026-01-01T10:00:00Z'),
    receivedAt: Date.parse('2026-01-01T10:00:01Z'),
    source: 'shopify',
    tenantId: 'dev-store',
    shopifyWebhookId: null,
    shopifyEventId: null,
    svixMessageId: null,
    correlationId: eventId,
    causationId: null,
    ...overrides,
  };
}

/** A valid ShopifyOrderCreated event for tests, with a fresh event id unless one is given. */
export function sampleOrderCreated(order: Partial<ShopifyOrder> = {}, eventId: string = randomUUID()): ShopifyOrderCreated {
  return {
    metadata: testEventMetadata('shopify.order.created', {
      eventId,
      shopifyWebhookId: 'webhook-1',
      shopifyEventId: 'event-1',
      correlationId: 'correlation-1',
    }),
    order: {
      id: '820982911946154508',
      name: '#1001',
      createdAt: '2026-01-01T10:00:00Z',
      financialStatus: 'pending',
      customerId: null,
      totalPrice: { amountMinor: 12345, currency: 'USD' },
      lineItems: [],
      ...order,
    },
  };
}
