import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { deterministicEventId, EventDefinition, EventMetadata, events } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { EventCodec, eventHeaders, EventPublisher, PublishedRecord } from '@consign/kafka';
import { audited } from '../audit/operator-actions';

type Document = Record<string, unknown>;

export function definitionOfType(type: string): EventDefinition<Document> {
  const definition = Object.values(events).find((candidate) => candidate.type === type);
  if (!definition) {
    throw new PlatformError(
      `unknown event type ${type}; known: ${Object.values(events)
        .map((candidate) => candidate.type)
        .join(', ')}`,
      { code: 'operations.unknown_event_type', category: 'invalid' },
    );
  }
  return definition as unknown as EventDefinition<Document>;
}

/** JSON with sorted keys, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${canonicalJson((value as Document)[name])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function timestamp(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const parsed = typeof value === 'number' ? value : Date.parse(String(value));
  if (!Number.isFinite(parsed))
    throw new PlatformError(`metadata.${name} must be epoch milliseconds or an ISO time, got ${JSON.stringify(value)}`, {
      code: 'operations.bad_metadata',
      category: 'invalid',
    });
  return parsed;
}

/**
 * The event value of a correction: the operator's document with its metadata completed. The id is
 * derived from the content (unless given) so that publishing the same correction twice yields one
 * event for consumers; the source is `operator`.
 */
export function correctionValue(
  definition: EventDefinition<Document>,
  document: Document,
  options: { now: Date; correlationId: string; tenantId?: string },
): Document {
  const given = (document.metadata ?? {}) as Partial<Record<keyof EventMetadata, unknown>>;
  if (given.eventType !== undefined && given.eventType !== definition.type) {
    throw new PlatformError(`metadata.eventType is ${String(given.eventType)} but the event type is ${definition.type}`, {
      code: 'operations.bad_metadata',
      category: 'invalid',
    });
  }
  const tenantId = given.tenantId ?? options.tenantId;
  if (typeof tenantId !== 'string' || tenantId === '') {
    throw new PlatformError('a correction needs its tenant: metadata.tenantId in the file, or --tenant', {
      code: 'operations.tenant_required',
      category: 'invalid',
    });
  }
  const now = options.now.getTime();
  const metadata: EventMetadata = {
    eventId:
      typeof given.eventId === 'string'
        ? given.eventId
        : deterministicEventId('operator-correction', definition.type, canonicalJson(document)),
    eventType: definition.type,
    schemaVersion: definition.schemaVersion,
    occurredAt: timestamp(given.occurredAt, 'occurredAt', now),
    receivedAt: timestamp(given.receivedAt, 'receivedAt', now),
    source: 'operator',
    tenantId,
    shopifyWebhookId: (given.shopifyWebhookId as string | undefined) ?? null,
    shopifyEventId: (given.shopifyEventId as string | undefined) ?? null,
    svixMessageId: (given.svixMessageId as string | undefined) ?? null,
    correlationId: typeof given.correlationId === 'string' ? given.correlationId : options.correlationId,
    causationId: (given.causationId as string | undefined) ?? null,
  };
  return { ...document, metadata };
}

export interface CorrectionOutcome extends Record<string, unknown> {
  eventType: string;
  eventId: string;
  topic: string;
  key: string;
  published?: PublishedRecord;
  value: Document;
}

/**
 * Publishes a correcting event to its catalogue topic under its key, after validating it against
 * its schema (encoding fails on anything the schema does not accept). A dry run validates only.
 */
export async function publishCorrection(
  deps: { codec: EventCodec; publisher: Pick<EventPublisher, 'publishRaw'>; database: DataSource; actor: string; now?: () => Date },
  request: { type: string; document: Document; tenantId?: string; dryRun?: boolean },
): Promise<CorrectionOutcome> {
  const correlationId = `correction:${randomUUID()}`;
  return audited(
    deps.database,
    {
      actor: deps.actor,
      action: 'events.publish',
      parameters: { type: request.type, document: request.document, tenantId: request.tenantId, correlationId },
      dryRun: request.dryRun,
    },
    async () => {
      const definition = definitionOfType(request.type);
      const value = correctionValue(definition, request.document, {
        now: deps.now?.() ?? new Date(),
        correlationId,
        tenantId: request.tenantId,
      });
      await deps.codec.register([definition as unknown as EventDefinition<never>]);
      const bytes = await deps.codec.encode(definition, value);
      const key = definition.keyOf(value);
      const metadata = value.metadata as EventMetadata;
      const outcome: CorrectionOutcome = {
        eventType: definition.type,
        eventId: metadata.eventId,
        topic: definition.topic.name,
        key,
        value,
      };
      if (request.dryRun) return outcome;
      const published = await deps.publisher.publishRaw(definition.topic, {
        key,
        value: bytes,
        headers: eventHeaders(definition.type, { 'corrected-by': deps.actor }),
      });
      return { ...outcome, published };
    },
  );
}
