import { PlatformError } from '@consign/errors';
import { readFixture } from '@consign/test-support';
import { parseExactJson, mapOrderCreated, ShopifyDelivery } from '@consign/webhook-gateway';
import { rejection } from '../support/mapping-assertions';

const delivery: ShopifyDelivery = {
  tenantId: 'dev-store',
  shopDomain: 'shop.myshopify.com',
  currency: 'USD',
  topic: 'orders/create',
  webhookId: 'b1a20f30-63e1-4a2c-8199-5f4f15b131a2',
  eventId: 'db7c136a-7505-4d0f-b1a2-3ebad91b41a3',
  triggeredAt: '2026-08-06T15:10:33.858118880Z',
  receivedAt: 1_786_000_000_000,
  requestId: 'req-1',
};

describe('mapOrderCreated', () => {
  it('maps the shared orders/create fixture into the event, money in minor units', () => {
    const event = mapOrderCreated(parseExactJson(readFixture('shopify/orders-create.json')), delivery);
    expect(event.order).toMatchObject({
      id: '820982911946154500',
      name: '#9999',
      createdAt: '2021-12-31T19:00:00-05:00',
      financialStatus: 'voided',
      customerId: '115310627314723950',
      totalPrice: { amountMinor: 40495, currency: 'USD' },
    });
    expect(event.order.lineItems).toHaveLength(5);
    expect(event.order.lineItems[0]).toEqual({
      id: '487817672276298560',
      productId: '788032119674292900',
      variantId: null,
      sku: 'SKU2006-001',
      title: 'Aviator sunglasses',
      quantity: 1,
      unitPrice: { amountMinor: 8999, currency: 'USD' },
      totalDiscount: { amountMinor: 0, currency: 'USD' },
    });
    expect(event.metadata).toMatchObject({
      eventType: 'shopify.order.created',
      schemaVersion: 1,
      occurredAt: Date.parse('2021-12-31T19:00:00-05:00'),
      source: 'shopify',
      tenantId: 'dev-store',
      shopifyWebhookId: delivery.webhookId,
      shopifyEventId: delivery.eventId,
      correlationId: 'req-1',
    });
  });

  it('keeps ids above 2^53 exact', () => {
    const body = Buffer.from(
      '{"id":820982911946154508,"name":"#1","created_at":"2026-01-01T00:00:00Z","currency":"USD","total_price":"1.00",' +
        '"line_items":[{"id":9007199254740993,"product_id":18446744073709551615,"title":"Chair","quantity":1,"price":"1.00"}]}',
    );
    const event = mapOrderCreated(parseExactJson(body), delivery);
    expect(event.order.id).toBe('820982911946154508');
    expect(event.order.lineItems[0].id).toBe('9007199254740993');
    expect(event.order.lineItems[0].productId).toBe('18446744073709551615');
  });

  it('derives the same event id from every delivery of one Shopify event', () => {
    const payload = parseExactJson(readFixture('shopify/orders-create.json'));
    const first = mapOrderCreated(payload, delivery);
    const redelivered = mapOrderCreated(payload, { ...delivery, webhookId: 'another-delivery', receivedAt: delivery.receivedAt + 5000 });
    const otherEvent = mapOrderCreated(payload, { ...delivery, eventId: 'another-event' });
    expect(redelivered.metadata.eventId).toBe(first.metadata.eventId);
    expect(otherEvent.metadata.eventId).not.toBe(first.metadata.eventId);
  });

  it.each([
    ['{"name":"#1"}', 'field id is required'],
    ['{"id":-5}', 'field id must be an integer id from 1 to 18446744073709551615'],
    ['[]', 'field body must be an object'],
    [
      '{"id":1,"name":"#1","created_at":"yesterday","currency":"USD","total_price":"1.00","line_items":[]}',
      'field created_at must be an ISO 8601 timestamp',
    ],
    ['{"id":1,"name":"#1","created_at":"2026-01-01T00:00:00Z","currency":"USD","total_price":"1.00"}', 'field line_items must be an array'],
    [
      '{"id":1,"name":"#1","created_at":"2026-01-01T00:00:00Z","currency":"USD","total_price":"1.00","line_items":[{"id":2,"title":"x","quantity":0,"price":"1.00"}]}',
      'field line_items[0].quantity must be an integer of at least 1',
    ],
  ])('rejects %s with a message naming the field', (body, message) => {
    let caught: unknown;
    try {
      mapOrderCreated(parseExactJson(Buffer.from(body)), delivery);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PlatformError);
    expect((caught as PlatformError).message).toContain(message);
    expect((caught as PlatformError).httpStatus).toBe(400);
  });

  describe('refuses absurd values, naming the field', () => {
    type Order = Record<string, unknown> & { line_items: Record<string, unknown>[]; customer: Record<string, unknown> };
    const fixtureOrder = (): Order => parseExactJson(readFixture('shopify/orders-create.json')) as Order;

    it.each([
      ['id', (order: Order) => (order.id = 18446744073709551616n), 'webhook.invalid_field', 'range'],
      ['id', (order: Order) => (order.id = '9'.repeat(200_000)), 'webhook.invalid_field', 'range'],
      ['id', (order: Order) => (order.id = '8209829119461545O8'), 'webhook.invalid_field', 'format'],
      ['customer.id', (order: Order) => (order.customer.id = 18446744073709551616n), 'webhook.invalid_field', 'range'],
      ['line_items[3].id', (order: Order) => (order.line_items[3].id = '123456789012345678901'), 'webhook.invalid_field', 'range'],
      ['line_items[1].product_id', (order: Order) => (order.line_items[1].product_id = '0x1F'), 'webhook.invalid_field', 'format'],
      ['line_items[4].variant_id', (order: Order) => (order.line_items[4].variant_id = -1), 'webhook.invalid_field', 'range'],
      ['line_items[2].price', (order: Order) => (order.line_items[2].price = '-3.50'), 'webhook.invalid_field', 'range'],
      ['line_items[0].total_discount', (order: Order) => (order.line_items[0].total_discount = '-1.00'), 'webhook.invalid_field', 'range'],
      ['total_price', (order: Order) => (order.total_price = '-404.95'), 'webhook.invalid_field', 'range'],
      ['total_price', (order: Order) => (order.total_price = `1${'0'.repeat(40)}.00`), 'webhook.invalid_field', 'length'],
      ['currency', (order: Order) => (order.currency = 'ZZZ'), 'webhook.invalid_currency', 'currency'],
      ['line_items[0].title', (order: Order) => (order.line_items[0].title = 'x'.repeat(256)), 'webhook.invalid_field', 'length'],
      ['line_items[0].sku', (order: Order) => (order.line_items[0].sku = 'x'.repeat(256)), 'webhook.invalid_field', 'length'],
      ['name', (order: Order) => (order.name = `#${'9'.repeat(255)}`), 'webhook.invalid_field', 'length'],
      ['financial_status', (order: Order) => (order.financial_status = 'p'.repeat(65)), 'webhook.invalid_field', 'length'],
      ['line_items[0].quantity', (order: Order) => (order.line_items[0].quantity = 9007199254740993n), 'webhook.invalid_field', 'range'],
    ])('%s', (field, change, code, reason) => {
      const order = fixtureOrder();
      change(order);
      const error = rejection(() => mapOrderCreated(order, delivery));
      expect(error).toMatchObject({ code, httpStatus: 400, details: { field, reason } });
    });

    it('accepts the largest id and a title of exactly 255 characters', () => {
      const order = fixtureOrder();
      Object.assign(order, { id: 18446744073709551615n });
      order.line_items[0].title = '👕'.repeat(255);
      const event = mapOrderCreated(order, delivery);
      expect(event.order.id).toBe('18446744073709551615');
      expect(event.order.lineItems[0].title).toBe('👕'.repeat(255));
    });
  });

  it('reports unparsable JSON as malformed', () => {
    expect(() => parseExactJson(Buffer.from('{"id":'))).toThrow(/body is not valid JSON/);
  });
});
