import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { events, maxRecordBytes, ShopifyOrderCreated, TopicDefinition } from '@consign/contracts';
import { readTopic, sampleOrderCreated, testEndpoints } from '@consign/test-support';
import {
  alignTopicSettings,
  createKafka,
  EventCodec,
  EventPublisher,
  plainKafkaConnection,
  provisionTopics,
  verifyTopics,
} from '@consign/kafka';

/** Against the real broker and registry: what the publisher reports is where the record really is. */
const endpoints = testEndpoints();
const kafka: Kafka = createKafka({ clientId: 'kafka-lib-test', connection: plainKafkaConnection(endpoints.kafkaBrokers) });
const topic: TopicDefinition = { name: `test.publisher.${randomUUID()}`, partitions: 3, key: 'test key', retentionMs: 3_600_000 };

describe('EventPublisher (real Kafka)', () => {
  let publisher: EventPublisher;
  const codec = new EventCodec(endpoints.schemaRegistryUrl);

  beforeAll(async () => {
    expect(await provisionTopics(kafka, [topic])).toEqual({ created: [topic.name], existing: [], drift: [] });
    publisher = new EventPublisher(kafka, codec);
    await publisher.connect();
  });

  afterAll(async () => {
    await publisher?.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic.name] });
    await admin.disconnect();
  });

  it('provisioning twice changes nothing; a retention that differs is reported, kept, and aligned only when asked', async () => {
    expect(await provisionTopics(kafka, [topic])).toEqual({ created: [], existing: [topic.name], drift: [] });
    const longer = { ...topic, retentionMs: 2 * topic.retentionMs };
    const drift = [
      { topic: topic.name, setting: 'retention.ms', catalogue: String(longer.retentionMs), actual: String(topic.retentionMs) },
    ];
    expect(await provisionTopics(kafka, [longer])).toEqual({ created: [], existing: [topic.name], drift });
    // Reported again: nothing changed it behind the operator's back.
    expect(await verifyTopics(kafka, [longer])).toEqual({ created: [], existing: [topic.name], drift });
    expect(await alignTopicSettings(kafka, [longer], drift)).toEqual([topic.name]);
    expect(await provisionTopics(kafka, [longer])).toEqual({ created: [], existing: [topic.name], drift: [] });
    expect((await provisionTopics(kafka, [topic])).drift).toEqual([
      { topic: topic.name, setting: 'retention.ms', catalogue: String(topic.retentionMs), actual: String(longer.retentionMs) },
    ]);
  });

  it('reports a different partition count as drift, and a missing topic as a dependency to provision', async () => {
    expect((await verifyTopics(kafka, [{ ...topic, partitions: 6 }])).drift).toContainEqual({
      topic: topic.name,
      setting: 'partitions',
      catalogue: '6',
      actual: '3',
    });
    const missing = `test.publisher.missing.${randomUUID()}`;
    const failure = await verifyTopics(kafka, [topic, { ...topic, name: missing }]).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'kafka.topics_missing', category: 'dependency', details: { topics: [missing] } });
    expect((failure as Error).message).toContain('npm run provision');
  });

  it("batches concurrent publishes and reports each record's exact partition and offset", async () => {
    const keys = Array.from({ length: 60 }, (_, index) => `order-${index}`);
    const reports = await Promise.all(keys.map((key) => publisher.publishRaw(topic, { key, value: `value of ${key}` })));
    const records = await readTopic(endpoints.kafkaBrokers, topic.name, keys.length);
    const byPosition = new Map(records.map((record) => [`${record.partition}/${record.offset}`, record]));
    reports.forEach((report, index) => {
      const record = byPosition.get(`${report.partition}/${report.offset}`);
      expect(record?.key).toBe(keys[index]);
      expect(record?.value.toString()).toBe(`value of ${keys[index]}`);
    });
    expect(new Set(reports.map((report) => report.partition)).size).toBeGreaterThan(1);
    const sameKey = await Promise.all([
      publisher.publishRaw(topic, { key: 'order-1', value: 'again' }),
      publisher.publishRaw(topic, { key: 'order-1', value: 'and again' }),
    ]);
    expect(sameKey[1].partition).toBe(sameKey[0].partition);
    expect(BigInt(sameKey[1].offset)).toBe(BigInt(sameKey[0].offset) + 1n);
  });

  it('publishes a group in one request, in order, even while other publishes are queued', async () => {
    const others = Array.from({ length: 30 }, (_, index) => publisher.publishRaw(topic, { key: 'group-key', value: `other ${index}` }));
    const group = await publisher.publishAll(
      Array.from({ length: 5 }, (_, index) => ({ topic, record: { key: 'group-key', value: `grouped ${index}` } })),
    );
    await Promise.all(others);
    const offsets = group.map((record) => BigInt(record.offset));
    expect(new Set(group.map((record) => record.partition)).size).toBe(1);
    expect(offsets).toEqual(offsets.map((_, index) => offsets[0] + BigInt(index)));
  });

  it("takes records up to the platform's record size limit, and bursts to one partition far beyond the broker's default request limit", async () => {
    const large = await publisher.publishRaw(topic, { key: 'large', value: Buffer.alloc(maxRecordBytes - 64 * 1024, 7) });
    expect(BigInt(large.offset)).toBeGreaterThanOrEqual(0n);
    const webhookSized = Buffer.alloc(30_000, 1);
    const burst = await Promise.all(
      Array.from({ length: 400 }, () => publisher.publishRaw(topic, { key: 'one partition', value: webhookSized })),
    );
    expect(new Set(burst.map((record) => record.partition)).size).toBe(1);
    expect(new Set(burst.map((record) => record.offset)).size).toBe(400);
  }, 60_000);

  it('fails a batch it cannot deliver within its bounded retries, and publishes the next one', async () => {
    const missing: TopicDefinition = { ...topic, name: `test.publisher.missing.${randomUUID()}` };
    await expect(publisher.publishRaw(missing, { key: 'k', value: 'lost' })).rejects.toMatchObject({
      code: 'kafka.publish_failed',
      category: 'dependency',
    });
    const after = await publisher.publishRaw(topic, { key: 'after-failure', value: 'delivered' });
    expect(BigInt(after.offset)).toBeGreaterThanOrEqual(0n);
  }, 60_000);

  it('encodes events in the Confluent wire format with the registered schema id', async () => {
    const ids = await codec.register([events.shopifyOrderCreated]);
    const value = sampleOrderCreated({ id: '18446744073709551615' });
    const bytes = await codec.encode(events.shopifyOrderCreated, value);
    expect(bytes.readUInt8(0)).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(ids.get('shopify.order.created'));
    expect((await codec.decode<ShopifyOrderCreated>(bytes)).value).toEqual(value);
  });

  it('refuses bytes that are not a registered record as poison', async () => {
    await expect(codec.decode(Buffer.from('{"not":"avro"}'))).rejects.toMatchObject({
      category: 'poison',
      code: 'contracts.not_wire_format',
    });
    await expect(codec.decode(Buffer.from([0, 0x7f, 0xff, 0xff, 0xff, 1]))).rejects.toMatchObject({ category: 'poison' });
  });

  it('refuses a value that does not match its schema as invalid', async () => {
    await codec.register([events.shopifyOrderCreated]);
    await expect(
      codec.encode(events.shopifyOrderCreated, { metadata: {}, order: {} } as unknown as ShopifyOrderCreated),
    ).rejects.toMatchObject({
      category: 'invalid',
      code: 'contracts.encode_failed',
    });
  });
});
