import { EntityManager } from 'typeorm';
import { EventDefinition, EventMetadata, PlatformEvent } from '@consign/contracts';
import { insertRows } from '@consign/database';
import { EventCodec, eventHeaders } from '@consign/kafka';
import { outboxRowsWritten } from './outbox-commits';

/**
 * Adds an event to the outbox inside the caller's transaction, so the event exists exactly when
 * the state change that caused it does. The record is encoded now (schema id fixed at write time)
 * and the trace context of the writer travels with it. An event id already in the outbox is not
 * added twice.
 */
export async function appendToOutbox<TValue extends { metadata: EventMetadata }>(
  manager: EntityManager,
  codec: EventCodec,
  definition: EventDefinition<TValue>,
  value: TValue,
  headers: Record<string, string> = {},
): Promise<void> {
  const payload = await codec.encode(definition, value);
  await manager.query(
    `INSERT INTO outbox_events (event_id, event_type, topic, record_key, payload, headers)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (event_id) DO NOTHING`,
    [
      value.metadata.eventId,
      definition.type,
      definition.topic.name,
      definition.keyOf(value),
      payload,
      JSON.stringify(eventHeaders(definition.type, headers)),
    ],
  );
  outboxRowsWritten(manager);
}

/**
 * Adds the events to the outbox, in order, inside the caller's transaction: one statement for up
 * to a thousand of them, where one each would cost a round trip apiece.
 */
export async function appendEventsToOutbox(manager: EntityManager, codec: EventCodec, pending: readonly PlatformEvent[]): Promise<void> {
  const rows: unknown[][] = [];
  for (const event of pending) {
    // The union pairs each definition with its own value type; TypeScript cannot correlate them through the loop variable.
    const definition = event.definition as EventDefinition<typeof event.value>;
    const payload = await codec.encode(definition, event.value);
    rows.push([
      event.value.metadata.eventId,
      definition.type,
      definition.topic.name,
      definition.keyOf(event.value),
      payload,
      JSON.stringify(eventHeaders(definition.type, {})),
    ]);
  }
  // Ids are taken in VALUES order, so relaying in id order keeps the events' order.
  await insertRows(manager, 'INSERT INTO outbox_events (event_id, event_type, topic, record_key, payload, headers)', rows, {
    tail: 'ON CONFLICT (event_id) DO NOTHING',
  });
  if (rows.length > 0) outboxRowsWritten(manager);
}
