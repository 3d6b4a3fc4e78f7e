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

/**
 * Runs a run of consecutive records of one partition as one unit of work (one transaction, say):
 * it calls `applyAll` once, with whatever the handler needs to join the unit, and returns when the
 * unit's effects are durable. Throwing undoes the unit, or leaves only effects that applying again
 * does not repeat: the runner then splits the run (decision 0025).
 */
export type UnitOfWork<TValue, TUnit> = (
  events: readonly ConsumedEvent<TValue>[],
  applyAll: (unit: TUnit) => Promise<void>,
) => Promise<void>;

export interface ConsumerRunnerOptions<TValue, TUnit = undefined> {
  groupId: string;
  topics: TopicDefinition[];
  /** Applies one record; `unit` is the unit of work it belongs to, undefined when it is applied alone. */
  handle: (event: ConsumedEvent<TValue>, unit?: TUnit) => Promise<void>;
  /** Without it, every record is its own unit. */
  batch?: {
    unitOfWork: UnitOfWork<TValue, TUnit>;
    /** Most records in one unit; a Kafka batch holding more is applied as several units. */
    maxRecords?: number;
    /** Records of different keys applied at the same time within a unit; one key's records stay in order. */
    keyConcurrency?: number;
    /**
     * Consecutive records of a unit that `runOf` names alike (not undefined) are handed to
     * `handle` together, to be applied with set-based statements instead of one record's
     * statements after another's; with keyConcurrency, the records between runs are what is
     * applied by key. A record on its own (a split unit's) still goes to the runner's `handle`. `inSpan` runs `work` in
     * the record's span, so that what it logs carries the record's trace.
     */
    runs?: {
      runOf: (event: ConsumedEvent<TValue>) => string | undefined;
      handle: (
        events: readonly ConsumedEvent<TValue>[],
        unit: TUnit,
        inSpan: (event: ConsumedEvent<TValue>, work: () => void) => void,
      ) => Promise<void>;
    };
  };
  /** Publishes dead letters; shared with the service's other publishing. */
  publisher: EventPublisher;
  /** Recognises an outage of a dependency (PostgreSQL) among handler errors. */
  dependency?: { classify: (error: unknown) => PlatformError | undefined; check: () => Promise<void> };
  metrics: ConsumerMetrics;
  logger: ConsumerLogger;
  retry?: RetryPolicy;
  /** Partitions handled at the same time; each partition stays in order. */
  concurrency?: number;
  /**
   * How often a Kafka batch's progress is committed between its units (default 1 s); its end is
   * always committed. Committing after every unit cost a broker round trip each, a sixth of a
   * rebuild's time; a crash repeats at most this long of work, which the processed events skip.
   */
  commitEveryMs?: number;
  /** How often a paused partition checks whether its dependency is back. */
  recoveryProbeMs?: number;
  fromBeginning?: boolean;
  /**
   * Topics the group reads up to their end, as it was at start, before any other: what the other
   * topics' records refer to (products before the orders naming them). Read in parallel instead,
   * a rebuild holds each order until its product arrives and then replays the held ones in one go.
   */
  readFirst?: TopicDefinition[];
  /** How often the group's committed offsets on `readFirst` are compared with the ends it waits for. */
  readFirstPollMs?: number;
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

type Outcome = 'applied' | 'dead_lettered' | 'paused' | 'abandoned';

/** Thrown into a unit of work when the consumer stops or loses the partition: the unit is undone, not split. */
class UnitAbandoned extends Error {}

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
export class ConsumerRunner<TValue, TUnit = undefined> {
  private readonly consumer: Consumer;
  private readonly retry: RetryPolicy;
  private readonly deadLetters: TopicDefinition;
  private readonly retries: TopicDefinition;
  private readonly paused = new Map<string, NodeJS.Timeout>();
  private stopping = false;
  /** The `readFirst` partitions not read to their end yet ("topic/partition" to that end); empty once they are. */
  private referencesPending = new Map<string, bigint>();
  /** Partitions of other topics held back until then. */
  private readonly heldBack = new Map<string, { topic: string; partition: number }>();
  private referencePoll?: NodeJS.Timeout;
  /** When the wait for the reference topics began; undefined when there is none (any more). */
  private referencesSince?: number;

  constructor(
    private readonly kafka: Kafka,
    private readonly codec: EventCodec,
    private readonly options: ConsumerRunnerOptions<TValue, TUnit>,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3000,
      maxBytesPerPartition: maxRecordBytes,
      // How long the broker may hold a fetch that finds nothing new (kafkajs' default: 5 s). Partitions
      // resumed meanwhile join only the next fetch: the other topics after the reference topics are read.
      maxWaitTimeInMs: 1000,
    });
    this.retry = options.retry ?? defaultRetryPolicy;
    this.deadLetters = deadLetterTopic(options.groupId);
    this.retries = retryTopic(options.groupId);
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.heldBack.clear();
    // Its own topics too: a service must not depend on which service happened to start first.
    const { created, drift } = await ensureTopics(this.kafka, [...this.options.topics, this.deadLetters, this.retries], {
      create: this.options.createTopics ?? true,
    });
    if (created.length > 0) this.options.logger.info({ group: this.options.groupId, createdTopics: created }, 'topics created');
    if (drift.length > 0)
      this.options.logger.warn(
        { group: this.options.groupId, drift: describeDrift(drift) },
        'topics differ from the catalogue; left as they are (npm run provision -- --align-settings aligns them)',
      );
    this.referencesPending = await this.unreadReferences();
    if (this.referencesPending.size > 0) {
      this.options.logger.info(
        {
          group: this.options.groupId,
          topics: (this.options.readFirst ?? []).map((topic) => topic.name),
          partitions: this.referencesPending.size,
        },
        'reading the reference topics to their end before the others',
      );
      this.referencesSince = Date.now();
      this.pollReferences();
    }
    await this.consumer.connect();
    // Its retry topic too: what an operator redrives from its dead letters comes back there, to this group alone.
    await this.consumer.subscribe({
      topics: [...this.options.topics, this.retries].map((topic) => topic.name),
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.concurrency ?? 3,
      eachBatch: (payload) => this.processBatch(payload),
    });
  }

  private async processBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
    commitOffsetsIfNecessary,
  }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    if (
      this.referencesPending.size > 0 &&
      !(this.options.readFirst ?? []).some((reference) => reference.name === topic) &&
      batch.messages.length > 0
    ) {
      // Read again from here once the reference topics are read: nothing of this batch is resolved.
      this.consumer.pause([{ topic, partitions: [partition] }]);
      this.consumer.seek({ topic, partition, offset: batch.messages[0].offset });
      this.heldBack.set(`${topic}/${partition}`, { topic, partition });
      return;
    }
    const keepGoing = () => isRunning() && !isStale() && !this.stopping;
    let lastResolved: string | undefined;
    let lastCommitted: string | undefined;
    const resolve = (offset: string): void => {
      resolveOffset(offset);
      lastResolved = offset;
    };
    // Committed through the batch's own handle: it still works while the consumer is stopping, so a
    // graceful stop keeps what the batch applied. Also between units once commitEveryMs has passed,
    // so that a Kafka batch of thousands of records (a rebuild) shows its progress.
    const commitEveryMs = this.options.commitEveryMs ?? 1000;
    let lastCommitAt = Date.now();
    const commit = async (): Promise<void> => {
      if (lastResolved === undefined || lastResolved === lastCommitted) return;
      lastCommitted = lastResolved;
      lastCommitAt = Date.now();
      await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: (BigInt(lastResolved) + 1n).toString() }] }] });
      this.options.metrics.offsetCommits.inc({ group: this.options.groupId, topic });
      this.referenceCommitted(topic, partition, BigInt(lastResolved) + 1n);
    };
    const unitSize = this.options.batch ? Math.max(1, this.options.batch.maxRecords ?? 100) : 1;
    for (let start = 0; start < batch.messages.length && keepGoing(); start += unitSize) {
      const messages = batch.messages.slice(start, start + unitSize);
      const outcome = this.options.batch
        ? await this.processUnit(topic, partition, messages, heartbeat, resolve, keepGoing)
        : await this.processAlone(topic, partition, messages[0], heartbeat, resolve);
      if (outcome === 'paused' || outcome === 'abandoned') break;
      if (Date.now() - lastCommitAt >= commitEveryMs) await commit();
      await heartbeat();
    }
    await commit();
  }

  /** One record as its own unit: retried, dead-lettered or paused on as its failure's category says. */
  private async processAlone(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    resolve: (offset: string) => void,
  ): Promise<Outcome> {
    const startedAt = process.hrtime.bigint();
    const outcome = await this.processRecord(topic, partition, message, heartbeat);
    this.options.metrics.processingSeconds.observe(
      { group: this.options.groupId, topic, outcome },
      Number(process.hrtime.bigint() - startedAt) / 1e9,
    );
    if (outcome !== 'paused') resolve(message.offset);
    if (outcome === 'applied') this.options.metrics.unitRecords.observe({ group: this.options.groupId, topic }, 1);
    return outcome;
  }

  /**
   * Consecutive records as one unit of work. A record that cannot be decoded is dead-lettered on
   * its own between the units before and after it. A unit that fails for any reason but a
   * dependency outage is split in halves, down to single records, which then take the per-record
   * path: a poison record dead-letters alone, and its neighbours are applied once.
   */
  private async processUnit(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    heartbeat: () => Promise<void>,
    resolve: (offset: string) => void,
    keepGoing: () => boolean,
  ): Promise<Outcome> {
    const applyRun = (run: { event: ConsumedEvent<TValue>; message: KafkaMessage }[]) =>
      this.applyRun(topic, partition, run, heartbeat, resolve, keepGoing);
    let run: { event: ConsumedEvent<TValue>; message: KafkaMessage }[] = [];
    for (const message of messages) {
      try {
        const { value } = await this.codec.decode<TValue>(message.value);
        run.push({
          message,
          event: {
            value,
            topic,
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            headers: decodeHeaders(message.headers),
            attempt: 1,
          },
        });
      } catch {
        const before = await applyRun(run);
        if (before === 'paused' || before === 'abandoned') return before;
        run = [];
        if ((await this.processAlone(topic, partition, message, heartbeat, resolve)) === 'paused') return 'paused';
      }
    }
    return applyRun(run);
  }

  private async applyRun(
    topic: string,
    partition: number,
    run: { event: ConsumedEvent<TValue>; message: KafkaMessage }[],
    heartbeat: () => Promise<void>,
    resolve: (offset: string) => void,
    keepGoing: () => boolean,
  ): Promise<Outcome> {
    const batch = this.options.batch;
    if (run.length === 0 || !batch) return 'applied';
    if (run.length === 1) return this.processAlone(topic, partition, run[0].message, heartbeat, resolve);
    const startedAt = process.hrtime.bigint();
    try {
      const events = run.map((entry) => entry.event);
      await batch.unitOfWork(events, (unit) => this.applyEach(events, unit, batch.keyConcurrency ?? 1, keepGoing));
    } catch (caught) {
      // Stopping waits for the record in hand, not for the rest of its unit; the unit is read again.
      if (caught instanceof UnitAbandoned) return 'abandoned';
      const error = this.options.dependency?.classify(caught) ?? toPlatformError(caught);
      if (error.category === 'dependency') {
        this.pauseUntilRecovered(topic, partition, run[0].message.offset, error);
        return 'paused';
      }
      this.options.metrics.unitSplits.inc({ group: this.options.groupId, topic });
      this.options.logger.warn(
        {
          group: this.options.groupId,
          topic,
          partition,
          from: run[0].message.offset,
          records: run.length,
          code: error.code,
          err: error.message,
        },
        'unit of work failed; splitting it',
      );
      const half = Math.ceil(run.length / 2);
      const first = await this.applyRun(topic, partition, run.slice(0, half), heartbeat, resolve, keepGoing);
      if (first === 'paused' || first === 'abandoned') return first;
      return this.applyRun(topic, partition, run.slice(half), heartbeat, resolve, keepGoing);
    }
    // Each record is charged an equal share of the unit it was applied in.
    const share = Number(process.hrtime.bigint() - startedAt) / 1e9 / run.length;
    for (const { message } of run) {
      this.options.metrics.processingSeconds.observe({ group: this.options.groupId, topic, outcome: 'applied' }, share);
      resolve(message.offset);
    }
    this.options.metrics.unitRecords.observe({ group: this.options.groupId, topic }, run.length);
    return 'applied';
  }

  /**
   * The unit's records in order, or, with key concurrency, each key's records in order and up to
   * that many keys at once. A run (batch.runs) is handed over whole, after the records before it
   * and before those after it: the stretches between runs are what key concurrency overlaps.
   */
  private async applyEach(
    events: readonly ConsumedEvent<TValue>[],
    unit: TUnit,
    keyConcurrency: number,
    keepGoing: () => boolean,
  ): Promise<void> {
    const apply = async (event: ConsumedEvent<TValue>): Promise<void> => {
      if (!keepGoing()) throw new UnitAbandoned('the consumer is stopping or lost the partition');
      await this.handleInSpan(event, unit);
    };
    const runs = this.options.batch?.runs;
    const stretches: { run: boolean; events: ConsumedEvent<TValue>[] }[] = [];
    for (let start = 0; start < events.length;) {
      const name = runs?.runOf(events[start]);
      let end = start + 1;
      while (name !== undefined && end < events.length && runs?.runOf(events[end]) === name) end += 1;
      const run = runs !== undefined && end - start > 1;
      const last = stretches[stretches.length - 1];
      if (!run && last !== undefined && !last.run) last.events.push(...events.slice(start, end));
      else stretches.push({ run, events: events.slice(start, end) });
      start = end;
    }
    for (const stretch of stretches) {
      if (stretch.run && runs !== undefined) {
        if (!keepGoing()) throw new UnitAbandoned('the consumer is stopping or lost the partition');
        await this.handleRunInSpans(stretch.events, unit, runs.handle);
      } else if (keyConcurrency <= 1) {
        for (const event of stretch.events) await apply(event);
      } else {
        await this.applyByKey(stretch.events, keyConcurrency, apply);
      }
    }
  }

  private async applyByKey(
    events: readonly ConsumedEvent<TValue>[],
    keyConcurrency: number,
    apply: (event: ConsumedEvent<TValue>) => Promise<void>,
  ): Promise<void> {
    const byKey = new Map<string, ConsumedEvent<TValue>[]>();
    for (const event of events) {
      const key = event.key ?? `${event.partition}/${event.offset}`;
      byKey.set(key, [...(byKey.get(key) ?? []), event]);
    }
    const queues = [...byKey.values()];
    const worker = async (): Promise<void> => {
      for (let queue = queues.shift(); queue; queue = queues.shift()) {
        for (const event of queue) await apply(event);
      }
    };
    // Every worker finishes before the unit fails: a record is never still being applied when its unit is retried.
    const results = await Promise.allSettled(Array.from({ length: Math.min(keyConcurrency, queues.length) }, worker));
    const failed = results
      .filter((result): result is PromiseRejectedResult => result.status === 'rejected')
      .map((result) => result.reason as unknown);
    if (failed.length > 0) throw failed.find((reason) => !(reason instanceof UnitAbandoned)) ?? failed[0];
  }

  private async processRecord(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<Outcome> {
    const headers = decodeHeaders(message.headers);
    const failures: { at: Date; error: PlatformError }[] = [];
    for (let attempt = 1; ; attempt += 1) {
      try {
        const { value } = await this.codec.decode<TValue>(message.value);
        const event: ConsumedEvent<TValue> = {
          value,
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          headers,
          attempt,
        };
        await this.handleInSpan(event);
        return 'applied';
      } catch (caught) {
        const error = this.options.dependency?.classify(caught) ?? toPlatformError(caught);
        failures.push({ at: new Date(), error });
        const where = {
          group: this.options.groupId,
          topic,
          partition,
          offset: message.offset,
          attempt,
          code: error.code,
          category: error.category,
        };
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
  private handleInSpan(event: ConsumedEvent<TValue>, unit?: TUnit): Promise<void> {
    const parent = propagation.extract(otelContext.active(), event.headers);
    return tracer.startActiveSpan(
      `process ${event.topic}`,
      { kind: SpanKind.CONSUMER, attributes: this.spanAttributes(event) },
      parent,
      async (span) => {
        try {
          await this.options.handle(event, unit);
        } catch (error) {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  /** A run applied together still gives each record its span in its producer's trace, all as long as the run. */
  private async handleRunInSpans(
    events: readonly ConsumedEvent<TValue>[],
    unit: TUnit,
    handle: NonNullable<NonNullable<ConsumerRunnerOptions<TValue, TUnit>['batch']>['runs']>['handle'],
  ): Promise<void> {
    const spans = new Map(
      events.map((event) => [
        event,
        tracer.startSpan(
          `process ${event.topic}`,
          { kind: SpanKind.CONSUMER, attributes: this.spanAttributes(event) },
          propagation.extract(otelContext.active(), event.headers),
        ),
      ]),
    );
    const inSpan = (event: ConsumedEvent<TValue>, work: () => void): void => {
      const span = spans.get(event);
      if (span) otelContext.with(trace.setSpan(otelContext.active(), span), work);
      else work();
    };
    try {
      await handle(events, unit, inSpan);
    } catch (error) {
      for (const span of spans.values()) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      }
      throw error;
    } finally {
      for (const span of spans.values()) span.end();
    }
  }

  private spanAttributes(event: ConsumedEvent<TValue>) {
    return {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': event.topic,
      'messaging.destination.partition.id': String(event.partition),
      'messaging.kafka.offset': Number(event.offset),
      'messaging.consumer.group.name': this.options.groupId,
      'consign.event_type': event.headers['event-type'] ?? '',
      'consign.attempt': event.attempt,
    };
  }

  /**
   * The `readFirst` partitions whose end, as it is now, the group has not read yet: where it
   * committed, or where it starts without a commit (the log's start, or its end when it does not
   * read from the beginning).
   */
  private async unreadReferences(): Promise<Map<string, bigint>> {
    const unread = new Map<string, bigint>();
    const references = this.options.readFirst ?? [];
    if (references.length === 0) return unread;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const committed = await admin.fetchOffsets({ groupId: this.options.groupId, topics: references.map((topic) => topic.name) });
      for (const reference of references) {
        const positions = new Map(
          (committed.find((entry) => entry.topic === reference.name)?.partitions ?? []).map((entry) => [
            entry.partition,
            BigInt(entry.offset),
          ]),
        );
        for (const { partition, low, high } of await admin.fetchTopicOffsets(reference.name)) {
          const at = positions.get(partition) ?? -1n;
          const from = at >= 0n ? at : (this.options.fromBeginning ?? true) ? BigInt(low) : BigInt(high);
          if (from < BigInt(high)) unread.set(`${reference.name}/${partition}`, BigInt(high));
        }
      }
      return unread;
    } finally {
      await admin.disconnect();
    }
  }

  /** Compares the group's commits (every member's) with the ends it waits for; lets the other topics go once all are reached. */
  private pollReferences(): void {
    this.referencePoll = setTimeout(async () => {
      if (this.stopping) return;
      try {
        const ends = this.referencesPending;
        const admin = this.kafka.admin();
        await admin.connect();
        try {
          for (const { topic, partitions } of await admin.fetchOffsets({
            groupId: this.options.groupId,
            topics: (this.options.readFirst ?? []).map((reference) => reference.name),
          })) {
            for (const { partition, offset } of partitions) {
              const end = ends.get(`${topic}/${partition}`);
              if (end !== undefined && BigInt(offset) >= end) ends.delete(`${topic}/${partition}`);
            }
          }
        } finally {
          await admin.disconnect();
        }
      } catch (error) {
        this.options.logger.warn(
          { group: this.options.groupId, err: (error as Error).message },
          "cannot read the reference topics' progress yet",
        );
      }
      if (this.referencesPending.size > 0 && this.referencesSince !== undefined) return this.pollReferences();
      this.letTheOthersGo();
    }, this.options.readFirstPollMs ?? 1000);
  }

  /**
   * This member's own commit on a reference partition counts at once: a member reading every
   * reference partition itself (a rebuild's single instance) lets the others go without waiting
   * for the next poll of the group's commits.
   */
  private referenceCommitted(topic: string, partition: number, next: bigint): void {
    const end = this.referencesPending.get(`${topic}/${partition}`);
    if (end === undefined || next < end) return;
    this.referencesPending.delete(`${topic}/${partition}`);
    if (this.referencesPending.size === 0) this.letTheOthersGo();
  }

  /** Resumes the partitions held back for the reference topics; once per wait. */
  private letTheOthersGo(): void {
    const since = this.referencesSince;
    if (since === undefined) return;
    this.referencesSince = undefined;
    clearTimeout(this.referencePoll);
    const held = [...this.heldBack.values()];
    this.heldBack.clear();
    if (held.length > 0 && !this.stopping) this.consumer.resume(held.map(({ topic, partition }) => ({ topic, partitions: [partition] })));
    this.options.logger.info(
      { group: this.options.groupId, seconds: Math.round((Date.now() - since) / 100) / 10, resumed: held.length },
      'reference topics read; the other topics go on',
    );
  }

  private pauseUntilRecovered(topic: string, partition: number, offset: string, error: PlatformError): void {
    const id = `${topic}/${partition}`;
    this.consumer.pause([{ topic, partitions: [partition] }]);
    // Re-read the failing record after resuming: nothing after it is resolved or committed.
    this.consumer.seek({ topic, partition, offset });
    if (this.paused.has(id)) return;
    this.options.logger.warn(
      { group: this.options.groupId, topic, partition, offset, err: error.message },
      'dependency unavailable; partition paused',
    );
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
        this.paused.set(
          id,
          setTimeout(() => void probe(), this.options.recoveryProbeMs ?? 1000),
        );
      }
    };
    this.paused.set(
      id,
      setTimeout(() => void probe(), this.options.recoveryProbeMs ?? 1000),
    );
  }

  private async sendToDeadLetters(
    topic: string,
    partition: number,
    message: KafkaMessage,
    failures: { at: Date; error: PlatformError }[],
  ): Promise<void> {
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
    clearTimeout(this.referencePoll);
    this.referencesSince = undefined;
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
