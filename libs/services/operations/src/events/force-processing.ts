import { DataSource } from 'typeorm';
import { PlatformError } from '@consign/errors';
import { audited } from '../audit/operator-actions';
import { formatPosition, RecordPosition } from '../deadletters/dead-letter';
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
export async function forceProcessing(
  deps: { http: AdminClient; database: DataSource; actor: string },
  request: { service: PlatformService; position: RecordPosition },
): Promise<ProcessOutcome> {
  const { position } = request;
  return audited(
    deps.database,
    { actor: deps.actor, action: 'events.process', parameters: { service: request.service, position: formatPosition(position) } },
    async () => {
      try {
        const { body: answer } = await deps.http.request<ProcessOutcome['answer'] & { processed: RecordPosition }>(
          request.service,
          'POST',
          '/admin/events/process',
          {
            body: { topic: position.topic, partition: position.partition, offset: position.offset },
          },
        );
        return { service: request.service, readFrom: position, processed: answer.processed, answer };
      } catch (error) {
        throw refusalInItsOwnTerms(request.service, position, error);
      }
    },
  );
}

/**
 * A service's refusal told by its problem code, not by the HTTP status the code travelled with: an
 * unknown tenant answers 404, which reads as a missing route or record. Answers without a problem
 * code (a proxy's error page) keep the status, the only clue they carry.
 */
function refusalInItsOwnTerms(service: PlatformService, position: RecordPosition, error: unknown): unknown {
  const problem = (error instanceof PlatformError ? error.details.body : undefined) as
    { code?: unknown; detail?: unknown; title?: unknown } | undefined;
  if (!(error instanceof PlatformError) || typeof problem?.code !== 'string') return error;
  const reason = typeof problem.detail === 'string' ? problem.detail : typeof problem.title === 'string' ? problem.title : problem.code;
  const message =
    problem.code === 'tenant.unknown'
      ? `unknown tenant: ${service} does not know the tenant of ${formatPosition(position)} (${problem.code}): ${reason}. Add the store (npm run ops -- tenants add, or the service's TENANTS), then process the record again`
      : `${service} could not process ${formatPosition(position)} (${problem.code}): ${reason}`;
  return new PlatformError(message, { code: error.code, category: error.category, details: error.details, cause: error });
}
