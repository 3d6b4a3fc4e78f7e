import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { TopicDefinition } from '@consign/contracts';
import { createKafka, EventCodec, EventPublisher, plainKafkaConnection, provisionTopics } from '@consign/kafka';
import { readTopic, testEndpoints } from '@consign/test-support';
import { GatewayDatabase, openGatewayDatabase } from '../support/gateway-database';
import { deliveryClaimFor } from '../support/delivery-claims';
import { ClaimResult, DeliveryClaim, DeliveryStore, PublishedDelivery } from '../../src/intake/delivery-store';
import { OutgoingRecord, WebhookIntake } from '@consign/webhook-gateway';

/**
 * The intake against real PostgreSQL and Kafka. The store is the real one, except that recording
 * deliveries as published waits until a test lets it through: that shows what waits for it.
 */
const endpoints = testEndpoints();
const topic: TopicDefinition = { name: `test.intake.${randomUUID()}`, partitions: 1, key: 'delivery id', retentionMs: 3_600_000 };

class HeldBackStore extends DeliveryStore {
  private failure?: Error;
  private release!: () => void;
  private readonly held = new Promise<void>((resolve) => (this.release = resolve));

  letThrough(failure?: Error): void {
    this.failure = failure;
    this.release();
  }

  override async markAllPublished(deliveries: PublishedDelivery[]): Promise<void> {
    await this.held;
    if (this.failure) throw this.failure;
    await super.markAllPublished(deliveries);
  }
}

class CountingStore extends DeliveryStore {
  readonly claimBatchSizes: number[] = [];

  override claimAll(claims: DeliveryClaim[]): Promise<ClaimResult[]> {
    this.claimBatchSizes.push(claims.length);
    return super.claimAll(claims);
  }
}

let database: GatewayDatabase;
let dataSource: DataSource;
let kafka: Kafka;
let publisher: EventPublisher;

beforeAll(async () => {
  database = await openGatewayDatabase('consign_intake_test');
  dataSource = database.dataSource;
  kafka = createKafka({ clientId: 'intake-test', connection: plainKafkaConnection(endpoints.kafkaBrokers) });
  await provisionTopics(kafka, [topic]);
  publisher = new EventPublisher(kafka, new EventCodec(endpoints.schemaRegistryUrl));
  await publisher.connect();
});

afterAll(async () => {
  await publisher?.disconnect();
  const admin = kafka?.admin();
  await admin?.connect();
  await admin?.deleteTopics({ topics: [topic.name] }).catch(() => undefined);
  await admin?.disconnect();
  await database?.drop();
});

const recordsOf = (claim: DeliveryClaim): OutgoingRecord[] => [
  { topic, key: claim.deliveryId, value: Buffer.from(claim.eventId), headers: { 'event-type': 'test.intake' } },
];
const stillWaiting = Symbol('still waiting');
const after = <T>(promise: Promise<T>, ms: number): Promise<T | typeof stillWaiting> =>
  Promise.race([promise, new Promise<typeof stillWaiting>((resolve) => setTimeout(() => resolve(stillWaiting), ms))]);
const statusOf = async (store: DeliveryStore, claim: DeliveryClaim): Promise<string | undefined> =>
  (await store.find(claim.deliveryId))[0]?.status;

describe('WebhookIntake (real PostgreSQL and Kafka)', () => {
  it('answers once Kafka has the delivery, before it is recorded as published; a repeat meanwhile waits for that record and is a duplicate', async () => {
    const store = new HeldBackStore(dataSource);
    const intake = new WebhookIntake({ store, publisher, publishTimeoutMs: 10_000 });
    const claim = deliveryClaimFor();

    const first = await intake.accept(claim, recordsOf(claim));
    expect(first).toEqual({ status: 'published', publishedTo: [{ topic: topic.name, partition: 0, offset: expect.any(String) }] });
    expect(await statusOf(store, claim)).toBe('receiving');

    const repeat = intake.accept(claim, recordsOf(claim));
    expect(await after(repeat, 300)).toBe(stillWaiting);
    store.letThrough();
    expect(await repeat).toEqual({ status: 'duplicate', duplicateOf: claim.deliveryKey });
    await intake.recorded();
    expect((await store.find(claim.deliveryId))[0]).toMatchObject({
      status: 'published',
      publishedTo: first.status === 'published' ? first.publishedTo : [],
    });
    expect((await readTopic(endpoints.kafkaBrokers, topic.name, 1)).filter((record) => record.key === claim.deliveryId)).toHaveLength(1);
  });

  it("reports a delivery it could not record as published, and leaves it for the sender's retry to take over", async () => {
    const store = new HeldBackStore(dataSource);
    const failures: Array<[string, string]> = [];
    const intake = new WebhookIntake({
      store,
      publisher,
      publishTimeoutMs: 10_000,
      onRecordingFailed: (key, error) => failures.push([key, error.message]),
    });
    const claim = deliveryClaimFor();
    store.letThrough(new Error('the database went away'));

    expect(await intake.accept(claim, recordsOf(claim))).toMatchObject({ status: 'published' });
    await intake.recorded();
    expect(failures).toEqual([[claim.deliveryKey, 'the database went away']]);
    expect(await statusOf(store, claim)).toBe('receiving');
  });

  it('lets claims that arrive within the linger share one round trip to PostgreSQL', async () => {
    const store = new CountingStore(dataSource);
    const intake = new WebhookIntake({ store, publisher, publishTimeoutMs: 10_000, claimLingerMs: 200 });
    const [first, second] = [deliveryClaimFor(), deliveryClaimFor()];

    const accepting = [intake.accept(first, recordsOf(first))];
    await new Promise((resolve) => setTimeout(resolve, 50));
    accepting.push(intake.accept(second, recordsOf(second)));

    expect(await Promise.all(accepting)).toMatchObject([{ status: 'published' }, { status: 'published' }]);
    expect(store.claimBatchSizes).toEqual([2]);
    await intake.recorded();
  });
});
