import { EventDefinition, EventMetadata } from '@consign/contracts';
import { deterministicEventId } from '@consign/contracts';

/** What the gateway knows of one Clerk delivery (a Svix message), once it is verified. */
export interface ClerkDelivery {
  tenantId: string;
  /** The Clerk event type, e.g. user.created. */
  type: string;
  /** svix-id: the message id, unchanged on retries. */
  svixId: string;
  /** svix-timestamp (Unix seconds): when Svix sent this attempt. */
  svixTimestamp: number;
  receivedAt: number;
  requestId: string;
}

/** The metadata of an event mapped from a Clerk delivery: one event id per Svix message. */
export function clerkEventMetadata(
  delivery: ClerkDelivery,
  definition: Pick<EventDefinition<never>, 'type' | 'schemaVersion'>,
  occurredAt: number,
): EventMetadata {
  return {
    eventId: deterministicEventId('clerk', delivery.tenantId, delivery.type, delivery.svixId),
    eventType: definition.type,
    schemaVersion: definition.schemaVersion,
    occurredAt,
    receivedAt: delivery.receivedAt,
    source: 'clerk',
    tenantId: delivery.tenantId,
    shopifyWebhookId: null,
    shopifyEventId: null,
    svixMessageId: delivery.svixId,
    correlationId: delivery.requestId,
    causationId: null,
  };
}
