import { readFixture } from '@consign/test-support';
import { parseExactJson, mapOrderCreated, ShopifyDelivery } from '@consign/webhook-gateway';
import { mapOrderCancelled, mapOrderPaid, mapOrderUpdated, mapRefundCreated } from '../../src/shopify/order-change-mapping';
import { avroErrors, rejection } from '../support/mapping-assertions';

const delivery: ShopifyDelivery = {
  tenantId: 'dev-store',
  shopDomain: 'shop.myshopify.com',
  topic: 'orders/updated',
  webhookId: 'b1a20f30-63e1-4a2c-8199-5f4f15b131a2',
  eventId: 'db7c136a-7505-4d0f-b1a2-3ebad91b41a3',
  triggeredAt: '2026-08-06T15:10:33.858118880Z',
  receivedAt: 1_786_000_000_000,
  requestId: 'req-1',
  currency: 'USD',
};

const lineIds = ['487817672276298560', '789012345678901200', '890123456789012400', '976318377106520300', '315789986012684400'];
const fixtureTime = '2021-12-31T19:00:00-05:00';

function fixtureOrder(fileName = 'orders-create.json'): Record<string, unknown> {
  return parseExactJson(readFixture(`shopify/${fileName}`)) as Record<string, unknown>;
}

/** An order whose ids are beyond 2^53, with a cancellation that refunded one line in full and part of another. */
const refundedOrderBody = Buffer.from(
  JSON.stringify({
    id: '@820982911946154508',
    name: '#1002',
    created_at: '2026-03-01T10:00:00+01:00',
    updated_at: '2026-03-02T09:30:00+01:00',
    cancelled_at: '2026-03-02T09:29:58+01:00',
    cancel_reason: 'inventory',
    financial_status: 'refunded',
    fulfillment_status: null,
    currency: 'EUR',
    total_price: '60.00',
    current_total_price: '10.00',
    total_outstanding: '0.00',
    customer: { id: '@115310627314723954' },
    line_items: [
      {
        id: '@9007199254740993',
        product_id: '@788032119674292922',
        variant_id: '@642667041472713922',
        sku: 'A-1',
        title: 'Jacket',
        quantity: 1,
        current_quantity: 0,
        price: '40.00',
        total_discount: '0.00',
      },
      {
        id: '@9007199254740995',
        product_id: null,
        variant_id: null,
        sku: null,
        title: 'Scarf',
        quantity: 2,
        current_quantity: 1,
        price: '10.00',
        total_discount: '0.00',
      },
    ],
    refunds: [
      {
        id: '@18446744073709551615',
        created_at: '2026-03-02T09:29:59+01:00',
        note: 'out of stock',
        refund_line_items: [
          {
            id: '@9007199254740997',
            line_item_id: '@9007199254740993',
            quantity: 1,
            restock_type: 'cancel',
            subtotal: 40.0,
            subtotal_set: { shop_money: { amount: '40.00', currency_code: 'EUR' } },
          },
          { id: '@9007199254740999', line_item_id: '@9007199254740995', quantity: 1, restock_type: 'no_restock', subtotal: 9.5 },
        ],
      },
    ],
  }).replace(/"@(\d+)"/g, '$1'),
);

describe('mapOrderUpdated', () => {
  it('maps the orders fixture delivered as orders/updated: the order now, its current quantities and total', () => {
    const event = mapOrderUpdated(fixtureOrder(), delivery);
    expect(event.order).toEqual(mapOrderCreated(fixtureOrder(), delivery).order);
    expect(event).toMatchObject({
      updatedAt: fixtureTime,
      fulfillmentStatus: null,
      cancelledAt: fixtureTime,
      currentQuantities: Object.fromEntries(lineIds.map((id) => [id, 1])),
      currentTotalPrice: { amountMinor: 41495, currency: 'USD' },
      refunds: [],
    });
    expect(event.metadata).toMatchObject({
      eventType: 'shopify.order.updated',
      schemaVersion: 1,
      occurredAt: Date.parse(fixtureTime),
      receivedAt: delivery.receivedAt,
      source: 'shopify',
      tenantId: 'dev-store',
      shopifyWebhookId: delivery.webhookId,
      shopifyEventId: delivery.eventId,
      svixMessageId: null,
      correlationId: 'req-1',
      causationId: null,
    });
    expect(avroErrors('ShopifyOrderUpdated', event)).toEqual([]);
  });

  it('keeps ids above 2^53 exact and reads refunds, money in minor units', () => {
    const event = mapOrderUpdated(parseExactJson(refundedOrderBody), delivery);
    expect(event.order.id).toBe('820982911946154508');
    expect(event.order.customerId).toBe('115310627314723954');
    expect(event.order.lineItems.map((line) => [line.id, line.productId, line.variantId])).toEqual([
      ['9007199254740993', '788032119674292922', '642667041472713922'],
      ['9007199254740995', null, null],
    ]);
    expect(event.currentQuantities).toEqual({ '9007199254740993': 0, '9007199254740995': 1 });
    expect(event.currentTotalPrice).toEqual({ amountMinor: 1000, currency: 'EUR' });
    expect(event.refunds).toEqual([
      {
        id: '18446744073709551615',
        createdAt: '2026-03-02T09:29:59+01:00',
        note: 'out of stock',
        refundLineItems: [
          {
            id: '9007199254740997',
            lineItemId: '9007199254740993',
            quantity: 1,
            restockType: 'cancel',
            subtotal: { amountMinor: 4000, currency: 'EUR' },
          },
          {
            id: '9007199254740999',
            lineItemId: '9007199254740995',
            quantity: 1,
            restockType: 'no_restock',
            subtotal: { amountMinor: 950, currency: 'EUR' },
          },
        ],
      },
    ]);
    expect(avroErrors('ShopifyOrderUpdated', event)).toEqual([]);
  });

  it('occurred when Shopify last changed the order, not when it was created', () => {
    const event = mapOrderUpdated(parseExactJson(refundedOrderBody), delivery);
    expect(event.metadata.occurredAt).toBe(Date.parse('2026-03-02T09:30:00+01:00'));
    expect(event.updatedAt).toBe('2026-03-02T09:30:00+01:00');
  });

  it.each([
    ['updated_at', (body: Record<string, unknown>) => delete body.updated_at, 'field updated_at must be a non-empty string'],
    [
      'current_total_price',
      (body: Record<string, unknown>) => (body.current_total_price = 414.95),
      'field current_total_price must be a non-empty string',
    ],
    ['cancelled_at', (body: Record<string, unknown>) => (body.cancelled_at = 'soon'), 'field cancelled_at must be an ISO 8601 timestamp'],
    ['refunds', (body: Record<string, unknown>) => delete body.refunds, 'field refunds must be an array'],
    [
      'line_items[2].current_quantity',
      (body: Record<string, unknown>) => delete (body.line_items as Record<string, unknown>[])[2].current_quantity,
      'field line_items[2].current_quantity must be an integer of at least 0',
    ],
  ])('rejects a body with a missing or malformed %s, naming it', (field, change, message) => {
    const body = fixtureOrder();
    change(body);
    const error = rejection(() => mapOrderUpdated(body, delivery));
    expect(error.message).toBe(message);
    expect(error).toMatchObject({ code: 'webhook.invalid_field', httpStatus: 400, details: { field } });
  });

  it.each([
    ['refunds[0].refund_line_items[1].line_item_id', (refund: Record<string, unknown>[]) => delete refund[1].line_item_id, 'is required'],
    [
      'refunds[0].refund_line_items[1].subtotal',
      (refund: Record<string, unknown>[]) => (refund[1].subtotal = null),
      'must be a decimal amount',
    ],
    [
      'refunds[0].refund_line_items[1].subtotal',
      (refund: Record<string, unknown>[]) => (refund[1].subtotal = 9.555),
      'has more decimals than EUR allows: "9.555"',
    ],
    [
      'refunds[0].refund_line_items[0].subtotal_set.shop_money.amount',
      (refund: Record<string, unknown>[]) => (refund[0].subtotal_set = { shop_money: { amount: '' } }),
      'must be a non-empty string',
    ],
  ])('rejects a refund line with a malformed %s', (field, change, expectation) => {
    const body = parseExactJson(refundedOrderBody) as { refunds: { refund_line_items: Record<string, unknown>[] }[] };
    change(body.refunds[0].refund_line_items);
    const error = rejection(() => mapOrderUpdated(body, delivery));
    expect(error.message).toBe(`field ${field} ${expectation}`);
    expect(error).toMatchObject({ code: 'webhook.invalid_field', httpStatus: 400, details: { field } });
  });
});

describe('order change bounds', () => {
  type RefundLine = Record<string, unknown> & { subtotal_set?: { shop_money: { amount: string } } };
  type Body = Record<string, unknown> & { refunds: (Record<string, unknown> & { refund_line_items: RefundLine[] })[] };
  const refundedOrder = (): Body => parseExactJson(refundedOrderBody) as Body;

  it.each([
    ['current_total_price', (body: Body) => (body.current_total_price = '-10.00'), 'range'],
    ['refunds[0].id', (body: Body) => (body.refunds[0].id = 18446744073709551616n), 'range'],
    ['refunds[0].note', (body: Body) => (body.refunds[0].note = 'n'.repeat(65_536)), 'length'],
    [
      'refunds[0].refund_line_items[0].restock_type',
      (body: Body) => (body.refunds[0].refund_line_items[0].restock_type = 'r'.repeat(65)),
      'length',
    ],
    [
      'refunds[0].refund_line_items[0].subtotal_set.shop_money.amount',
      (body: Body) => (body.refunds[0].refund_line_items[0].subtotal_set = { shop_money: { amount: '-40.00' } }),
      'range',
    ],
    ['refunds[0].refund_line_items[1].subtotal', (body: Body) => (body.refunds[0].refund_line_items[1].subtotal = -9.5), 'range'],
    ['refunds[0].refund_line_items[1].subtotal', (body: Body) => (body.refunds[0].refund_line_items[1].subtotal = '-9.50'), 'range'],
    ['refunds[0].refund_line_items[1].quantity', (body: Body) => (body.refunds[0].refund_line_items[1].quantity = -1), 'range'],
    ['fulfillment_status', (body: Body) => (body.fulfillment_status = 'f'.repeat(65)), 'length'],
  ])('orders/updated refuses an absurd %s', (field, change, reason) => {
    const body = refundedOrder();
    change(body);
    const error = rejection(() => mapOrderUpdated(body, delivery));
    expect(error).toMatchObject({ code: 'webhook.invalid_field', httpStatus: 400, details: { field, reason } });
  });

  it('orders/cancelled refuses a cancel_reason longer than an enumeration', () => {
    const body = refundedOrder();
    body.cancel_reason = 'c'.repeat(65);
    expect(rejection(() => mapOrderCancelled(body, { ...delivery, topic: 'orders/cancelled' })).details).toEqual({
      field: 'cancel_reason',
      reason: 'length',
    });
  });

  it('orders/paid takes a negative total_outstanding, which Shopify sends when the merchant owes the customer', () => {
    const body = refundedOrder();
    body.total_outstanding = '-5.00';
    const event = mapOrderPaid(body, { ...delivery, topic: 'orders/paid' });
    expect(event.totalOutstanding).toEqual({ amountMinor: -500, currency: 'EUR' });
    expect(avroErrors('ShopifyOrderPaid', event)).toEqual([]);
  });
});

describe('mapOrderPaid', () => {
  const paidDelivery = { ...delivery, topic: 'orders/paid' };

  it('maps the orders fixture delivered as orders/paid, as it is (the sample is voided yet owes its total)', () => {
    const event = mapOrderPaid(fixtureOrder(), paidDelivery);
    expect(event.order).toEqual(mapOrderCreated(fixtureOrder(), delivery).order);
    expect(event.order.financialStatus).toBe('voided');
    expect(event.paidAt).toBe(fixtureTime);
    expect(event.totalOutstanding).toEqual({ amountMinor: 41495, currency: 'USD' });
    expect(event.metadata).toMatchObject({ eventType: 'shopify.order.paid', occurredAt: Date.parse(fixtureTime) });
    expect(avroErrors('ShopifyOrderPaid', event)).toEqual([]);
  });

  it('is paid when the order was last updated, with nothing outstanding', () => {
    const event = mapOrderPaid(parseExactJson(refundedOrderBody), paidDelivery);
    expect(event.paidAt).toBe('2026-03-02T09:30:00+01:00');
    expect(event.metadata.occurredAt).toBe(Date.parse('2026-03-02T09:30:00+01:00'));
    expect(event.totalOutstanding).toEqual({ amountMinor: 0, currency: 'EUR' });
    expect(avroErrors('ShopifyOrderPaid', event)).toEqual([]);
  });

  it.each([
    [
      'total_outstanding',
      (body: Record<string, unknown>) => delete body.total_outstanding,
      'field total_outstanding must be a non-empty string',
    ],
    ['updated_at', (body: Record<string, unknown>) => (body.updated_at = null), 'field updated_at must be a non-empty string'],
    [
      'line_items[0].price',
      (body: Record<string, unknown>) => ((body.line_items as Record<string, unknown>[])[0].price = '1,00'),
      'field line_items[0].price must be a decimal amount, got "1,00"',
    ],
  ])('rejects a body with a missing or malformed %s, naming it', (field, change, message) => {
    const body = fixtureOrder();
    change(body);
    const error = rejection(() => mapOrderPaid(body, paidDelivery));
    expect(error.message).toBe(message);
    expect(error).toMatchObject({ code: 'webhook.invalid_field', httpStatus: 400, details: { field } });
  });
});

describe('mapOrderCancelled', () => {
  const cancelledDelivery = { ...delivery, topic: 'orders/cancelled' };

  it('maps orders-cancelled.json, byte-identical to orders-create.json, as the cancellation', () => {
    expect(readFixture('shopify/orders-cancelled.json').equals(readFixture('shopify/orders-create.json'))).toBe(true);
    const event = mapOrderCancelled(fixtureOrder('orders-cancelled.json'), cancelledDelivery);
    expect(event.order).toEqual(mapOrderCreated(fixtureOrder(), delivery).order);
    expect(event).toMatchObject({
      cancelledAt: fixtureTime,
      cancelReason: 'customer',
      // The sample's cancellation left every line at its ordered quantity with no refund: it touched no line.
      currentQuantities: Object.fromEntries(lineIds.map((id) => [id, 1])),
      refunds: [],
    });
    expect(event.metadata).toMatchObject({ eventType: 'shopify.order.cancelled', occurredAt: Date.parse(fixtureTime) });
    expect(avroErrors('ShopifyOrderCancelled', event)).toEqual([]);
  });

  it('carries what the cancellation touched: lines below their ordered quantity and the refund lines, with restock types', () => {
    const event = mapOrderCancelled(parseExactJson(refundedOrderBody), cancelledDelivery);
    expect(event.cancelledAt).toBe('2026-03-02T09:29:58+01:00');
    expect(event.cancelReason).toBe('inventory');
    expect(event.metadata.occurredAt).toBe(Date.parse('2026-03-02T09:29:58+01:00'));
    const touched = event.order.lineItems.filter((line) => event.currentQuantities[line.id] < line.quantity).map((line) => line.id);
    expect(touched).toEqual(['9007199254740993', '9007199254740995']);
    expect(event.refunds[0].refundLineItems.map((line) => [line.lineItemId, line.quantity, line.restockType])).toEqual([
      ['9007199254740993', 1, 'cancel'],
      ['9007199254740995', 1, 'no_restock'],
    ]);
    expect(avroErrors('ShopifyOrderCancelled', event)).toEqual([]);
  });

  it('reads a missing cancel_reason as null', () => {
    const body = fixtureOrder();
    body.cancel_reason = null;
    expect(mapOrderCancelled(body, cancelledDelivery).cancelReason).toBeNull();
  });

  it.each([
    ['cancelled_at', (body: Record<string, unknown>) => (body.cancelled_at = null), 'field cancelled_at must be a non-empty string'],
    ['cancel_reason', (body: Record<string, unknown>) => (body.cancel_reason = 3), 'field cancel_reason must be a string'],
    ['refunds[0]', (body: Record<string, unknown>) => (body.refunds = ['r1']), 'field refunds[0] must be an object'],
    ['id', (body: Record<string, unknown>) => (body.id = 0), 'field id must be an integer id from 1 to 18446744073709551615'],
  ])('rejects a body with a missing or malformed %s, naming it', (field, change, message) => {
    const body = fixtureOrder('orders-cancelled.json');
    change(body);
    const error = rejection(() => mapOrderCancelled(body, cancelledDelivery));
    expect(error.message).toBe(message);
    expect(error).toMatchObject({ code: 'webhook.invalid_field', httpStatus: 400, details: { field } });
  });
});

describe('order event ids', () => {
  it('are the same for every delivery of one Shopify event and differ between topics', () => {
    const body = fixtureOrder();
    const first = mapOrderUpdated(body, delivery);
    const redelivered = mapOrderUpdated(body, {
      ...delivery,
      webhookId: 'another-delivery',
      receivedAt: delivery.receivedAt + 60_000,
      requestId: 'req-2',
    });
    expect(redelivered.metadata.eventId).toBe(first.metadata.eventId);
    expect(redelivered.metadata.receivedAt).not.toBe(first.metadata.receivedAt);

    const ids = new Set([
      first.metadata.eventId,
      mapOrderCreated(body, { ...delivery, topic: 'orders/create' }).metadata.eventId,
      mapOrderPaid(body, { ...delivery, topic: 'orders/paid' }).metadata.eventId,
      mapOrderCancelled(body, { ...delivery, topic: 'orders/cancelled' }).metadata.eventId,
    ]);
    expect(ids.size).toBe(4);
  });

  it('fall back to the webhook id when the delivery has no event id', () => {
    const body = fixtureOrder();
    const withoutEventId = { ...delivery, eventId: null };
    const first = mapOrderUpdated(body, withoutEventId);
    expect(mapOrderUpdated(body, withoutEventId).metadata.eventId).toBe(first.metadata.eventId);
    expect(mapOrderUpdated(body, { ...withoutEventId, webhookId: 'another-delivery' }).metadata.eventId).not.toBe(first.metadata.eventId);
    expect(first.metadata.shopifyEventId).toBeNull();
  });
});

describe('mapRefundCreated', () => {
  const refundDelivery = { ...delivery, topic: 'refunds/create' };
  type RefundBody = Record<string, unknown> & { refund_line_items: (Record<string, unknown> & { subtotal_set?: unknown })[] };
  const refundBody = (): RefundBody => parseExactJson(readFixture('development/refunds-create.json')) as RefundBody;

  it('maps the refunds fixture: the refund on its order, its line in exact minor units, at its creation', () => {
    const event = mapRefundCreated(refundBody(), refundDelivery);
    expect(event).toEqual({
      metadata: expect.objectContaining({
        eventType: 'shopify.refund.created',
        schemaVersion: 1,
        occurredAt: Date.parse('2022-01-02T10:15:00-05:00'),
        tenantId: 'dev-store',
      }),
      orderId: '820982911946154500',
      refund: {
        id: '509562969000000001',
        createdAt: '2022-01-02T10:15:00-05:00',
        note: 'Returned: scratched leg',
        refundLineItems: [
          {
            id: '104689539000000001',
            lineItemId: '976318377106520300',
            quantity: 1,
            restockType: 'return',
            subtotal: { amountMinor: 15999, currency: 'USD' },
          },
        ],
      },
    });
    expect(avroErrors('ShopifyRefundCreated', event)).toEqual([]);
  });

  it('keeps ids above 2^53 exact', () => {
    const text = readFixture('development/refunds-create.json')
      .toString('utf8')
      .replace('"order_id":820982911946154500', '"order_id":820982911946154508');
    expect(mapRefundCreated(parseExactJson(Buffer.from(text)), refundDelivery).orderId).toBe('820982911946154508');
  });

  it('takes a line amount in the currency its shop money names, and a bare subtotal in the shop currency', () => {
    const body = refundBody();
    body.refund_line_items[0].subtotal_set = { shop_money: { amount: '1500', currency_code: 'JPY' } };
    expect(mapRefundCreated(body, refundDelivery).refund.refundLineItems[0].subtotal).toEqual({ amountMinor: 1500, currency: 'JPY' });
    delete body.refund_line_items[0].subtotal_set;
    expect(mapRefundCreated(body, { ...refundDelivery, currency: 'EUR' }).refund.refundLineItems[0].subtotal).toEqual({
      amountMinor: 15999,
      currency: 'EUR',
    });
  });

  it('maps a refund of an amount only (no lines): nothing for the projections to reverse', () => {
    const body = refundBody();
    body.refund_line_items = [];
    expect(mapRefundCreated(body, refundDelivery).refund.refundLineItems).toEqual([]);
  });

  it.each([
    ['order_id', (body: RefundBody) => delete body.order_id, 'is required'],
    ['created_at', (body: RefundBody) => (body.created_at = 'yesterday'), 'must be an ISO 8601 timestamp'],
    ['refund_line_items', (body: RefundBody) => delete (body as Record<string, unknown>).refund_line_items, 'must be an array'],
    ['refund_line_items[0].quantity', (body: RefundBody) => (body.refund_line_items[0].quantity = -1), 'must be an integer of at least 0'],
    [
      'refund_line_items[0].subtotal_set.shop_money.currency_code',
      (body: RefundBody) => (body.refund_line_items[0].subtotal_set = { shop_money: { amount: '1.00', currency_code: 'XXX' } }),
      '',
    ],
  ])('rejects a refund with a malformed %s, naming it', (field, change, expectation) => {
    const body = refundBody();
    change(body);
    const error = rejection(() => mapRefundCreated(body, refundDelivery));
    if (expectation !== '') expect(error.message).toBe(`field ${field} ${expectation}`);
    expect(error).toMatchObject({ httpStatus: 400, details: expect.objectContaining({ field }) });
  });
});
