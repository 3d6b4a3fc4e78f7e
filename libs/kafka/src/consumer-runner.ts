import { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { context as otelContext, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { deadLetterTopic, maxRecordBytes, retryTopic, TopicDefinition } from '@consign/contracts';
import { PlatformError, toPlatformError } from '@consign/errors';
import { ConsumerMetrics } from './consumer-metrics';
import { EventCodec } from './event-codec';
import { EventPublisher } from './event-publisher';
import { describeDrift, ensureTopics } from './provision';
import { backoffDelayMs, defaultRetryPolicy, RetryPolicy } from './retry-policy';

export interface ConsumedEvent<TValue> {
  value: TValue;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  /** 1 on first delivery to the handler, then 2, 3 on retries. */
  attempt: number;
}

export interface ConsumerLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface ConsumerRunnerOptions<TValue> {
  groupId: string;
  topics: TopicDefinition[];
  handle: (event: ConsumedEvent<TValue>) => Promise<void>;
  /** Publishes dead letters; shared with the service's other publishing. */
  publisher: EventPublisher;
  /** Recognises an outage of a dependency (PostgreSQL) among handler errors. */
  dependency?: { classify: (error: unknown) => PlatformError | undefined; check: () => Promise<void> };
  metrics: ConsumerMetrics;
  logger: ConsumerLogger;
  retry?: RetryPolicy;
  /** Partitions handled at the same time; each partition stays in order. */
  concurrency?: number;
  /** How often a paused partition checks whether its dependency is back. */
  recoveryProbeMs?: number;
  fromBeginning?: boolean;
  /** How long the broker waits for a silent member (a crashed process) before reassigning its partitions. */
  sessionTimeoutMs?: number;
  /**
   * Whether start() creates the topics it needs (KAFKA_CREATE_TOPICS; the default here) or only
   * checks that they exist, waiting as for an outage until `npm run provision` has made them.
   */
  createTopics?: boolean;
}

/** Headers the dead-letter record carries besides the original ones. */
export const deadLetterHeaders = {
  topic: 'dlq.original.topic',
  partition: 'dlq.original.partition',
  offset: 'dlq.original.offset',
  group: 'dlq.consumer.group',
  category: 'dlq.error.category',
  code: 'dlq.error.code',
  message: 'dlq.error.message',
  attempts: 'dlq.attempts',
  firstFailureAt: 'dlq.first.failure.at',
  lastFailureAt: 'dlq.last.failure.at',
} as const;

type Outcome = 'applied' | 'dead_lettered' | 'paused';

const tracer = trace.getTracer('@consign/kafka');

/**
 * Consumes in partition order with bounded concurrency across partitions, and commits an offset
 * only after the record's effect is durable (applied, or dead-lettered). Failures are handled by
 * category:
 * - transient: retried with backoff and jitter, then dead-lettered;
 * - invalid / poison: dead-lettered at once;
 * - dependency outage: the partition is paused at the failing record, without using up attempts,
 *   and resumes once the dependency answers again.
 */
export class ConsumerRunner<TValue> {
  private readonly consumer: Consumer;
  private readonly retry: RetryPolicy;
  private readonly deadLetters: TopicDefinition;
  private readonly retries: TopicDefinition;
  private readonly paused = new Map<string, NodeJS.Timeout>();
  private stopping = false;

  constructor(private readonly kafka: Kafka, private readonly codec: EventCodec, private readonly options: ConsumerRunnerOptions<TValue>) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3000,
      maxBytesPerPartition: maxRecordBytes,
    });
    this.retry = options.retry ?? defaultRetryPolicy;
    this.deadLetters = deadLetterTopic(options.groupId);
    this.retries = retryTopic(options.groupId);
  }

  async start(): Promise<void> {
    this.stopping = false;
    // Its own topics too: a service must not depend on which service happened to start first.
    const { created, drift } = await ensureTopics(this.kafka, [...this.options.topics, this.deadLetters, this.retries], { create: this.options.createTopics ?? true });
    if (created.length > 0) this.options.logger.info({ group: this.options.groupId, createdTopics: created }, 'topics created');
    if (drift.length > 0) this.options.logger.warn({ group: this.options.groupId, drift: describeDrift(drift) }, 'topics differ from the catalogue; left as they are (npm run provision -- --align-settings aligns them)');
    await this.consumer.connect();
    // Its retry topic too: what an operator redrives from its dead letters comes back there, to this group alone.
    await this.consumer.subscribe({ topics: [...this.options.topics, this.retries].map((topic) => topic.name), fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.concurrency ?? 3,
      eachBatch: (payload) => this.processBatch(payload),
    });
  }

  private async processBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    let lastResolved: string | undefined;
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || this.stopping) break;
      const startedAt = process.hrtime.bigint();
      const outcome = await this.processRecord(topic, partition, message, heartbeat);
      this.options.metrics.processingSeconds.observe({ group: this.options.groupId, topic, outcome }, Number(process.hrtime.bigint() - startedAt) / 1e9);
      if (outcome === 'paused') break;
      resolveOffset(message.offset);
      lastResolved = message.offset;
      await heartbeat();
    }
    // Committed through the batch's own handle: it still works while the consumer is stopping, so a
    // graceful stop keeps what the batch applied.
    if (lastResolved !== undefined) {
      await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: (BigInt(lastResolved) + 1n).toString() }] }] });
    }
  }

  private async processRecord(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<Outcome> {
    const headers = decodeHeaders(message.headers);
    const failures: { at: Date; error: PlatformError }[] = [];
    for (let attempt = 1; ; attempt += 1) {
      try {
        const { value } = await this.codec.decode<TValue>(message.value);
        const event: ConsumedEvent<TValue> = { value, topic, partition, offset: message.offset, key: message.key?.toString() ?? null, headers, attempt };
        await this.handleInSpan(event);
        return 'applied';
      } catch (caught) {
        const error = this.options.dependency?.classify(caught) ?? toPlatformError(caught);
        failures.push({ at: new Date(), error });
        const where = { group: this.options.groupId, topic, partition, offset: message.offset, attempt, code: error.code, category: error.category };
        if (error.category === 'dependency') {
          this.pauseUntilRecovered(topic, partition, message.offset, error);
          return 'paused';
        }
        if (error.category === 'transient' && attempt < this.retry.maxAttempts) {
          this.options.metrics.retries.inc({ group: this.options.groupId, topic });
          this.options.logger.warn({ ...where, err: error.message }, 'transient failure; retrying');
          await sleepWithHeartbeat(backoffDelayMs(this.retry, attempt), heartbeat);
          continue;
        }
        await this.sendToDeadLetters(topic, partition, message, failures);
        this.options.logger.error({ ...where, err: error.message }, 'record dead-lettered');
        return 'dead_lettered';
      }
    }
  }

  /**
   * One consumer span per attempt, a child of the producer's context from the record headers: a
   * trace then runs from the webhook through every service the event (and what it caused) reaches.
   */
  private handleInSpan(event: ConsumedEvent<TValue>): Promise<void> {
    const parent = propagation.extract(otelContext.active(), event.headers);
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': event.topic,
      'messaging.destination.partition.id': String(event.partition),
      'messaging.kafka.offset': Number(event.offset),
      'messaging.consumer.group.name': this.options.groupId,
      'consign.event_type': event.headers['event-type'] ?? '',
      'consign.attempt': event.attempt,
    };
    return tracer.startActiveSpan(`process ${event.topic}`, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
      try {
        await this.options.handle(event);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  private pauseUntilRecovered(topic: string, partition: number, offset: string, error: PlatformError): void {
    const id = `${topic}/${partition}`;
    this.consumer.pause([{ topic, partitions: [partition] }]);
    // Re-read the failing record after resuming: nothing after it is resolved or committed.
    this.consumer.seek({ topic, partition, offset });
    if (this.paused.has(id)) return;
    this.options.logger.warn({ group: this.options.groupId, topic, partition, offset, err: error.message }, 'dependency unavailable; partition paused');
    this.options.metrics.pausedPartitions.set({ group: this.options.groupId }, this.paused.size + 1);
    const probe = async (): Promise<void> => {
      if (this.stopping) return;
      try {
        await this.options.dependency?.check();
        this.paused.delete(id);
        this.options.metrics.pausedPartitions.set({ group: this.options.groupId }, this.paused.size);
        this.consumer.resume([{ topic, partitions: [partition] }]);
        this.options.logger.info({ group: this.options.groupId, topic, partition }, 'dependency back; partition resumed');
      } catch {
        this.paused.set(id, setTimeout(() => void probe(), this.options.recoveryProbeMs ?? 1000));
      }
    };
    this.paused.set(id, setTimeout(() => void probe(), this.options.recoveryProbeMs ?? 1000));
  }

  private async sendToDeadLetters(topic: string, partition: number, message: KafkaMessage, failures: { at: Date; error: PlatformError }[]): Promise<void> {
    const last = failures[failures.length - 1];
    const category = last.error.category;
    await this.options.publisher.publishRaw(this.deadLetters, {
      key: message.key?.toString() ?? `${topic}/${partition}/${message.offset}`,
      value: message.value ?? Buffer.alloc(0),
      headers: {
        ...decodeHeaders(message.headers),
        [deadLetterHeaders.topic]: topic,
        [deadLetterHeaders.partition]: String(partition),
        [deadLetterHeaders.offset]: message.offset,
        [deadLetterHeaders.group]: this.options.groupId,
        [deadLetterHeaders.category]: category,
        [deadLetterHeaders.code]: last.error.code,
        [deadLetterHeaders.message]: last.error.message.slice(0, 2000),
        [deadLetterHeaders.attempts]: String(failures.length),
        [deadLetterHeaders.firstFailureAt]: failures[0].at.toISOString(),
        [deadLetterHeaders.lastFailureAt]: last.at.toISOString(),
      },
    });
    this.options.metrics.deadLetters.inc({ group: this.options.groupId, topic, category });
  }

  /** Stops fetching, lets the batch in hand finish and commit, then leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.paused.values()) clearTimeout(timer);
    this.paused.clear();
    await this.consumer.disconnect();
  }
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) decoded[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return decoded;
}

async function sleepWithHeartbeat(ms: number, heartbeat: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(1000, deadline - Date.now()))));
    await heartbeat();
  }
}
