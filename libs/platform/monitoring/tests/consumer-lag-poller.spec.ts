import { randomUUID } from 'node:crypto';
import { Consumer } from 'kafkajs';
import { Registry } from 'prom-client';
import { createKafka, plainKafkaConnection } from '@consign/kafka';
import { ConsumerLagPoller, LagMetrics, LagSnapshot, PartitionLag, startLagExporter } from '@consign/monitoring';
import { freePort, metricTotal, testEndpoints, waitFor } from '@consign/test-support';

/**
 * The lag exporter against the real broker: records with the timestamps set here, real consumer
 * groups that commit part of them, and a poll that reads it all back from Kafka alone.
 */
const run = randomUUID().slice(0, 8);
const kafka = createKafka({ clientId: 'lag-exporter-test', connection: plainKafkaConnection(testEndpoints().kafkaBrokers) });
const admin = kafka.admin();
const topic = `lag-test-${run}`;
const unwatchedTopic = `lag-test-unwatched-${run}`;
/** Commits part of the records, then its consumer goes away: found by its commits alone. */
const downGroup = `lag-down-${run}`;
/** Subscribed and running, never commits: found by its member's subscription. */
const uncommittedGroup = `lag-uncommitted-${run}`;
/** Configured, never consumed: only its dead-letter topic is there. */
const idleGroup = `lag-idle-${run}`;
const idleDeadLetters = `deadletter.${idleGroup}.v1`;
/** Reads a topic nobody watches: never reported. */
const unwatchedGroup = `lag-unwatched-${run}`;

const second = 1000;
const producedAt = Date.now();
/** Record timestamps by partition: an hour of history on 0, two minutes on 1, thirty seconds on 2. */
const timestamps = [
  Array.from({ length: 10 }, (_, index) => producedAt - 3600 * second + index * 60 * second),
  Array.from({ length: 5 }, (_, index) => producedAt - 120 * second + index * 10 * second),
  Array.from({ length: 3 }, (_, index) => producedAt - 30 * second + index * second),
];
/** Retention (deleteRecords) has removed partition 0's first two records. */
const earliestOnPartition0 = 2;
/** What the down group committed: partway on 0, everything on 1, nothing on 2. */
const downGroupCommits = new Map([
  [0, 4],
  [1, 5],
]);
const consumers: Consumer[] = [];
const pollerOptions = { groups: [idleGroup], topics: [topic], recheckMs: 60_000 };

async function produce(target: string, partition: number, recordTimestamps: number[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic: target,
      messages: recordTimestamps.map((timestamp, index) => ({ partition, value: `record ${index}`, timestamp: String(timestamp) })),
    });
  } finally {
    await producer.disconnect();
  }
}

/** A real member of `groupId` reading `from` from the beginning; commits each record below `commitBelow`'s offset on its partition, and nothing else. */
async function consume(groupId: string, from: string, commitBelow = new Map<number, number>()): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topics: [from], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      const next = Number(message.offset) + 1;
      if (next <= (commitBelow.get(partition) ?? 0)) await consumer.commitOffsets([{ topic: from, partition, offset: String(next) }]);
    },
  });
  return consumer;
}

/** Deletes a partition's records below `offset`, as retention or a dead-letter purge does. */
async function deleteBelow(from: string, partition: number, offset: number): Promise<void> {
  // Loads the topic's leaders into the admin's metadata, which deleteTopicRecords relies on.
  await admin.fetchTopicMetadata({ topics: [from] });
  await admin.deleteTopicRecords({ topic: from, partitions: [{ partition, offset: String(offset) }] });
}

async function committed(groupId: string, on: string): Promise<Map<number, number>> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [on] });
  return new Map((entry?.partitions ?? []).map(({ partition, offset }) => [partition, Number(offset)]));
}

function lagOf(snapshot: LagSnapshot, group: string, partition: number): PartitionLag | undefined {
  return snapshot.partitions.find((entry) => entry.group === group && entry.topic === topic && entry.partition === partition);
}

/** The age the poll should report for the record stamped `timestamp`: at or above the true age, by at most the search's resolution. */
function expectAgeOf(reported: number | undefined, timestamp: number, polledAtMs: number): void {
  const trueAge = (polledAtMs - timestamp) / 1000;
  expect(reported).toBeGreaterThanOrEqual(trueAge);
  expect((reported ?? 0) - trueAge).toBeLessThanOrEqual(Math.max(1, trueAge / 32));
}

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic, numPartitions: 3 },
      { topic: unwatchedTopic, numPartitions: 1 },
      { topic: idleDeadLetters, numPartitions: 3 },
    ],
  });
  for (const [partition, recordTimestamps] of timestamps.entries()) await produce(topic, partition, recordTimestamps);
  await deleteBelow(topic, 0, earliestOnPartition0);
  await produce(unwatchedTopic, 0, [producedAt]);
  await produce(idleDeadLetters, 1, [producedAt, producedAt, producedAt, producedAt]);
  await deleteBelow(idleDeadLetters, 1, 1);

  const down = await consume(downGroup, topic, downGroupCommits);
  await waitFor('the down group to commit partway', async () => {
    const offsets = await committed(downGroup, topic);
    return offsets.get(0) === 4 && offsets.get(1) === 5 ? true : undefined;
  });
  await down.disconnect();
  await consume(uncommittedGroup, topic);
  await consume(unwatchedGroup, unwatchedTopic, new Map([[0, 1]]));
  await waitFor('the running groups to be stable', async () => {
    const { groups } = await admin.describeGroups([uncommittedGroup, unwatchedGroup]);
    return groups.every((group) => group.state === 'Stable') ? true : undefined;
  });
}, 90_000);

afterAll(async () => {
  for (const consumer of consumers) await consumer.disconnect().catch(() => undefined);
  await admin.deleteGroups([downGroup, uncommittedGroup, unwatchedGroup]).catch(() => undefined);
  await admin.deleteTopics({ topics: [topic, unwatchedTopic, idleDeadLetters] }).catch(() => undefined);
  await admin.disconnect();
});

describe('ConsumerLagPoller', () => {
  const poller = new ConsumerLagPoller(pollerOptions);
  let snapshot: LagSnapshot;
  let requests: Map<string, number>;

  /** One poll, with the requests it sent by API name. */
  async function countedPoll(): Promise<{ snapshot: LagSnapshot; requests: Map<string, number> }> {
    const sent = new Map<string, number>();
    const removeListener = admin.on(admin.events.REQUEST, ({ payload }) => sent.set(payload.apiName, (sent.get(payload.apiName) ?? 0) + 1));
    try {
      return { snapshot: await poller.poll(admin), requests: sent };
    } finally {
      removeListener();
    }
  }

  beforeAll(async () => {
    ({ snapshot, requests } = await countedPoll());
  });

  it('reports a group whose consumer is down, from its commits: end minus committed, and the age of the record at the commit', () => {
    expect(lagOf(snapshot, downGroup, 0)?.records).toBe(10 - 4);
    expectAgeOf(lagOf(snapshot, downGroup, 0)?.seconds, timestamps[0][4], snapshot.polledAtMs);
  });

  it('reports 0 records and 0 seconds where a group is caught up', () => {
    expect(lagOf(snapshot, downGroup, 1)).toMatchObject({ records: 0, seconds: 0 });
  });

  it('counts a partition the group never committed on from its earliest offset', () => {
    expect(lagOf(snapshot, downGroup, 2)?.records).toBe(3);
    expectAgeOf(lagOf(snapshot, downGroup, 2)?.seconds, timestamps[2][0], snapshot.polledAtMs);
  });

  it('reports a running group without any commit from the earliest retained offsets', () => {
    expect(lagOf(snapshot, uncommittedGroup, 0)?.records).toBe(10 - earliestOnPartition0);
    expectAgeOf(lagOf(snapshot, uncommittedGroup, 0)?.seconds, timestamps[0][earliestOnPartition0], snapshot.polledAtMs);
    expect(lagOf(snapshot, uncommittedGroup, 1)?.records).toBe(5);
    expectAgeOf(lagOf(snapshot, uncommittedGroup, 1)?.seconds, timestamps[1][0], snapshot.polledAtMs);
    expect(lagOf(snapshot, uncommittedGroup, 2)?.records).toBe(3);
  });

  it('leaves out groups that read only unwatched topics, and the configured group that reads nothing', () => {
    expect(new Set(snapshot.partitions.map((entry) => entry.group))).toEqual(new Set([downGroup, uncommittedGroup]));
  });

  it('reports the records held in a dead-letter topic', () => {
    expect(snapshot.deadLetters).toEqual([{ group: idleGroup, records: 3 }]);
  });

  it('asks the time index once per topic and timestamp, not once per partition and group', () => {
    // Six partitions lag, each needing up to 13 doublings and 5 halvings; shared questions keep it far below 6 × 18.
    const listOffsets = requests.get('ListOffsets') ?? 0;
    expect(listOffsets).toBeGreaterThan(0);
    expect(listOffsets).toBeLessThan(2 * 40);
  });

  it('searches no age again while the groups stay where they were', async () => {
    const next = await countedPoll();
    // Only the end and earliest offsets of the watched topic and the dead-letter topic.
    expect(next.requests.get('ListOffsets')).toBe(2 * 2);
    expectAgeOf(lagOf(next.snapshot, downGroup, 0)?.seconds, timestamps[0][4], next.snapshot.polledAtMs);
    expect(lagOf(next.snapshot, downGroup, 0)?.seconds).toBeGreaterThan(lagOf(snapshot, downGroup, 0)?.seconds ?? Infinity);
  });

  it('joins no group and commits nothing', async () => {
    expect(requests.get('JoinGroup')).toBeUndefined();
    expect(requests.get('OffsetCommit')).toBeUndefined();
    expect(await committed(uncommittedGroup, topic)).toEqual(
      new Map([
        [0, -1],
        [1, -1],
        [2, -1],
      ]),
    );
  });
});

describe('startLagExporter', () => {
  const logger = { info: jest.fn(), warn: jest.fn() };
  beforeEach(() => jest.clearAllMocks());

  it('exports the catalogue metrics, also for a group whose consumer is down', async () => {
    const registry = new Registry();
    const exporter = startLagExporter({ kafka, registry, logger, intervalMs: 1000, groups: [idleGroup], topics: [topic] });
    try {
      await waitFor('a lag poll', async () => ((await metricTotal(registry, 'consign_kafka_up')) === 1 ? true : undefined));
      expect(await metricTotal(registry, 'consign_consumer_group_lag_records', { group: downGroup, topic, partition: '0' })).toBe(6);
      expect(await metricTotal(registry, 'consign_consumer_group_lag_records', { group: uncommittedGroup, topic })).toBe(8 + 5 + 3);
      expect(await metricTotal(registry, 'consign_consumer_group_lag_seconds', { group: downGroup, topic, partition: '1' })).toBe(0);
      expect(
        await metricTotal(registry, 'consign_consumer_group_lag_seconds', { group: downGroup, topic, partition: '2' }),
      ).toBeGreaterThanOrEqual(30);
      expect(await metricTotal(registry, 'consign_dead_letter_records', { group: idleGroup })).toBe(3);
      expect(Math.abs((await metricTotal(registry, 'consign_lag_poll_timestamp_seconds')) - Date.now() / 1000)).toBeLessThan(30);
      expect(logger.info).toHaveBeenCalledWith(expect.objectContaining({ groups: 2 }), 'reading consumer lag from Kafka');
    } finally {
      await exporter.stop();
    }
  });

  it('reports consign_kafka_up 0 without crashing when Kafka does not answer, and logs it once', async () => {
    const registry = new Registry();
    const nowhere = createKafka({
      clientId: 'lag-exporter-test-nowhere',
      connection: plainKafkaConnection([`127.0.0.1:${await freePort()}`]),
    });
    const exporter = startLagExporter({ kafka: nowhere, registry, logger, intervalMs: 1000, groups: [idleGroup], topics: [topic] });
    try {
      await waitFor('a failed poll', async () => (logger.warn.mock.calls.length > 0 ? true : undefined), 30_000);
      // Long enough for another failed poll (kafkajs gives up connecting after about six seconds).
      await new Promise((resolve) => setTimeout(resolve, 9000));
      expect(await metricTotal(registry, 'consign_kafka_up')).toBe(0);
      expect(await metricTotal(registry, 'consign_lag_poll_timestamp_seconds')).toBe(0);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.info).not.toHaveBeenCalled();
    } finally {
      await exporter.stop();
    }
  }, 60_000);
});

describe('LagMetrics', () => {
  it('drops the lag series of the last successful poll when a poll fails, rather than show them as current', async () => {
    const registry = new Registry();
    const metrics = new LagMetrics(registry);
    metrics.show(await new ConsumerLagPoller(pollerOptions).poll(admin));
    expect(await metricTotal(registry, 'consign_consumer_group_lag_records')).toBeGreaterThan(0);
    metrics.pollFailed();
    const series = async (name: string) => (await registry.getSingleMetric(name)?.get())?.values.length;
    expect(await series('consign_consumer_group_lag_records')).toBe(0);
    expect(await series('consign_consumer_group_lag_seconds')).toBe(0);
    expect(await series('consign_dead_letter_records')).toBe(0);
    expect(await metricTotal(registry, 'consign_kafka_up')).toBe(0);
    expect(await metricTotal(registry, 'consign_lag_poll_timestamp_seconds')).toBeGreaterThan(0);
  });
});
