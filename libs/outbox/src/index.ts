export { CreateOutboxEvents1764355150000 } from './outbox-migration';
export { appendToOutbox } from './outbox-writer';
export { OutboxRelay } from './outbox-relay';
export type { OutboxRelayOptions } from './outbox-relay';
