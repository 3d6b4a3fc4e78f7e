import { avroSchemas, EventSchemaName, ShopifyOrderCreated } from './generated/contracts';
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
} as const;

export type AnyEventDefinition = (typeof events)[keyof typeof events];

/**
 * Subjects follow TopicRecordNameStrategy (`<topic>-<record full name>`), so one topic can carry
 * several event types of one entity while each type evolves under its own compatibility rule.
 */
export function subjectOf(definition: Pick<EventDefinition<unknown>, 'topic' | 'recordName'>): string {
  return `${definition.topic.name}-${definition.recordName}`;
}
