import { createHash } from 'node:crypto';
import type { EventMetadata } from './generated/contracts';

/**
 * A UUID-shaped id derived from what identifies one event at its source, so that every redelivery
 * of the same webhook produces the same event id.
 */
export function deterministicEventId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface DerivedMetadataOptions {
  /** The publishing service, e.g. earnings-service. */
  source: string;
  /** Tells apart several events of one type caused by the same event (e.g. the order line id). */
  discriminator?: string;
  /** When it happened; defaults to when the cause happened, so replays produce identical events. */
  occurredAt?: number;
}

/**
 * Metadata for an event a service publishes because it consumed `cause`. The id is derived from
 * the cause, the new event's type and the discriminator, so reprocessing the cause (a redelivery,
 * a replay) yields the same id and the outbox and consumers see a repeat, not a new event.
 */
export function derivedMetadata(
  definition: { type: string; schemaVersion: number },
  cause: EventMetadata,
  options: DerivedMetadataOptions,
): EventMetadata {
  const eventId = deterministicEventId(cause.eventId, definition.type, options.discriminator ?? '');
  return {
    eventId,
    eventType: definition.type,
    schemaVersion: definition.schemaVersion,
    occurredAt: options.occurredAt ?? cause.occurredAt,
    receivedAt: cause.receivedAt,
    source: options.source,
    tenantId: cause.tenantId,
    shopifyWebhookId: null,
    shopifyEventId: null,
    svixMessageId: null,
    correlationId: cause.correlationId,
    causationId: cause.eventId,
  };
}
