import { randomUUID } from 'node:crypto';
import { ShopifyOrder, ShopifyOrderCreated } from '@consign/contracts';

/** A valid ShopifyOrderCreated event for tests, with a fresh event id unless one is given. */
export function sampleOrderCreated(order: Partial<ShopifyOrder> = {}, eventId: string = randomUUID()): ShopifyOrderCreated {
  return {
    metadata: {
      eventId,
      eventType: 'shopify.order.created',
      schemaVersion: 1,
      occurredAt: Date.parse('2026-01-01T10:00:00Z'),
      receivedAt: Date.parse('2026-01-01T10:00:01Z'),
      source: 'shopify',
      tenantId: 'dev-store',
      shopifyWebhookId: 'webhook-1',
      shopifyEventId: 'event-1',
      svixMessageId: null,
      correlationId: 'correlation-1',
      causationId: null,
    },
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
