import { Type } from 'avsc';
import { avroSchemas } from '@consign/contracts';
import { readFixture } from '@consign/test-support';
import { parseExactJson, mapProductUpserted, ShopifyDelivery } from '@consign/webhook-gateway';
import { rejection } from '../support/mapping-assertions';

const delivery: ShopifyDelivery = {
  tenantId: 'dev-store',
  shopDomain: 'shop.myshopify.com',
  topic: 'products/create',
  webhookId: '0b8e2c4a-6d1f-4e3b-a5c7-9f2d4b6e8a10',
  eventId: '3a5c7e9b-1d3f-4a6c-8e0b-2d4f6a8c0e13',
  triggeredAt: '2026-08-06T15:20:00.123456789Z',
  receivedAt: 1_786_000_200_000,
  requestId: 'req-product',
  currency: 'USD',
};

const productType = Type.forSchema(avroSchemas.ShopifyProductUpserted as never);

function fixtureProduct(): Record<string, unknown> {
  return parseExactJson(readFixture('shopify/products-create.json')) as Record<string, unknown>;
}

describe('mapProductUpserted', () => {
  it.each([
    ['products/create', 'created'],
    ['products/update', 'updated'],
  ])('maps the products fixture delivered as %s, prices in the tenant currency', (topic, change) => {
    const event = mapProductUpserted(fixtureProduct(), { ...delivery, topic });
    expect(event.change).toBe(change);
    expect(event.product).toEqual({
      id: '788032119674292900',
      title: 'Example T-Shirt',
      handle: 'example-t-shirt',
      status: 'active',
      vendor: 'Acme',
      productType: 'Shirts',
      tags: ['example', 'mens', 't-shirt'],
      createdAt: null,
      updatedAt: '2021-12-31T19:00:00-05:00',
      variants: [
        {
          id: '642667041472714000',
          title: 'Small',
          sku: null,
          price: { amountMinor: 1999, currency: 'USD' },
          compareAtPrice: { amountMinor: 2499, currency: 'USD' },
          inventoryItemId: null,
          inventoryQuantity: 75,
        },
        {
          id: '757650484644203900',
          title: 'Medium',
          sku: null,
          price: { amountMinor: 1999, currency: 'USD' },
          compareAtPrice: { amountMinor: 2499, currency: 'USD' },
          inventoryItemId: null,
          inventoryQuantity: 50,
        },
      ],
    });
    expect(event.metadata).toMatchObject({
      eventType: 'shopify.product.upserted',
      schemaVersion: 1,
      // created_at is null in the fixture: the product's updated_at is the next best source time.
      occurredAt: Date.parse('2021-12-31T19:00:00-05:00'),
      source: 'shopify',
      tenantId: 'dev-store',
      shopifyWebhookId: delivery.webhookId,
      shopifyEventId: delivery.eventId,
      correlationId: 'req-product',
    });
    expect(productType.isValid(event)).toBe(true);
  });

  it('uses the tenant currency, in its minor units', () => {
    const body = fixtureProduct();
    (body.variants as Record<string, unknown>[]).forEach((variant) => Object.assign(variant, { price: '1500', compare_at_price: null }));
    const yen = mapProductUpserted(body, { ...delivery, currency: 'JPY' });
    expect(yen.product.variants.map((variant) => [variant.price, variant.compareAtPrice])).toEqual([
      [{ amountMinor: 1500, currency: 'JPY' }, null],
      [{ amountMinor: 1500, currency: 'JPY' }, null],
    ]);
    expect(productType.isValid(yen)).toBe(true);
  });

  it('refuses cents under a tenant whose currency has none, rather than rounding', () => {
    const error = rejection(() => mapProductUpserted(fixtureProduct(), { ...delivery, currency: 'JPY' }));
    expect(error).toMatchObject({ code: 'webhook.invalid_field', httpStatus: 400, details: { field: 'variants[0].price' } });
  });

  it('keeps ids above 2^53 exact', () => {
    const body = Buffer.from(
      '{"id":788032119674292922,"title":"Tee","status":"draft","tags":"","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-02T00:00:00Z",' +
        '"variants":[{"id":642667041472713922,"title":"Default Title","price":"5.00","inventory_item_id":271878346596884015,"inventory_quantity":-1}]}',
    );
    const event = mapProductUpserted(parseExactJson(body), { ...delivery, topic: 'products/update' });
    expect(event.product.id).toBe('788032119674292922');
    expect(event.product.variants[0]).toMatchObject({
      id: '642667041472713922',
      inventoryItemId: '271878346596884015',
      inventoryQuantity: -1,
    });
    expect(event.product.tags).toEqual([]);
    expect(productType.isValid(event)).toBe(true);
  });

  it('occurs at created_at for products/create and updated_at for products/update, then triggered-at, then received-at', () => {
    const body = fixtureProduct();
    Object.assign(body, { created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-02T00:00:00Z' });
    expect(mapProductUpserted(body, delivery).metadata.occurredAt).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(mapProductUpserted(body, { ...delivery, topic: 'products/update' }).metadata.occurredAt).toBe(
      Date.parse('2026-01-02T00:00:00Z'),
    );

    Object.assign(body, { created_at: null, updated_at: null });
    expect(mapProductUpserted(body, delivery).metadata.occurredAt).toBe(Date.parse('2026-08-06T15:20:00.123Z'));
    expect(mapProductUpserted(body, { ...delivery, triggeredAt: null }).metadata.occurredAt).toBe(delivery.receivedAt);
  });

  it('splits, trims and drops empty tags', () => {
    const body = fixtureProduct();
    body.tags = ' consignor:ana ,, vintage,  ';
    expect(mapProductUpserted(body, delivery).product.tags).toEqual(['consignor:ana', 'vintage']);
  });

  it('gives one event id per Shopify event, different for create and update', () => {
    const first = mapProductUpserted(fixtureProduct(), delivery);
    expect(mapProductUpserted(fixtureProduct(), { ...delivery, webhookId: 'retry' }).metadata.eventId).toBe(first.metadata.eventId);
    expect(mapProductUpserted(fixtureProduct(), { ...delivery, topic: 'products/update' }).metadata.eventId).not.toBe(
      first.metadata.eventId,
    );
  });

  it('refuses a topic that does not carry a product', () => {
    const error = rejection(() => mapProductUpserted(fixtureProduct(), { ...delivery, topic: 'products/delete' }));
    expect(error).toMatchObject({ code: 'shopify.topic_not_supported', httpStatus: 400 });
  });

  it.each([
    ['id', (product: Record<string, unknown>) => (product.id = 18446744073709551616n), 'range'],
    [
      'variants[1].id',
      (product: Record<string, unknown>) => ((product.variants as Record<string, unknown>[])[1].id = '642667041472714000.5'),
      'format',
    ],
    ['title', (product: Record<string, unknown>) => (product.title = 'x'.repeat(256)), 'length'],
    ['tags', (product: Record<string, unknown>) => (product.tags = `vintage, ${'t'.repeat(256)}`), 'length'],
    ['vendor', (product: Record<string, unknown>) => (product.vendor = 'v'.repeat(256)), 'length'],
    [
      'variants[0].price',
      (product: Record<string, unknown>) => ((product.variants as Record<string, unknown>[])[0].price = '-19.99'),
      'range',
    ],
    [
      'variants[1].compare_at_price',
      (product: Record<string, unknown>) => ((product.variants as Record<string, unknown>[])[1].compare_at_price = '-24.99'),
      'range',
    ],
    [
      'variants[0].title',
      (product: Record<string, unknown>) => ((product.variants as Record<string, unknown>[])[0].title = 's'.repeat(1025)),
      'length',
    ],
  ])('refuses an absurd %s', (field, change, reason) => {
    const product = fixtureProduct();
    change(product);
    expect(rejection(() => mapProductUpserted(product, delivery))).toMatchObject({
      code: 'webhook.invalid_field',
      httpStatus: 400,
      details: { field, reason },
    });
  });

  it('refuses prices under a tenant whose currency is no ISO 4217 currency, naming the first price', () => {
    const error = rejection(() => mapProductUpserted(fixtureProduct(), { ...delivery, currency: 'ZZZ' }));
    expect(error).toMatchObject({
      code: 'webhook.invalid_currency',
      httpStatus: 400,
      details: { field: 'variants[0].price', reason: 'currency' },
    });
  });

  it('accepts a title and a tag of exactly 255 characters', () => {
    const product = fixtureProduct();
    Object.assign(product, { title: 'x'.repeat(255), tags: `vintage, ${'t'.repeat(255)}` });
    expect(mapProductUpserted(product, delivery).product).toMatchObject({ title: 'x'.repeat(255), tags: ['vintage', 't'.repeat(255)] });
  });

  it.each([
    ['id', (product: Record<string, unknown>) => delete product.id, 'is required'],
    ['title', (product: Record<string, unknown>) => (product.title = ''), 'must be a non-empty string'],
    ['status', (product: Record<string, unknown>) => delete product.status, 'must be a non-empty string'],
    ['tags', (product: Record<string, unknown>) => (product.tags = ['a', 'b']), 'must be a string'],
    ['variants', (product: Record<string, unknown>) => (product.variants = null), 'must be an array'],
    ['updated_at', (product: Record<string, unknown>) => (product.updated_at = '31/12/2021'), 'must be an ISO 8601 timestamp'],
    [
      'variants[1].price',
      (product: Record<string, unknown>) => delete (product.variants as Record<string, unknown>[])[1].price,
      'must be a non-empty string',
    ],
    [
      'variants[0].compare_at_price',
      (product: Record<string, unknown>) => ((product.variants as Record<string, unknown>[])[0].compare_at_price = '24.999'),
      'has more decimals than USD allows: "24.999"',
    ],
    [
      'variants[0].inventory_item_id',
      (product: Record<string, unknown>) => ((product.variants as Record<string, unknown>[])[0].inventory_item_id = -4),
      'must be an integer id from 1 to 18446744073709551615',
    ],
  ])('rejects a body with a missing or malformed %s, naming it', (field, change, expectation) => {
    const product = fixtureProduct();
    change(product);
    const error = rejection(() => mapProductUpserted(product, delivery));
    expect(error.message).toBe(`field ${field} ${expectation}`);
    expect(error).toMatchObject({ code: 'webhook.invalid_field', httpStatus: 400, details: { field } });
  });
});
