import { context, Context, propagation, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { CompressionTypes, Kafka, Message, Partitioners, Producer, TopicMessages } from 'kafkajs';
import { RequestBatcher } from '@consign/batching';
import { EventDefinition, maxRecordBytes, TopicDefinition } from '@consign/contracts';
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
}

const tracer = trace.getTracer('@consign/kafka');

/**
 * Idempotent, acks=all producer. kafkajs sends each `send()` as its own request, so concurrent
 * publishes are gathered here into one `sendBatch`; every publish resolves only once the broker has
 * acknowledged the batch that carried it.
 *
 * One batch is in flight at a time, and what arrives meanwhile leaves as the next batch: kafkajs'
 * idempotent producer loses track of its sequence numbers when concurrent requests are retried
 * (the broker then refuses every later batch as out of order, seen here under load). A failed batch
 * retires its producer; the next batch starts a new one, with a new producer id.
 */
export class EventPublisher {
  private producer: Producer;
  private connection: Promise<void> | undefined;
  private readonly batches: RequestBatcher<Pending[], PublishedRecord[]>;
  private readonly partitionFor = Partitioners.DefaultPartitioner();

  constructor(
    private readonly kafka: Kafka,
    private readonly codec: EventCodec,
  ) {
    this.producer = this.newProducer();
    this.batches = new RequestBatcher((groups) => this.sendBatch(groups), {
      maxInFlight: 1,
      maxBatchSize: 250,
      // Half the broker's record limit, which applies to each partition's part of a request.
      maxBatchWeight: maxRecordBytes / 2,
      weigh: (group) => group.reduce((bytes, pending) => bytes + byteLength(pending.message.value) + byteLength(pending.message.key), 0),
    });
  }

  private newProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded, so that a batch fails (and its callers fall back) instead of retrying for ever.
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
    });
  }

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
  async publishRaw(topic: TopicDefinition, record: RawRecord): Promise<PublishedRecord> {
    const [published] = await this.publishAll([{ topic, record }]);
    return published;
  }

  /**
   * Publishes records together, in the same produce request and in the given order: they are
   * appended together or not at all (per partition), and never behind a later publish.
   */
  async publishAll(records: Array<{ topic: TopicDefinition; record: RawRecord }>): Promise<PublishedRecord[]> {
    const sends = records.map(({ topic, record }) => sendInSpan(topic.name, this.partitionOf(topic, record), record));
    try {
      const published = await this.batches.submit(sends.map((send) => send.pending));
      sends.forEach((send, index) => send.acknowledged(published[index]));
      return published;
    } catch (error) {
      for (const send of sends) send.failed(error as Error);
      throw error;
    }
  }

  private partitionOf(topic: TopicDefinition, record: RawRecord): number {
    const partitionMetadata = Array.from({ length: topic.partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    }));
    return this.partitionFor({ topic: topic.name, partitionMetadata, message: record });
  }

  private async sendBatch(groups: Pending[][]): Promise<PublishedRecord[][]> {
    const batch = groups.flat();
    const byTopic = new Map<string, Pending[]>();
    for (const pending of batch) {
      const items = byTopic.get(pending.topic);
      if (items) items.push(pending);
      else byTopic.set(pending.topic, [pending]);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, items]) => ({ topic, messages: items.map((item) => item.message) }));
    try {
      await this.connect();
      const results = await this.producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
      const published = new Map<Pending, PublishedRecord>();
      for (const [topic, items] of byTopic) assignOffsets(topic, items, results, published);
      return groups.map((group) => group.map((pending) => published.get(pending) as PublishedRecord));
    } catch (error) {
      this.retireProducer();
      throw new PlatformError(`Kafka did not acknowledge the publish: ${(error as Error).message}`, {
        code: 'kafka.publish_failed',
        category: 'dependency',
        cause: error,
      });
    }
  }

  private retireProducer(): void {
    const retired = this.producer;
    this.producer = this.newProducer();
    this.connection = undefined;
    retired.disconnect().catch(() => undefined);
  }

  /** Sends whatever is queued and waits for every outstanding acknowledgement. */
  flush(): Promise<void> {
    return this.batches.drain();
  }

  async disconnect(): Promise<void> {
    await this.flush();
    await this.producer.disconnect();
  }
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/**
 * The event type, and the W3C trace context (traceparent, tracestate) so consumers continue the
 * trace: the active one, or the one given by a caller that carries its context explicitly.
 */
export function eventHeaders(
  eventType: string,
  extra: Record<string, string> = {},
  traceContext: Context = context.active(),
): Record<string, string> {
  const headers: Record<string, string> = { 'event-type': eventType, ...extra };
  propagation.inject(traceContext, headers);
  return headers;
}

/**
 * A PRODUCER span for one record, following OpenTelemetry's messaging conventions. Its parent is
 * the trace context the record already carries (the webhook request's, or the consumer's that
 * wrote an outbox row), else the active one; the record then carries the span's own context, so
 * consumers' spans are its children and the time a record spends in Kafka shows between the two.
 */
function sendInSpan(
  topic: string,
  partition: number,
  record: RawRecord,
): { pending: Pending; acknowledged: (published: PublishedRecord) => void; failed: (error: Error) => void } {
  const parent = record.headers ? propagation.extract(context.active(), record.headers) : context.active();
  const span: Span = tracer.startSpan(
    `send ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.name': 'send',
        'messaging.operation.type': 'send',
        'messaging.destination.name': topic,
        'messaging.destination.partition.id': String(partition),
        'messaging.message.body.size': byteLength(record.value),
        ...(record.headers?.['event-type'] ? { 'consign.event_type': record.headers['event-type'] } : {}),
      },
    },
    parent,
  );
  // Without a propagator (tracing off) nothing is injected, and the record keeps the context it came with.
  const spanContext: Record<string, string> = {};
  propagation.inject(trace.setSpan(parent, span), spanContext);
  const headers = { ...record.headers, ...spanContext };
  return {
    pending: { topic, message: { ...record, headers, partition } },
    acknowledged: (published) => {
      span.setAttribute('messaging.kafka.offset', Number(published.offset));
      span.end();
    },
    failed: (error) => {
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      span.end();
    },
  };
}

/**
 * The broker answers per partition with the base offset of what it appended, in queue order, so
 * each record's offset follows from its position within its partition.
 */
function assignOffsets(
  topic: string,
  items: Pending[],
  results: Array<{ topicName: string; partition: number; baseOffset?: string }>,
  published: Map<Pending, PublishedRecord>,
): void {
  const nextOffset = new Map(
    results.filter((result) => result.topicName === topic).map((result) => [result.partition, BigInt(result.baseOffset ?? '-1')]),
  );
  for (const item of items) {
    const offset = nextOffset.get(item.message.partition) ?? -1n;
    nextOffset.set(item.message.partition, offset + 1n);
    published.set(item, { topic, partition: item.message.partition, offset: offset.toString() });
  }
}
