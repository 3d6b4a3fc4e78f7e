import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { events, ShopifyOrderCreated, TopicDefinition } from '@consign/contracts';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { createKafka, EventCodec, EventPublisher, plainKafkaConnection, provisionTopics, PublishedRecord, RawRecord } from '@consign/kafka';
import {
  createTemporaryDatabase,
  PgBouncer,
  readTopic,
  sampleOrderCreated,
  startPgBouncer,
  TemporaryDatabase,
  testEndpoints,
  waitFor,
} from '@consign/test-support';
import { appendToOutbox, CreateOutboxEvents1764355150000, OutboxRelay } from '@consign/outbox';

/**
 * Two outbox relays of one database behind a real PgBouncer in transaction pooling mode (two
 * server connections, shared by both), with the real registry and Kafka: a session lock would stay
 * on whichever server connection took it, and the other relay could find it there as its own.
 */
const endpoints = testEndpoints();
const kafka = createKafka({ clientId: 'outbox-pgbouncer-test', connection: plainKafkaConnection(endpoints.kafkaBrokers) });
const codec = new EventCodec(endpoints.schemaRegistryUrl);

let bouncer: PgBouncer;
let database: TemporaryDatabase;
let direct: DataSource;
let topic: TopicDefinition;

/** Publishes for real, and counts the times two relays had records in flight at once. */
class WatchedPublisher extends EventPublisher {
  static inFlight = new Map<string, number>();
  static overlaps = 0;

  constructor(private readonly relay: string) {
    super(kafka, codec);
  }

  override async publishRaw(to: TopicDefinition, record: RawRecord): Promise<PublishedRecord> {
    const { inFlight } = WatchedPublisher;
    inFlight.set(this.relay, (inFlight.get(this.relay) ?? 0) + 1);
    if ([...inFlight].some(([relay, count]) => relay !== this.relay && count > 0)) WatchedPublisher.overlaps += 1;
    try {
      return await super.publishRaw(to, record);
    } finally {
      inFlight.set(this.relay, (inFlight.get(this.relay) ?? 1) - 1);
    }
  }
}

async function unpublished(): Promise<number> {
  const [{ n }] = await direct.query('SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL');
  return n;
}

beforeAll(async () => {
  bouncer = await startPgBouncer({ poolSize: 2 });
});

afterAll(async () => {
  await bouncer?.stop();
});

beforeEach(async () => {
  // One partition: Kafka's order of the whole topic is the order the relays published in.
  topic = { name: `test.outbox-pgbouncer.${randomUUID()}`, partitions: 1, key: 'order id', retentionMs: 3_600_000 };
  database = await createTemporaryDatabase(endpoints.postgresServerUrl, 'consign_outbox_pgbouncer_test');
  direct = createServiceDataSource({
    url: database.url,
    tls: { mode: 'disable' },
    migrations: [CreateOutboxEvents1764355150000],
    applicationName: 'outbox-pgbouncer-test',
  });
  await direct.initialize();
  await migrateDatabase(direct);
  await provisionTopics(kafka, [topic]);
  await codec.register([events.shopifyOrderCreated]);
});

afterEach(async () => {
  await direct.destroy();
  await database.drop();
});

describe('outbox relays behind a transaction-pooling PgBouncer (real PgBouncer, PostgreSQL, registry and Kafka)', () => {
  it('lets one relay of a database publish at a time: every row once, in id order', async () => {
    const definition = { ...events.shopifyOrderCreated, topic };
    const count = 60;
    await direct.transaction(async (manager) => {
      for (let index = 0; index < count; index += 1)
        await appendToOutbox(manager, codec, definition, sampleOrderCreated({ id: String(700 + (index % 3)), name: `#${index}` }));
    });

    const relays = ['a', 'b'].map((name) => {
      const dataSource = createServiceDataSource({
        url: bouncer.urlOf(database.name),
        tls: { mode: 'disable' },
        migrations: [],
        applicationName: `outbox-relay-${name}`,
        poolSize: 2,
      });
      const publisher = new WatchedPublisher(name);
      const errors: Error[] = [];
      // Small rounds, polled often: the lock changes hands many times.
      const relay = new OutboxRelay({
        dataSource,
        publisher,
        topics: [topic],
        lockName: database.name,
        batchSize: 4,
        idleDelayMs: 5,
        onError: (error) => errors.push(error),
      });
      return { dataSource, publisher, relay, errors };
    });
    for (const { dataSource } of relays) await dataSource.initialize();
    try {
      relays.forEach(({ relay }) => relay.start());
      await waitFor('the outbox to drain through PgBouncer', async () => ((await unpublished()) === 0 ? true : undefined));
    } finally {
      for (const { relay, publisher, dataSource } of relays) {
        await relay.stop();
        await publisher.disconnect();
        await dataSource.destroy();
      }
    }

    expect(relays.flatMap(({ errors }) => errors.map((error) => error.message))).toEqual([]);
    expect(WatchedPublisher.overlaps).toBe(0);
    const records = await readTopic(endpoints.kafkaBrokers, topic.name, count);
    // Anything published twice would have arrived by now, behind the last row.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const admin = kafka.admin();
    await admin.connect();
    const [{ high }] = await admin.fetchTopicOffsets(topic.name);
    await admin.disconnect();
    expect(Number(high)).toBe(count);
    const names = await Promise.all(
      records
        .sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)))
        .map(async (record) => Number((await codec.decode<ShopifyOrderCreated>(record.value)).value.order.name.slice(1))),
    );
    expect(names).toEqual(Array.from({ length: count }, (_, index) => index));
  });
});
