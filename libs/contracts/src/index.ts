export type { EventMetadata, Money, ShopifyLineItem, ShopifyOrder, ShopifyOrderCreated, EventSchemaName } from './generated/contracts';
export { avroSchemas } from './generated/contracts';
export { topics } from './topics';
export type { TopicDefinition, TopicName } from './topics';
export { events, subjectOf } from './events';
export type { EventDefinition, AnyEventDefinition } from './events';
