import { IncomingHttpHeaders } from 'node:http';
import { Context } from '@opentelemetry/api';
import { ClerkUserDeleted, EventDefinition, EventMetadata, events, RawWebhookArchived } from '@consign/contracts';
import { EventCodec, eventHeaders } from '@consign/kafka';
import { ArchivedBody, ArchiveSealing, BodyOwner } from './archive-sealing';
import { DeliveryClaim } from './delivery-store';
import { VerifiedDelivery } from './verified-delivery';
import { OutgoingRecord } from './webhook-intake';

/** A verified delivery as the intake takes it: its claim and its two records, the raw archive's and the event's. */
export interface EncodedDelivery {
  claim: DeliveryClaim;
  records: [archive: OutgoingRecord, event: OutgoingRecord];
  /** The user a user.deleted delivery names, whose archived bodies must be erased once it is stored. */
  deletedClerkUser?: string;
}

/** Headers that prove or grant something: never archived, never logged, never kept in the history. */
const secretHeaders = new Set([
  'x-shopify-hmac-sha256',
  'shopify-hmac-sha256',
  'svix-signature',
  'webhook-signature',
  'authorization',
  'cookie',
  'x-api-key',
]);

/** The request's headers with lower-cased names, without those that prove or grant something. */
export function archivableHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || secretHeaders.has(name.toLowerCase())) continue;
    kept[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

/** The raw archive's record of a delivery: its event's metadata under an id of its own, the sender's headers and the body as archived. */
export function archivedWebhookOf(delivery: VerifiedDelivery, headers: Record<string, string>, body: ArchivedBody): RawWebhookArchived {
  const metadata = metadataOf(delivery);
  return {
    metadata: {
      ...metadata,
      eventId: `${metadata.eventId}:raw:${delivery.deliveryId}`,
      eventType: events.rawWebhookArchived.type,
      schemaVersion: events.rawWebhookArchived.schemaVersion,
    },
    source: delivery.source,
    deliveryId: delivery.deliveryId,
    topic: delivery.topic,
    headers,
    ...body,
  };
}

/** Whose personal data a delivery's body holds: a Clerk body is its user's, a Shopify body its store's customers'. */
export function bodyOwnerOf(delivery: VerifiedDelivery): BodyOwner {
  if (delivery.source === 'shopify') return { source: 'shopify', tenantId: delivery.tenantId };
  // The record key of every Clerk event is its user's id.
  return { source: 'clerk', clerkUserId: delivery.event.definition.keyOf(delivery.event.value) };
}

/** Builds and encodes what the intake makes durable for a verified delivery. */
export class DeliveryEncoder {
  constructor(
    private readonly codec: EventCodec,
    private readonly sealing: ArchiveSealing,
  ) {}

  async encode(delivery: VerifiedDelivery, headers: Record<string, string>, traceContext: Context): Promise<EncodedDelivery> {
    const { event } = delivery;
    const metadata = metadataOf(delivery);
    const deletedClerkUser = event.definition === events.clerkUserDeleted ? (event.value as ClerkUserDeleted).userId : undefined;
    // A deletion names the user and nothing else about them: kept plain, it can be replayed after the erasure.
    const body =
      deletedClerkUser !== undefined
        ? { body: delivery.body, bodySealedFor: null }
        : await this.sealing.seal(bodyOwnerOf(delivery), delivery.body);
    const subjectId = event.definition.keyOf(event.value);
    return {
      claim: {
        deliveryKey: delivery.deliveryKey,
        source: delivery.source,
        tenantId: delivery.tenantId,
        topic: delivery.topic,
        deliveryId: delivery.deliveryId,
        sourceEventId: delivery.sourceEventId,
        eventId: metadata.eventId,
        requestId: delivery.requestId,
        subjectId,
      },
      records: [
        await this.record(events.rawWebhookArchived, archivedWebhookOf(delivery, headers, body), {}, traceContext),
        await this.record(event.definition, event.value, { 'correlation-id': metadata.correlationId }, traceContext),
      ],
      ...(deletedClerkUser !== undefined && { deletedClerkUser }),
    };
  }

  private async record<T>(
    definition: EventDefinition<T>,
    value: T,
    headers: Record<string, string>,
    traceContext: Context,
  ): Promise<OutgoingRecord> {
    return {
      topic: definition.topic,
      key: definition.keyOf(value),
      value: await this.codec.encode(definition, value),
      headers: eventHeaders(definition.type, headers, traceContext),
    };
  }
}

function metadataOf(delivery: VerifiedDelivery): EventMetadata {
  return (delivery.event.value as { metadata: EventMetadata }).metadata;
}
