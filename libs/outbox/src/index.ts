export { CreateOutboxEvents1764355150000 } from './outbox-migration';
export { appendToOutbox, appendEventsToOutbox } from './outbox-writer';
export { createOutboxRelay, OutboxRelay } from './outbox-relay';
export type { OutboxRelayOptions } from './outbox-relay';
export { readOutboxBacklog, registerOutboxMetrics } from './outbox-metrics';
export type { OutboxBacklog } from './outbox-metrics';
