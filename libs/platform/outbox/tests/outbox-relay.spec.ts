import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { events, ShopifyOrderCreated, TopicDefinition } from '@consign/contracts';
import {
  applyOnce,
  CreateProcessedEvents1764355100000,
  createServiceDataSource,
  migrateDatabase,
  postgresOutagePolicy,
} from '@consign/database';
import {
  ConsumerMetrics,
  ConsumerRunner,
  createKafka,
  EventCodec,
  EventPublisher,
  plainKafkaConnection,
  provisionTopics,
} from '@consign/kafka';
import {
  createTemporaryDatabase,
  metricTotal,
  sampleOrderCreated,
  readTopic,
  startServiceProcess,
  TemporaryDatabase,
  testEndpoints,
  waitFor,
} from '@consign/test-support';
import { appendEventsToOutbox, CreateOutboxEvents1764355150000, OutboxRelay, registerOutboxMetrics } from '@consign/outbox';

/** The outbox against the real PostgreSQL, registry and Kafka, with real process deaths. */
const endpoints = testEndpoints();
const kafka = createKafka({ clientId: 'outbox-test', connection: plainKafkaConnection(endpoints.kafkaBrokers) });
const codec = new EventCodec(endpoints.schemaRegistryUrl);
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

let database: TemporaryDatabase;
let dataSource: DataSource;
let publisher: EventPublisher;
let topic: TopicDefinition;

async function writeThenDie(count: number): Promise<void> {
  const writer = startServiceProcess(
    join(__dirname, 'support/write-then-die.ts'),
    [],
    {
      OUTBOX_TOPIC: topic.name,
      OUTBOX_DATABASE_URL: database.url,
      SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
      OUTBOX_EVENTS: String(count),
    },
    ['--import', 'tsx'],
  );
  await writer.exited();
  expect(writer.output()).toContain('committed');
  expect(writer.child.signalCode).toBe('SIGKILL');
}

async function unpublished(): Promise<number> {
  const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL');
  return n;
}

function relay(): OutboxRelay {
  return new OutboxRelay({ dataSource, publisher, topics: [topic], lockName: database.name, idleDelayMs: 50 });
}

beforeEach(async () => {
  topic = { name: `test.outbox.${randomUUID()}`, partitions: 3, key: 'order id', retentionMs: 3_600_000 };
  database = await createTemporaryDatabase(endpoints.postgresServerUrl, 'consign_outbox_test');
  dataSource = createServiceDataSource({
    url: database.url,
    tls: { mode: 'disable' },
    migrations: [CreateProcessedEvents1764355100000],
    applicationName: 'outbox-test',
  });
  await dataSource.initialize();
  await migrateDatabase(dataSource);
  await dataSource.query('CREATE TABLE order_states (order_id text PRIMARY KEY, version integer NOT NULL)');
  await provisionTopics(kafka, [topic]);
  await codec.register([events.shopifyOrderCreated]);
  publisher = new EventPublisher(kafka, codec);
  await publisher.connect();
});

afterEach(async () => {
  await publisher.disconnect();
  await dataSource.destroy();
  await database.drop();
});

describe('transactional outbox (real PostgreSQL, registry and Kafka)', () => {
  it('publishes, after a restart, what a process committed before dying, in order per key', async () => {
    await writeThenDie(12);
    const [{ versions }] = await dataSource.query('SELECT sum(version)::int AS versions FROM order_states');
    expect(versions).toBe(12);
    expect(await unpublished()).toBe(12);
    const metrics = new Registry();
    registerOutboxMetrics(metrics, dataSource);
    expect(await metricTotal(metrics, 'consign_outbox_rows')).toBe(12);
    expect(await metricTotal(metrics, 'consign_outbox_oldest_age_seconds')).toBeGreaterThan(0);

    const restarted = relay();
    restarted.start();
    await waitFor('the outbox to drain', async () => ((await unpublished()) === 0 ? true : undefined));
    await restarted.stop();
    // A scrape reads the table at most once a second.
    await waitFor('the gauges to show the drained outbox', async () =>
      (await metricTotal(metrics, 'consign_outbox_rows')) === 0 ? true : undefined,
    );
    expect(await metricTotal(metrics, 'consign_outbox_oldest_age_seconds')).toBe(0);

    const records = await readTopic(endpoints.kafkaBrokers, topic.name, 12);
    expect(records).toHaveLength(12);
    const decoded = await Promise.all(
      records.map(async (record) => ({ record, value: (await codec.decode<ShopifyOrderCreated>(record.value)).value })),
    );
    for (const orderId of ['500', '501', '502']) {
      const ofOrder = decoded.filter(({ value }) => value.order.id === orderId);
      const names = ofOrder
        .sort((a, b) => Number(BigInt(a.record.offset) - BigInt(b.record.offset)))
        .map(({ value }) => Number(value.order.name.slice(1)));
      expect(names).toEqual([...names].sort((a, b) => a - b));
      expect(new Set(ofOrder.map(({ record }) => record.partition)).size).toBe(1);
    }
    expect(records[0].headers['event-type']).toBe('shopify.order.created');
  });

  it('a publish repeated by a crash before marking is applied once by a consumer', async () => {
    await writeThenDie(6);
    // What a crash after Kafka's acknowledgement but before the mark leaves: published rows still
    // unmarked, payloads and all. The first mark fails (a sequence is not rolled back with it).
    await dataSource.query('CREATE SEQUENCE marks');
    await dataSource.query(`
      CREATE FUNCTION fail_first_mark() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('marks') = 1 THEN RAISE EXCEPTION 'crashed before the mark'; END IF;
        RETURN NEW;
      END $$`);
    await dataSource.query(
      'CREATE TRIGGER fail_first_mark BEFORE UPDATE ON outbox_events FOR EACH STATEMENT EXECUTE FUNCTION fail_first_mark()',
    );
    const relaying = relay();
    relaying.start();
    await waitFor('the outbox to drain', async () => ((await unpublished()) === 0 ? true : undefined));
    await relaying.stop();
    expect(await readTopic(endpoints.kafkaBrokers, topic.name, 12)).toHaveLength(12);
    expect(await dataSource.query("SELECT count(*)::int AS n FROM outbox_events WHERE payload <> ''::bytea")).toEqual([{ n: 0 }]);

    const group = `outbox-consumer-${randomUUID().slice(0, 8)}`;
    await dataSource.query('CREATE TABLE effects (event_id text PRIMARY KEY, applications integer NOT NULL)');
    const consumer = new ConsumerRunner<ShopifyOrderCreated>(kafka, codec, {
      groupId: group,
      topics: [topic],
      publisher,
      metrics: new ConsumerMetrics(new Registry()),
      logger: silent,
      dependency: postgresOutagePolicy(dataSource),
      handle: async ({ value, topic: from, partition, offset }) => {
        await applyOnce(dataSource, { consumerGroup: group, eventId: value.metadata.eventId, topic: from, partition, offset }, (manager) =>
          manager.query('INSERT INTO effects VALUES ($1, 1) ON CONFLICT (event_id) DO UPDATE SET applications = effects.applications + 1', [
            value.metadata.eventId,
          ]),
        );
      },
    });
    await consumer.start();
    try {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      const handledAll = async (): Promise<boolean | undefined> => {
        const { rows } = await client.query('SELECT count(*)::int AS n FROM processed_events WHERE consumer_group = $1', [group]);
        return rows[0].n === 6 ? true : undefined;
      };
      await waitFor('the consumer to apply every event', handledAll);
      const { rows } = await client.query('SELECT applications FROM effects');
      await client.end();
      expect(rows).toHaveLength(6);
      expect(rows.every((row: { applications: number }) => row.applications === 1)).toBe(true);
    } finally {
      await consumer.stop();
    }
  }, 90_000);

  it('lets only one relay of a database publish at a time', async () => {
    await writeThenDie(9);
    const relays = [relay(), relay()];
    relays.forEach((candidate) => candidate.start());
    await waitFor('the outbox to drain', async () => ((await unpublished()) === 0 ? true : undefined));
    await Promise.all(relays.map((candidate) => candidate.stop()));
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic.name);
    await admin.disconnect();
    expect(offsets.reduce((sum, partition) => sum + Number(partition.high), 0)).toBe(9);
  });

  it('relays at once when an append commits, not at its next idle poll, and keeps the order of a multi-row append', async () => {
    const runner = dataSource.createQueryRunner();
    await new CreateOutboxEvents1764355150000().up(runner);
    await runner.release();
    const idle = new OutboxRelay({ dataSource, publisher, topics: [topic], lockName: database.name, idleDelayMs: 60_000 });
    idle.start();
    const orderNames = async (count: number) =>
      Promise.all(
        (await readTopic(endpoints.kafkaBrokers, topic.name, count)).map(
          async (record) => (await codec.decode<ShopifyOrderCreated>(record.value)).value.order.name,
        ),
      );
    const appended = (names: string[]) =>
      names.map((name) => ({ definition: { ...events.shopifyOrderCreated, topic }, value: sampleOrderCreated({ id: '9001', name }) }));
    try {
      // The first poll finds nothing; the next would come a minute later.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await dataSource.transaction(async (manager) => {
        await appendEventsToOutbox(manager, codec, appended(['#0', '#1', '#2', '#3', '#4']));
        // Not committed yet: a relay woken by the append rather than the commit would find nothing
        // now, and sleep a minute.
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
      await waitFor('the relay to publish the committed rows', async () => ((await unpublished()) === 0 ? true : undefined), 10_000);

      // A rolled-back append publishes nothing; one outside a transaction commits, and wakes the relay, at once.
      await expect(
        dataSource.transaction(async (manager) => {
          await appendEventsToOutbox(manager, codec, appended(['#rolled-back']));
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      await appendEventsToOutbox(dataSource.manager, codec, appended(['#5']));
      await waitFor('the relay to publish the autocommitted row', async () => ((await unpublished()) === 0 ? true : undefined), 10_000);
      expect(await orderNames(6)).toEqual(['#0', '#1', '#2', '#3', '#4', '#5']);
    } finally {
      await idle.stop();
    }
  });

  it('lets commits in quick succession share one look, at most one every lookSpacingMs', async () => {
    const runner = dataSource.createQueryRunner();
    await new CreateOutboxEvents1764355150000().up(runner);
    await runner.release();
    const spaced = new OutboxRelay({
      dataSource,
      publisher,
      topics: [topic],
      lockName: database.name,
      idleDelayMs: 60_000,
      lookSpacingMs: 400,
    });
    spaced.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Ten commits over about 200 ms: each would have its own look, a few ms long, without the spacing.
      for (let index = 0; index < 10; index += 1) {
        await appendEventsToOutbox(dataSource.manager, codec, [
          { definition: { ...events.shopifyOrderCreated, topic }, value: sampleOrderCreated({ id: '9002', name: `#${index}` }) },
        ]);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await waitFor('the relay to publish every commit', async () => ((await unpublished()) === 0 ? true : undefined), 10_000);
      // A look's rows are marked in its transaction, so each look that published has its own published_at.
      const [{ looks }] = await dataSource.query('SELECT count(DISTINCT published_at)::int AS looks FROM outbox_events');
      expect(looks).toBeLessThanOrEqual(2);
    } finally {
      await spaced.stop();
    }
  });
});
