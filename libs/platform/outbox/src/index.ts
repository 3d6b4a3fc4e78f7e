export { CreateOutboxEvents1764355150000 } from './outbox-migration';
export { appendToOutbox, appendEventsToOutbox } from './outbox-writer';
export { createOutboxRelay, OutboxRelay } from './outbox-relay';
export { registerOutboxMetrics } from './outbox-metrics';
