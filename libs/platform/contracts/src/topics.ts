const DAY_MS = 86_400_000;

export interface TopicDefinition {
  readonly name: string;
  readonly partitions: number;
  /** What the record key is: records with the same key stay in order. */
  readonly key: string;
  readonly retentionMs: number;
  /**
   * Kafka's `cleanup.policy`: `delete` (the default) drops records past retentionMs; `compact` keeps
   * the latest record of every key (a tombstone, a record without value, removes the key) and
   * ignores retentionMs.
   */
  readonly cleanupPolicy?: 'delete' | 'compact';
}

/**
 * The largest record any topic takes: Kafka's `max.message.bytes`, set on every topic when it is
 * provisioned (the broker's default, about 1 MB, is below what a webhook archive can carry).
 * Producers keep their requests below it and consumers fetch at least this much per partition.
 */
export const maxRecordBytes = 4 * 1024 * 1024;

/**
 * The topic catalogue: the only place topic names, partition counts, keys and retention are set.
 * Provisioning creates exactly these; producers and consumers refer to them by property.
 */
export const topics = {
  shopifyOrders: {
    name: 'shopify.orders.v1',
    partitions: 3,
    key: 'Shopify order id',
    retentionMs: 30 * DAY_MS,
  },
  shopifyInventory: {
    name: 'shopify.inventory.v1',
    partitions: 3,
    key: 'Shopify inventory item id',
    retentionMs: 30 * DAY_MS,
  },
  shopifyProducts: {
    name: 'shopify.products.v1',
    partitions: 3,
    key: 'Shopify product id',
    retentionMs: 30 * DAY_MS,
  },
  clerkUsers: {
    name: 'clerk.users.v1',
    partitions: 3,
    key: 'Clerk user id',
    retentionMs: 30 * DAY_MS,
  },
  // The platform's own records (consignors, earnings) are kept longer than the streams that mirror a sender.
  consignors: {
    name: 'consignors.v1',
    partitions: 3,
    key: 'consignor id',
    retentionMs: 90 * DAY_MS,
  },
  inventoryItems: {
    name: 'inventory.items.v1',
    partitions: 3,
    // The order, not the item: a release must never overtake the sale it undoes.
    key: 'Shopify order id',
    retentionMs: 30 * DAY_MS,
  },
  earnings: {
    name: 'earnings.v1',
    partitions: 3,
    key: 'Shopify order id',
    retentionMs: 90 * DAY_MS,
  },
  notifications: {
    name: 'notifications.v1',
    partitions: 3,
    key: 'recipient consignor id',
    retentionMs: 14 * DAY_MS,
  },
  webhooksRaw: {
    name: 'webhooks.raw.v1',
    partitions: 3,
    key: 'sender delivery id (X-Shopify-Webhook-Id or svix-id)',
    // A year of verified deliveries, so any projection can be rebuilt by replaying them.
    retentionMs: 365 * DAY_MS,
  },
  operationsAudit: {
    name: 'operations.audit.v1',
    // One partition: the audit log reads in the order the calls were made.
    partitions: 1,
    key: 'actor (api-key:<key name>)',
    // Until the reconciler has it in the audit log, and long after for a second look.
    retentionMs: 400 * DAY_MS,
  },
  tenants: {
    name: 'tenants.v1',
    // One partition: every app reads the whole topic at start, and it holds one record per store.
    partitions: 1,
    key: 'tenant id',
    // The latest settings of each store, kept for as long as the store is (decision 0018).
    cleanupPolicy: 'compact',
    // Not applied under compaction; what provisioning sets should the policy ever be widened to delete.
    retentionMs: 3650 * DAY_MS,
  },
} as const satisfies Record<string, TopicDefinition>;

export type TopicName = (typeof topics)[keyof typeof topics]['name'];

const CONSUMER_GROUP_PATTERN = /^[a-z0-9.-]+$/;

/**
 * The dead-letter topic of one consumer group: records it could not process, under their original key.
 * One per group so a replay only reaches the consumer that failed.
 */
export function deadLetterTopic(consumerGroup: string): TopicDefinition {
  if (!CONSUMER_GROUP_PATTERN.test(consumerGroup)) {
    throw new Error(`Invalid consumer group name ${JSON.stringify(consumerGroup)}: expected only lowercase letters, digits, '.' and '-'`);
  }
  return {
    name: `deadletter.${consumerGroup}.v1`,
    partitions: 3,
    key: 'original record key',
    retentionMs: 30 * DAY_MS,
  };
}

/**
 * The retry topic of one consumer group: dead letters an operator redrives, under their original
 * key. Only that group reads it, so a redrive reaches only the consumer that failed, never the
 * other groups of the original topic.
 */
export function retryTopic(consumerGroup: string): TopicDefinition {
  return {
    name: `retry.${deadLetterTopic(consumerGroup).name.slice('deadletter.'.length)}`,
    partitions: 3,
    key: 'original record key',
    retentionMs: 30 * DAY_MS,
  };
}

/**
 * What each consuming service reads. Its app subscribes to exactly these, and whatever starts the
 * service with a group of its own (the end-to-end tests, the benches) positions that group on them.
 */
export type SubscribingService = 'inventory-service' | 'earnings-service' | 'consignor-service' | 'notification-service';

export const serviceSubscriptions: Readonly<Record<SubscribingService, TopicDefinition[]>> = {
  'inventory-service': [topics.shopifyProducts, topics.shopifyOrders, topics.shopifyInventory],
  'earnings-service': [topics.shopifyOrders, topics.shopifyProducts, topics.consignors],
  'consignor-service': [topics.clerkUsers],
  'notification-service': [topics.consignors, topics.earnings],
};

/**
 * The topics among a service's subscriptions that its other topics refer to: read to their end,
 * as it was at start, before the others (ConsumerRunner's `readFirst`), so that a rebuild meets
 * each product and consignor before the orders and earnings naming them.
 */
export const serviceReferenceTopics: Readonly<Record<SubscribingService, TopicDefinition[]>> = {
  'inventory-service': [topics.shopifyProducts],
  'earnings-service': [topics.shopifyProducts, topics.consignors],
  'consignor-service': [],
  'notification-service': [topics.consignors],
};
