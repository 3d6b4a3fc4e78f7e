import { DataSource } from 'typeorm';
import { audited } from '../audit/operator-actions';
import { RecordPosition } from '../deadletters/dead-letter';
import { AdminClient } from '../http/admin-client';
import { PlatformService } from '../settings/operations-settings';

export interface ProcessOutcome extends Record<string, unknown> {
  service: PlatformService;
  readFrom: RecordPosition;
  processed: RecordPosition;
  answer: { outcome?: string; eventId?: string; eventType?: string } & Record<string, unknown>;
}

/**
 * Pushes one record through a service's handler now. The service is told where the record is (one
 * of its topics, or its dead-letter topic) and reads it there itself; a dead letter is processed at
 * its original position, so the service's idempotency treats it as the record it was.
 */
export async function forceProcessing(deps: { http: AdminClient; database: DataSource; actor: string }, request: { service: PlatformService; position: RecordPosition }): Promise<ProcessOutcome> {
  const { position } = request;
  return audited(deps.database, { actor: deps.actor, action: 'events.process', parameters: { service: request.service, position: `${position.topic}:${position.partition}:${position.offset}` } }, async () => {
    const { body: answer } = await deps.http.request<ProcessOutcome['answer'] & { processed: RecordPosition }>(request.service, 'POST', '/admin/events/process', {
      body: { topic: position.topic, partition: position.partition, offset: position.offset },
    });
    return { service: request.service, readFrom: position, processed: answer.processed, answer };
  });
}
