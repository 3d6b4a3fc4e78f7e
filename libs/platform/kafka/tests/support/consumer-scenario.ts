import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { Kafka } from 'kafkajs';
import { DataSource, EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { events, ShopifyOrderCreated, TopicDefinition } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import {
  applyOnce,
  ApplyInUnit,
  ApplyRunInUnit,
  applyUnitOnce,
  CreateProcessedEvents1764355100000,
  createServiceDataSource,
  migrateDatabase,
  postgresOutagePolicy,
} from '@consign/database';
import { sampleOrderCreated } from '@consign/test-support';
import {
  ConsumerMetrics,
  ConsumerRunner,
  EventCodec,
  EventPublisher,
  createKafka,
  plainKafkaConnection,
  provisionTopics,
} from '@consign/kafka';

/**
 * A test consumer whose effect counts how often each event was applied: `applications` above 1
 * means an event was applied twice. Used by the runner's tests in this process and, for crash
 * tests, in a child process (consumer-worker.ts).
 */
export class CreateAppliedEffects1764355300000 implements MigrationInterface {
  name = 'CreateAppliedEffects1764355300000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE applied_effects (event_id text PRIMARY KEY, applications integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE applied_effects');
  }
}

export interface ScenarioOptions {
  brokers: string[];
  registryUrl: string;
  databaseUrl: string;
  topic: TopicDefinition;
  groupId: string;
  /** Failures to raise, per event id, before the handler succeeds. */
  failures?: Map<string, PlatformError[]>;
  handlerDelayMs?: number;
  /**
   * Applies runs of records in one transaction, as the services do (decision 0025). A planned
   * failure then fails every unit its event is in, and is used up only by attempts of the event alone.
   */
  batched?: boolean;
  /** With `batched`: consecutive records of a unit go to a run handler together, applied in one statement. */
  runs?: boolean;
  /** With `runs`: records of different keys applied side by side between runs; only every other record then belongs to a run. */
  keyConcurrency?: number;
  /** With `batched`: most records in one unit (20 unless given). */
  maxRecords?: number;
  /** The runner's commitEveryMs; its default unless given. */
  commitEveryMs?: number;
}

/** What a record of a unit joins it through: alone, or with the records of its run. */
export interface ScenarioUnit {
  apply: ApplyInUnit;
  applyRun: ApplyRunInUnit;
}

export interface ConsumerScenario {
  dataSource: DataSource;
  runner: ConsumerRunner<ShopifyOrderCreated, ScenarioUnit>;
  metrics: Registry;
  publisher: EventPublisher;
  publishEvents(count: number, eventIds?: string[]): Promise<ShopifyOrderCreated[]>;
  applications(): Promise<Map<string, number>>;
  /** How many records each run handed to the run handler had. */
  runSizes: number[];
  close(): Promise<void>;
}

export function testTopic(prefix: string): TopicDefinition {
  return { name: `test.${prefix}.${randomUUID()}`, partitions: 3, key: 'order id', retentionMs: 3_600_000 };
}

export interface TestPublisher {
  publisher: EventPublisher;
  /** Publishes `count` events; the first ones take the given event ids. */
  publishEvents(count: number, eventIds?: string[]): Promise<ShopifyOrderCreated[]>;
  close(): Promise<void>;
}

/** Publishes distinct order events to a test topic, encoded as the platform encodes them. */
export async function createTestPublisher(options: {
  brokers: string[];
  registryUrl: string;
  topic: TopicDefinition;
}): Promise<TestPublisher & { kafka: Kafka; codec: EventCodec }> {
  const kafka = createKafka({ clientId: 'test-publisher', connection: plainKafkaConnection(options.brokers) });
  const codec = new EventCodec(options.registryUrl);
  await codec.register([events.shopifyOrderCreated]);
  await provisionTopics(kafka, [options.topic]);
  const publisher = new EventPublisher(kafka, codec);
  await publisher.connect();
  return {
    kafka,
    codec,
    publisher,
    async publishEvents(count, eventIds = []) {
      const values = Array.from({ length: count }, (_, index) =>
        sampleOrderCreated({ id: String(1_000_000 + index), name: `#${index}` }, eventIds[index] ?? randomUUID()),
      );
      await Promise.all(
        values.map(async (value) =>
          publisher.publishRaw(options.topic, { key: value.order.id, value: await codec.encode(events.shopifyOrderCreated, value) }),
        ),
      );
      return values;
    },
    close: () => publisher.disconnect(),
  };
}

export async function startConsumerScenario(options: ScenarioOptions): Promise<ConsumerScenario> {
  const { kafka, codec, publisher, publishEvents, close: closePublisher } = await createTestPublisher(options);
  const dataSource = createServiceDataSource({
    url: options.databaseUrl,
    tls: { mode: 'disable' },
    migrations: [CreateProcessedEvents1764355100000, CreateAppliedEffects1764355300000],
    applicationName: options.groupId,
  });
  await dataSource.initialize();
  await migrateDatabase(dataSource);
  const metrics = new Registry();
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const recordApplication = (manager: EntityManager, eventId: string) =>
    manager.query(
      `INSERT INTO applied_effects (event_id, applications) VALUES ($1, 1)
       ON CONFLICT (event_id) DO UPDATE SET applications = applied_effects.applications + 1`,
      [eventId],
    );
  const recordApplications = (manager: EntityManager, eventIds: readonly string[]) =>
    manager.query(
      `INSERT INTO applied_effects (event_id, applications) SELECT event_id, 1 FROM unnest($1::text[]) AS event_id
       ON CONFLICT (event_id) DO UPDATE SET applications = applied_effects.applications + 1`,
      [eventIds],
    );
  const positionOf = ({
    value,
    topic,
    partition,
    offset,
  }: {
    value: ShopifyOrderCreated;
    topic: string;
    partition: number;
    offset: string;
  }) => ({
    consumerGroup: options.groupId,
    eventId: value.metadata.eventId,
    topic,
    partition,
    offset,
  });
  const delay = () => new Promise((resolve) => setTimeout(resolve, options.handlerDelayMs));
  const runSizes: number[] = [];
  const runner = new ConsumerRunner<ShopifyOrderCreated, ScenarioUnit>(kafka, codec, {
    groupId: options.groupId,
    topics: [options.topic],
    publisher,
    metrics: new ConsumerMetrics(metrics),
    logger: silent,
    dependency: postgresOutagePolicy(dataSource),
    retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
    recoveryProbeMs: 300,
    commitEveryMs: options.commitEveryMs,
    sessionTimeoutMs: 6000,
    handle: async (event, unit) => {
      const planned = options.failures?.get(event.value.metadata.eventId);
      if (planned?.length) throw unit ? planned[0] : planned.shift();
      if (options.handlerDelayMs) await delay();
      if (unit) await unit.apply(positionOf(event), (manager) => recordApplication(manager, event.value.metadata.eventId));
      else await applyOnce(dataSource, positionOf(event), (manager) => recordApplication(manager, event.value.metadata.eventId));
    },
    ...(options.batched
      ? {
          batch: {
            maxRecords: options.maxRecords ?? 20,
            keyConcurrency: options.keyConcurrency,
            unitOfWork: (batch, applyAll) =>
              applyUnitOnce(
                dataSource,
                options.groupId,
                batch.map((event) => event.value.metadata.eventId),
                (apply, _manager, applyRun) => applyAll({ apply, applyRun }),
              ),
            ...(options.runs
              ? {
                  runs: {
                    // Orders #0-#2, #4-#6, ... form runs; #3, #7, ... stand alone between them.
                    runOf: (event) =>
                      options.keyConcurrency === undefined || !event.value.order.name.match(/[37]$/) ? 'orders' : undefined,
                    handle: async (run, unit) => {
                      const planned = run
                        .map((event) => options.failures?.get(event.value.metadata.eventId))
                        .find((failures) => failures?.length);
                      if (planned) throw planned[0];
                      if (options.handlerDelayMs) await delay();
                      await unit.applyRun(run, positionOf, (manager, fresh) =>
                        recordApplications(
                          manager,
                          fresh.map((event) => event.value.metadata.eventId),
                        ),
                      );
                      runSizes.push(run.length);
                    },
                  },
                }
              : {}),
          },
        }
      : {}),
  });
  await runner.start();
  return {
    dataSource,
    runner,
    metrics,
    publisher,
    publishEvents,
    runSizes,
    async applications() {
      const rows: { event_id: string; applications: number }[] = await dataSource.query(
        'SELECT event_id, applications FROM applied_effects',
      );
      return new Map(rows.map((row) => [row.event_id, row.applications]));
    },
    async close() {
      await runner.stop();
      await closePublisher();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}
