const DAY_MS = 86_400_000;

export interface TopicDefinition {
  readonly name: string;
  readonly partitions: number;
  /** What the record key is: records with the same key stay in order. */
  readonly key: string;
  readonly retentionMs: number;
}

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
} as const satisfies Record<string, TopicDefinition>;

export type TopicName = (typeof topics)[keyof typeof topics]['name'];
