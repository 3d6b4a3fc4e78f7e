import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { deadLetterTopic, retryTopic } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import {
  createTemporaryDatabase,
  histogramTotal,
  metricTotal,
  PrivatePostgres,
  readTopic,
  startPrivatePostgres,
  startServiceProcess,
  TemporaryDatabase,
  testEndpoints,
  waitFor,
} from '@consign/test-support';
import { deadLetterHeaders } from '@consign/kafka';
import { ConsumerScenario, createTestPublisher, startConsumerScenario, testTopic } from './support/consumer-scenario';

/** The consumer runner against the real broker, registry and PostgreSQL. */
const endpoints = testEndpoints();
const admin = new Kafka({ clientId: 'runner-test-admin', brokers: endpoints.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
const databases: TemporaryDatabase[] = [];
const scenarios: ConsumerScenario[] = [];

async function scenario(options: {
  failures?: Map<string, PlatformError[]>;
  databaseUrl?: string;
  handlerDelayMs?: number;
  batched: boolean;
  runs?: boolean;
  keyConcurrency?: number;
  maxRecords?: number;
  commitEveryMs?: number;
}) {
  const topic = testTopic('runner');
  const groupId = `runner-test-${randomUUID().slice(0, 8)}`;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    const database = await createTemporaryDatabase(endpoints.postgresServerUrl, 'consign_runner_test');
    databases.push(database);
    databaseUrl = database.url;
  }
  const started = await startConsumerScenario({
    brokers: endpoints.kafkaBrokers,
    registryUrl: endpoints.schemaRegistryUrl,
    databaseUrl,
    topic,
    groupId,
    failures: options.failures,
    handlerDelayMs: options.handlerDelayMs,
    batched: options.batched,
    runs: options.runs,
    keyConcurrency: options.keyConcurrency,
    maxRecords: options.maxRecords,
    commitEveryMs: options.commitEveryMs,
  });
  scenarios.push(started);
  return { ...started, topic, groupId };
}

async function allApplied(run: ConsumerScenario, count: number, timeoutMs = 20_000): Promise<Map<string, number>> {
  return waitFor(
    `${count} events applied`,
    async () => {
      const applied = await run.applications();
      return applied.size >= count ? applied : undefined;
    },
    timeoutMs,
  );
}

beforeAll(() => admin.connect());

afterAll(async () => {
  for (const run of scenarios) await run.close().catch(() => undefined);
  for (const database of databases) await database.drop();
  await admin.disconnect();
});

describe.each([
  ['each record its own unit', false, false],
  ['runs of records as units of work', true, false],
  ['units of work whose records are handled together', true, true],
])('ConsumerRunner (real Kafka, registry and PostgreSQL): %s', (_mode, batched, runs) => {
  it('dead-letters a poison record with its reason and carries on', async () => {
    const run = await scenario({ batched, runs });
    await run.publisher.publishRaw(run.topic, {
      key: 'order-poison',
      value: 'this is not Avro',
      headers: { 'event-type': 'shopify.order.created' },
    });
    const [valid] = await run.publishEvents(1);
    await allApplied(run, 1);
    expect((await run.applications()).get(valid.metadata.eventId)).toBe(1);

    const [dead] = await readTopic(endpoints.kafkaBrokers, deadLetterTopic(run.groupId).name, 1);
    expect(dead.value.toString()).toBe('this is not Avro');
    expect(dead.key).toBe('order-poison');
    expect(dead.headers).toMatchObject({
      'event-type': 'shopify.order.created',
      [deadLetterHeaders.topic]: run.topic.name,
      [deadLetterHeaders.group]: run.groupId,
      [deadLetterHeaders.category]: 'poison',
      [deadLetterHeaders.code]: 'contracts.not_wire_format',
      [deadLetterHeaders.attempts]: '1',
    });
    expect(Number(dead.headers[deadLetterHeaders.offset])).toBeGreaterThanOrEqual(0);
    expect(Date.parse(dead.headers[deadLetterHeaders.firstFailureAt])).not.toBeNaN();
    expect(dead.headers[deadLetterHeaders.message]).toBe('record is not in the Confluent wire format');
  });

  it("applies what is redriven to its own retry topic, once, and that topic is its group's alone", async () => {
    const run = await scenario({ batched, runs });
    const [event] = await run.publishEvents(1);
    await allApplied(run, 1);
    // An operator's redrive of an event it already applied, and of one it never saw.
    const retries = retryTopic(run.groupId);
    expect(retries.name).toBe(`retry.${run.groupId}.v1`);
    const [fresh] = await createTestPublisher({
      brokers: endpoints.kafkaBrokers,
      registryUrl: endpoints.schemaRegistryUrl,
      topic: retries,
    }).then(async (retry) => {
      try {
        return await retry.publishEvents(1);
      } finally {
        await retry.close();
      }
    });
    const applied = await allApplied(run, 2);
    expect([applied.get(event.metadata.eventId), applied.get(fresh.metadata.eventId)]).toEqual([1, 1]);
  });

  it('retries transient failures: two then success applies once; three dead-letter; invalid dead-letters at once', async () => {
    const failures = new Map<string, PlatformError[]>();
    const transient = (): PlatformError => new PlatformError('deadlock detected', { code: 'test.transient', category: 'transient' });
    const run = await scenario({ failures, batched, runs });
    const values = [0, 1, 2].map(() => randomUUID());
    failures.set(values[0], [transient(), transient()]);
    failures.set(values[1], [transient(), transient(), transient()]);
    failures.set(values[2], [new PlatformError('line quantity is negative', { code: 'test.invalid', category: 'invalid' })]);
    const published = await run.publishEvents(4, values);

    const dead = await readTopic(endpoints.kafkaBrokers, deadLetterTopic(run.groupId).name, 2);
    const applied = await allApplied(run, 2);
    expect(applied.get(published[0].metadata.eventId)).toBe(1);
    expect(applied.get(published[3].metadata.eventId)).toBe(1);
    expect(applied.has(published[1].metadata.eventId)).toBe(false);
    const byCode = new Map(dead.map((record) => [record.headers[deadLetterHeaders.code], record.headers]));
    expect(byCode.get('test.transient')).toMatchObject({ [deadLetterHeaders.category]: 'transient', [deadLetterHeaders.attempts]: '3' });
    expect(byCode.get('test.invalid')).toMatchObject({ [deadLetterHeaders.category]: 'invalid', [deadLetterHeaders.attempts]: '1' });
    expect(await metricTotal(run.metrics, 'consign_consumer_retries_total')).toBe(4);
    expect(await metricTotal(run.metrics, 'consign_consumer_dead_letters_total')).toBe(2);
  });

  describe('with its database stopped mid-stream', () => {
    let postgres: PrivatePostgres;
    beforeAll(async () => {
      postgres = await startPrivatePostgres();
    });
    afterAll(() => postgres?.destroy());

    it('pauses, dead-letters nothing, and applies everything once PostgreSQL is back', async () => {
      const run = await scenario({ databaseUrl: postgres.url, batched, runs });
      await run.publishEvents(5);
      await allApplied(run, 5);
      postgres.stop();
      const during = await run.publishEvents(10);
      await waitFor('a partition to pause', async () =>
        (await metricTotal(run.metrics, 'consign_consumer_paused_partitions')) > 0 ? true : undefined,
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      postgres.start();
      const applied = await allApplied(run, 15, 30_000);
      expect([...applied.values()].every((count) => count === 1)).toBe(true);
      for (const event of during) expect(applied.get(event.metadata.eventId)).toBe(1);
      expect(await metricTotal(run.metrics, 'consign_consumer_dead_letters_total')).toBe(0);
      expect(await metricTotal(run.metrics, 'consign_consumer_retries_total')).toBe(0);
      await waitFor('partitions to resume', async () =>
        (await metricTotal(run.metrics, 'consign_consumer_paused_partitions')) === 0 ? true : undefined,
      );
    }, 120_000);
  });

  it("changes nothing when the group's offsets are rewound to the earliest", async () => {
    const run = await scenario({ batched, runs });
    await run.publishEvents(20);
    const before = await allApplied(run, 20);
    const handled = () => histogramTotal(run.metrics, 'consign_consumer_processing_duration_seconds', 'count');
    expect(await handled()).toBe(20);
    await run.runner.stop();
    await admin.resetOffsets({ groupId: run.groupId, topic: run.topic.name, earliest: true });
    await run.runner.start();
    await waitFor('the rewound records to be handled again', async () => ((await handled()) === 40 ? true : undefined));
    expect(await run.applications()).toEqual(before);
  });

  it('stops gracefully: finishes the record in hand, commits what it applied, and leaves within a bounded time', async () => {
    const run = await scenario({ handlerDelayMs: 300, batched, runs });
    // A run handed over together is the record in hand (its delay is one record's): more of them, so that some are left.
    const published = runs ? 90 : 30;
    await run.publishEvents(published);
    await allApplied(run, 1);
    const stoppingAt = Date.now();
    await run.runner.stop();
    const stopMs = Date.now() - stoppingAt;
    expect(stopMs).toBeLessThan(5000);
    const applied = (await run.applications()).size;
    expect(applied).toBeLessThan(published);
    const [{ partitions }] = await admin.fetchOffsets({ groupId: run.groupId, topics: [run.topic.name] });
    const committed = partitions.reduce((sum, partition) => sum + Math.max(0, Number(partition.offset)), 0);
    expect(committed).toBe(applied);
  });

  it('applies every event exactly once when the consumer is killed with SIGKILL mid-batch and restarted', async () => {
    const database = await createTemporaryDatabase(endpoints.postgresServerUrl, 'consign_runner_crash');
    databases.push(database);
    const topic = testTopic('crash');
    const group = `runner-crash-${randomUUID().slice(0, 8)}`;
    const env = {
      KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
      WORKER_DATABASE_URL: database.url,
      WORKER_TOPIC: topic.name,
      WORKER_GROUP: group,
      WORKER_HANDLER_DELAY_MS: '15',
      WORKER_BATCHED: String(batched),
      WORKER_RUNS: String(runs),
    };
    const worker = join(__dirname, 'support/consumer-worker.ts');
    const first = startServiceProcess(worker, [], env, ['--import', 'tsx']);
    await waitFor(
      'the worker to consume',
      async () => {
        if (first.child.exitCode !== null) throw new Error(`the worker exited with ${first.child.exitCode}:\n${first.output()}`);
        return first.output().includes('ready') ? true : undefined;
      },
      60_000,
    );
    const publisher = await createTestPublisher({ brokers: endpoints.kafkaBrokers, registryUrl: endpoints.schemaRegistryUrl, topic });
    const events = await publisher.publishEvents(300);
    await publisher.close();
    const inspector = new Client({ connectionString: database.url });
    await inspector.connect();
    const countApplied = async (): Promise<number> => {
      const { rows } = await inspector.query('SELECT count(*)::int AS n FROM processed_events WHERE consumer_group = $1', [group]);
      return rows[0].n as number;
    };
    await waitFor('some events applied before the kill', async () => ((await countApplied()) >= 60 ? true : undefined), 30_000);
    await first.stop('SIGKILL');
    const appliedAtKill = await countApplied();
    expect(appliedAtKill).toBeLessThan(events.length);

    const second = startServiceProcess(worker, [], env, ['--import', 'tsx']);
    try {
      await waitFor(
        'every event applied after the restart',
        async () => ((await countApplied()) === events.length ? true : undefined),
        60_000,
      );
      const { rows } = await inspector.query('SELECT applications FROM applied_effects');
      expect(rows).toHaveLength(events.length);
      expect(rows.every((row) => row.applications === 1)).toBe(true);
    } finally {
      await second.stop('SIGTERM');
      await inspector.end();
    }
  }, 120_000);
});

describe('ConsumerRunner units of work', () => {
  it.each([
    ['one record after another', false],
    ['handed to the run handler together', true],
  ])(
    'applies a run of records in units (%s), and a record failing inside one dead-letters alone while the rest apply once',
    async (_how, runs) => {
      const failures = new Map<string, PlatformError[]>();
      const run = await scenario({ failures, batched: true, runs });
      // Published while stopped, so the restarted consumer fetches them as full batches.
      await run.runner.stop();
      const eventIds = Array.from({ length: 60 }, () => randomUUID());
      failures.set(eventIds[31], [new PlatformError('line quantity is negative', { code: 'test.invalid', category: 'invalid' })]);
      const published = await run.publishEvents(60, eventIds);
      await run.runner.start();

      const [dead] = await readTopic(endpoints.kafkaBrokers, deadLetterTopic(run.groupId).name, 1);
      const applied = await allApplied(run, 59);
      expect(applied.size).toBe(59);
      expect([...applied.values()].every((count) => count === 1)).toBe(true);
      expect(applied.has(published[31].metadata.eventId)).toBe(false);
      expect(dead.headers).toMatchObject({ [deadLetterHeaders.code]: 'test.invalid', [deadLetterHeaders.attempts]: '1' });
      expect(await metricTotal(run.metrics, 'consign_consumer_unit_splits_total')).toBeGreaterThan(0);
      const count = await histogramTotal(run.metrics, 'consign_consumer_unit_records', 'count');
      const sum = await histogramTotal(run.metrics, 'consign_consumer_unit_records', 'sum');
      // 60 records read in far fewer units than records: most units held several.
      expect(sum).toBe(59);
      expect(count).toBeLessThan(30);
      // Only the run handler's successful runs are counted: some held many records, none the failing one.
      if (runs) expect(Math.max(...run.runSizes)).toBeGreaterThan(5);
      else expect(run.runSizes).toEqual([]);
    },
    60_000,
  );

  it("commits a Kafka batch's progress every commitEveryMs between its units, not after each unit", async () => {
    const run = await scenario({ batched: true, maxRecords: 2, handlerDelayMs: 40, commitEveryMs: 300 });
    // Published while stopped: each partition's 20 or so records come in one Kafka batch of about 10 units, about 0.8 s.
    await run.runner.stop();
    await run.publishEvents(60);
    await run.runner.start();

    const applied = await allApplied(run, 60);
    expect([...applied.values()].every((count) => count === 1)).toBe(true);
    // The batch-end commit follows the last unit's transaction: the offsets may trail the rows briefly.
    await waitFor('every offset committed', async () => {
      const [{ partitions }] = await admin.fetchOffsets({ groupId: run.groupId, topics: [run.topic.name] });
      return partitions.reduce((sum, partition) => sum + Number(partition.offset), 0) === 60 ? true : undefined;
    });
    const units = await histogramTotal(run.metrics, 'consign_consumer_unit_records', 'count');
    const commits = await metricTotal(run.metrics, 'consign_consumer_offset_commits_total');
    // More than one per partition's batch (progress shows while a batch is applied), far fewer than one per unit.
    expect(commits).toBeGreaterThan(3);
    expect(commits).toBeLessThan(units / 2);
  }, 60_000);

  it('with key concurrency, hands runs to the run handler and applies the records between them by key, each once', async () => {
    const run = await scenario({ batched: true, runs: true, keyConcurrency: 4 });
    await run.runner.stop();
    await run.publishEvents(60);
    await run.runner.start();

    const applied = await allApplied(run, 60);
    expect(applied.size).toBe(60);
    expect([...applied.values()].every((count) => count === 1)).toBe(true);
    // Runs were handed over whole even though the unit applies its other records by key.
    expect(run.runSizes.length).toBeGreaterThan(0);
    expect(Math.max(...run.runSizes)).toBeGreaterThan(1);
    // Orders #3, #7, ... were applied alone, by key, between the runs.
    expect(run.runSizes.reduce((sum, size) => sum + size, 0)).toBeLessThan(60);
  }, 60_000);
});
