import { EventDefinition, EventMetadata, TopicDefinition } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { EventCodec, EventPublisher, eventHeaders, PublishedRecord } from '@consign/kafka';
import { TenantDirectory } from '@consign/tenants';
import { DeliveryStore } from '../intake/delivery-store';
import { acknowledgedWithin, OutgoingRecord } from '../intake/webhook-intake';
import { ArchivedDelivery, mapArchivedDelivery } from './archived-delivery';
import { ArchivePosition, ArchiveRead } from './webhook-archive';

export interface ReplayResult {
  /** The record replayed, in the raw archive. */
  archivedAt: ArchivePosition;
  /** Null when the archive holds no delivery there. */
  deliveryId: string | null;
  status: 'published' | 'failed';
  eventIds: string[];
  publishedTo: PublishedRecord[];
  error?: { code: string; message: string };
}

export interface WebhookReplayOptions {
  tenants: TenantDirectory;
  codec: EventCodec;
  publisher: EventPublisher;
  store: DeliveryStore;
  /** How long a replay waits for Kafka's acknowledgement of all its events. */
  publishTimeoutMs: number;
  /** The topic of each event: its catalogue topic unless tests send to topics of their own. */
  topicOf?: (definition: EventDefinition<never>) => TopicDefinition;
}

type Mapped = {
  archivedAt: ArchivePosition;
  deliveryId: string;
  deliveryKey: string;
  subjectId: string;
  eventId: string;
  record: OutgoingRecord;
};
type Prepared = Mapped | { archivedAt: ArchivePosition; deliveryId: string | null; error: PlatformError };

/**
 * Publishes archived deliveries again through the live mapping path (after a mapping fix, say).
 * The events keep their deterministic ids, so consumers that applied them see repeats and change
 * nothing. Only the domain events are published: the raw archive already holds the deliveries.
 */
export class WebhookReplay {
  constructor(private readonly options: WebhookReplayOptions) {}

  /**
   * One result per delivery, in order. A delivery that no longer maps fails on its own; when Kafka
   * does not acknowledge every event, the whole replay fails (503) rather than report a part of it
   * as published, and can be repeated as it is.
   */
  async replay(reads: ArchiveRead[]): Promise<ReplayResult[]> {
    const prepared: Prepared[] = await Promise.all(
      reads.map((read) =>
        'error' in read ? { archivedAt: read.position, deliveryId: null, error: read.error } : this.prepare(read.position, read.delivery),
      ),
    );
    const mapped = prepared.filter((item): item is Mapped => 'record' in item);
    const landed = await this.publishInOrder(mapped.map((item) => item.record));
    // The count is informative: the events are on Kafka whether or not it was recorded.
    await Promise.all(mapped.map((item) => this.options.store.markReplayed(item.deliveryKey, item.subjectId).catch(() => undefined)));
    let next = 0;
    return prepared.map((item) =>
      'record' in item
        ? {
            archivedAt: item.archivedAt,
            deliveryId: item.deliveryId,
            status: 'published',
            eventIds: [item.eventId],
            publishedTo: [landed[next++]],
          }
        : {
            archivedAt: item.archivedAt,
            deliveryId: item.deliveryId,
            status: 'failed',
            eventIds: [],
            publishedTo: [],
            error: { code: item.error.code, message: item.error.message },
          },
    );
  }

  private async prepare(archivedAt: ArchivePosition, delivery: ArchivedDelivery): Promise<Prepared> {
    try {
      const { event, deliveryKey } = mapArchivedDelivery(delivery, this.options.tenants);
      const metadata = (event.value as { metadata: EventMetadata }).metadata;
      const topic = this.options.topicOf?.(event.definition as EventDefinition<never>) ?? event.definition.topic;
      const subjectId = event.definition.keyOf(event.value);
      const record: OutgoingRecord = {
        topic,
        key: subjectId,
        value: await this.options.codec.encode(event.definition, event.value),
        headers: eventHeaders(event.definition.type, {
          'correlation-id': metadata.correlationId,
          'replayed-by': 'admin',
          'replay-of': delivery.deliveryId,
        }),
      };
      return { archivedAt, deliveryId: delivery.deliveryId, deliveryKey, subjectId, eventId: metadata.eventId, record };
    } catch (error) {
      if (error instanceof PlatformError && error.category === 'invalid') return { archivedAt, deliveryId: delivery.deliveryId, error };
      throw error;
    }
  }

  /** Hands every record to the publisher at once, in request order, so one subject's events keep their order. */
  private async publishInOrder(records: OutgoingRecord[]): Promise<PublishedRecord[]> {
    const publishing = Promise.all(
      records.map((record) =>
        this.options.publisher.publishRaw(record.topic, { key: record.key, value: record.value, headers: record.headers }),
      ),
    );
    try {
      return await acknowledgedWithin(publishing, this.options.publishTimeoutMs);
    } catch (error) {
      throw new PlatformError(
        `the replay was not published: ${(error as Error).message}; nothing is reported as replayed, repeat it later`,
        {
          code: 'gateway.replay_unavailable',
          category: 'dependency',
          httpStatus: 503,
          cause: error,
        },
      );
    }
  }
}
