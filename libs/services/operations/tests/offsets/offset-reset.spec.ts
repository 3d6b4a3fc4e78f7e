import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Admin, Consumer, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { TemporaryDatabase, testEndpoints, waitFor } from '@consign/test-support';
import {
  listOperatorActions,
  AdminClient,
  operationsSettings,
  committedOffsets,
  committedOffsetsReaching,
  groupActivity,
  offsetResetPlan,
  resetOffsets,
} from '@consign/operations';
import {
  createTopics,
  operationsTestDatabase,
  produce,
  randomName,
  recentRecordTime,
  startStandIn,
  testKafka,
} from '../support/test-fixtures';
import { commitGroupOffsets } from '../../src/kafka/group-offsets';

const kafkaTool = join(__dirname, '../../../../../infra/local/bin/kafka-tool');
const base = recentRecordTime();

describe('offset resets (real Kafka)', () => {
  let kafka: Kafka;
  let admin: Admin;
  let database: TemporaryDatabase;
  let dataSource: DataSource;
  const topic = randomName('ops-offsets');
  const groups: string[] = [];
  const http = new AdminClient(operationsSettings({ NODE_ENV: 'development' }).serviceUrls, 'dev-admin-key');

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    ({ database, dataSource } = await operationsTestDatabase());
    await createTopics(admin, [topic]);
    await produce(
      kafka,
      topic,
      [0, 1, 2, 3, 4].map((i) => ({ partition: 0, value: `p0-${i}`, timestamp: base + i * 1000 })),
    );
    await produce(
      kafka,
      topic,
      [0, 1, 2].map((i) => ({ partition: 1, value: `p1-${i}`, timestamp: base + i * 1000 })),
    );
    // Partition 0's log starts at 2, so "earliest" is not simply 0.
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '2' }] });
  });

  afterAll(async () => {
    await admin?.deleteGroups(groups).catch(() => undefined);
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
    await dataSource?.destroy();
    await database?.drop();
  });

  async function groupAt(offsets: { p0: string; p1: string }): Promise<string> {
    const group = randomName('ops-test-group');
    groups.push(group);
    const partitions = [
      { partition: 0, offset: offsets.p0 },
      { partition: 1, offset: offsets.p1 },
    ];
    await commitGroupOffsets(kafka, group, topic, partitions);
    await committedOffsetsReaching(admin, group, topic, partitions);
    return group;
  }

  async function committed(group: string): Promise<Record<number, string | null>> {
    return Object.fromEntries(await committedOffsets(admin, group, topic));
  }

  const tool = existsSync(kafkaTool) ? it : it.skip;

  tool.each([
    ['--to-earliest', [], { kind: 'earliest' as const }, { 0: '2', 1: '0', 2: '0' }],
    ['--to-latest', [], { kind: 'latest' as const }, { 0: '5', 1: '3', 2: '0' }],
    ['--to-offset', ['4'], { kind: 'offset' as const, offset: '4' }, { 0: '4', 1: '3', 2: '0' }],
    [
      '--to-datetime',
      [new Date(base + 3000).toISOString()],
      { kind: 'datetime' as const, at: new Date(base + 3000) },
      { 0: '3', 1: '3', 2: '0' },
    ],
  ])(
    '%s gives what kafka-consumer-groups --reset-offsets gives',
    async (option, args, target, expected) => {
      const ours = await groupAt({ p0: '5', p1: '3' });
      const theirs = await groupAt({ p0: '5', p1: '3' });
      const outcome = await resetOffsets({ kafka, admin, database: dataSource, http, actor: 'alice' }, { group: ours, topic, target });
      await promisify(execFile)(
        kafkaTool,
        [
          'consumer-groups',
          '--bootstrap-server',
          testEndpoints().kafkaBrokers[0],
          '--group',
          theirs,
          '--topic',
          topic,
          '--reset-offsets',
          option,
          ...args,
          '--execute',
        ],
        { timeout: 60_000 },
      );
      expect(await committed(ours)).toEqual(expected);
      expect(await committed(theirs)).toEqual(await committed(ours));
      expect(outcome.committedAfter).toEqual(
        Object.fromEntries(Object.entries(expected).map(([partition, offset]) => [partition, offset])),
      );
    },
    90_000,
  );

  // Each run of Kafka's tool starts a JVM (10 s or more here): it checks the clamped case, the
  // others hold the values it gave for them.
  tool.each([
    [0, '-2', { 0: '3', 1: '3', 2: null }, false],
    [0, '-10', { 0: '2', 1: '3', 2: null }, true],
    [1, '10', { 0: '5', 1: '3', 2: null }, false],
  ])(
    '--shift-by on partition %i by %s gives what kafka-consumer-groups gives, clamped into the log',
    async (partition, by, expected, againstTheTool) => {
      const ours = await groupAt({ p0: '5', p1: '3' });
      const outcome = await resetOffsets(
        { kafka, admin, database: dataSource, http, actor: 'alice' },
        { group: ours, topic, target: { kind: 'shift', by, partition } },
      );
      expect(await committed(ours)).toEqual(expected);
      expect(outcome.plan.partitions[0].clamped !== undefined).toBe(by !== '-2');
      if (!againstTheTool) return;
      const theirs = await groupAt({ p0: '5', p1: '3' });
      await promisify(execFile)(
        kafkaTool,
        [
          'consumer-groups',
          '--bootstrap-server',
          testEndpoints().kafkaBrokers[0],
          '--group',
          theirs,
          '--topic',
          `${topic}:${partition}`,
          '--reset-offsets',
          '--shift-by',
          by,
          '--execute',
        ],
        { timeout: 60_000 },
      );
      expect(await committed(theirs)).toEqual(await committed(ours));
    },
    90_000,
  );

  it('refuses to shift where the group committed nothing, and audits the failure', async () => {
    const group = await groupAt({ p0: '5', p1: '3' });
    await expect(
      resetOffsets({ kafka, admin, database: dataSource, http, actor: 'gina' }, { group, topic, target: { kind: 'shift', by: '-1' } }),
    ).rejects.toMatchObject({ code: 'operations.no_committed_offset' });
    expect(await committed(group)).toEqual({ 0: '5', 1: '3', 2: null });
    expect((await listOperatorActions(dataSource, { actor: 'gina' }))[0]).toMatchObject({
      outcome: 'failed',
      parameters: { target: { kind: 'shift', by: '-1' } },
    });
  });

  it('shows the plan in a dry run without changing anything, and audits it', async () => {
    const group = await groupAt({ p0: '5', p1: '3' });
    const outcome = await resetOffsets(
      { kafka, admin, database: dataSource, http, actor: 'bob' },
      { group, topic, target: { kind: 'earliest' }, dryRun: true },
    );
    expect(outcome.applied).toBe(false);
    expect(outcome.plan.totalToReprocess).toBe(3 + 3);
    expect(outcome.plan.partitions.map((entry) => [entry.partition, entry.committed, entry.target, entry.toReprocess])).toEqual([
      [0, '5', '2', 3],
      [1, '3', '0', 3],
      [2, null, '0', 0],
    ]);
    expect(await committed(group)).toEqual({ 0: '5', 1: '3', 2: null });
    const [row] = await listOperatorActions(dataSource, { actor: 'bob' });
    expect(row).toMatchObject({ action: 'offsets.reset', outcome: 'dry_run', parameters: { group, topic, target: { kind: 'earliest' } } });
  });

  it('resets only the named partition for --to-offset --partition', async () => {
    const group = await groupAt({ p0: '5', p1: '3' });
    await resetOffsets(
      { kafka, admin, database: dataSource, http, actor: 'alice' },
      { group, topic, target: { kind: 'offset', offset: '1', partition: 1 } },
    );
    expect(await committed(group)).toEqual({ 0: '5', 1: '1', 2: null });
  });

  describe('with an active member', () => {
    let consumer: Consumer;
    let group: string;

    beforeEach(async () => {
      group = await groupAt({ p0: '5', p1: '3' });
      // A short fetch wait: leaving waits for the fetch in flight.
      consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic });
      await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
      // Every test here is about an active member: fail loudly if it never joined, not later with a misleading refusal.
      await waitFor(
        'the consumer to join the group',
        async () => ((await groupActivity(admin, group)).members.length > 0 ? true : undefined),
        25_000,
      );
    });

    afterEach(async () => {
      await consumer.disconnect();
    });

    it('refuses, records the refusal and changes nothing', async () => {
      await expect(
        resetOffsets({ kafka, admin, database: dataSource, http, actor: 'carol' }, { group, topic, target: { kind: 'earliest' } }),
      ).rejects.toThrow(/refused: group .* has 1 active member/);
      expect(await committed(group)).toEqual({ 0: '5', 1: '3', 2: null });
      const [row] = await listOperatorActions(dataSource, { actor: 'carol' });
      expect(row).toMatchObject({ action: 'offsets.reset', outcome: 'refused' });
      expect(row.error).toMatch(/--wait/);
    });

    it('with --wait, applies once the members have left', async () => {
      setTimeout(() => void consumer.disconnect(), 1000);
      await resetOffsets(
        { kafka, admin, database: dataSource, http, actor: 'dave' },
        { group, topic, target: { kind: 'earliest' }, waitSeconds: 20 },
      );
      expect(await committed(group)).toEqual({ 0: '2', 1: '0', 2: '0' });
      expect((await listOperatorActions(dataSource, { actor: 'dave' }))[0].outcome).toBe('succeeded');
    });

    it('with --wait, refuses when they stay', async () => {
      await expect(
        resetOffsets(
          { kafka, admin, database: dataSource, http, actor: 'erin' },
          { group, topic, target: { kind: 'earliest' }, waitSeconds: 1 },
        ),
      ).rejects.toThrow(/still after 1s/);
      expect((await listOperatorActions(dataSource, { actor: 'erin' }))[0].outcome).toBe('refused');
    });

    it('with --stop-members, stops the service, resets, and starts it again', async () => {
      const service = await startStandIn({
        'POST /admin/consumer/stop': async () => (await consumer.disconnect(), { body: { consuming: false } }),
        'POST /admin/consumer/start': () => ({ body: { consuming: true } }),
      });
      try {
        const client = new AdminClient(
          { ...operationsSettings({ NODE_ENV: 'development' }).serviceUrls, 'earnings-service': service.url },
          'dev-admin-key',
        );
        const outcome = await resetOffsets(
          { kafka, admin, database: dataSource, http: client, actor: 'frank' },
          { group, topic, target: { kind: 'offset', offset: '3' }, stopMembersOf: 'earnings-service' },
        );
        expect(outcome.stoppedService).toBe('earnings-service');
        expect(service.requests.map((request) => request.path)).toEqual(['/admin/consumer/stop', '/admin/consumer/start']);
        expect(service.requests[0].headers.authorization).toBe('Bearer dev-admin-key');
        expect(await committed(group)).toEqual({ 0: '3', 1: '3', 2: '0' });
      } finally {
        await service.close();
      }
    });
  });

  it('plans from what is committed now', async () => {
    const group = await groupAt({ p0: '4', p1: '1' });
    const plan = await offsetResetPlan(admin, { group, topic, target: { kind: 'earliest' } });
    expect(plan.totalToReprocess).toBe(2 + 1);
  });
});
