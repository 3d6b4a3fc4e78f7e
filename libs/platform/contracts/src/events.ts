import {
  avroSchemas,
  ClerkUserCreated,
  ClerkUserDeleted,
  ClerkUserUpdated,
  ConsignorDeactivated,
  ConsignorRegistered,
  ConsignorUpdated,
  EarningsRecorded,
  EarningsReversed,
  EventSchemaName,
  ItemReleased,
  ItemSold,
  NotificationFailed,
  NotificationSent,
  OperatorActionRecorded,
  RawWebhookArchived,
  ShopifyInventoryLevelUpdated,
  ShopifyOrderCancelled,
  ShopifyOrderCreated,
  ShopifyOrderPaid,
  ShopifyOrderUpdated,
  ShopifyProductUpserted,
  ShopifyRefundCreated,
  TenantConfigured,
} from './generated/contracts';
import { TopicDefinition, topics } from './topics';

export interface EventDefinition<TValue> {
  /** Stable event type, carried in metadata.eventType and the `event-type` header. */
  readonly type: string;
  readonly schemaName: EventSchemaName;
  readonly schemaVersion: number;
  readonly topic: TopicDefinition;
  /** Avro full name of the record, part of the registry subject. */
  readonly recordName: string;
  /** Which field of the value is the record key (events of one entity stay in order). */
  readonly keyOf: (value: TValue) => string;
}

function define<TValue>(definition: Omit<EventDefinition<TValue>, 'recordName'>): EventDefinition<TValue> {
  const schema = avroSchemas[definition.schemaName];
  return { ...definition, recordName: `${schema.namespace}.${schema.name}` };
}

/** Every event the platform publishes, with its topic and key. */
export const events = {
  shopifyOrderCreated: define<ShopifyOrderCreated>({
    type: 'shopify.order.created',
    schemaName: 'ShopifyOrderCreated',
    schemaVersion: 1,
    topic: topics.shopifyOrders,
    keyOf: (value) => value.order.id,
  }),
  shopifyOrderUpdated: define<ShopifyOrderUpdated>({
    type: 'shopify.order.updated',
    schemaName: 'ShopifyOrderUpdated',
    schemaVersion: 1,
    topic: topics.shopifyOrders,
    keyOf: (value) => value.order.id,
  }),
  shopifyOrderPaid: define<ShopifyOrderPaid>({
    type: 'shopify.order.paid',
    schemaName: 'ShopifyOrderPaid',
    schemaVersion: 1,
    topic: topics.shopifyOrders,
    keyOf: (value) => value.order.id,
  }),
  shopifyOrderCancelled: define<ShopifyOrderCancelled>({
    type: 'shopify.order.cancelled',
    schemaName: 'ShopifyOrderCancelled',
    schemaVersion: 1,
    topic: topics.shopifyOrders,
    keyOf: (value) => value.order.id,
  }),
  shopifyRefundCreated: define<ShopifyRefundCreated>({
    type: 'shopify.refund.created',
    schemaName: 'ShopifyRefundCreated',
    schemaVersion: 1,
    topic: topics.shopifyOrders,
    keyOf: (value) => value.orderId,
  }),
  shopifyInventoryLevelUpdated: define<ShopifyInventoryLevelUpdated>({
    type: 'shopify.inventory_level.updated',
    schemaName: 'ShopifyInventoryLevelUpdated',
    schemaVersion: 1,
    topic: topics.shopifyInventory,
    keyOf: (value) => value.inventoryItemId,
  }),
  shopifyProductUpserted: define<ShopifyProductUpserted>({
    type: 'shopify.product.upserted',
    schemaName: 'ShopifyProductUpserted',
    schemaVersion: 1,
    topic: topics.shopifyProducts,
    keyOf: (value) => value.product.id,
  }),
  clerkUserCreated: define<ClerkUserCreated>({
    type: 'clerk.user.created',
    schemaName: 'ClerkUserCreated',
    schemaVersion: 2,
    topic: topics.clerkUsers,
    keyOf: (value) => value.user.id,
  }),
  clerkUserUpdated: define<ClerkUserUpdated>({
    type: 'clerk.user.updated',
    schemaName: 'ClerkUserUpdated',
    schemaVersion: 2,
    topic: topics.clerkUsers,
    keyOf: (value) => value.user.id,
  }),
  clerkUserDeleted: define<ClerkUserDeleted>({
    type: 'clerk.user.deleted',
    schemaName: 'ClerkUserDeleted',
    schemaVersion: 1,
    topic: topics.clerkUsers,
    keyOf: (value) => value.userId,
  }),
  consignorRegistered: define<ConsignorRegistered>({
    type: 'consignor.registered',
    schemaName: 'ConsignorRegistered',
    schemaVersion: 1,
    topic: topics.consignors,
    keyOf: (value) => value.consignor.id,
  }),
  consignorUpdated: define<ConsignorUpdated>({
    type: 'consignor.updated',
    schemaName: 'ConsignorUpdated',
    schemaVersion: 1,
    topic: topics.consignors,
    keyOf: (value) => value.consignor.id,
  }),
  consignorDeactivated: define<ConsignorDeactivated>({
    type: 'consignor.deactivated',
    schemaName: 'ConsignorDeactivated',
    schemaVersion: 1,
    topic: topics.consignors,
    keyOf: (value) => value.consignorId,
  }),
  itemSold: define<ItemSold>({
    type: 'inventory.item.sold',
    schemaName: 'ItemSold',
    schemaVersion: 1,
    topic: topics.inventoryItems,
    keyOf: (value) => value.orderId,
  }),
  itemReleased: define<ItemReleased>({
    type: 'inventory.item.released',
    schemaName: 'ItemReleased',
    schemaVersion: 1,
    topic: topics.inventoryItems,
    keyOf: (value) => value.orderId,
  }),
  earningsRecorded: define<EarningsRecorded>({
    type: 'earnings.recorded',
    schemaName: 'EarningsRecorded',
    schemaVersion: 2,
    topic: topics.earnings,
    keyOf: (value) => value.orderId,
  }),
  earningsReversed: define<EarningsReversed>({
    type: 'earnings.reversed',
    schemaName: 'EarningsReversed',
    schemaVersion: 2,
    topic: topics.earnings,
    keyOf: (value) => value.orderId,
  }),
  notificationSent: define<NotificationSent>({
    type: 'notification.sent',
    schemaName: 'NotificationSent',
    schemaVersion: 1,
    topic: topics.notifications,
    keyOf: (value) => value.consignorId,
  }),
  notificationFailed: define<NotificationFailed>({
    type: 'notification.failed',
    schemaName: 'NotificationFailed',
    schemaVersion: 1,
    topic: topics.notifications,
    keyOf: (value) => value.consignorId,
  }),
  rawWebhookArchived: define<RawWebhookArchived>({
    type: 'webhook.raw.archived',
    schemaName: 'RawWebhookArchived',
    schemaVersion: 2,
    topic: topics.webhooksRaw,
    keyOf: (value) => value.deliveryId,
  }),
  operatorActionRecorded: define<OperatorActionRecorded>({
    type: 'operations.action.recorded',
    schemaName: 'OperatorActionRecorded',
    schemaVersion: 1,
    topic: topics.operationsAudit,
    keyOf: (value) => value.actor,
  }),
  tenantConfigured: define<TenantConfigured>({
    type: 'tenant.configured',
    schemaName: 'TenantConfigured',
    schemaVersion: 1,
    topic: topics.tenants,
    keyOf: (value) => value.tenantId,
  }),
} as const;

export type AnyEventDefinition = (typeof events)[keyof typeof events];

/**
 * Subjects follow TopicRecordNameStrategy (`<topic>-<record full name>`), so one topic can carry
 * several event types of one entity while each type evolves under its own compatibility rule.
 */
export function subjectOf(definition: Pick<EventDefinition<unknown>, 'topic' | 'recordName'>): string {
  return `${definition.topic.name}-${definition.recordName}`;
}

/**
 * The compatibility rule of every event subject. FULL so that a new schema both reads the data
 * already on a topic and can be read by consumers not yet upgraded (which refuses removing a field
 * without a default, not only adding one); TRANSITIVE because topics keep many versions' records
 * and plain FULL checks only the latest: string → removed → int passes it step by step.
 */
export const subjectCompatibility = 'FULL_TRANSITIVE';

type EventCatalogue = typeof events;

/** One event ready to publish: its definition and a value of that definition's type. */
export type PlatformEvent = {
  [K in keyof EventCatalogue]: {
    definition: EventCatalogue[K];
    value: EventCatalogue[K] extends EventDefinition<infer TValue> ? TValue : never;
  };
}[keyof EventCatalogue];
