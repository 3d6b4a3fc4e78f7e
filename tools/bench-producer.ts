import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { events, TopicDefinition } from '@consign/contracts';
import { list, loadConfig, platformDefaults, url, integer } from '@consign/config';
import { createKafka, EventCodec, EventPublisher, plainKafkaConnection, provisionTopics } from '@consign/kafka';
import { sampleOrderCreated } from '@consign/test-support';
import { quantiles } from './latency-quantiles';
import { assertPinnedRuntime } from './pinned-runtime';

/**
 * Producer throughput on this machine, against the real broker: the platform's batching publisher
 * versus one kafkajs `send` per event, same records, same concurrency, same guarantees
 * (idempotent, acks=all). `npm run bench:producer [-- --json]`.
 */
async function main(): Promise<void> {
  assertPinnedRuntime('bench:producer');
  const config = loadConfig({
    brokers: list('KAFKA_BROKERS', [...platformDefaults.kafkaBrokers]),
    registryUrl: url('SCHEMA_REGISTRY_URL', platformDefaults.schemaRegistryUrl),
    count: integer('BENCH_EVENTS', 20_000, { min: 100 }),
    concurrency: integer('BENCH_CONCURRENCY', 500, { min: 1 }),
  });
  const kafka = createKafka({ clientId: 'bench-producer', connection: plainKafkaConnection(config.brokers) });
  const codec = new EventCodec(config.registryUrl);
  await codec.register([events.shopifyOrderCreated]);
  const topic: TopicDefinition = { name: `bench.producer.${randomUUID()}`, partitions: 3, key: 'order id', retentionMs: 3_600_000 };
  await provisionTopics(kafka, [topic]);
  const records = await Promise.all(
    Array.from({ length: config.count }, async (_, index) => {
      const value = sampleOrderCreated({ id: String(10_000_000 + index) });
      return { key: value.order.id, value: await codec.encode(events.shopifyOrderCreated, value) };
    }),
  );
  const log = (line: string): void => {
    if (!process.argv.includes('--json')) console.log(line);
  };
  log(`${config.count} records of ${records[0].value.length} bytes, ${config.concurrency} in flight, topic ${topic.name} (3 partitions)`);

  const publisher = new EventPublisher(kafka, codec);
  await publisher.connect();
  const batched = await measure(
    'batched (EventPublisher)',
    records,
    config.concurrency,
    (record) => publisher.publishRaw(topic, record),
    log,
  );
  await publisher.disconnect();

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const single = await measure(
    'one send per event',
    records,
    config.concurrency,
    (record) => producer.send({ topic: topic.name, acks: -1, messages: [record] }),
    log,
  );
  await producer.disconnect();

  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic.name] });
  await admin.disconnect();

  const result = {
    records: config.count,
    concurrency: config.concurrency,
    batched,
    single,
    speedup: Number((batched.eventsPerSecond / single.eventsPerSecond).toFixed(1)),
  };
  if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
  else log(`batching is ${result.speedup}× the throughput of one send per event`);
}

async function measure<T>(
  name: string,
  records: T[],
  concurrency: number,
  send: (record: T) => Promise<unknown>,
  log: (line: string) => void,
): Promise<{ eventsPerSecond: number; p50Ms: number; p99Ms: number; seconds: number }> {
  const latencies: number[] = [];
  const startedAt = process.hrtime.bigint();
  let next = 0;
  let lastReport = Date.now();
  const worker = async (): Promise<void> => {
    while (next < records.length) {
      const record = records[next++];
      const sentAt = process.hrtime.bigint();
      await send(record);
      latencies.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
      if (Date.now() - lastReport > 2000) {
        lastReport = Date.now();
        log(`  ${name}: ${latencies.length}/${records.length}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  const at = quantiles(latencies, 1);
  const result = {
    eventsPerSecond: Math.round(records.length / seconds),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    seconds: Number(seconds.toFixed(2)),
  };
  log(
    `${name.padEnd(26)} ${String(result.eventsPerSecond).padStart(7)} events/s   p50 ${result.p50Ms} ms   p99 ${result.p99Ms} ms   (${result.seconds} s)`,
  );
  return result;
}

main().catch((error: unknown) => {
  console.error(`bench-producer failed: ${(error as Error).message}`);
  process.exit(1);
});
