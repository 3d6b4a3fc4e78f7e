import { Type } from 'avsc';
import { avroSchemas, EventMetadata, Money, ShopifyOrder } from './generated/contracts';
import { EventDefinition, events, subjectOf } from './events';

type EventName = keyof typeof events;
type ValueOf<TDefinition> = TDefinition extends EventDefinition<infer TValue> ? TValue : never;

const metadata = (eventType: string): EventMetadata => ({
  eventId: '6f1c2a5e-9d3b-5c47-8a21-0e4b7d9f3c12',
  eventType,
  schemaVersion: 1,
  occurredAt: Date.parse('2021-12-31T19:00:00-05:00'),
  receivedAt: Date.parse('2022-01-01T00:00:01Z'),
  source: 'shopify',
  tenantId: 'dev-store',
  shopifyWebhookId: 'b1a20f30-63e1-4a2c-8199-5f4f15b131a2',
  shopifyEventId: 'db7c136a-7505-4d0f-b1a2-3ebad91b41a3',
  svixMessageId: null,
  correlationId: 'req-1',
  causationId: null,
});
const usd = (amountMinor: number): Money => ({ amountMinor, currency: 'USD' });

// Ids above 2^53 (from the fixtures' admin_graphql_api_id), to show they survive exactly.
const orderId = '820982911946154508';
const lineItemId = '487817672276298554';
const order: ShopifyOrder = {
  id: orderId,
  name: '#9999',
  createdAt: '2021-12-31T19:00:00-05:00',
  financialStatus: 'paid',
  customerId: '115310627314723954',
  totalPrice: usd(40495),
  lineItems: [
    {
      id: lineItemId,
      productId: '788032119674292922',
      variantId: null,
      sku: 'SKU2006-001',
      title: 'Aviator sunglasses',
      quantity: 2,
      unitPrice: usd(8999),
      totalDiscount: usd(0),
    },
  ],
};
const refund = {
  id: '509562969',
  createdAt: '2022-01-02T10:00:00-05:00',
  note: null,
  refundLineItems: [{ id: '104689539', lineItemId, quantity: 1, restockType: 'cancel', subtotal: usd(8999) }],
};
const user = {
  id: 'user_29w83sxmDNGwOuEthce5gg56FcC',
  primaryEmail: 'example@example.org',
  firstName: 'Example',
  lastName: 'Example',
  username: null,
  externalId: '567772',
  imageUrl: 'https://img.clerk.com/xxxxxx',
  publicMetadataJson: '{"storeId":"dev-store"}',
  unsafeMetadataJson: '{}',
  createdAt: 1654012591514,
  updatedAt: 1654012591835,
};
const consignor = {
  id: 'c0a80121-7ac0-4e1c-9a6b-2f1f3b1d0001',
  clerkUserId: user.id,
  displayName: 'Ada L.',
  email: 'ada@example.org',
  firstName: 'Ada',
  lastName: 'Lovelace',
  commissionRateBasisPoints: 4000,
  shopifyTag: 'consignor-ada',
};
const item = {
  orderId,
  lineItemId,
  productId: '788032119674292922',
  variantId: '642667041472713922',
  inventoryItemId: '271878346596884015',
  sku: 'SKU2006-001',
  consignorId: consignor.id,
  quantity: 1,
};
const earnings = {
  consignorId: consignor.id,
  orderId,
  lineItemId,
  itemTitle: 'Aviator sunglasses',
  quantity: 1,
  gross: usd(8999),
  commissionRateBasisPoints: 4000,
  consignorShare: usd(5399),
  storeShare: usd(3600),
};
const notification = {
  notificationId: '3d9b1c2e-0000-4000-8000-000000000001',
  consignorId: consignor.id,
  template: 'item-sold',
  channel: 'email' as const,
  attempt: 2,
};

/** One value per event, typed by the generated types: if a type and its schema drift apart, either tsc or avsc fails. */
const samples: { [TName in EventName]: ValueOf<(typeof events)[TName]> } = {
  shopifyOrderCreated: { metadata: metadata('shopify.order.created'), order },
  shopifyOrderUpdated: {
    metadata: metadata('shopify.order.updated'),
    order,
    updatedAt: '2022-01-02T10:00:00-05:00',
    fulfillmentStatus: null,
    cancelledAt: null,
    currentQuantities: { [lineItemId]: 1 },
    currentTotalPrice: usd(31496),
    refunds: [refund],
  },
  shopifyOrderPaid: { metadata: metadata('shopify.order.paid'), order, paidAt: '2022-01-01T09:00:00-05:00', totalOutstanding: usd(0) },
  shopifyOrderCancelled: {
    metadata: metadata('shopify.order.cancelled'),
    order,
    cancelledAt: '2022-01-02T10:00:00-05:00',
    cancelReason: 'customer',
    currentQuantities: { [lineItemId]: 0 },
    refunds: [refund],
  },
  shopifyRefundCreated: { metadata: metadata('shopify.refund.created'), orderId: '820982911946154511', refund },
  shopifyInventoryLevelUpdated: {
    metadata: metadata('shopify.inventory_level.updated'),
    inventoryItemId: '271878346596884015',
    locationId: '24826418',
    available: 10,
    updatedAt: '2021-12-31T19:00:00-05:00',
  },
  shopifyProductUpserted: {
    metadata: metadata('shopify.product.upserted'),
    change: 'created',
    product: {
      id: '788032119674292922',
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
          id: '642667041472713922',
          title: 'Small',
          sku: null,
          price: usd(1999),
          compareAtPrice: usd(2499),
          inventoryItemId: null,
          inventoryQuantity: 75,
        },
      ],
    },
  },
  clerkUserCreated: {
    metadata: { ...metadata('clerk.user.created'), source: 'clerk', svixMessageId: 'msg_p5jXN8AQM9LWM0D4loKWxJek' },
    user,
    clerkEventAt: 1716883600000,
  },
  clerkUserUpdated: {
    metadata: metadata('clerk.user.updated'),
    user: { ...user, lastName: 'Updated', updatedAt: 1716883500000 },
    clerkEventAt: null,
  },
  clerkUserDeleted: { metadata: metadata('clerk.user.deleted'), userId: 'user_2g7np7Hrk0SN6kj5EDMLDaKNL0S', deleted: true },
  consignorRegistered: { metadata: metadata('consignor.registered'), consignor },
  consignorUpdated: { metadata: metadata('consignor.updated'), consignor, changedFields: ['email', 'commissionRateBasisPoints'] },
  consignorDeactivated: { metadata: metadata('consignor.deactivated'), consignorId: 'c0a80121-7ac0-4e1c-9a6b-2f1f3b1d0002', reason: null },
  itemSold: { metadata: metadata('inventory.item.sold'), ...item, reason: 'order_placed' },
  itemReleased: {
    metadata: metadata('inventory.item.released'),
    ...item,
    orderId: '820982911946154509',
    reason: 'refunded',
    restocked: true,
  },
  earningsRecorded: { metadata: metadata('earnings.recorded'), ledgerEntryId: 'e-1', ...earnings, status: 'pending' },
  earningsReversed: {
    metadata: metadata('earnings.reversed'),
    ledgerEntryId: 'e-2',
    reversedLedgerEntryId: 'e-1',
    ...earnings,
    orderId: '820982911946154510',
    status: 'earned',
    reason: 'order_cancelled',
    note: null,
  },
  notificationSent: { metadata: metadata('notification.sent'), ...notification, providerMessageId: 'ses-0001' },
  notificationFailed: {
    metadata: metadata('notification.failed'),
    ...notification,
    consignorId: 'c0a80121-7ac0-4e1c-9a6b-2f1f3b1d0003',
    error: 'mailbox unavailable',
    errorCode: '550',
    willRetry: false,
  },
  rawWebhookArchived: {
    metadata: metadata('webhook.raw.archived'),
    source: 'shopify',
    deliveryId: 'b1a20f30-63e1-4a2c-8199-5f4f15b131a2',
    topic: 'orders/create',
    headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': 'shop.myshopify.com' },
    body: Buffer.from('{"id":820982911946154508}'),
    bodySealedFor: null,
  },
  operatorActionRecorded: {
    metadata: metadata('operations.action.recorded'),
    app: 'inventory-service',
    actor: 'api-key:alice',
    action: 'POST /admin/consumer/stop',
    parameters: '{"path":"/admin/consumer/stop","query":{},"body":null}',
    outcome: 'succeeded',
    status: 200,
    error: null,
    startedAt: 1764400000000,
    finishedAt: 1764400000042,
  },
  tenantConfigured: {
    metadata: metadata('tenant.configured'),
    tenantId: 'dev-store',
    shopDomain: 'shop.myshopify.com',
    clerkInstanceIds: ['ins_123'],
    currency: 'USD',
    defaultCommissionRateBasisPoints: 4000,
    consignorTagPrefix: 'consignor:',
    secrets: { keyId: 'development', sealed: Buffer.from([1, 2, 3, 4]) },
  },
};

/** The record key each sample must produce: the field the topic catalogue says is the key. */
const expectedKeys: { [TName in EventName]: string } = {
  shopifyOrderCreated: orderId,
  shopifyOrderUpdated: orderId,
  shopifyOrderPaid: orderId,
  shopifyOrderCancelled: orderId,
  shopifyRefundCreated: '820982911946154511',
  shopifyInventoryLevelUpdated: '271878346596884015',
  shopifyProductUpserted: '788032119674292922',
  clerkUserCreated: 'user_29w83sxmDNGwOuEthce5gg56FcC',
  clerkUserUpdated: 'user_29w83sxmDNGwOuEthce5gg56FcC',
  clerkUserDeleted: 'user_2g7np7Hrk0SN6kj5EDMLDaKNL0S',
  consignorRegistered: 'c0a80121-7ac0-4e1c-9a6b-2f1f3b1d0001',
  consignorUpdated: 'c0a80121-7ac0-4e1c-9a6b-2f1f3b1d0001',
  consignorDeactivated: 'c0a80121-7ac0-4e1c-9a6b-2f1f3b1d0002',
  itemSold: orderId,
  itemReleased: '820982911946154509',
  earningsRecorded: orderId,
  earningsReversed: '820982911946154510',
  notificationSent: 'c0a80121-7ac0-4e1c-9a6b-2f1f3b1d0001',
  notificationFailed: 'c0a80121-7ac0-4e1c-9a6b-2f1f3b1d0003',
  rawWebhookArchived: 'b1a20f30-63e1-4a2c-8199-5f4f15b131a2',
  operatorActionRecorded: 'api-key:alice',
  tenantConfigured: 'dev-store',
};

const eventNames = Object.keys(events) as EventName[];

describe('event schemas', () => {
  it.each(Object.keys(avroSchemas))('%s parses with avsc', (schemaName) => {
    expect(() => Type.forSchema(avroSchemas[schemaName as keyof typeof avroSchemas] as never)).not.toThrow();
  });

  it.each(eventNames)('%s round-trips its sample value exactly', (name) => {
    const type = Type.forSchema(avroSchemas[events[name].schemaName] as never);
    const sample = samples[name];
    const errors: string[] = [];
    type.isValid(sample, { errorHook: (path) => errors.push(path.join('.')) });
    expect(errors).toEqual([]);
    expect(type.fromBuffer(type.toBuffer(sample))).toEqual(sample);
  });

  it('puts EventMetadata first in every event', () => {
    for (const schema of Object.values(avroSchemas)) {
      const [first] = schema.fields;
      expect({
        schema: schema.name,
        name: first.name,
        type: typeof first.type === 'object' && 'name' in first.type ? first.type.name : first.type,
      }).toEqual({
        schema: schema.name,
        name: 'metadata',
        type: 'EventMetadata',
      });
    }
  });

  it('makes every optional field nullable first with a null default, so it can be added or removed compatibly', () => {
    const offenders: string[] = [];
    const visit = (schema: unknown, path: string): void => {
      if (Array.isArray(schema)) return schema.forEach((branch) => visit(branch, path));
      if (typeof schema !== 'object' || schema === null) return;
      const node = schema as Record<string, unknown>;
      if (node.type === 'record') {
        for (const field of node.fields as Array<Record<string, unknown>>) {
          const fieldPath = `${path}.${String(field.name)}`;
          if (Array.isArray(field.type) && field.type.includes('null') && (field.type[0] !== 'null' || field.default !== null))
            offenders.push(fieldPath);
          visit(field.type, fieldPath);
        }
      } else if (node.type === 'array') visit(node.items, path);
      else if (node.type === 'map') visit(node.values, path);
    };
    for (const schema of Object.values(avroSchemas)) visit(schema, schema.name);
    expect(offenders).toEqual([]);
  });

  it('keeps 64-bit Shopify ids exact', () => {
    const type = Type.forSchema(avroSchemas.ShopifyOrderCreated as never);
    const decoded = type.fromBuffer(
      type.toBuffer({ ...samples.shopifyOrderCreated, order: { ...order, id: '18446744073709551615' } }),
    ) as typeof samples.shopifyOrderCreated;
    expect(decoded.order.id).toBe('18446744073709551615');
  });

  it("reads a symbol added after the reader's schema as the enum's default", () => {
    const writer = Type.forSchema({
      ...avroSchemas.NotificationSent,
      fields: avroSchemas.NotificationSent.fields.map((field) =>
        field.name === 'channel' ? { ...field, type: { ...field.type, symbols: ['email', 'sms', 'push', 'other'] } } : field,
      ),
    } as never);
    const reader = Type.forSchema(avroSchemas.NotificationSent as never);
    const bytes = writer.toBuffer({ ...samples.notificationSent, channel: 'push' });
    expect((reader.fromBuffer(bytes, reader.createResolver(writer)) as typeof samples.notificationSent).channel).toBe('other');
  });
});

describe('event catalogue', () => {
  it.each(eventNames)('%s is keyed by the field its topic is keyed by', (name) => {
    const definition = events[name] as EventDefinition<unknown>;
    expect(definition.keyOf(samples[name])).toBe(expectedKeys[name]);
  });

  it('has one definition per schema file and unique types and subjects', () => {
    const definitions = Object.values(events);
    expect(definitions.map((definition) => definition.schemaName).sort()).toEqual(Object.keys(avroSchemas).sort());
    expect(new Set(definitions.map((definition) => definition.type)).size).toBe(definitions.length);
    expect(new Set(definitions.map((definition) => subjectOf(definition))).size).toBe(definitions.length);
  });

  it('names subjects <topic>-<record full name> (TopicRecordNameStrategy)', () => {
    expect(subjectOf(events.shopifyOrderCreated)).toBe('shopify.orders.v1-com.consignstream.events.shopify.ShopifyOrderCreated');
    expect(subjectOf(events.shopifyOrderCancelled)).toBe('shopify.orders.v1-com.consignstream.events.shopify.ShopifyOrderCancelled');
    expect(subjectOf(events.rawWebhookArchived)).toBe('webhooks.raw.v1-com.consignstream.events.webhook.RawWebhookArchived');
  });

  it('puts every order event on the order topic, keyed by order id', () => {
    const orderEvents = [events.shopifyOrderCreated, events.shopifyOrderUpdated, events.shopifyOrderPaid, events.shopifyOrderCancelled];
    expect(orderEvents.map((definition) => definition.topic.name)).toEqual(Array(4).fill('shopify.orders.v1'));
  });

  it('carries metadata.eventType equal to the definition type in every sample', () => {
    for (const name of eventNames) expect(samples[name].metadata.eventType).toBe(events[name].type);
  });
});
