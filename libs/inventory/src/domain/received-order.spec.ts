import { ShopifyOrderCreated } from '@consign/contracts';
import { receivedOrderFrom } from './received-order';

describe('receivedOrderFrom', () => {
  it('keeps the order identity, totals and source time', () => {
    const event: ShopifyOrderCreated = {
      metadata: {
        eventId: '6f1c4a43-3a8e-5b7e-9c9e-000000000001',
        eventType: 'shopify.order.created',
        schemaVersion: 1,
        occurredAt: Date.parse('2026-01-01T10:00:00Z'),
        receivedAt: Date.parse('2026-01-01T10:00:01Z'),
        source: 'shopify',
        tenantId: 'dev-store',
        shopifyWebhookId: 'w1',
        shopifyEventId: 'e1',
        svixMessageId: null,
        correlationId: 'c1',
        causationId: null,
      },
      order: {
        id: '820982911946154508',
        name: '#1001',
        createdAt: '2026-01-01T10:00:00Z',
        financialStatus: 'paid',
        customerId: null,
        totalPrice: { amountMinor: 12345, currency: 'EUR' },
        lineItems: [],
      },
    };
    expect(receivedOrderFrom(event)).toEqual({
      eventId: '6f1c4a43-3a8e-5b7e-9c9e-000000000001',
      tenantId: 'dev-store',
      orderId: '820982911946154508',
      orderName: '#1001',
      lineCount: 0,
      totalMinor: 12345,
      currency: 'EUR',
      occurredAt: new Date('2026-01-01T10:00:00Z'),
    });
  });
});
