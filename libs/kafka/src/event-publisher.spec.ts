import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { events, ShopifyOrderCreated, TopicDefinition } from '@consign/contracts';
import { readTopic, sampleOrderCreated, testEndpoints } from '@consign/test-support';
import { createKafka, EventCodec, EventPublisher, provisionTopics } from './index';

/** Against the real broker and registry: what the publisher reports is where the record really is. */
const endpoints = testEndpoints();
const kafka: Kafka = createKafka({ clientId: 'kafka-lib-test', brokers: endpoints.kafkaBrokers, log: () => undefined });
const topic: TopicDefinition = { name: `test.publisher.${randomUUID()}`, partitions: 3, key: 'test key', retentionMs: 3_600_000 };

describe('EventPublisher (real Kafka)', () => {
  let publisher: EventPublisher;
  const codec = new EventCodec(endpoints.schemaRegistryUrl);

  beforeAll(async () => {
    expect(await provisionTopics(kafka, [topic])).toEqual({ created: [topic.name], existing: [] });
    publisher = new EventPublisher(kafka, codec, { lingerMs: 5 });
    await publisher.connect();
  });

  afterAll(async () => {
    await publisher?.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic.name] });
    await admin.disconnect();
  });

  it('provisioning twice changes nothing', async () => {
    expect(await provisionTopics(kafka, [topic])).toEqual({ created: [], existing: [topic.name] });
  });

  it('batches concurrent publishes and reports each record\'s exact partition and offset', async () => {
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
    const sameKey = await Promise.all([publisher.publishRaw(topic, { key: 'order-1', value: 'again' }), publisher.publishRaw(topic, { key: 'order-1', value: 'and again' })]);
    expect(sameKey[1].partition).toBe(sameKey[0].partition);
    expect(BigInt(sameKey[1].offset)).toBe(BigInt(sameKey[0].offset) + 1n);
  });

  it('encodes events in the Confluent wire format with the registered schema id', async () => {
    const ids = await codec.register([events.shopifyOrderCreated]);
    const value = sampleOrderCreated({ id: '18446744073709551615' });
    const bytes = await codec.encode(events.shopifyOrderCreated, value);
    expect(bytes.readUInt8(0)).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(ids.get('shopify.order.created'));
    expect((await codec.decode<ShopifyOrderCreated>(bytes)).value).toEqual(value);
  });

  it('refuses bytes that are not a registered record as poison', async () => {
    await expect(codec.decode(Buffer.from('{"not":"avro"}'))).rejects.toMatchObject({ category: 'poison', code: 'contracts.not_wire_format' });
    await expect(codec.decode(Buffer.from([0, 0x7f, 0xff, 0xff, 0xff, 1]))).rejects.toMatchObject({ category: 'poison' });
  });

  it('refuses a value that does not match its schema as invalid', async () => {
    await codec.register([events.shopifyOrderCreated]);
    await expect(codec.encode(events.shopifyOrderCreated, { metadata: {}, order: {} } as unknown as ShopifyOrderCreated)).rejects.toMatchObject({
      category: 'invalid',
      code: 'contracts.encode_failed',
    });
  });
});
