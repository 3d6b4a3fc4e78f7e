import { Type } from 'avsc';
import { avroSchemas, EventDefinition, events } from '@consign/contracts';
import { OutgoingEvent } from '@consign/kafka';
import { readFixture } from '@consign/test-support';
import {
  ClerkDelivery,
  parseExactJson,
  ShopifyDelivery,
  clerkTypeRoutes,
  mapClerkWebhook,
  mapShopifyWebhook,
  shopifyTopicRoutes,
} from '@consign/webhook-gateway';
import { rejection } from './support/mapping-assertions';

const shopifyDelivery: ShopifyDelivery = {
  tenantId: 'dev-store',
  shopDomain: 'shop.myshopify.com',
  topic: 'orders/create',
  webhookId: 'b1a20f30-63e1-4a2c-8199-5f4f15b131a2',
  eventId: 'db7c136a-7505-4d0f-b1a2-3ebad91b41a3',
  triggeredAt: '2026-08-06T15:10:33.858118880Z',
  receivedAt: 1_786_000_000_000,
  requestId: 'req-1',
  currency: 'USD',
};

const clerkDelivery: ClerkDelivery = {
  tenantId: 'dev-store',
  type: 'user.created',
  svixId: 'msg_2bVbYQ9kN3fZ1pWn0vJxR4tLc7H',
  svixTimestamp: 1_786_000_000,
  receivedAt: 1_786_000_000_250,
  requestId: 'req-clerk',
};

const userDeletedBody = Buffer.from(
  '{"data":{"deleted":true,"id":"user_29wBMCtzATuFJut8jO2VNTVekS4","object":"user"},"instance_id":"ins_123","object":"event","timestamp":1661861640000,"type":"user.deleted"}',
);

/** The value must be valid for its definition's schema and come back unchanged from Avro bytes. */
function expectEncodable(event: OutgoingEvent<unknown>): void {
  const type = Type.forSchema(avroSchemas[event.definition.schemaName] as never);
  const errors: string[] = [];
  type.isValid(event.value, { errorHook: (path) => errors.push(path.join('.')) });
  expect(errors).toEqual([]);
  expect(type.fromBuffer(type.toBuffer(event.value))).toEqual(event.value);
}

describe('mapShopifyWebhook', () => {
  it.each([
    ['orders/create', 'orders-create.json', events.shopifyOrderCreated, '820982911946154500'],
    ['orders/updated', 'orders-create.json', events.shopifyOrderUpdated, '820982911946154500'],
    ['orders/paid', 'orders-create.json', events.shopifyOrderPaid, '820982911946154500'],
    ['orders/cancelled', 'orders-cancelled.json', events.shopifyOrderCancelled, '820982911946154500'],
    ['orders/updated', 'orders-cancelled.json', events.shopifyOrderUpdated, '820982911946154500'],
    ['refunds/create', '../development/refunds-create.json', events.shopifyRefundCreated, '820982911946154500'],
    ['inventory_levels/update', 'inventory-levels-update.json', events.shopifyInventoryLevelUpdated, '271878346596884000'],
    ['products/create', 'products-create.json', events.shopifyProductUpserted, '788032119674292900'],
    ['products/update', 'products-create.json', events.shopifyProductUpserted, '788032119674292900'],
  ] as [string, string, EventDefinition<never>, string][])(
    'maps %s delivered with %s to its event, encodable with its schema',
    (topic, fileName, definition, key) => {
      const event = mapShopifyWebhook(topic, parseExactJson(readFixture(`shopify/${fileName}`)), { ...shopifyDelivery, topic });
      expect(event.definition).toBe(definition);
      expect(event.value).toMatchObject({
        metadata: { eventType: definition.type, schemaVersion: definition.schemaVersion, tenantId: 'dev-store' },
      });
      expect(event.definition.keyOf(event.value)).toBe(key);
      expectEncodable(event);
    },
  );

  it('keeps an order id above 2^53 exact through the dispatcher', () => {
    const body = Buffer.from(
      '{"id":820982911946154508,"name":"#1","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:05:00Z","currency":"USD","total_price":"1.00",' +
        '"current_total_price":"1.00","refunds":[],"line_items":[{"id":9007199254740993,"title":"Chair","quantity":1,"current_quantity":1,"price":"1.00"}]}',
    );
    const event = mapShopifyWebhook('orders/updated', parseExactJson(body), { ...shopifyDelivery, topic: 'orders/updated' });
    expect(event.definition.keyOf(event.value)).toBe('820982911946154508');
    expectEncodable(event);
  });

  it('gives one event id to every delivery of a Shopify event, and different ids to different topics', () => {
    const payload = parseExactJson(readFixture('shopify/orders-create.json'));
    const idOf = (topic: string, delivery: Partial<ShopifyDelivery> = {}) =>
      (mapShopifyWebhook(topic, payload, { ...shopifyDelivery, topic, ...delivery }).value as { metadata: { eventId: string } }).metadata
        .eventId;
    expect(idOf('orders/create', { webhookId: 'second-delivery', receivedAt: shopifyDelivery.receivedAt + 1000 })).toBe(
      idOf('orders/create'),
    );
    expect(idOf('orders/cancelled')).not.toBe(idOf('orders/create'));
  });

  it.each(['orders/delete', 'customers/create', '', 'constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'refuses topic "%s" as not supported',
    (topic) => {
      const error = rejection(() => mapShopifyWebhook(topic, {}, { ...shopifyDelivery, topic }));
      expect(error).toMatchObject({ code: 'shopify.topic_not_supported', category: 'invalid', httpStatus: 400, details: { topic } });
    },
  );

  it('reports a body error of the mapped topic as a 400 naming the field', () => {
    const error = rejection(() =>
      mapShopifyWebhook('inventory_levels/update', { location_id: 1 }, { ...shopifyDelivery, topic: 'inventory_levels/update' }),
    );
    expect(error).toMatchObject({ code: 'webhook.invalid_field', httpStatus: 400, details: { field: 'inventory_item_id' } });
  });
});

describe('shopifyTopicRoutes', () => {
  it('routes each topic to its path and event', () => {
    const table = Object.fromEntries(
      Object.entries(shopifyTopicRoutes).map(([topic, route]) => [topic, [route.paths, route.definition.type]]),
    );
    expect(table).toEqual({
      'orders/create': [['order'], 'shopify.order.created'],
      'orders/updated': [['order'], 'shopify.order.updated'],
      'orders/paid': [['order'], 'shopify.order.paid'],
      'orders/cancelled': [['order/cancelled'], 'shopify.order.cancelled'],
      'refunds/create': [['refund'], 'shopify.refund.created'],
      'inventory_levels/update': [['inventory'], 'shopify.inventory_level.updated'],
      'products/create': [['product'], 'shopify.product.upserted'],
      'products/update': [['product'], 'shopify.product.upserted'],
    });
  });

  it('finds nothing for Object.prototype names when indexed directly', () => {
    expect(shopifyTopicRoutes['constructor']).toBeUndefined();
    expect(shopifyTopicRoutes['__proto__']).toBeUndefined();
    expect(clerkTypeRoutes['toString']).toBeUndefined();
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(shopifyTopicRoutes)).toBe(true);
    expect(Object.isFrozen(clerkTypeRoutes)).toBe(true);
  });
});

describe('mapClerkWebhook', () => {
  it.each([
    ['user.created', readFixture('clerk/user-created.json'), events.clerkUserCreated, 'user_29w83sxmDNGwOuEthce5gg56FcC'],
    ['user.updated', readFixture('clerk/user-updated.json'), events.clerkUserUpdated, 'user_2g7np7Hrk0SN6kj5EDMLDaKNL0S'],
    ['user.deleted', userDeletedBody, events.clerkUserDeleted, 'user_29wBMCtzATuFJut8jO2VNTVekS4'],
  ] as [string, Buffer, EventDefinition<never>, string][])(
    'maps %s to its event, encodable with its schema',
    (type, body, definition, key) => {
      const event = mapClerkWebhook(type, parseExactJson(body), { ...clerkDelivery, type });
      expect(event.definition).toBe(definition);
      expect(event.value).toMatchObject({ metadata: { eventType: definition.type, source: 'clerk', svixMessageId: clerkDelivery.svixId } });
      expect(event.definition.keyOf(event.value)).toBe(key);
      expectEncodable(event);
    },
  );

  it.each(['session.created', 'user.banned', 'constructor', '__proto__', ''])('refuses type "%s" as not supported', (type) => {
    const error = rejection(() => mapClerkWebhook(type, {}, { ...clerkDelivery, type }));
    expect(error).toMatchObject({ code: 'clerk.type_not_supported', category: 'invalid', httpStatus: 400, details: { type } });
  });

  it('refuses a body whose type is not the one it was routed as', () => {
    const error = rejection(() =>
      mapClerkWebhook('user.updated', parseExactJson(readFixture('clerk/user-created.json')), { ...clerkDelivery, type: 'user.updated' }),
    );
    expect(error).toMatchObject({ code: 'webhook.invalid_field', httpStatus: 400, details: { field: 'type' } });
  });
});

describe('clerkTypeRoutes', () => {
  it('routes user.created and user.updated to their paths; user.deleted only through the routing endpoint', () => {
    const table = Object.fromEntries(Object.entries(clerkTypeRoutes).map(([type, route]) => [type, [route.paths, route.definition.type]]));
    expect(table).toEqual({
      'user.created': [['user'], 'clerk.user.created'],
      'user.updated': [['user/updated'], 'clerk.user.updated'],
      'user.deleted': [[], 'clerk.user.deleted'],
    });
  });
});
