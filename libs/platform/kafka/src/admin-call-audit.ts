import { randomUUID } from 'node:crypto';
import { events, OperatorActionRecorded } from '@consign/contracts';
import type { AdminCall } from '@consign/service-runtime';
import { EventPublisher } from './event-publisher';

/**
 * Publishes each admin call of `app` to the audit topic, from which the reconciler keeps the
 * platform's one audit log. Admin calls belong to no tenant: their metadata says `platform`.
 */
export function publishAdminCalls(publisher: Pick<EventPublisher, 'publish'>, app: string): (call: AdminCall) => Promise<void> {
  return async (call) => {
    const value: OperatorActionRecorded = {
      metadata: {
        // Not the request id, which a caller may choose: two calls must never share a record.
        eventId: randomUUID(),
        eventType: events.operatorActionRecorded.type,
        schemaVersion: events.operatorActionRecorded.schemaVersion,
        occurredAt: call.startedAt.getTime(),
        receivedAt: call.finishedAt.getTime(),
        source: app,
        tenantId: 'platform',
        shopifyWebhookId: null,
        shopifyEventId: null,
        svixMessageId: null,
        correlationId: call.requestId,
        causationId: null,
      },
      app,
      actor: call.actor,
      action: call.action,
      parameters: JSON.stringify(call.parameters),
      outcome: call.outcome,
      status: call.status,
      error: call.error,
      startedAt: call.startedAt.getTime(),
      finishedAt: call.finishedAt.getTime(),
    };
    await publisher.publish({ definition: events.operatorActionRecorded, value });
  };
}
