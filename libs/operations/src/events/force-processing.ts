import { Admin, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { audited } from '../audit/operator-actions';
import { deadLetterFrom, isDeadLetterTopic, RecordPosition } from '../deadletters/dead-letter';
import { AdminClient } from '../http/admin-client';
import { readOneRecord } from '../kafka/topic-reader';
import { PlatformService } from '../settings/operations-settings';

/** What `POST /admin/events/process` takes: the record at its ORIGINAL position. */
export interface ProcessRequestBody {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  valueBase64: string;
  headers: Record<string, string>;
}

export interface ProcessOutcome extends Record<string, unknown> {
  service: PlatformService;
  readFrom: RecordPosition;
  processed: RecordPosition;
  answer: { outcome?: string; eventId?: string; eventType?: string } & Record<string, unknown>;
}

/**
 * Pushes one record through a service's handler now. A dead letter is sent with its original
 * position and headers, so the service's idempotency (processed events per position and event id)
 * treats it as the record it was.
 */
export async function forceProcessing(deps: { kafka: Kafka; admin: Admin; http: AdminClient; database: DataSource; actor: string }, request: { service: PlatformService; position: RecordPosition }): Promise<ProcessOutcome> {
  const { position } = request;
  return audited(deps.database, { actor: deps.actor, action: 'events.process', parameters: { service: request.service, position: `${position.topic}:${position.partition}:${position.offset}` } }, async () => {
    const record = await readOneRecord(deps.kafka, deps.admin, position.topic, position.partition, position.offset);
    const fromDeadLetters = isDeadLetterTopic(position.topic) ? deadLetterFrom(record) : undefined;
    const processed = fromDeadLetters ? fromDeadLetters.original : position;
    const body: ProcessRequestBody = {
      topic: processed.topic,
      partition: processed.partition,
      offset: processed.offset,
      key: record.key?.toString() ?? null,
      valueBase64: (record.value ?? Buffer.alloc(0)).toString('base64'),
      headers: fromDeadLetters ? fromDeadLetters.headers : record.headers,
    };
    const { body: answer } = await deps.http.request<ProcessOutcome['answer']>(request.service, 'POST', '/admin/events/process', { body });
    return { service: request.service, readFrom: position, processed, answer };
  });
}
