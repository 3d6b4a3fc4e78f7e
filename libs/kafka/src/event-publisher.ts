import { context, propagation } from '@opentelemetry/api';
import { CompressionTypes, Kafka, Message, Partitioners, Producer, TopicMessages } from 'kafkajs';
import { EventDefinition, TopicDefinition } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { EventCodec } from './event-codec';

export interface PublishedRecord {
  topic: string;
  partition: number;
  offset: string;
}

export interface OutgoingEvent<TValue> {
  definition: EventDefinition<TValue>;
  value: TValue;
  headers?: Record<string, string>;
}

/** A record to send as it is (archives, dead letters, redrives); the key decides the partition. */
export interface RawRecord {
  key: string;
  value: Buffer | string;
  headers?: Record<string, string>;
}

interface Pending {
  topic: string;
  message: Message & { partition: number };
  resolve: (record: PublishedRecord) => void;
  reject: (error: unknown) => void;
}

export interface EventPublisherOptions {
  /** How long a send may wait for others to join its batch. */
  lingerMs?: number;
  maxBatchSize?: number;
}

/**
 * Idempotent, acks=all producer. kafkajs sends each `send()` as its own request, so concurrent
 * publishes are gathered here into one `sendBatch`; every publish resolves only once the broker has
 * acknowledged the batch that carried it.
 */
export class EventPublisher {
  private readonly producer: Producer;
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  private readonly lingerMs: number;
  private readonly maxBatchSize: number;
  private readonly partitionFor = Partitioners.DefaultPartitioner();

  constructor(kafka: Kafka, private readonly codec: EventCodec, options: EventPublisherOptions = {}) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.lingerMs = options.lingerMs ?? 2;
    this.maxBatchSize = options.maxBatchSize ?? 500;
  }

  private connection: Promise<void> | undefined;

  /**
   * Connects now; a publish also connects on demand, so a service can start, and keep answering,
   * while Kafka is unreachable (a failed connection is retried by the next publish).
   */
  connect(): Promise<void> {
    this.connection ??= this.producer.connect().catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }

  async publish<TValue>(event: OutgoingEvent<TValue>): Promise<PublishedRecord> {
    const value = await this.codec.encode(event.definition, event.value);
    return this.publishRaw(event.definition.topic, {
      key: event.definition.keyOf(event.value),
      value,
      headers: eventHeaders(event.definition.type, event.headers),
    });
  }

  /**
   * The partition is chosen here, with Kafka's default key hash over the catalogue's partition
   * count, so that each publish can report exactly where its record landed.
   */
  publishRaw(topic: TopicDefinition, record: RawRecord): Promise<PublishedRecord> {
    const partitionMetadata = Array.from({ length: topic.partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
    const partition = this.partitionFor({ topic: topic.name, partitionMetadata, message: record });
    return new Promise((resolve, reject) => {
      this.queue.push({ topic: topic.name, message: { ...record, partition }, resolve, reject });
      if (this.queue.length >= this.maxBatchSize) this.flushQueue();
      else this.timer ??= setTimeout(() => this.flushQueue(), this.lingerMs);
    });
  }

  private flushQueue(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const sending = this.sendBatch(batch).finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  private async sendBatch(batch: Pending[]): Promise<void> {
    const byTopic = new Map<string, Pending[]>();
    for (const pending of batch) byTopic.set(pending.topic, [...(byTopic.get(pending.topic) ?? []), pending]);
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, items]) => ({ topic, messages: items.map((item) => item.message) }));
    try {
      await this.connect();
      const results = await this.producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
      for (const [topic, items] of byTopic) assignOffsets(topic, items, results);
    } catch (error) {
      const failure = new PlatformError(`Kafka did not acknowledge the publish: ${(error as Error).message}`, {
        code: 'kafka.publish_failed',
        category: 'dependency',
        cause: error,
      });
      for (const pending of batch) pending.reject(failure);
    }
  }

  /** Sends whatever is queued and waits for every outstanding acknowledgement. */
  async flush(): Promise<void> {
    this.flushQueue();
    await Promise.allSettled([...this.inFlight]);
  }

  async disconnect(): Promise<void> {
    await this.flush();
    await this.producer.disconnect();
  }
}

/** The event type, and the active W3C trace context (traceparent, tracestate) so consumers continue the trace. */
export function eventHeaders(eventType: string, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { 'event-type': eventType, ...extra };
  propagation.inject(context.active(), headers);
  return headers;
}

/**
 * The broker answers per partition with the base offset of what it appended, in queue order, so
 * each record's offset follows from its position within its partition.
 */
function assignOffsets(topic: string, items: Pending[], results: Array<{ topicName: string; partition: number; baseOffset?: string }>): void {
  const nextOffset = new Map(
    results.filter((result) => result.topicName === topic).map((result) => [result.partition, BigInt(result.baseOffset ?? '-1')]),
  );
  for (const item of items) {
    const offset = nextOffset.get(item.message.partition) ?? -1n;
    nextOffset.set(item.message.partition, offset + 1n);
    item.resolve({ topic, partition: item.message.partition, offset: offset.toString() });
  }
}
