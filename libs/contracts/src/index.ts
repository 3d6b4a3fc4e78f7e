export type * from './generated/contracts';
export { avroSchemas } from './generated/contracts';
export { topics, deadLetterTopic } from './topics';
export type { TopicDefinition, TopicName } from './topics';
export { events, subjectOf, subjectCompatibility } from './events';
export type { EventDefinition, AnyEventDefinition, PlatformEvent } from './events';
export { deterministicEventId, derivedMetadata } from './event-id';
export type { DerivedMetadataOptions } from './event-id';
