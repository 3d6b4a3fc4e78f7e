import { randomUUID } from 'node:crypto';
import { createServiceDataSource } from '@consign/database';
import { createKafka, EventCodec, EventPublisher, plainKafkaConnection, provisionTopics, PublishedRecord, RawRecord } from '@consign/kafka';
import { TopicDefinition } from '@consign/contracts';
import { PgBouncer, readTopic, startPgBouncer, testEndpoints, waitFor } from '@consign/test-support';
import { GatewayDatabase, openGatewayDatabase } from '../support/gateway-database';
import { DeliveryStore, SpoolRelay } from '@consign/webhook-gateway';

/**
 * Two gateways' spool relays on one database behind a real PgBouncer in transaction pooling mode
 * (two server connections, shared by both), with the real Kafka, while deliveries keep arriving
 * in the spool: one relay drains at a time, in arrival order, each delivery once.
 */
const endpoints = testEndpoints();
const kafka = createKafka({ clientId: 'spool-pgbouncer-test', connection: plainKafkaConnection(endpoints.kafkaBrokers) });
const codec = new EventCodec(endpoints.schemaRegistryUrl);

let bouncer: PgBouncer;
let database: GatewayDatabase;
let topic: TopicDefinition;

/** Publishes for real, and counts the times two relays had records in flight at once. */
class WatchedPublisher extends EventPublisher {
  static inFlight = new Map<string, number>();
  static overlaps = 0;

  constructor(private readonly relay: string) {
    super(kafka, codec);
  }

  override async publishAll(records: Array<{ topic: TopicDefinition; record: RawRecord }>): Promise<PublishedRecord[]> {
    const { inFlight } = WatchedPublisher;
    inFlight.set(this.relay, (inFlight.get(this.relay) ?? 0) + 1);
    if ([...inFlight].some(([relay, count]) => relay !== this.relay && count > 0)) WatchedPublisher.overlaps += 1;
    try {
      return await super.publishAll(records);
    } finally {
      inFlight.set(this.relay, (inFlight.get(this.relay) ?? 1) - 1);
    }
  }
}

beforeAll(async () => {
  bouncer = await startPgBouncer({ poolSize: 2 });
  // One partition: Kafka's order of the whole topic is the order the relays published in.
  topic = { name: `test.spool-pgbouncer.${randomUUID()}`, partitions: 1, key: 'delivery', retentionMs: 3_600_000 };
  await provisionTopics(kafka, [topic]);
  database = await openGatewayDatabase('consign_spool_pgbouncer_test');
});

afterAll(async () => {
  await database?.drop();
  await bouncer?.stop();
});

describe('spool relays behind a transaction-pooling PgBouncer (real PgBouncer, PostgreSQL and Kafka)', () => {
  it('lets one relay drain at a time: every delivery once, in arrival order', async () => {
    const directStore = new DeliveryStore(database.dataSource);
    const databaseName = String(database.dataSource.driver.database);
    const relays = ['a', 'b'].map((name) => {
      const dataSource = createServiceDataSource({
        url: bouncer.urlOf(databaseName),
        tls: { mode: 'disable' },
        migrations: [],
        applicationName: `spool-relay-${name}`,
        poolSize: 3,
      });
      const publisher = new WatchedPublisher(name);
      const errors: Error[] = [];
      const relay = new SpoolRelay({
        dataSource,
        store: new DeliveryStore(dataSource),
        publisher,
        topics: [topic],
        intervalMs: 5,
        onError: (error) => errors.push(error),
      });
      return { dataSource, publisher, relay, errors };
    });
    for (const { dataSource } of relays) await dataSource.initialize();
    const count = 60;
    try {
      relays.forEach(({ relay }) => relay.start());
      // Deliveries arrive while the relays drain, so the lock changes hands between drains.
      for (let index = 0; index < count; index += 1) {
        const deliveryKey = `shopify:pgbouncer:${index}`;
        const [claim] = await directStore.claimAll([
          {
            deliveryKey,
            source: 'shopify',
            tenantId: 'pgbouncer',
            topic: 'orders/create',
            deliveryId: String(index),
            sourceEventId: null,
            eventId: randomUUID(),
            requestId: randomUUID(),
            subjectId: String(index),
          },
        ]);
        expect(claim.claimed).toBe(true);
        await directStore.spool(deliveryKey, [
          { topic: topic.name, key: `delivery-${index % 4}`, value: Buffer.from(String(index)).toString('base64'), headers: {} },
        ]);
        if (index % 6 === 5) await new Promise((resolve) => setTimeout(resolve, 15));
      }
      await waitFor('the spool to drain through PgBouncer', async () => ((await directStore.spoolDepth()) === 0 ? true : undefined));
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
    // Anything published twice would have arrived by now, behind the last delivery.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const admin = kafka.admin();
    await admin.connect();
    const [{ high }] = await admin.fetchTopicOffsets(topic.name);
    await admin.disconnect();
    expect(Number(high)).toBe(count);
    const values = records.sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset))).map((record) => Number(record.value.toString()));
    expect(values).toEqual(Array.from({ length: count }, (_, index) => index));
  });
});
